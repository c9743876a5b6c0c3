-- Kernel objects through L4.Env.factory: each is a new, distinct kernel
-- object; a kind the kernel does not make fails with a catchable error.
local L4 = require("L4")
local t = require("check")
local check = t.check

check(L4.Env.factory ~= nil and L4.Env.log ~= nil and L4.Env.scheduler ~= nil,
      "L4.Env has factory, log, scheduler: " .. tostring(L4.Env.factory))

local gate = L4.Env.factory:create(L4.Proto.Ipc_gate)
local irq = L4.Env.factory:create(L4.Proto.Irq_sender)
local sem = L4.Env.factory:create(L4.Proto.Semaphore)
local fab = L4.Env.factory:create(L4.Proto.Factory, 65536)
local chan = L4.default_loader:new_channel()
print("gate " .. tostring(gate))
print("irq " .. tostring(irq))
print("semaphore " .. tostring(sem))
print("factory " .. tostring(fab))
print("channel " .. tostring(chan))
check(tostring(gate):match("^L4::Cap<Ipc_gate>%[0x%x+%] r=0x4$"), "an IPC gate: " .. tostring(gate))
check(tostring(irq):match("^L4::Cap<Irq_sender>"), "an IRQ: " .. tostring(irq))
check(tostring(chan):match("^L4::Cap<Ipc_gate>"), "new_channel() is an IPC gate: " .. tostring(chan))

local ids, distinct = {}, true
for _, c in ipairs({ gate, irq, sem, fab, chan }) do
  local id = c:global_id()
  if not id or ids[id] then distinct = false end
  ids[id or -1] = true
end
check(distinct, "five objects with five distinct kernel ids")
check(gate:slot() ~= irq:slot() and gate:is_valid(), "each in its own slot (" .. gate:slot() .. ", " .. irq:slot() .. ")")
check(gate:m("rw"):global_id() == gate:global_id(), "a rights copy names the same object")

-- a factory made by the script makes objects too
local g2 = fab:create(L4.Proto.Ipc_gate)
check(g2:global_id() and not ids[g2:global_id()], "the new factory creates a gate: " .. tostring(g2))

-- the kernel factory makes no dataspaces: an error the script can catch,
-- naming its line
local ok, err = pcall(function() return L4.Env.factory:create(L4.Proto.Dataspace, 8192) end)
print("dataspace from the kernel factory: " .. tostring(err))
check(not ok and err:match("^rom/objects.lua:%d+: create of Dataspace failed"), "kernel factory refuses Dataspace")
local ok2, err2 = pcall(function() return L4.Env.factory:create(L4.Proto.Ipc_gate, {}) end)
check(not ok2 and tostring(err2):match("number, string or nil expected"), "a table argument is refused: " .. tostring(err2))

-- a limited factory runs out
local small = L4.Env.factory:create(L4.Proto.Factory, 1)
local made, failed = 0, nil
for _ = 1, 4 do
  local okc, e = pcall(small.create, small, L4.Proto.Irq_sender)
  if okc then made = made + 1 else failed = e end
end
print("factory with limit 1: " .. made .. " made, then: " .. tostring(failed))
check(made >= 1 and made < 4 and failed and failed:match("%(%-12%)"),
      "a factory with a limit refuses more objects (-L4_ENOMEM)")

if L4.Env.user_factory then
  local ds = L4.Env.user_factory:create(L4.Proto.Dataspace, 8192)
  check(ds:global_id() ~= nil, "a dataspace from L4.Env.user_factory: " .. tostring(ds))
end
return t.done()
