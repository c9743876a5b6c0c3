/* ned's `L4` Lua module (require "L4"). */
#ifndef NED_LUA_L4_H
#define NED_LUA_L4_H
#include <lua.h>

/* Make require("L4") available in L (package.preload). */
void l4lua_register(lua_State *L);

#endif
