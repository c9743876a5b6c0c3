-- Two programs started one after the other: each has its own process id.
local L4 = require("L4")
local ld = L4.default_loader
local a = ld:start({ log = { "first", "" } }, "rom/pidprint"):wait()
local b = ld:start({ log = { "second", "" } }, "rom/pidprint"):wait()
return (a == 0 and b == 0) and 0 or 1
