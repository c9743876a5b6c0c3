-- Capability rights modifiers: :m() / :mode() / :rights() and :svr().
local L4 = require("L4")
local t = require("check")
local check = t.check

local gate = L4.default_loader:new_channel()
check(gate:m() == L4.Rights.r, "a new object is read-only: " .. gate:m())
check(gate:m("rw"):m() == L4.Rights.rw, "m(\"rw\") = rw (5)")
check(gate:m("rws"):rights() == L4.Rights.rws, "m(\"rws\") = rws (7)")
check(gate:m("w"):m() == L4.Rights.rw, "the read right always stays: m(\"w\") = 5")
check(gate:mode("RWSD"):m() == 15, "upper case, and d: mode(\"RWSD\") = 15")
check(gate:m(L4.Rights.s):m() == 6, "a number: m(L4.Rights.s) = rs (6)")
check(gate:svr():m() == 15 and tostring(gate:svr()):match("r=0xef$"),
      "svr(): all rights and the object rights: " .. tostring(gate:svr()))
check(tostring(gate:m("rwn")):match("r=0x15$"), "n: no reference counting (0x10): " .. tostring(gate:m("rwn")))
check(tostring(gate:m("rc")):match("r=0x24$"), "c: object right 1 (0x20): " .. tostring(gate:m("rc")))
check(gate:m() == 4, "modifiers make copies; the original stays read-only")
check(gate:m("rw") == gate:m("rw") and gate:m("rw") ~= gate:m("rws"), "copies compare by slot and rights")
check(gate:m("r") == gate, "the same rights give the same object back")
check(gate:m("rw"):slot() == gate:slot(), "a copy names the same slot")
local ok, err = pcall(gate.m, gate, "rx")
check(not ok and tostring(err):match("unknown right 'x'"), "an unknown right letter is an error: " .. tostring(err))
check(L4.Env.log:m() == L4.Rights.rws, "L4.Env capabilities carry rws")
return t.done()
