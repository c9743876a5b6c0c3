/* The entry from the stub: a trapped Linux system call arrives as a
 * ucontext; the call number selects a handler, whose result (>= 0 or
 * -errno) goes back in rax, so musl sets errno in its one place as on
 * Linux.  An unknown number is -ENOSYS, reported once per number. */
#define _GNU_SOURCE
#include <errno.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include "posix.h"

enum { CALLS_MAX = 512 };

static posix_handler *const handlers[CALLS_MAX] = {
#define CALL(nr, fn) [SYS_##nr] = fn,
#include "calls.h"
#undef CALL
};

/* From musl's list of x86-64 system calls (generated at build time). */
extern const char *const posix_syscall_names[];
extern const unsigned posix_syscall_names_count;

static uint64_t reported[CALLS_MAX / 64];

static void put_decimal(char *end_of_buf, char **start, unsigned long v)
{
	char *p = end_of_buf;
	*--p = 0;
	do
		*--p = (char)('0' + v % 10);
	while (v /= 10);
	*start = p;
}

void posix_report_unsupported(long nr)
{
	if (nr >= 0 && nr < CALLS_MAX) {
		if (reported[nr / 64] & (1ULL << (nr % 64)))
			return;
		reported[nr / 64] |= 1ULL << (nr % 64);
	}
	const char *name = nr >= 0 && (unsigned long)nr < posix_syscall_names_count && posix_syscall_names[nr]
		? posix_syscall_names[nr] : "unknown";
	char num[24], *digits;
	put_decimal(num + sizeof num, &digits, (unsigned long)nr);
	posix_log("posix: unsupported system call ");
	posix_log(name);
	posix_log(" (");
	posix_log(digits);
	posix_log("): ENOSYS\n");
}

/* Calls that may block for long, or end the process, run without the
 * lock, so that other threads go on meanwhile (the futex calls that get
 * here only wake). */
static bool lock_free(long nr)
{
	return nr == SYS_futex || nr == SYS_nanosleep || nr == SYS_clock_nanosleep ||
	       nr == SYS_exit_group || nr == SYS_sched_yield;
}

static long dispatch(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
	if (nr < 0 || nr >= CALLS_MAX || !handlers[nr]) {
		posix_lock();
		posix_report_unsupported(nr);
		posix_unlock();
		return -ENOSYS;
	}
	if (lock_free(nr))
		return handlers[nr](a1, a2, a3, a4, a5, a6);
	posix_lock();
	long r = handlers[nr](a1, a2, a3, a4, a5, a6);
	posix_unlock();
	return r;
}

void __umol4_emulate(ucontext_t *uc);
void __umol4_emulate(ucontext_t *uc)
{
	greg_t *g = uc->uc_mcontext.gregs;
	if (posix_thread_call(g))
		return;
	g[REG_RAX] = dispatch(g[REG_RAX], g[REG_RDI], g[REG_RSI], g[REG_RDX], g[REG_R10], g[REG_R8], g[REG_R9]);
}
