/* l4util: a thread made by l4util_create_thread with an aligned entry
 * (L4UTIL_THREAD_STATIC_FUNC), l4_sleep, atomics and bit operations. */
#include <l4/util/thread.h>
#include <l4/util/util.h>
#include <l4/util/atomic.h>
#include <l4/util/bitops.h>
#include <l4/sys/kip.h>
#include "l4test.h"

static char stack[16384] __attribute__((aligned(16)));
static volatile unsigned long seen_sp, ran;

/* Called as the ABI says, a function's frame address (rsp after it
 * pushed rbp) is 16-aligned.  Called through a volatile pointer, so that
 * the compiler cannot see that it needs no alignment and skip it. */
static void __attribute__((noinline)) probe(void)
{
	seen_sp = (unsigned long)__builtin_frame_address(0);
}
static void (*volatile probe_ptr)(void) = probe;

L4UTIL_THREAD_STATIC_FUNC(worker)
{
	probe_ptr();
	ran = 4;
	l4_sleep_forever();
}

int main(void)
{
	l4_cap_idx_t t = cap_alloc();
	/* A stack top that is 8 mod 16: entered by a plain call, the body
	 * would run misaligned; the entry must align it first. */
	long e = l4util_create_thread(t, (l4_utcb_t *)(L4TEST_UTCB_AREA + 5 * L4_UTCB_OFFSET), L4_BASE_FACTORY_CAP,
				      (l4_umword_t)worker, (l4_umword_t)stack + sizeof stack - 24, L4_BASE_PAGER_CAP,
				      L4_BASE_TASK_CAP, L4_BASE_SCHEDULER_CAP, l4_sched_param(2, 0));
	CHECK(e == 0, "l4util_create_thread: %ld", e);
	for (int i = 0; i < 1000 && !ran; i++)
		l4_sleep(1);
	CHECK(ran == 4, "the thread ran its body");
	CHECK(seen_sp && (seen_sp & 15) == 0, "functions it calls see an ABI-aligned stack (frame %lx)",
	      (unsigned long)seen_sp);
	e = l4util_create_thread(cap_alloc(), (l4_utcb_t *)(L4TEST_UTCB_AREA + 5 * L4_UTCB_OFFSET), L4_BASE_FACTORY_CAP,
				 (l4_umword_t)worker, (l4_umword_t)stack, L4_BASE_PAGER_CAP, L4_BASE_TASK_CAP,
				 L4_INVALID_CAP, l4_sched_param(2, 0));
	CHECK(e == -L4_EINVAL || e == -L4_EEXIST, "a UTCB already in use is refused (%ld)", e);

	l4_cpu_time_t t0 = l4_kip_clock(l4_kip());
	l4_sleep(20);
	l4_cpu_time_t t1 = l4_kip_clock(l4_kip());
	CHECK(t1 - t0 >= 20000, "l4_sleep(20) slept at least 20 ms (%llu us)", (unsigned long long)(t1 - t0));

	volatile l4_uint64_t v = 5;
	CHECK(l4util_cmpxchg64(&v, 5, 9) && v == 9 && !l4util_cmpxchg64(&v, 5, 1) && v == 9,
	      "cmpxchg64 swaps only on a match");
	l4_umword_t bits[2] = { 0, 0 };
	l4util_set_bit(70, bits);
	CHECK(bits[1] == (1UL << 6) && l4util_test_bit(70, bits) && !l4util_test_bit(69, bits), "set_bit/test_bit across words");
	CHECK(l4util_bsr(0x1000) == 12 && l4util_bsf(0x30) == 4, "bsr/bsf");
	L4TEST_DONE();
}
