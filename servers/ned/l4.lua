-- The Lua half of ned's L4 module, run once by require("L4") with the C
-- half's table (lua_l4.c: Env, exec, capability objects) and raise(msg),
-- which reports an error at the script's line, not this file's.  Here: the
-- constant tables scripts use and the Loader that turns a start
-- description into L4.exec's flat form.
local L4, raise = ...
local Env = L4.Env

L4.Proto = {
  Ipc_gate = 0, Sigma0 = -6, Log = -13, Scheduler = -14, Factory = -15, Vm = -16,
  Dma_space = -17, Irq_sender = -18, Irq_muxer = -19, Semaphore = -20, Iommu = -22,
  Dataspace = 0x4000, Namespace = 0x4001, Goos = 0x4003,
  -- ned's historic value (the L4Re enum's reserved slot); memory itself is
  -- a factory create of Dataspace
  Mem_alloc = 0x4004,
  Rm = 0x4005, Event = 0x4006, Inhibitor = 0x4007,
}

-- capability rights, as :m() takes them in numeric form
L4.Rights = { w = 1, s = 2, r = 4, ro = 4, rw = 5, rws = 7, d = 8 }

L4.Ldr_flags = { eager_map = 1, all_segs_cow = 2, pinned_segs = 4 }
L4.Mem_alloc_flags = { Continuous = 1, Pinned = 2, Super_pages = 4 }
L4.Dbg = { Info = 1, Warn = 2, Boot = 4, Server = 0x10, Exceptions = 0x20,
           Cmd_line = 0x40, Loader = 0x80, Name_space = 0x400, All = 0xffffffff }

-- Both names are in use for the memory allocator (a factory of dataspaces).
Env.user_factory = Env.user_factory or Env.mem_alloc
Env.mem_alloc = Env.mem_alloc or Env.user_factory

local Loader = {}
Loader.__index = Loader
L4.Loader = Loader

local function check_loader(self)
  if getmetatable(self) ~= Loader then
    raise("Loader method called on something that is not a loader")
  end
end

-- A loader: which factories new programs and their objects come from.
-- Fields (all optional): factory (kernel objects), mem (memory, and by
-- default namespaces), ns_fab, scheduler.
function Loader.new(proto)
  local ld = proto or {}
  ld.factory = ld.factory or Env.factory
  ld.mem = ld.mem or Env.user_factory
  ld.ns_fab = ld.ns_fab or ld.mem
  ld.scheduler = ld.scheduler or Env.scheduler
  return setmetatable(ld, Loader)
end

-- The IPC gate between a client and a server: give the server gate:svr(),
-- clients gate (or gate:m("rw")).
function Loader:new_channel()
  check_loader(self)
  return self.factory:create(L4.Proto.Ipc_gate)
end

-- A namespace filled from a table {name = cap | table | function}; nested
-- plain tables become nested namespaces.  A non-table is returned as is.
function Loader:create_namespace(tmpl, fab)
  check_loader(self)
  if type(tmpl) ~= "table" then
    return tmpl
  end
  fab = fab or self.ns_fab
  if not fab then
    raise("create_namespace: no namespace factory (L4.Env.user_factory) in this system")
  end
  local ns = fab:create(L4.Proto.Namespace)
  for name, v in pairs(tmpl) do
    if type(v) == "function" then
      v = v(ns, name)
    end
    if type(v) == "table" and getmetatable(v) == nil then
      v = self:create_namespace(v, fab)
    end
    if v ~= nil then
      ns:register(name, v)
    end
  end
  return ns
end

-- "rom/prog a b" -> "rom/prog", "a", "b" (then the environment, if any).
function Loader.split_args(cmd, posix_env)
  local words = {}
  for w in string.gmatch(cmd, "%S+") do
    words[#words + 1] = w
  end
  local n = #words
  if posix_env ~= nil then
    n = n + 1
    words[n] = posix_env
  end
  return table.unpack(words, 1, n)
end

-- ld:startv(env, "rom/prog", "arg1", ..., [posix_env]).  env: caps =
-- {name = cap or plain table (a namespace)}, log = {tag, colour} or a log
-- capability, factory, mem, scheduler, ldr_flags, l4re_dbg.  Returns a
-- task object (:wait(), :exit_code(), :state(), :kill()).
function Loader:startv(env, prog, ...)
  check_loader(self)
  env = env or {}
  if type(prog) ~= "string" then
    raise("startv: program name (\"rom/...\") expected")
  end
  local caps = {}
  for name, v in pairs(env.caps or {}) do
    if type(v) == "table" and getmetatable(v) == nil then
      v = self:create_namespace(v)
    end
    caps[name] = v
  end
  if caps.rom == nil and Env.rom then
    caps.rom = Env.rom:m("r")
  end
  local desc = {
    caps = caps,
    factory = env.factory or self.factory,
    mem = env.mem or self.mem,
    scheduler = env.scheduler or self.scheduler,
    ldr_flags = env.ldr_flags,
    l4re_dbg = env.l4re_dbg or L4.Dbg.Warn,
  }
  local log = env.log
  if type(log) == "function" then
    log = log()
  end
  if type(log) == "table" then
    desc.log_tag, desc.log_colour = log[1], log[2]
  else
    desc.log = log
  end
  if desc.log_tag == nil and desc.log == nil then
    desc.log_tag = (prog:gsub(".*/", ""))
  end
  return L4.exec(desc, prog, ...)
end

-- ld:start(env, "rom/prog args", [posix_env])
function Loader:start(env, cmd, posix_env)
  check_loader(self)
  if type(cmd) ~= "string" then
    raise("start: command line (\"rom/prog args\") expected")
  end
  return self:startv(env, Loader.split_args(cmd, posix_env))
end

L4.default_loader = Loader.new()

return L4
