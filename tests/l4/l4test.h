/* Tiny harness for L4 test programs: each CHECK prints what it checked;
 * the program exits 1 after any failure, 0 otherwise. */
#ifndef L4TEST_H
#define L4TEST_H
#include <stdio.h>
#include <stdlib.h>
#include <l4/sys/consts.h>
#include <l4/sys/factory.h>
#include <l4/sys/thread.h>
#include <l4/sys/scheduler.h>
#include <l4/sys/ipc.h>
#include <l4/sys/utcb.h>

static int l4test_failed;
#define CHECK(cond, ...) do { \
	if (cond) { printf("ok - "); } else { printf("not ok - "); l4test_failed = 1; } \
	printf(__VA_ARGS__); printf("  [%s]\n", #cond); fflush(stdout); } while (0)
#define L4TEST_DONE() do { printf(l4test_failed ? "FAILED\n" : "PASSED\n"); fflush(stdout); \
	return l4test_failed; } while (0)

/* The root task's UTCB area (kernel/main.c): one UTCB per thread. */
#define L4TEST_UTCB_AREA 0x7dfff8000000UL

static unsigned long l4test_next_cap = 0x40;
static inline l4_cap_idx_t cap_alloc(void) { return (l4_cap_idx_t)(l4test_next_cap++) << L4_CAP_SHIFT; }

/* Start fn on its own stack as a new thread of this task.  fn must not
 * use libc (the thread has no TLS) and must never return. */
static unsigned l4test_next_utcb = 1;
static inline l4_cap_idx_t start_thread(void (*fn)(void), char *stack, unsigned long size)
{
	l4_cap_idx_t t = cap_alloc();
	if (l4_error(l4_factory_create_thread(L4_BASE_FACTORY_CAP, t)))
		return L4_INVALID_CAP;
	l4_utcb_t *u = (l4_utcb_t *)(L4TEST_UTCB_AREA + l4test_next_utcb++ * L4_UTCB_OFFSET);
	l4_thread_control_start();
	l4_thread_control_bind(u, L4_BASE_TASK_CAP);
	if (l4_error(l4_thread_control_commit(t)))
		return L4_INVALID_CAP;
	unsigned long sp = ((unsigned long)stack + size) & ~15UL;
	if (l4_error(l4_thread_ex_regs(t, (l4_umword_t)fn, sp - 8, 0)))
		return L4_INVALID_CAP;
	l4_sched_param_t p = l4_sched_param(2, 0);
	if (l4_error(l4_scheduler_run_thread(L4_BASE_SCHEDULER_CAP, t, &p)))
		return L4_INVALID_CAP;
	return t;
}
#endif
