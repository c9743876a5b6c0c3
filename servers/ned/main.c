/* ned, the init process: runs a Lua script from rom/ that creates
 * objects and starts programs with the capabilities it chooses.
 *
 *     ned rom/SCRIPT [ARGS...]
 *
 * The script sees its arguments as `...` and in `arg` (arg[0] = the
 * script).  An error ends ned with exit code 1 after one line naming the
 * script's file and line.  Otherwise ned waits until every program it
 * started has ended, then exits with the integer the script returned
 * (0 if none); like L4Re's ned, it so stays as long as servers run. */
#include <stdio.h>
#include <string.h>
#include <lauxlib.h>
#include <lualib.h>
#include <l4/sys/err.h>
#include "loader.h"
#include "lua_l4.h"
#include "rom.h"

/* Standard libraries a configuration script may use.  io and os stay
 * in: stdout is the log, os.time/clock/getenv work; anything needing a
 * file system fails with an error the script can see. */
static const luaL_Reg libraries[] = {
	{ LUA_GNAME, luaopen_base }, { LUA_LOADLIBNAME, luaopen_package }, { LUA_COLIBNAME, luaopen_coroutine },
	{ LUA_TABLIBNAME, luaopen_table }, { LUA_STRLIBNAME, luaopen_string }, { LUA_MATHLIBNAME, luaopen_math },
	{ LUA_UTF8LIBNAME, luaopen_utf8 }, { LUA_IOLIBNAME, luaopen_io }, { LUA_OSLIBNAME, luaopen_os },
	{ NULL, NULL },
};

/* require("name") after package.preload: rom/name.lua.  The stock
 * searchers look in the host-style file system and in C libraries, which
 * an L4 task does not have. */
static int search_rom(lua_State *L)
{
	const char *name = luaL_checkstring(L, 1);
	const char *path = lua_pushfstring(L, "rom/%s.lua", luaL_gsub(L, name, ".", "/"));
	const char *data;
	size_t size;
	if (rom_get(path, &data, &size)) {
		lua_pushfstring(L, "no file '%s'", path);
		return 1;
	}
	const char *chunk = lua_pushfstring(L, "@%s", path);
	if (luaL_loadbufferx(L, data, size, chunk, "t") != LUA_OK)
		return luaL_error(L, "error loading module '%s' from %s:\n\t%s", name, path, lua_tostring(L, -1));
	lua_pushstring(L, path);   /* the loader's second argument */
	return 2;
}

static void set_searchers(lua_State *L)
{
	lua_getglobal(L, LUA_LOADLIBNAME);
	lua_getfield(L, -1, "searchers");
	lua_rawgeti(L, -1, 1);               /* keep the preload searcher */
	lua_newtable(L);
	lua_insert(L, -2);
	lua_rawseti(L, -2, 1);
	lua_pushcfunction(L, search_rom);
	lua_rawseti(L, -2, 2);
	lua_setfield(L, -3, "searchers");
	lua_pop(L, 2);
}

/* Message handler: the error as one string (an error object with a
 * __tostring, or its type name). */
static int error_message(lua_State *L)
{
	if (!lua_isstring(L, 1))
		luaL_tolstring(L, 1, NULL);
	else
		lua_settop(L, 1);
	return 1;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "ned: usage: ned rom/SCRIPT [ARGS...]\n");
		return 1;
	}
	/* Messages name the script as rom/NAME, however it was given. */
	char script[80];
	snprintf(script, sizeof script, "%s%s", strncmp(argv[1], "rom/", 4) ? "rom/" : "", argv[1]);
	const char *data;
	size_t size;
	if (rom_get(script, &data, &size)) {
		fprintf(stderr, "ned: %s: no such file in rom/\n", script);
		return 1;
	}

	lua_State *L = luaL_newstate();
	if (!L) {
		fprintf(stderr, "ned: out of memory\n");
		return 1;
	}
	for (const luaL_Reg *lib = libraries; lib->func; lib++) {
		luaL_requiref(L, lib->name, lib->func, 1);
		lua_pop(L, 1);
	}
	set_searchers(L);
	l4lua_register(L);

	lua_createtable(L, argc - 2, 1);
	for (int i = 1; i < argc; i++) {
		lua_pushstring(L, i == 1 ? script : argv[i]);
		lua_rawseti(L, -2, i - 1);
	}
	lua_setglobal(L, "arg");

	lua_pushcfunction(L, error_message);
	char chunk[82];
	snprintf(chunk, sizeof chunk, "@%s", script);
	int r = luaL_loadbufferx(L, data, size, chunk, "t");
	if (r == LUA_OK) {
		for (int i = 2; i < argc; i++)
			lua_pushstring(L, argv[i]);
		r = lua_pcall(L, argc - 2, 1, 1);
	}
	if (r != LUA_OK) {
		fprintf(stderr, "ned: %s\n", lua_tostring(L, -1));
		return 1;
	}
	int code = lua_isinteger(L, -1) ? (int)lua_tointeger(L, -1) : 0;
	fflush(stdout);
	loader_wait_all();
	return code;
}
