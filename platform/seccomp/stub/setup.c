/* Stub process set-up, run once on the exec stack before any L4 code:
 * map the shared pages, install the signal handlers, block signals in the
 * mapper.  Freestanding: raw system calls only. */
#include <asm/unistd.h>
#include <linux/mman.h>
#include <linux/prctl.h>
#include <asm/signal.h>
#include "stub.h"

struct kernel_sigaction {
	void *handler;
	unsigned long flags;
	void *restorer;
	unsigned long mask;
};

#define SA_RESTORER_FLAG 0x04000000UL

static void map_or_die(unsigned long addr, unsigned long len, long prot, unsigned long off)
{
	long r = stub_syscall6(__NR_mmap, addr, len, prot, MAP_SHARED | MAP_FIXED, STUB_KU_FD, off);
	if (r != (long)addr)
		stub_die();
}

void stub_setup(void);
void stub_setup(void)
{
	map_or_die(STUB_REQ_ADDR, 0x1000, PROT_READ, STUB_REQ_OFF);
	map_or_die(UMOL4_KIP_ADDR, 0x1000, PROT_READ | PROT_EXEC, STUB_KIP_OFF);
	map_or_die(STUB_TASK_ADDR, 0x1000, PROT_READ | PROT_WRITE, STUB_TASK_OFF);
	map_or_die(STUB_SLOT_ADDR, STUB_MAX_SLOTS * STUB_SLOT_SIZE, PROT_READ | PROT_WRITE, STUB_SLOT_OFF);

	if (stub_syscall6(__NR_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0, 0))
		stub_die();

	/* Faults, traps and the kernel's kick all go to one handler on the
	 * thread's own signal stack.  The kick is blocked inside the handler
	 * so it never interrupts a kernel entry in progress. */
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGSYS, STUB_SIG_KICK };
	for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		/* Filled field by field: an initializer would become a
		 * writable template in .data, which the stub must not have. */
		struct kernel_sigaction sa;
		sa.handler = (void *)stub_signal;
		sa.flags = SA_SIGINFO | SA_ONSTACK | SA_RESTORER_FLAG;
		/* The emulation library may make Linux calls itself (its
		 * malloc's mmap): a SIGSYS that arrives while SIGSYS is
		 * blocked makes Linux reset the handler and kill the task. */
		if (sigs[i] == SIGSYS)
			sa.flags |= SA_NODEFER;
		sa.restorer = (void *)stub_restorer;
		sa.mask = 1UL << (STUB_SIG_KICK - 1);
		if (stub_syscall6(__NR_rt_sigaction, sigs[i], (long)&sa, 0, 8, 0, 0))
			stub_die();
	}

	/* The mapper never takes a signal; its clones unblock them at birth. */
	unsigned long all = ~0UL;
	stub_syscall6(__NR_rt_sigprocmask, SIG_SETMASK, (long)&all, 0, 8, 0, 0);
}
