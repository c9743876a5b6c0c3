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
#include <l4/sys/task.h>

static int l4test_failed __attribute__((unused));
#define CHECK(cond, ...) do { \
	if (cond) { printf("ok - "); } else { printf("not ok - "); l4test_failed = 1; } \
	printf(__VA_ARGS__); printf("  [%s]\n", #cond); fflush(stdout); } while (0)
#define L4TEST_DONE() do { printf(l4test_failed ? "FAILED\n" : "PASSED\n"); fflush(stdout); \
	return l4test_failed; } while (0)

/* The root task's UTCB area (kernel/main.c): one UTCB per thread. */
#define L4TEST_UTCB_AREA 0x7dfff8000000UL

static unsigned long l4test_next_cap = 0x40;
static inline l4_cap_idx_t cap_alloc(void) { return (l4_cap_idx_t)(l4test_next_cap++) << L4_CAP_SHIFT; }

/* A second task that shares this program's image: its text, data and bss
 * are mapped from this task (the same physical pages), so code and static
 * variables are common; each thread runs on a stack of its own.  This is
 * how tests get several address spaces before a user-level loader exists. */
extern char __executable_start[], _end[];

static inline int map_range(l4_cap_idx_t dst, unsigned long start, unsigned long end, unsigned rights)
{
	start &= ~0xfffUL;
	end = (end + 0xfff) & ~0xfffUL;
	/* Touch every page first: a lazily paged root task (sigma0) only
	 * holds the pages it has used, and can pass on only those. */
	for (unsigned long a = start; a < end; a += 0x1000)
		(void)*(volatile const char *)a;
	while (start < end) {
		unsigned order = 12;
		while (order < 30 && !(start & ((1UL << (order + 1)) - 1)) && start + (1UL << (order + 1)) <= end)
			order++;
		long e = l4_error(l4_task_map(dst, L4_BASE_TASK_CAP, l4_fpage(start, order, rights),
					      l4_map_control(start, 0, L4_MAP_ITEM_MAP)));
		if (e)
			return (int)e;
		start += 1UL << order;
	}
	return 0;
}

static inline l4_cap_idx_t create_task_sharing_image(void)
{
	l4_cap_idx_t task = cap_alloc();
	if (l4_error(l4_factory_create_task(L4_BASE_FACTORY_CAP, task,
					    l4_fpage(L4TEST_UTCB_AREA, 16, L4_FPAGE_RW))))
		return L4_INVALID_CAP;
	if (map_range(task, (unsigned long)__executable_start, (unsigned long)_end, L4_FPAGE_RWX))
		return L4_INVALID_CAP;
	return task;
}

/* Start fn as the thread number `slot` of task (0 = its first UTCB). */
static inline l4_cap_idx_t start_thread_in(l4_cap_idx_t task, unsigned slot, void (*fn)(void), char *stack,
					   unsigned long size)
{
	l4_cap_idx_t t = cap_alloc();
	if (l4_error(l4_factory_create_thread(L4_BASE_FACTORY_CAP, t)))
		return L4_INVALID_CAP;
	l4_thread_control_start();
	l4_thread_control_bind((l4_utcb_t *)(L4TEST_UTCB_AREA + slot * L4_UTCB_OFFSET), task);
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

/* Start fn on its own stack as a new thread of this task.  fn must not
 * use libc (the thread has no TLS) and must never return. */
static unsigned l4test_next_utcb = 1;   /* round robin over the 64 UTCBs */
static inline l4_cap_idx_t start_thread(void (*fn)(void), char *stack, unsigned long size)
{
	unsigned slot = l4test_next_utcb;
	l4test_next_utcb = l4test_next_utcb % 63 + 1;
	return start_thread_in(L4_BASE_TASK_CAP, slot, fn, stack, size);
}
#endif
