/* Kernel semaphores: created by the factory, up counts, down takes one or
 * blocks; a down with a timeout ends with RETIMEOUT no earlier than the
 * timeout; a down through a capability without the S right is refused;
 * blocked waiters are woken one per up, first come first served. */
#include <l4/sys/semaphore.h>
#include <l4/sys/kip.h>
#include "l4test.h"

#define WAITERS 3

static l4_cap_idx_t sem, back;
static char stacks[WAITERS][16384] __attribute__((aligned(16)));
static volatile int ready[WAITERS];
static volatile int woken[WAITERS];      /* order in which the waiters came out */
static volatile int nwoken;
static volatile unsigned long waiter_err;

/* Each waiter downs sem once, notes its place, and tells the main thread
 * through the second semaphore, so the main thread learns the order
 * without racing with the next waiter. */
static void waiter(int id)
{
	ready[id] = 1;
	l4_msgtag_t t = l4_semaphore_down(sem, L4_IPC_NEVER);
	if (l4_ipc_error(t, l4_utcb()))
		waiter_err = l4_ipc_error(t, l4_utcb());
	woken[nwoken++] = id;
	l4_semaphore_up(back);
	for (;;)
		l4_ipc_sleep(L4_IPC_NEVER);
}
static void waiter0(void) { waiter(0); }
static void waiter1(void) { waiter(1); }
static void waiter2(void) { waiter(2); }

static long down0(l4_cap_idx_t s)
{
	return l4_error(l4_semaphore_down(s, L4_IPC_BOTH_TIMEOUT_0));
}

int main(void)
{
	const long retimeout = -(L4_EIPC_LO + L4_IPC_RETIMEOUT);
	sem = cap_alloc();
	back = cap_alloc();
	CHECK(!l4_error(l4_factory_create(L4_BASE_FACTORY_CAP, L4_PROTO_SEMAPHORE, sem)) &&
	      !l4_error(l4_factory_create(L4_BASE_FACTORY_CAP, L4_PROTO_SEMAPHORE, back)),
	      "the factory creates two semaphores");
	CHECK(l4_msgtag_label(l4_task_cap_valid(L4_BASE_TASK_CAP, sem)) == 1, "the new capability is valid");

	/* An empty semaphore: down times out, at once or after the timeout. */
	CHECK(down0(sem) == retimeout, "down on a fresh semaphore with timeout 0: RETIMEOUT");
	l4_kernel_info_t *kip = l4_kip();
	l4_cpu_time_t t0 = l4_kip_clock(kip);
	l4_msgtag_t r = l4_semaphore_down(sem, l4_timeout(L4_IPC_TIMEOUT_NEVER, l4_timeout_from_us(20000)));
	l4_cpu_time_t t1 = l4_kip_clock(kip);
	CHECK(l4_ipc_error(r, l4_utcb()) == L4_IPC_RETIMEOUT && l4_ipc_is_rcv_error(l4_utcb()),
	      "down with a 20 ms timeout: RETIMEOUT, a receive-phase error");
	CHECK(t1 - t0 >= 20000, "... not before 20 ms (%llu us)", (unsigned long long)(t1 - t0));

	/* Counting: three ups allow exactly three downs. */
	for (int i = 0; i < 3; i++)
		l4_semaphore_up(sem);
	int ok = 0;
	for (int i = 0; i < 3; i++)
		ok += down0(sem) == 0;
	CHECK(ok == 3, "after three ups three downs succeed without blocking (%d)", ok);
	CHECK(down0(sem) == retimeout, "the fourth down finds the count at 0");
	l4_semaphore_up(sem);
	CHECK(!l4_error(l4_semaphore_down(sem, L4_IPC_NEVER)), "an up before a blocking down lets it through");

	/* Rights: down needs S; a read-only copy cannot take the count. */
	l4_cap_idx_t weak = cap_alloc();
	l4_task_map(L4_BASE_TASK_CAP, L4_BASE_TASK_CAP, l4_obj_fpage(sem, 0, L4_CAP_FPAGE_RO),
		    l4_map_obj_control(weak, L4_MAP_ITEM_MAP));
	l4_semaphore_up(sem);
	CHECK(down0(weak) == -L4_EPERM, "down through a capability without S: -EPERM (%ld)", down0(weak));
	CHECK(down0(sem) == 0, "... and the count stayed for the real capability");

	/* Waiters queue in arrival order; each up wakes the longest waiting. */
	void (*fns[WAITERS])(void) = { waiter0, waiter1, waiter2 };
	for (int i = 0; i < WAITERS; i++) {
		start_thread(fns[i], stacks[i], sizeof stacks[i]);
		while (!ready[i])
			l4_ipc_sleep_ms(1);
		/* Settle: the waiter has a few instructions left before it
		 * blocks in down; nothing here depends on how long that takes. */
		l4_ipc_sleep_ms(20);
	}
	CHECK(nwoken == 0, "three waiters block on the empty semaphore");
	for (int i = 0; i < WAITERS; i++) {
		l4_semaphore_up(sem);
		l4_semaphore_down(back, L4_IPC_NEVER);
		CHECK(nwoken == i + 1, "up %d wakes exactly one waiter", i + 1);
	}
	CHECK(woken[0] == 0 && woken[1] == 1 && woken[2] == 2, "they were woken in the order they blocked (%d %d %d)",
	      woken[0], woken[1], woken[2]);
	CHECK(waiter_err == 0, "every waiter's down returned without error");
	CHECK(down0(sem) == retimeout && down0(back) == retimeout, "no ups are left over on either semaphore");
	L4TEST_DONE();
}
