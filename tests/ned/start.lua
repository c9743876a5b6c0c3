-- What ld:start / ld:startv hand to the loader, and the task objects they
-- return (run with tests/ned/loader_fake.c as the loader).
local L4 = require("L4")
local t = require("check")
local check = t.check
local ld = L4.default_loader

local gate = ld:new_channel()
print("gate " .. tostring(gate))
local srv = ld:start({ caps = { crypt = gate:svr() }, log = { "cryptsrv", "g" } },
                     "rom/crypt_server --key 42 --run")
check(srv:state() == "running", "the server runs: " .. tostring(srv:state()))
local cl = ld:start({ caps = { crypt = gate:m("rw"), other = L4.Env.log } }, "rom/crypt_client hello --exit=7",
                    { HOME = "/", LANG = "C" })
check(cl:state() == "zombie" and cl:exit_code() == 7, "the client ended with 7")
check(cl:wait() == 7, "wait() returns the exit code")
check(cl:wait() == nil and cl:state() == nil, "the task object is spent after wait()")
local v = ld:startv({ log = L4.Env.log, l4re_dbg = L4.Dbg.All }, "rom/hello", "a b", "--exit=3")
check(v:exit_code() == 3, "startv keeps an argument with a space")
check(v:kill() == 3, "kill() on an ended program gives its exit code")
check(srv:kill() == "killed" and srv:state() == nil, "kill() ends a running program")

local ok, err = pcall(ld.start, ld, {}, "prog")
check(not ok and err:match("^rom/start.lua:%d+: could not start prog: no such file in rom/"), "a program outside rom/ is refused: " .. tostring(err))
ok, err = pcall(ld.start, ld, { caps = { crypt = 42 } }, "rom/x")
check(not ok and err:match("^rom/start.lua:%d+: capability expected for 'crypt'"), "a non-capability in caps: " .. tostring(err))
ok, err = pcall(ld.start, ld, { caps = { much_too_long_name = gate } }, "rom/x")
check(not ok and err:match("too long"), "a capability name over 15 characters: " .. tostring(err))
ok, err = pcall(ld.start, ld, {}, nil)
check(not ok and err:match("^rom/start.lua:%d+: start: command line"), "start without a command line: " .. tostring(err))

-- a server started without keeping its task object keeps running
ld:start({}, "rom/daemon --run")
collectgarbage()
return t.done()
