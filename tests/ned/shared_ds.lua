-- A dataspace from moe shared by two programs: one writes it, the other,
-- started after the first ended, reads the same bytes through its own mapping.
local L4 = require("L4")
local ld = L4.default_loader
local shm = L4.Env.user_factory:create(L4.Proto.Dataspace, 3 * 4096 + 100)
local w = ld:start({ caps = { shm = shm:m("rw") }, log = { "writer", "y" } }, "rom/shm_peer write 5")
local wc = w:wait()
local r = ld:start({ caps = { shm = shm:m("r") }, log = { "reader", "b" } }, "rom/shm_peer read 5")
local rc = r:wait()
print("writer " .. tostring(wc) .. ", reader " .. tostring(rc))
return (wc == 0 and rc == 0) and 0 or 1
