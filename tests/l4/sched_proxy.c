/* moe's scheduler proxy (factory create of L4_PROTO_SCHEDULER with limit
 * and offset): a thread run through it gets its priority shifted by the
 * offset and capped at the limit; info comes from the kernel. */
#include <l4/re/env.h>
#include <l4/re/c/util/cap_alloc.h>
#include <l4/sys/factory.h>
#include <l4/umol4/debug.h>
#include <l4/util/thread.h>
#include <l4/util/util.h>
#include "l4test.h"

static char stack[2][8192] __attribute__((aligned(16)));
static volatile int ran[2];

L4UTIL_THREAD_STATIC_FUNC(worker0) { ran[0] = 1; l4_sleep_forever(); }
L4UTIL_THREAD_STATIC_FUNC(worker1) { ran[1] = 1; l4_sleep_forever(); }

/* A thread of ours, not yet run by any scheduler. */
static l4_cap_idx_t make_thread(int i, void (*fn)(void))
{
	l4re_env_t *e = l4re_env();
	l4_cap_idx_t t = l4re_util_cap_alloc();
	l4_utcb_t *u = (l4_utcb_t *)e->first_free_utcb;
	e->first_free_utcb += L4_UTCB_OFFSET;
	long r = l4util_create_thread(t, u, e->factory, (l4_umword_t)fn, (l4_umword_t)stack[i] + sizeof stack[i] - 8,
				      e->rm, L4_BASE_TASK_CAP, L4_INVALID_CAP, l4_sched_param(1, 0));
	return r ? L4_INVALID_CAP : t;
}

int main(void)
{
	l4re_env_t *e = l4re_env();
	l4_cap_idx_t proxy = l4re_util_cap_alloc();
	l4_utcb_t *u = l4_utcb();
	l4_msgtag_t tag = l4_factory_create_start_u(L4_PROTO_SCHEDULER, proxy, u);
	l4_factory_create_add_int_u(10, &tag, u);     /* limit */
	l4_factory_create_add_int_u(2, &tag, u);      /* offset */
	CHECK(!l4_error(l4_factory_create_commit_u(e->mem_alloc, tag, u)), "a scheduler proxy (limit 10, offset 2) from moe");

	l4_cap_idx_t t0 = make_thread(0, worker0), t1 = make_thread(1, worker1);
	CHECK(l4_is_valid_cap(t0) && l4_is_valid_cap(t1), "two threads, not yet running");
	l4_sched_param_t sp = l4_sched_param(3, 0);
	CHECK(!l4_error(l4_scheduler_run_thread(proxy, t0, &sp)), "run_thread(prio 3) through the proxy");
	sp = l4_sched_param(50, 0);
	CHECK(!l4_error(l4_scheduler_run_thread(proxy, t1, &sp)), "run_thread(prio 50) through the proxy");
	for (int i = 0; i < 2000 && !(ran[0] && ran[1]); i++)
		l4_sleep(1);
	CHECK(ran[0] && ran[1], "both threads run");
	CHECK(umol4_thread_prio(t0) == 5, "prio 3 + offset 2 = 5 in the kernel (%ld)", umol4_thread_prio(t0));
	CHECK(umol4_thread_prio(t1) == 10, "prio 50 + 2 capped at the limit 10 (%ld)", umol4_thread_prio(t1));

	l4_umword_t max = 0;
	l4_sched_cpu_set_t cpus = l4_sched_cpu_set(0, 0, 0);
	CHECK(!l4_error(l4_scheduler_info(proxy, &max, &cpus)) && max >= 1 && (cpus.map & 1),
	      "info through the proxy: %lu CPUs, map %lx", (unsigned long)max, (unsigned long)cpus.map);
	tag = l4_factory_create_start_u(L4_PROTO_SCHEDULER, l4re_util_cap_alloc(), u);
	l4_factory_create_add_int_u(300, &tag, u);
	l4_factory_create_add_int_u(0, &tag, u);
	CHECK(l4_error(l4_factory_create_commit_u(e->mem_alloc, tag, u)) == -L4_EINVAL, "a limit above 255: -EINVAL");
	L4TEST_DONE();
}
