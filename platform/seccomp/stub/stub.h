/* Internal declarations of the trusted stub (seccomp platform). */
#ifndef UMOL4_STUB_H
#define UMOL4_STUB_H

#include "../layout.h"

/* Everything is in one static image: direct, pc-relative references. */
#pragma GCC visibility push(hidden)

#define STUB_SIG_KICK 23   /* SIGURG: ignored by default, never used by L4 code */

void stub_die(void) __attribute__((noreturn));
void stub_restorer(void);
void stub_signal(int sig, void *info, void *uc);
extern const char stub_l4_entry[], stub_l4_entry_end[], stub_full_resume[], stub_birth_point[];

static inline long stub_syscall6(long nr, long a, long b, long c, long d, long e, long f)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	long ret;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

#endif
