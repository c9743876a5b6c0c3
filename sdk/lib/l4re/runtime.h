/* What the pieces of the L4Re runtime in libumol4 share: the start-up
 * data the launcher hands a program, thread creation for helper threads
 * that run without libc (the itas, the launcher's parent server), and the
 * address-space layout of a launched program. */
#ifndef UMOL4_L4RE_RUNTIME_H
#define UMOL4_L4RE_RUNTIME_H

#include <l4/sys/types.h>
#include <l4/re/env.h>

/* What the aux-vector entry UMOL4_AT_REGIONS points at: the regions the
 * launcher attached for the program (image segments, stack), ended by
 * size 0. */
struct runtime_region {
	l4_addr_t start;
	l4_umword_t size;
	l4_umword_t flags;        /* L4RE_RM_F_* rights */
	l4_cap_idx_t ds;          /* in the program's capability space */
	l4_umword_t offset;
};

/* A launched program's layout: the UTCB area as the root task's, the
 * stack below the stub and KIP, the region manager's window in between. */
#define RUNTIME_UTCB_AREA   0x7dfff8000000UL
#define RUNTIME_UTCB_ORDER  16
#define RUNTIME_STACK_TOP   0x7c0000000000UL
#define RUNTIME_STACK_SIZE  (8UL << 20)
#define RUNTIME_STACK_EAGER (64UL << 10)   /* mapped before the program runs */
#define RUNTIME_RM_MIN      0x1000UL
#define RUNTIME_RM_MAX      (0x7d0000000000UL - 1)
#define RUNTIME_RM_SEARCH_MIN 0x10000000UL    /* where searches without a hint begin */
#define RUNTIME_HEAP_BASE   0x10000000UL   /* where mmap starts looking */

/* Fixed capability slots of a launched program besides L4_BASE_*. */
#define RUNTIME_PARENT_CAP    (0x10UL << L4_CAP_SHIFT)
#define RUNTIME_MEM_ALLOC_CAP (0x11UL << L4_CAP_SHIFT)
#define RUNTIME_FIRST_NAMED   0x20UL

/* Who pages helper threads of this task: the itas in a launched program,
 * sigma0 (L4_BASE_PAGER_CAP) in the root task. */
extern l4_cap_idx_t runtime_pager;

/* Start fn on stack (its top) as a new thread of this task, with a UTCB
 * from the environment; fn must not use libc functions that need thread
 * state (stdio, errno, malloc) and must not return.  The thread's
 * capability, or L4_INVALID_CAP. */
l4_cap_idx_t runtime_thread_start(void (*fn)(void), void *stack_top, l4_cap_idx_t pager);

/* The itas: set up the region map with the launcher's regions, start its
 * thread, make it this thread's pager and exception handler. */
int itas_start(const struct runtime_region *regions);

/* Print to the kernel log without libc (helper threads). */
void runtime_log(const char *s);

/* Linux futexes, which both platforms let a task's threads use for real:
 * the threads of one task are Linux threads of one process.  musl has no
 * <linux/futex.h>, hence the numbers. */
enum {
	FUTEX_WAIT = 0, FUTEX_WAKE = 1, FUTEX_REQUEUE = 3, FUTEX_CMP_REQUEUE = 4,
	FUTEX_PRIVATE_FLAG = 128, FUTEX_CMD_MASK = 127,
	FUTEX_WAIT_PRIVATE = FUTEX_WAIT | FUTEX_PRIVATE_FLAG,
	FUTEX_WAKE_PRIVATE = FUTEX_WAKE | FUTEX_PRIVATE_FLAG,
};
struct timespec;
static inline long runtime_futex(volatile int *word, long op, long val, const struct timespec *ts)
{
	long r;
	register long r10 __asm__("r10") = (long)ts;
	__asm__ volatile("syscall" : "=a"(r) : "a"(202L /* SYS_futex */), "D"(word), "S"(op), "d"(val), "r"(r10)
			 : "rcx", "r11", "memory");
	return r;
}

#endif
