/* The four glibc symbols Debian's liblua5.4.a needs that musl lacks.
 *
 * Debian builds Lua against glibc with _FORTIFY_SOURCE=2 and a stack
 * protector, so its objects call glibc's checked variants of a few libc
 * functions.  `nm -u liblua5.4.a` (Lua 5.4.4) lists these besides plain
 * C and POSIX names; every one was checked against musl 1.2.3's libc.a:
 *
 *   __fprintf_chk __snprintf_chk __memcpy_chk __longjmp_chk
 *       missing in musl: defined here.
 *   __stack_chk_fail          musl has it; the canary is at %fs:0x28 in
 *                             both libcs, and musl's start-up sets it.
 *   __errno_location          musl has it (same meaning).
 *   __ctype_b_loc, __ctype_tolower_loc, __ctype_toupper_loc
 *                             musl provides glibc-compatible tables for
 *                             exactly this (ctype macros inlined by glibc).
 *   __uflow                   glibc's inline getc_unlocked reads the FILE's
 *                             read pointer and end at offsets 8 and 16 and
 *                             calls __uflow when they meet; musl's FILE
 *                             keeps rpos/rend at the same offsets and its
 *                             __uflow has the same contract.
 *   _setjmp                   musl's; the glibc jmp_buf Lua allocates is 200
 *                             bytes, musl's the same, and musl uses only
 *                             the first 8 words (no mask, no pointer
 *                             mangling), so its longjmp reads what its
 *                             _setjmp wrote.
 *   fopen64 freopen64 fseeko64 ftello64 mkstemp64 tmpfile64
 *                             musl 1.2.3 still has these LFS64 aliases.
 *   stdin stdout stderr       pointer variables in both libcs.
 *   localeconv                Lua reads only decimal_point, the first
 *                             field of struct lconv in both.
 *   dlopen dlsym dlclose dlerror
 *                             musl's static stubs fail cleanly; ned does
 *                             not open C modules anyway.
 * The rest (string, math, stdio, time functions) have the same C
 * signatures and types (64-bit time_t and off_t, same struct tm head).
 *
 * The checked variants abort where glibc would report a buffer overflow,
 * and otherwise do what the unchecked function does; the printf `flag`
 * (glibc's extra %n policing) is ignored, which only drops a check. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int __fprintf_chk(FILE *f, int flag, const char *format, ...);
int __snprintf_chk(char *s, size_t maxlen, int flag, size_t size, const char *format, ...);
void *__memcpy_chk(void *dst, const void *src, size_t len, size_t dstlen);
_Noreturn void __longjmp_chk(jmp_buf env, int val);

int __fprintf_chk(FILE *f, int flag, const char *format, ...)
{
	va_list ap;
	va_start(ap, format);
	int r = vfprintf(f, format, ap);
	va_end(ap);
	return r;
}

/* size is the compiler's idea of the buffer's size: a larger maxlen would
 * let vsnprintf write past it. */
int __snprintf_chk(char *s, size_t maxlen, int flag, size_t size, const char *format, ...)
{
	if (maxlen > size)
		abort();
	va_list ap;
	va_start(ap, format);
	int r = vsnprintf(s, maxlen, format, ap);
	va_end(ap);
	return r;
}

void *__memcpy_chk(void *dst, const void *src, size_t len, size_t dstlen)
{
	if (len > dstlen)
		abort();
	return memcpy(dst, src, len);
}

/* glibc's version also refuses to jump to a deeper stack frame; Lua only
 * unwinds to an enclosing protected call, so plain longjmp is the same. */
_Noreturn void __longjmp_chk(jmp_buf env, int val)
{
	longjmp(env, val);
}
