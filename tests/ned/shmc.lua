-- The libshmc producer and consumer as two programs a ned script starts:
-- a zeroed dataspace from moe and two IRQs from the kernel factory, passed
-- as the named capabilities shm, prod and done (the 23.04 shmc interface).
local L4 = require("L4")
local ld = L4.default_loader
local shm = L4.Env.user_factory:create(L4.Proto.Dataspace, 64 * 1024)
local prod = L4.Env.factory:create(L4.Proto.Irq_sender)
local done = L4.Env.factory:create(L4.Proto.Irq_sender)
local caps = { shm = shm:m("rw"), prod = prod:m("rws"), done = done:m("rws") }
local p = ld:start({ caps = caps, log = { "prod", "y" } }, "rom/shmc_prod 150")
local c = ld:start({ caps = caps, log = { "cons", "c" } }, "rom/shmc_cons 150")
local pc, cc = p:wait(), c:wait()
print("producer " .. tostring(pc) .. ", consumer " .. tostring(cc))
return (pc == 0 and cc == 0) and 0 or 1
