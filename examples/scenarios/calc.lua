-- A client and a server over a channel (an IPC gate that ned creates):
-- the server gets it with the server right, the client may only call.
local L4 = require("L4")
local ld = L4.default_loader

local calc = ld:new_channel()
local server = ld:start({ caps = { calc = calc:svr() }, log = { "server", "g" } }, "rom/calc_server")
local client = ld:start({ caps = { calc = calc:m("rw") }, log = { "client", "c" } }, "rom/calc_client 19 23")
local code = client:wait()
print("the client ended with " .. tostring(code))
-- Servers run until stopped; this scenario ends when the client is done.
server:kill()
return code == 42 and 0 or 1
