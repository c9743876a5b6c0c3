/* ex_regs of a running thread: the kernel kicks it out of user code
 * (plat_thread_kick) and it goes on at the new IP and SP. */
#include "l4test.h"

static char stack[16384] __attribute__((aligned(16)));
static volatile int moved, spinning;

static void spin(void) { for (;;) spinning = 1; }
static void landed(void) { moved = 1; for (;;) ; }

int main(void)
{
	l4_cap_idx_t t = start_thread(spin, stack, sizeof stack);
	CHECK(l4_is_valid_cap(t), "started a thread that spins without entering the kernel");
	while (!spinning)
		l4_ipc_sleep_ms(1);
	unsigned long sp = ((unsigned long)stack + sizeof stack - 64) & ~15UL;
	CHECK(!l4_error(l4_thread_ex_regs(t, (l4_umword_t)landed, sp - 8, 0)), "ex_regs of the running thread");
	while (!moved)          /* the runner's timeout catches a thread that never moves */
		l4_ipc_sleep_ms(1);
	CHECK(moved, "the running thread went on at the new IP");
	L4TEST_DONE();
}
