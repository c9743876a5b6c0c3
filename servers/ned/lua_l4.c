/* The C half of ned's `L4` Lua module: capability objects (rights
 * modifiers, factory create), the capabilities of ned's environment
 * (L4.Env), and starting programs through loader.h (L4.exec, task
 * objects).  The Lua half (l4.lua, run when the module loads) builds the
 * constant tables and the Loader class on top of these. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lauxlib.h>
#include <l4/re/c/util/cap_alloc.h>
#include <l4/re/env.h>
#include <l4/sys/consts.h>
#include <l4/sys/debugger.h>
#include <l4/sys/err.h>
#include <l4/sys/factory.h>
#include <l4/sys/types.h>
#include <l4/sys/utcb.h>
#include "loader.h"
#include <l4/re/c/namespace.h>
#include "lua_l4.h"

#define CAP_META  "L4::Cap"
#define TASK_META "L4::Ned::Task"

/* A capability as the script sees it: a slot in ned's space and the
 * rights it is passed on with.  Several objects may name one slot with
 * different rights (:m() makes a new object), so none of them frees it. */
struct lua_cap
{
	l4_cap_idx_t cap;
	unsigned     rights;   /* low 4 bits: RWSD; 0xf0: L4_FPAGE_C_* */
	long         proto;    /* what kind of object, for printing */
	int          proto_known;
};

/* Slots ned hands out for new objects.  Under an L4Re environment they
 * come from its allocator (which the launcher in this task uses too); as
 * the root task from slot 0x200 up, clear of the initial capabilities.
 * A slot whose create failed is kept for the next one. */
#define NED_FIRST_SLOT 0x200UL
#define NED_LAST_SLOT  0xffffUL
static unsigned long next_slot = NED_FIRST_SLOT;
static l4_cap_idx_t spare_slot = L4_INVALID_CAP;

static l4_cap_idx_t slot_get(lua_State *L)
{
	if (spare_slot & L4_INVALID_CAP_BIT) {
		if (l4re_env())
			spare_slot = l4re_util_cap_alloc();
		else if (next_slot <= NED_LAST_SLOT)
			spare_slot = (l4_cap_idx_t)next_slot++ << L4_CAP_SHIFT;
	}
	if (spare_slot & L4_INVALID_CAP_BIT)
		luaL_error(L, "out of capability slots");
	return spare_slot;
}

/* Raise a Lua error placed at the script line that led here: the first
 * frame that is Lua code outside the L4 module itself, so an error in
 * ld:start or ld:new_channel names the script's line, not l4.lua's. */
static int script_error(lua_State *L, const char *fmt, ...)
{
	lua_Debug ar;
	int placed = 0;
	for (int level = 1; !placed && lua_getstack(L, level, &ar); level++) {
		if (!lua_getinfo(L, "Sl", &ar) || ar.currentline <= 0 || !strcmp(ar.source, "=L4"))
			continue;
		lua_pushfstring(L, "%s:%d: ", ar.short_src, ar.currentline);
		placed = 1;
	}
	if (!placed)
		lua_pushliteral(L, "");
	va_list ap;
	va_start(ap, fmt);
	lua_pushvfstring(L, fmt, ap);
	va_end(ap);
	lua_concat(L, 2);
	return lua_error(L);
}

/* For the Lua half: error(message) placed the same way. */
static int l4_raise(lua_State *L)
{
	return script_error(L, "%s", luaL_checkstring(L, 1));
}

static const struct { long proto; const char *name; } proto_names[] = {
	{ 0, "Ipc_gate" }, { L4_PROTO_IRQ_SENDER, "Irq_sender" }, { L4_PROTO_SEMAPHORE, "Semaphore" },
	{ L4_PROTO_FACTORY, "Factory" }, { L4_PROTO_LOG, "Log" }, { L4_PROTO_SCHEDULER, "Scheduler" },
	{ L4_PROTO_TASK, "Task" }, { L4_PROTO_THREAD, "Thread" }, { L4_PROTO_VM, "Vm" },
	{ L4_PROTO_DMA_SPACE, "Dma_space" }, { L4_PROTO_IOMMU, "Iommu" }, { L4_PROTO_SIGMA0, "Sigma0" },
	{ L4_PROTO_IRQ, "Icu" }, { L4_PROTO_DEBUGGER, "Debugger" },
	{ 0x4000, "Dataspace" }, { 0x4001, "Namespace" }, { 0x4002, "Parent" }, { 0x4003, "Goos" },
	{ 0x4004, "Mem_alloc" }, { 0x4005, "Rm" }, { 0x4006, "Event" }, { 0x4007, "Inhibitor" },
};

static const char *proto_name(long proto, int known)
{
	if (known)
		for (size_t i = 0; i < sizeof proto_names / sizeof proto_names[0]; i++)
			if (proto_names[i].proto == proto)
				return proto_names[i].name;
	return "void";
}

static struct lua_cap *push_cap(lua_State *L, l4_cap_idx_t cap, unsigned rights, long proto, int known)
{
	struct lua_cap *c = lua_newuserdatauv(L, sizeof *c, 0);
	*c = (struct lua_cap){ cap, rights, proto, known };
	luaL_setmetatable(L, CAP_META);
	return c;
}

static struct lua_cap *check_cap(lua_State *L, int idx)
{
	return luaL_checkudata(L, idx, CAP_META);
}

/* A copy of cap idx with other rights (the read right is always kept, as
 * in L4Re: a capability without it is of no use to a program). */
static int push_with_rights(lua_State *L, int idx, unsigned rights)
{
	struct lua_cap *c = check_cap(L, idx);
	rights = (rights | L4_CAP_FPAGE_R) & 0xff;
	if (rights == c->rights)
		lua_pushvalue(L, idx);
	else
		push_cap(L, c->cap, rights, c->proto, c->proto_known);
	return 1;
}

/* cap:m("rws"), :mode(), :rights(): with a string of r w s d n c (any
 * case) or a number, a copy with those rights; without, the RWSD rights. */
static int cap_mode(lua_State *L)
{
	struct lua_cap *c = check_cap(L, 1);
	if (lua_isnoneornil(L, 2)) {
		lua_pushinteger(L, c->rights & L4_CAP_FPAGE_RWSD);
		return 1;
	}
	if (lua_type(L, 2) == LUA_TNUMBER)
		return push_with_rights(L, 1, (unsigned)luaL_checkinteger(L, 2));
	unsigned rights = 0;
	for (const char *s = luaL_checkstring(L, 2); *s; s++) {
		switch (*s) {
		case 'r': case 'R': rights |= L4_CAP_FPAGE_R; break;
		case 'w': case 'W': rights |= L4_CAP_FPAGE_W; break;
		case 's': case 'S': rights |= L4_CAP_FPAGE_S; break;
		case 'd': case 'D': rights |= L4_CAP_FPAGE_D; break;
		case 'n': case 'N': rights |= L4_FPAGE_C_NO_REF_CNT; break;
		case 'c': case 'C': rights |= L4_FPAGE_C_OBJ_RIGHT1; break;
		default: return luaL_argerror(L, 2, lua_pushfstring(L, "unknown right '%c' (r w s d n c)", *s));
		}
	}
	return push_with_rights(L, 1, rights);
}

/* cap:svr(): everything a server needs, the S right and the object rights
 * included (0xef: RWSD and C1-C3, but counted references). */
static int cap_svr(lua_State *L)
{
	return push_with_rights(L, 1, L4_CAP_FPAGE_RWSD | L4_FPAGE_C_OBJ_RIGHTS);
}

static int cap_is_valid(lua_State *L)
{
	lua_pushboolean(L, !(check_cap(L, 1)->cap & L4_INVALID_CAP_BIT));
	return 1;
}

/* cap:slot(): the capability index in ned's space (for diagnostics). */
static int cap_slot(lua_State *L)
{
	lua_pushinteger(L, (lua_Integer)(check_cap(L, 1)->cap >> L4_CAP_SHIFT));
	return 1;
}

/* cap:global_id(): the kernel debugger's id of the object (the same for
 * every capability to it), or nil: no object, or no debugger capability. */
static int cap_global_id(lua_State *L)
{
	struct lua_cap *c = check_cap(L, 1);
	unsigned long id = c->cap & L4_INVALID_CAP_BIT ? ~0UL : l4_debugger_global_id(c->cap);
	if (id == ~0UL)
		lua_pushnil(L);
	else
		lua_pushinteger(L, (lua_Integer)id);
	return 1;
}

/* factory:create(proto, args...): a factory create on this capability.
 * Numbers go as signed words, strings with their NUL, nil as nil, as
 * L4Re's typed arguments; the new object arrives in a fresh slot. */
static int cap_create(lua_State *L)
{
	struct lua_cap *f = check_cap(L, 1);
	lua_Integer proto = luaL_checkinteger(L, 2);
	int top = lua_gettop(L);
	for (int i = 3; i <= top; i++) {
		int t = lua_type(L, i);
		if (t == LUA_TNUMBER)
			luaL_checkinteger(L, i);  /* fail now, not with the UTCB half written */
		else if (t != LUA_TSTRING && t != LUA_TNIL)
			luaL_argerror(L, i, "number, string or nil expected");
	}
	l4_cap_idx_t slot = slot_get(L);
	/* From here to the call nothing may use the UTCB: no printing (the
	 * log is an IPC), no Lua errors. */
	l4_utcb_t *u = l4_utcb();
	l4_msgtag_t tag = l4_factory_create_start_u((long)proto, slot, u);
	int fits = 1;
	for (int i = 3; i <= top && fits; i++) {
		size_t len;
		const char *s;
		switch (lua_type(L, i)) {
		case LUA_TNUMBER:
			fits = l4_factory_create_add_int_u((l4_mword_t)lua_tointeger(L, i), &tag, u);
			break;
		case LUA_TSTRING:
			s = lua_tolstring(L, i, &len);
			fits = len < 0x10000 && l4_factory_create_add_lstr_u(s, (unsigned)len + 1, &tag, u);
			break;
		default:
			fits = l4_factory_create_add_nil_u(&tag, u);
			break;
		}
	}
	if (!fits)
		return script_error(L, "create of %s: arguments do not fit into one message",
				  proto_name((long)proto, 1));
	long e = l4_error(l4_factory_create_commit_u(f->cap, tag, u));
	if (e < 0)
		return script_error(L, "create of %s failed: %s (%d)", proto_name((long)proto, 1), l4sys_errtostr(e),
				  (int)e);
	spare_slot = L4_INVALID_CAP;
	push_cap(L, slot, L4_CAP_FPAGE_R, (long)proto, 1);
	return 1;
}

static int cap_tostring(lua_State *L)
{
	struct lua_cap *c = check_cap(L, 1);
	char text[80];
	if (c->cap & L4_INVALID_CAP_BIT)
		snprintf(text, sizeof text, "L4::Cap<%s>::Invalid", proto_name(c->proto, c->proto_known));
	else
		snprintf(text, sizeof text, "L4::Cap<%s>[0x%lx] r=0x%x", proto_name(c->proto, c->proto_known),
			 (unsigned long)(c->cap >> L4_CAP_SHIFT), c->rights);
	lua_pushstring(L, text);
	return 1;
}

/* Same slot and same rights: the same thing to hand to a program. */
static int cap_eq(lua_State *L)
{
	struct lua_cap *a = check_cap(L, 1), *b = check_cap(L, 2);
	lua_pushboolean(L, a->cap == b->cap && a->rights == b->rights);
	return 1;
}

/* ns:register(name, cap): enter cap into the namespace ns with the
 * rights the capability object carries (L4Re's Namespace register). */
static int cap_register(lua_State *L)
{
	struct lua_cap *ns = check_cap(L, 1);
	const char *name = luaL_checkstring(L, 2);
	struct lua_cap *obj = check_cap(L, 3);
	long e = l4re_ns_register_obj_srv(ns->cap, name, obj->cap, obj->rights & L4_CAP_FPAGE_RWS);
	if (e < 0)
		return script_error(L, "register of '%s' failed: %s (%d)", name, l4sys_errtostr(e), (int)e);
	return 0;
}

static const luaL_Reg cap_methods[] = {
	{ "m", cap_mode }, { "mode", cap_mode }, { "rights", cap_mode }, { "svr", cap_svr },
	{ "is_valid", cap_is_valid }, { "slot", cap_slot }, { "global_id", cap_global_id }, { "create", cap_create },
	{ "register", cap_register }, { NULL, NULL },
};

/* --- programs ----------------------------------------------------------- */

struct lua_task
{
	struct loader_app *app;    /* NULL once released */
};

static struct lua_task *check_task(lua_State *L)
{
	return luaL_checkudata(L, 1, TASK_META);
}

static int task_state(lua_State *L)
{
	struct lua_task *t = check_task(L);
	if (!t->app)
		lua_pushnil(L);
	else
		lua_pushstring(L, loader_state(t->app) == LOADER_RUNNING ? "running" : "zombie");
	return 1;
}

static int task_exit_code(lua_State *L)
{
	struct lua_task *t = check_task(L);
	if (!t->app)
		lua_pushnil(L);
	else
		lua_pushinteger(L, loader_exit_code(t->app));
	return 1;
}

/* Block until the program ended; its exit code.  The task object is
 * spent afterwards (L4Re: wait and kill drop the task). */
static int task_wait(lua_State *L)
{
	struct lua_task *t = check_task(L);
	if (!t->app) {
		lua_pushnil(L);
		return 1;
	}
	lua_pushinteger(L, loader_wait(t->app));
	loader_release(t->app);
	t->app = NULL;
	return 1;
}

/* End the program: "killed", or its exit code if it had ended already. */
static int task_kill(lua_State *L)
{
	struct lua_task *t = check_task(L);
	if (!t->app) {
		lua_pushnil(L);
		return 1;
	}
	if (loader_state(t->app) == LOADER_ZOMBIE) {
		lua_pushinteger(L, loader_exit_code(t->app));
	} else {
		loader_kill(t->app);
		lua_pushstring(L, "killed");
	}
	loader_release(t->app);
	t->app = NULL;
	return 1;
}

static int task_gc(lua_State *L)
{
	struct lua_task *t = check_task(L);
	if (t->app)
		loader_release(t->app);
	t->app = NULL;
	return 0;
}

static const luaL_Reg task_methods[] = {
	{ "state", task_state }, { "exit_code", task_exit_code }, { "wait", task_wait }, { "kill", task_kill },
	{ NULL, NULL },
};

/* An optional capability field of the start description. */
static l4_cap_idx_t field_cap(lua_State *L, int desc, const char *name)
{
	l4_cap_idx_t cap = L4_INVALID_CAP;
	if (lua_getfield(L, desc, name) != LUA_TNIL) {
		struct lua_cap *c = luaL_testudata(L, -1, CAP_META);
		if (!c)
			script_error(L, "'%s' must be a capability", name);
		cap = c->cap;
	}
	lua_pop(L, 1);
	return cap;
}

static const char *field_string(lua_State *L, int desc, const char *name)
{
	const char *s = NULL;
	if (lua_getfield(L, desc, name) != LUA_TNIL && !(s = lua_tostring(L, -1)))
		script_error(L, "'%s' must be a string", name);
	lua_pop(L, 1);   /* the string stays alive in desc */
	return s;
}

/* L4.exec(desc, "rom/prog", args..., [posix_env]): start a program.
 * desc (made by the Lua half) holds caps = {name = cap}, log (a cap),
 * log_tag, log_colour, factory, mem, scheduler, ldr_flags, l4re_dbg.
 * A table after the arguments is the POSIX environment {NAME = value}.
 * Every string lives on the Lua stack (or in desc) until loader_start
 * returned, so the request points into Lua's memory. */
static int l4_exec(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	int top = lua_gettop(L), envidx = 0;
	if (top >= 3 && lua_type(L, top) == LUA_TTABLE)
		envidx = top--;
	int argc = 0;
	for (int i = 2; i <= top; i++)
		if (!lua_isnil(L, i))
			argc++;
	if (!argc)
		return script_error(L, "no program to start");

	/* Scratch space for the pointer arrays: a userdata, so a Lua error
	 * on the way leaves nothing to free. */
	unsigned ncaps = 0;
	if (lua_getfield(L, 1, "caps") == LUA_TTABLE) {
		lua_pushnil(L);
		while (lua_next(L, -2)) {
			ncaps++;
			lua_pop(L, 1);
		}
	}
	lua_pop(L, 1);
	int envc = 0;
	if (envidx) {
		lua_pushnil(L);
		while (lua_next(L, envidx)) {
			envc++;
			lua_pop(L, 1);
		}
	}
	size_t bytes = sizeof(char *) * (size_t)(argc + envc + 2) + sizeof(struct loader_cap) * (ncaps + 1);
	struct loader_cap *caps = lua_newuserdatauv(L, bytes, 0);
	const char **argv = (const char **)(caps + ncaps + 1);
	const char **envp = argv + argc + 1;

	int n = 0;
	for (int i = 2; i <= top; i++)
		if (!lua_isnil(L, i))
			argv[n++] = luaL_checkstring(L, i);
	argv[n] = NULL;

	/* Keep the converted env strings alive: a table anchored on the stack. */
	lua_newtable(L);
	int keep = lua_gettop(L);
	n = 0;
	if (envidx) {
		lua_pushnil(L);
		while (lua_next(L, envidx)) {
			if (lua_type(L, -2) != LUA_TSTRING)
				return script_error(L, "environment names must be strings");
			const char *value = luaL_tolstring(L, -1, NULL);
			lua_pushfstring(L, "%s=%s", lua_tostring(L, -3), value);
			envp[n++] = lua_tostring(L, -1);
			lua_rawseti(L, keep, n);
			lua_pop(L, 2);   /* the tolstring result and the value */
		}
	}
	envp[n] = NULL;

	unsigned k = 0;
	if (lua_getfield(L, 1, "caps") == LUA_TTABLE) {
		lua_pushnil(L);
		while (lua_next(L, -2)) {
			if (lua_type(L, -2) != LUA_TSTRING)
				return script_error(L, "capability names must be strings");
			const char *name = lua_tostring(L, -2);
			if (strlen(name) > 15)
				return script_error(L, "capability name '%s' too long (15 characters at most)", name);
			/* A function stands for a capability made on demand. */
			while (lua_isfunction(L, -1)) {
				lua_pushvalue(L, -3);
				lua_call(L, 1, 1);
			}
			if (!lua_isnil(L, -1)) {
				struct lua_cap *c = luaL_testudata(L, -1, CAP_META);
				if (!c)
					return script_error(L, "capability expected for '%s'", name);
				caps[k++] = (struct loader_cap){ name, c->cap, c->rights };
			}
			lua_pop(L, 1);
		}
	}
	lua_pop(L, 1);

	struct loader_request req = {
		.argv = argv, .argc = argc, .envp = envp, .envc = n, .caps = caps, .ncaps = k,
		.log_tag = field_string(L, 1, "log_tag"), .log_colour = field_string(L, 1, "log_colour"),
		.log = field_cap(L, 1, "log"), .factory = field_cap(L, 1, "factory"),
		.mem = field_cap(L, 1, "mem"), .scheduler = field_cap(L, 1, "scheduler"),
	};
	lua_getfield(L, 1, "ldr_flags");
	req.ldr_flags = (unsigned long)luaL_optinteger(L, -1, 0);
	lua_getfield(L, 1, "l4re_dbg");
	req.l4re_dbg = (unsigned long)luaL_optinteger(L, -1, 0);
	lua_pop(L, 2);

	struct lua_task *t = lua_newuserdatauv(L, sizeof *t, 0);
	t->app = NULL;
	luaL_setmetatable(L, TASK_META);
	int e = loader_start(&req, &t->app);
	if (e < 0)
		return script_error(L, "could not start %s: %s (%d)", argv[0],
				  e == -L4_ENOSYS ? "no program loader here (needs moe: rom/ as dataspaces)"
				  : e == -L4_ENOENT ? "no such file in rom/" : l4sys_errtostr(e), e);
	return 1;
}

/* --- the module ------------------------------------------------------- */

/* L4.Env: what ned itself was given.  As the root task that is the
 * kernel's initial capabilities; started by moe its L4Re environment:
 * the standard capabilities and every named one (rom, ...). */
static void push_env(lua_State *L)
{
	static const struct { const char *name; l4_cap_idx_t cap; long proto; } root[] = {
		{ "factory", L4_BASE_FACTORY_CAP, L4_PROTO_FACTORY },
		{ "log", L4_BASE_LOG_CAP, L4_PROTO_LOG },
		{ "scheduler", L4_BASE_SCHEDULER_CAP, L4_PROTO_SCHEDULER },
		{ "icu", L4_BASE_ICU_CAP, L4_PROTO_IRQ },
	};
	const l4re_env_t *e = l4re_env();
	lua_newtable(L);
	if (!e) {
		for (size_t i = 0; i < sizeof root / sizeof root[0]; i++) {
			push_cap(L, root[i].cap, L4_CAP_FPAGE_RWS, root[i].proto, 1);
			lua_setfield(L, -2, root[i].name);
		}
		return;
	}
	const struct { const char *name; l4_cap_idx_t cap; long proto; int known; } std[] = {
		{ "factory", e->factory, L4_PROTO_FACTORY, 1 }, { "log", e->log, L4_PROTO_LOG, 1 },
		{ "scheduler", e->scheduler, L4_PROTO_SCHEDULER, 1 }, { "mem_alloc", e->mem_alloc, L4_PROTO_FACTORY, 1 },
		{ "parent", e->parent, 0x4002, 1 }, { "rm", e->rm, 0x4005, 1 },
	};
	for (size_t i = 0; i < sizeof std / sizeof std[0]; i++) {
		if (std[i].cap & L4_INVALID_CAP_BIT)
			continue;
		push_cap(L, std[i].cap, L4_CAP_FPAGE_RWS, std[i].proto, std[i].known);
		lua_setfield(L, -2, std[i].name);
	}
	for (const l4re_env_cap_entry_t *c = e->caps; c && c->flags != ~0UL; c++) {
		char name[sizeof c->name + 1];
		memcpy(name, c->name, sizeof c->name);
		name[sizeof c->name] = 0;
		push_cap(L, c->cap, L4_CAP_FPAGE_RWS, 0x4001, !strcmp(name, "rom"));
		lua_setfield(L, -2, name);
	}
}

extern const char ned_l4_lua[];
extern const unsigned long ned_l4_lua_size;

/* require("L4"): the C functions in a table, then the Lua half fills in
 * the rest and returns the module. */
static int open_l4(lua_State *L)
{
	if (luaL_newmetatable(L, CAP_META)) {
		luaL_newlib(L, cap_methods);
		lua_setfield(L, -2, "__index");
		lua_pushcfunction(L, cap_tostring);
		lua_setfield(L, -2, "__tostring");
		lua_pushcfunction(L, cap_eq);
		lua_setfield(L, -2, "__eq");
	}
	lua_pop(L, 1);
	if (luaL_newmetatable(L, TASK_META)) {
		luaL_newlib(L, task_methods);
		lua_setfield(L, -2, "__index");
		lua_pushcfunction(L, task_gc);
		lua_setfield(L, -2, "__gc");
	}
	lua_pop(L, 1);

	lua_newtable(L);
	push_env(L);
	lua_setfield(L, -2, "Env");
	lua_pushcfunction(L, l4_exec);
	lua_setfield(L, -2, "exec");
	lua_pushboolean(L, loader_available());
	lua_setfield(L, -2, "have_loader");

	if (luaL_loadbufferx(L, ned_l4_lua, ned_l4_lua_size, "=L4", "t") != LUA_OK)
		return lua_error(L);
	lua_pushvalue(L, -2);
	lua_pushcfunction(L, l4_raise);
	lua_call(L, 2, 1);
	return 1;
}

void l4lua_register(lua_State *L)
{
	luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
	lua_pushcfunction(L, open_l4);
	lua_setfield(L, -2, "L4");
	lua_pop(L, 1);
}
