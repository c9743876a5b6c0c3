/* Single-stepping through exception IPC: a handler sets the trap flag
 * (EFLAGS.TF) in its full register-set reply and then gets one debug
 * exception (trap 1) per instruction, with the IP of the next instruction,
 * as long as its replies keep TF set; clearing it lets the thread run on.
 * Stepping starts after an int3, after ex_regs(TRIGGER_EXCEPTION), and
 * after the thread sets TF itself with popf.  The stepped code is
 * straight-line asm with a label on every instruction, so every reported
 * IP and the number of reports are checked exactly. */
#include <string.h>
#include "l4test.h"

#define TF 0x100UL
#define TRAP_DEBUG 1
#define TRAP_BREAKPOINT 3
#define TRAP_EX_REGS 0xff

/* A: an int3, then a jump, then a register the handler rewrites while
 * stepping.  a3 is never executed (it would be trap 6).
 * B: the thread sets TF itself; the CPU traps only after the instruction
 * that follows the popf (b0), so the first report is at b1.
 * C: entered by ex_regs with a new IP and stack; ends in C code. */
__asm__(".text\n"
	".globl step_a\nstep_a:\n"
	"a_int3: int3\n"
	"a0: mov $5, %eax\n"
	"a1: add $7, %eax\n"
	"a2: jmp a4\n"
	"a3: ud2\n"
	"a4: lea 1(%rax,%rax), %ecx\n"
	"a5: nop\n"
	"a6: xor %edx, %edx\n"
	"a7: mov %ecx, %eax\n"
	"ret\n"
	".globl step_b\nstep_b:\n"
	"pushfq\n"
	"orq $0x100, (%rsp)\n"
	"popfq\n"
	"b0: mov $3, %eax\n"
	"b1: add $4, %eax\n"
	"b2: nop\n"
	"b3: ret\n"
	".globl step_c\nstep_c:\n"
	"c0: mov $9, %eax\n"
	"c1: inc %eax\n"
	"c2: mov %rax, %rdi\n"
	"c3: call step_c_done\n"
	"ud2\n"
	".globl a0, a1, a2, a4, a5, a6, b1, b2, c0, c1, c2\n");
extern unsigned long step_a(void), step_b(void);
extern char step_c[], a0[], a1[], a2[], a4[], a5[], a6[], b1[], b2[], c0[], c1[], c2[];

#define LOG_MAX 32
static volatile unsigned long exc_n, exc_trap[LOG_MAX], exc_ip[LOG_MAX], exc_flags[LOG_MAX];

/* Where the handler stops stepping: at these reports it clears TF. */
static int stop_here(unsigned long ip)
{
	return ip == (unsigned long)a6 || ip == (unsigned long)b2 || ip == (unsigned long)c2;
}

static void handler(void)
{
	l4_umword_t label;
	l4_msgtag_t tag = l4_ipc_wait(l4_utcb(), &label, L4_IPC_NEVER);
	for (;;) {
		l4_msgtag_t reply = l4_msgtag(-1, 0, 0, 0);
		if (l4_msgtag_is_exception(tag)) {
			l4_exc_regs_t *r = l4_utcb_exc();
			unsigned long n = exc_n;
			if (n < LOG_MAX) {
				exc_trap[n] = r->trapno;
				exc_ip[n] = r->ip;
				exc_flags[n] = r->flags;
			}
			exc_n = n + 1;
			if (r->trapno == TRAP_DEBUG && stop_here(r->ip))
				r->flags &= ~TF;
			else
				r->flags |= TF;
			/* A register rewritten mid-step must reach the next instruction. */
			if (r->trapno == TRAP_DEBUG && r->ip == (unsigned long)a5)
				r->rcx += 100;
			reply = l4_msgtag(0, L4_UTCB_EXCEPTION_REGS_SIZE, 0, 0);
		}
		tag = l4_ipc_reply_and_wait(l4_utcb(), reply, &label, L4_IPC_NEVER);
	}
}

static volatile unsigned long result_a, result_b, result_c;
static volatile int done_ab, done_c;

void step_c_done(unsigned long v);
void step_c_done(unsigned long v)
{
	result_c = v;
	done_c = 1;
	for (;;)
		l4_ipc_sleep_ms(10);
}

static void target(void)
{
	result_a = step_a();
	result_b = step_b();
	done_ab = 1;
	for (;;)
		l4_ipc_sleep_ms(10);
}

static char handler_stack[16384] __attribute__((aligned(16)));
static char target_stack[16384] __attribute__((aligned(16)));
static char c_stack[16384] __attribute__((aligned(16)));

/* The expected reports, in order. */
struct report { unsigned long trap; const char *ip; };

static unsigned check_reports(unsigned first, const struct report *want, unsigned n, const char *what)
{
	unsigned bad = 0;
	for (unsigned i = 0; i < n; i++) {
		unsigned k = first + i;
		int ok = k < LOG_MAX && exc_trap[k] == want[i].trap && exc_ip[k] == (unsigned long)want[i].ip &&
			 (want[i].trap != TRAP_DEBUG || (exc_flags[k] & TF));
		CHECK(ok, "%s, report %u: trap %lu at %p (got trap %lu at %lx, flags %lx)", what, i, want[i].trap,
		      (const void *)want[i].ip, k < LOG_MAX ? exc_trap[k] : 0, k < LOG_MAX ? exc_ip[k] : 0,
		      k < LOG_MAX ? exc_flags[k] : 0);
		bad += !ok;
	}
	return bad;
}

int main(void)
{
	l4_cap_idx_t h = start_thread(handler, handler_stack, sizeof handler_stack);
	l4_cap_idx_t t = cap_alloc();
	CHECK(l4_is_valid_cap(h) && !l4_error(l4_factory_create_thread(L4_BASE_FACTORY_CAP, t)),
	      "handler thread and target thread created");
	l4_thread_control_start();
	l4_thread_control_pager(L4_BASE_PAGER_CAP);
	l4_thread_control_exc_handler(h);
	l4_thread_control_bind((l4_utcb_t *)(L4TEST_UTCB_AREA + 40 * L4_UTCB_OFFSET), L4_BASE_TASK_CAP);
	CHECK(!l4_error(l4_thread_control_commit(t)), "target's exception handler is the handler thread");
	l4_thread_ex_regs(t, (l4_umword_t)target, ((unsigned long)target_stack + sizeof target_stack) & ~15UL, 0);
	l4_sched_param_t sp = l4_sched_param(2, 0);
	l4_scheduler_run_thread(L4_BASE_SCHEDULER_CAP, t, &sp);

	/* No time limit: if stepping hangs, the suite's outer timeout reports it. */
	while (!done_ab)
		l4_ipc_sleep_ms(1);
	static const struct report want_a[] = {
		{ TRAP_BREAKPOINT, a0 }, { TRAP_DEBUG, a1 }, { TRAP_DEBUG, a2 }, { TRAP_DEBUG, a4 },
		{ TRAP_DEBUG, a5 }, { TRAP_DEBUG, a6 },
	};
	static const struct report want_b[] = { { TRAP_DEBUG, b1 }, { TRAP_DEBUG, b2 } };
	unsigned na = sizeof want_a / sizeof want_a[0], nb = sizeof want_b / sizeof want_b[0];
	check_reports(0, want_a, na, "int3, TF set in the reply: one trap 1 per instruction, the jump followed");
	CHECK(result_a == 125, "stepped code computed 2 * (5 + 7) + 1 plus the handler's +100 to rcx at a5 (%lu)", result_a);
	check_reports(na, want_b, nb, "TF set by popf: the first trap after the instruction after popf");
	CHECK(result_b == 7, "the popf sequence ran to its end after TF was cleared (%lu)", result_b);
	CHECK(exc_n == na + nb, "no report after TF was cleared: %lu reports, %u expected", exc_n, na + nb);

	/* TRIGGER_EXCEPTION with a new IP and stack on the sleeping target. */
	unsigned long before = exc_n;
	CHECK(!l4_error(l4_thread_ex_regs(t, (l4_umword_t)step_c, ((unsigned long)c_stack + sizeof c_stack) & ~15UL,
					  L4_THREAD_EX_REGS_TRIGGER_EXCEPTION)),
	      "ex_regs TRIGGER_EXCEPTION moves the target to step_c");
	while (!done_c)
		l4_ipc_sleep_ms(1);
	static const struct report want_c[] = {
		{ TRAP_EX_REGS, c0 }, { TRAP_DEBUG, c1 }, { TRAP_DEBUG, c2 },
	};
	unsigned nc = sizeof want_c / sizeof want_c[0];
	check_reports(before, want_c, nc, "trap 0xff, TF set in the reply: stepping from the new IP");
	CHECK(result_c == 10 && exc_n == before + nc, "step_c ran on without TF (%lu, %lu reports)", result_c,
	      exc_n - before);
	L4TEST_DONE();
}
