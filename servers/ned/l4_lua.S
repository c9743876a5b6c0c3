/* l4.lua, the Lua half of the L4 module, built into ned: ned has no file
 * system to read it from. */
	.section .rodata
	.globl ned_l4_lua, ned_l4_lua_size
ned_l4_lua:
	.incbin "servers/ned/l4.lua"
ned_l4_lua_end:
	.balign 8
ned_l4_lua_size:
	.quad ned_l4_lua_end - ned_l4_lua
	.section .note.GNU-stack, "", @progbits
