-- The libshmc ring buffer's sender and receiver as two programs a ned
-- script starts: a zeroed dataspace from moe and two IRQs from the kernel
-- factory, passed as shm and as the ring buffer's signals rb_rx (data
-- committed) and rb_tx (room freed).
local L4 = require("L4")
local ld = L4.default_loader
local shm = L4.Env.user_factory:create(L4.Proto.Dataspace, 64 * 1024)
local rx = L4.Env.factory:create(L4.Proto.Irq_sender)
local tx = L4.Env.factory:create(L4.Proto.Irq_sender)
local caps = { shm = shm:m("rw"), rb_rx = rx:m("rws"), rb_tx = tx:m("rws") }
local s = ld:start({ caps = caps, log = { "rbsend", "y" } }, "rom/rb_send 2000")
local r = ld:start({ caps = caps, log = { "rbrecv", "c" } }, "rom/rb_recv 2000")
local sc, rc = s:wait(), r:wait()
print("sender " .. tostring(sc) .. ", receiver " .. tostring(rc))
return (sc == 0 and rc == 0) and 0 or 1
