-- A namespace made by ned holds a server's channel; a program finds it by
-- name, and a name that is not there is reported as such.
local L4 = require("L4")
local ld = L4.default_loader
local calc = ld:new_channel()
local server = ld:start({ caps = { calc = calc:svr() }, log = { "server", "g" } }, "rom/calc_server")
local ns = ld:create_namespace({ adder = calc:m("rw") })
local found = ld:start({ caps = { ns = ns:m("r") }, log = { "query", "c" } }, "rom/ns_query adder"):wait()
local missing = ld:start({ caps = { ns = ns:m("r") }, log = { "query", "c" } }, "rom/ns_query nothing"):wait()
print("found " .. tostring(found) .. ", missing " .. tostring(missing))
server:kill()
return (found == 0 and missing == 1) and 0 or 1
