/* ex_regs of a running thread: the kernel kicks it out of user code
 * (plat_thread_kick); a query returns where it really is, a move makes it
 * go on at the new IP and SP. */
#include "l4test.h"

static char stack[16384] __attribute__((aligned(16)));
static volatile int moved, spinning;

/* A loop with labels around it, so the test knows its addresses. */
extern char spin_start[], spin_end[];
static void spin(void)
{
	spinning = 1;
	__asm__ volatile("spin_start:\n\t"
			 "pause\n\t"
			 "jmp spin_start\n"
			 "spin_end:");
}
static void landed(void) { moved = 1; for (;;) ; }

int main(void)
{
	l4_cap_idx_t t = start_thread(spin, stack, sizeof stack);
	CHECK(l4_is_valid_cap(t), "started a thread that spins without entering the kernel");
	while (!spinning)
		l4_ipc_sleep_ms(1);
	/* Query only: the IP where it spins, not where it last entered the
	 * kernel (it never has, after its start). */
	int inside = 0;
	for (int i = 0; i < 5; i++) {
		l4_umword_t ip = ~0UL, qsp = ~0UL, flags = 0;
		l4_msgtag_t r = l4_thread_ex_regs_ret(t, &ip, &qsp, &flags);
		inside += !l4_error(r) && ip >= (l4_umword_t)spin_start && ip < (l4_umword_t)spin_end &&
			  qsp > (l4_umword_t)stack && qsp <= (l4_umword_t)stack + sizeof stack;
	}
	CHECK(inside == 5, "ex_regs queries of the spinning thread return its IP in the loop and its SP (%d of 5)", inside);
	unsigned long sp = ((unsigned long)stack + sizeof stack - 64) & ~15UL;
	CHECK(!l4_error(l4_thread_ex_regs(t, (l4_umword_t)landed, sp - 8, 0)), "ex_regs of the running thread");
	while (!moved)          /* the runner's timeout catches a thread that never moves */
		l4_ipc_sleep_ms(1);
	CHECK(moved, "the running thread went on at the new IP");
	L4TEST_DONE();
}
