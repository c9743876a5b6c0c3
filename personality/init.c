/* Start-up of the personality, before libc runs: read the aux vector,
 * register the emulation entry with the stub, start the region manager
 * of a launched program.  Also libc's last step (_Exit) and the log.
 *
 * Two kinds of program: the root task (moe, or a test run directly) gets
 * a heap in physical memory from the kernel (UMOL4_AT_HEAP); a program a
 * launcher started gets an L4Re environment (AT_L4_ENV), and its memory
 * and files come through L4Re objects. */
#define _GNU_SOURCE
#include <elf.h>
#include <sys/syscall.h>
#include <l4/sys/consts.h>
#include <l4/sys/vcon.h>
#include <l4/re/env.h>
#include <l4/re/c/parent.h>
#include "../sdk/lib/l4re/runtime.h"
#include "../sdk/lib/l4re/wire.h"
#include "posix.h"
#include <ucontext.h>

#define UMOL4_TASK_PAGE    (UMOL4_STUB_BASE + 0x102000UL)

void __umol4_emulate(ucontext_t *uc);

bool posix_launched;
const unsigned char *posix_at_random;

long posix_raw_syscall2(long nr, long a, long b)
{
	long r;
	__asm__ volatile("syscall" : "=a"(r) : "a"(nr), "D"(a), "S"(b) : "rcx", "r11", "memory");
	return r;
}

void posix_log(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	console_write(s, n);
}

/* libc's last step.  exit_group itself is one of the few Linux calls the
 * stub lets through, so a launched program's exit code never reaches the
 * emulation: it is told to the parent here (L4Re's _exit: Parent signal
 * 0), the reason this object replaces musl's _Exit. */
_Noreturn void _Exit(int code);
_Noreturn void _Exit(int code)
{
	if (posix_launched)
		l4re_parent_signal(l4re_global_env->parent, PARENT_SIG_EXIT, (unsigned long)(code & 0xff));
	for (;;)
		posix_raw_syscall2(SYS_exit_group, code, 0);
}

void __umol4_init(long *sp);
void __umol4_init(long *sp)
{
	long argc = sp[0];
	long *p = sp + 1 + argc + 1;
	while (*p)
		p++;
	const struct runtime_region *regions = NULL;
	uintptr_t heap = 0, heap_size = 0;
	for (p++; p[0]; p += 2) {
		if (p[0] == UMOL4_AT_HEAP)
			heap = (uintptr_t)p[1];
		else if (p[0] == UMOL4_AT_HEAP_SIZE)
			heap_size = (uintptr_t)p[1];
		else if (p[0] == AT_L4_ENV)
			l4re_global_env = (l4re_env_t *)p[1];
		else if (p[0] == UMOL4_AT_REGIONS)
			regions = (const struct runtime_region *)p[1];
		else if (p[0] == AT_RANDOM)
			posix_at_random = (const unsigned char *)p[1];
	}
	memory_init(heap, heap_size);
	*(volatile uintptr_t *)UMOL4_TASK_PAGE = (uintptr_t)__umol4_emulate;
	/* Before libc runs: its first malloc already needs the region manager. */
	posix_launched = l4re_global_env != NULL;
	if (posix_launched && itas_start(regions)) {
		static const char msg[] = "umol4: cannot start the region manager\n";
		l4_vcon_write(L4_BASE_LOG_CAP, msg, sizeof msg - 1);
		posix_raw_syscall2(SYS_exit_group, 127, 0);
	}
}
