/* Adversarial confinement: an attacker thread in task B, whose pager and
 * exception handler is a thread of ours, tries to get out of its task.
 * It writes to the trusted stub's code, request page and the KIP; it
 * jumps onto every `syscall` instruction in the stub's code with the
 * registers of a forbidden Linux call (kill a host process, create a host
 * file, munmap/mprotect/mmap the stub); it makes the same calls from its
 * own code; and it sends a few thousand garbage messages (random tags,
 * words, items, buffers, flags) to every kind of kernel object.  Every
 * attempt must end as a fault or exception the handler sees, with no
 * effect on the host (the runner checks the victim process lives and the
 * file does not exist), and afterwards the kernel still serves IPC and
 * its mapping database still matches every task's address space.
 * Arguments: the host pid to kill, the host path to create. */
#include <string.h>
#include <stdlib.h>
#include <signal.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <l4/sys/irq.h>
#include <l4/sys/semaphore.h>
#include <l4/sys/ipc_gate.h>
#include <l4/sys/kdebug.h>
#include <l4/umol4/debug.h>
#include "l4test.h"

#define HANDLER_IN_B (0x30UL << L4_CAP_SHIFT)
#define STUB_REQ_PAGE (UMOL4_STUB_BASE + 0x100000UL)   /* seccomp: the mapper's requests */
#define MAX_SITES 64

enum { A_PARK, A_WRITE_CODE, A_WRITE_REQ, A_WRITE_KIP, A_OWN_SYSCALL, A_STUB_SYSCALL, A_GARBAGE };

static char handler_stack[16384] __attribute__((aligned(16)));
static char echo_stack[16384] __attribute__((aligned(16)));
static char attacker_stack[65536] __attribute__((aligned(16)));

/* Shared with B (the image is common): what to do, what happened. */
static volatile int attack;
static volatile unsigned long call_args[7];   /* nr, then six arguments */
static volatile unsigned long site;           /* stub address to jump to */
static volatile unsigned long sites[MAX_SITES];
static volatile unsigned nsites;
static volatile unsigned long ud2s[MAX_SITES];  /* the stub's ud2 instructions */
static volatile unsigned nud2;
static char probe_path[256];
static l4_cap_idx_t faulted;
static volatile unsigned long rec_kind, rec_trap, rec_ip, rec_addr, rec_rax, reports;
static l4_cap_idx_t targets[16];
static unsigned ntargets;
static volatile unsigned long garbage_sent;

/* Our side: every fault or exception of the attacker is recorded, then
 * the attacker is left blocked until the main thread moves it on. */
static void handler(void)
{
	for (;;) {
		l4_umword_t label;
		l4_msgtag_t t = l4_ipc_wait(l4_utcb(), &label, L4_IPC_NEVER);
		l4_msg_regs_t *m = l4_utcb_mr();
		if (l4_msgtag_is_page_fault(t)) {
			rec_kind = 1;
			rec_addr = m->mr[0];
			rec_ip = m->mr[1];
			rec_trap = 14;
		} else if (l4_msgtag_is_exception(t)) {
			l4_exc_regs_t *r = (l4_exc_regs_t *)m;
			rec_kind = 2;
			rec_trap = r->trapno;
			rec_ip = r->ip;
			rec_addr = r->pfa;
			rec_rax = r->rax;
		} else {
			continue;
		}
		reports++;
		l4_semaphore_up(faulted);
	}
}

static void echo(void)
{
	l4_umword_t label;
	l4_ipc_wait(l4_utcb(), &label, L4_IPC_NEVER);
	for (;;) {
		l4_utcb_mr()->mr[0] += 1;
		l4_ipc_reply_and_wait(l4_utcb(), l4_msgtag(0, 1, 0, 0), &label, L4_IPC_NEVER);
	}
}

static unsigned long rng = 0x9e3779b97f4a7c15UL;
static unsigned long rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Random, but often near what decoders look for: small opcodes, real
 * protocols, selectors of real capabilities, flexpages of every type. */
static l4_umword_t garbage_word(void)
{
	static const long protos[] = { 0, -1, -2, -5, -10, -11, -12, -13, -14, -15, -18, -20, -23 };
	switch (rnd() % 6) {
	case 0: return rnd();
	case 1: return rnd() % 0x120;
	case 2: return (l4_umword_t)protos[rnd() % (sizeof protos / sizeof protos[0])];
	case 3: return targets[rnd() % ntargets] | (rnd() & 0xfff);
	case 4: return (rnd() & ~0xfffUL) | (rnd() % 64) << 6 | (rnd() & 0x3f);
	default: return rnd() & 0xffff;
	}
}

static void send_garbage(unsigned count)
{
	static const long protos[] = { 0, -1, -10, -11, -12, -13, -14, -15, -18, -20, -23, 0x4000 };
	l4_utcb_t *u = l4_utcb();
	for (unsigned n = 0; n < count; n++) {
		l4_msg_regs_t *m = l4_utcb_mr();
		l4_buf_regs_t *b = l4_utcb_br();
		for (unsigned i = 0; i < L4_UTCB_GENERIC_DATA_SIZE; i++)
			m->mr[i] = garbage_word();
		b->bdr = rnd() % 4 == 0 ? rnd() : 0;
		for (unsigned i = 0; i < 8; i++)
			b->br[i] = garbage_word();
		long label = rnd() % 3 ? protos[rnd() % (sizeof protos / sizeof protos[0])] : (long)rnd();
		l4_msgtag_t tag = l4_msgtag(label, rnd() % 64, rnd() % 4 ? rnd() % 4 : rnd() % 64, rnd() & 0xf000);
		l4_cap_idx_t dest = rnd() % 8 ? targets[rnd() % ntargets] : rnd() & ~0x7ffUL;
		/* Never an open wait without end: the attacker must come back. */
		l4_umword_t flags = rnd() % 4 ? L4_SYSF_CALL : rnd() & 0xf;
		l4_timeout_t to = rnd() % 8 ? L4_IPC_BOTH_TIMEOUT_0 : l4_timeout(l4_timeout_from_us(rnd() % 1000),
										 l4_timeout_from_us(rnd() % 1000));
		l4_ipc(dest, u, flags, rnd(), tag, 0, to);
		garbage_sent++;
	}
}

/* Load the Linux call's registers and jump to target: nothing of ours
 * runs after the jump, whatever the stub's code does next. */
static void __attribute__((noreturn)) jump_with_call(unsigned long target)
{
	__asm__ volatile("mov 24(%%rbx), %%rdx\n\t"
			 "mov 32(%%rbx), %%r10\n\t"
			 "mov 40(%%rbx), %%r8\n\t"
			 "mov 48(%%rbx), %%r9\n\t"
			 "mov 16(%%rbx), %%rsi\n\t"
			 "mov 8(%%rbx), %%rdi\n\t"
			 "mov 0(%%rbx), %%rax\n\t"
			 "jmp *%%rcx"
			 :: "b"(call_args), "c"(target) : "memory");
	__builtin_unreachable();
}

static long own_syscall(void)
{
	long r;
	register long r10 __asm__("r10") = call_args[4];
	register long r8 __asm__("r8") = call_args[5];
	register long r9 __asm__("r9") = call_args[6];
	__asm__ volatile("syscall" : "=a"(r) : "a"(call_args[0]), "D"(call_args[1]), "S"(call_args[2]),
			 "d"(call_args[3]), "r"(r10), "r"(r8), "r"(r9) : "rcx", "r11", "memory");
	return r;
}

/* The attacker: started anew (ex_regs) for every attempt.  It uses no
 * libc: it runs in B, where nothing of libc was set up. */
static void attacker(void)
{
	switch (attack) {
	case A_WRITE_CODE: *(volatile char *)UMOL4_STUB_BASE = 0x90; break;
	case A_WRITE_REQ: *(volatile unsigned *)STUB_REQ_PAGE = 1; break;
	case A_WRITE_KIP: *(volatile unsigned *)UMOL4_KIP_ADDR = 0; break;
	case A_OWN_SYSCALL: own_syscall(); break;
	case A_STUB_SYSCALL: jump_with_call(site);
	case A_GARBAGE: {
		/* First find the syscall and the ud2 instructions of the stub's
		 * first page (a ud2 is where new threads wait to be born). */
		const volatile unsigned char *p = (const volatile unsigned char *)UMOL4_STUB_BASE;
		nsites = nud2 = 0;
		for (unsigned i = 0; i + 1 < 0x1000; i++) {
			if (p[i] == 0x0f && p[i + 1] == 0x05 && nsites < MAX_SITES)
				sites[nsites++] = UMOL4_STUB_BASE + i;
			/* A ud2 in the L4 entry code (its first 0x100 bytes) is the
			 * seccomp stub's resume marker: jumping there replays the
			 * thread's last return from the kernel, which gives it
			 * nothing new and never reports; those are left out. */
			if (p[i] == 0x0f && p[i + 1] == 0x0b && i >= 0x100 && nud2 < MAX_SITES)
				ud2s[nud2++] = UMOL4_STUB_BASE + i;
		}
		send_garbage(3000);
		break;
	}
	default: break;
	}
	/* Done (or a write that did not fault): report with a breakpoint. */
	__asm__ volatile("int3");
	for (;;)
		l4_ipc_sleep(L4_IPC_NEVER);
}

static l4_cap_idx_t attacker_cap;
static l4_cap_idx_t echo_gate;

/* Run one attempt and wait for the handler's report; then check the
 * kernel still serves: a call answered by a thread of ours, a capability
 * query, and the kernel's own check of every address space. */
static int run(int what)
{
	unsigned long before = reports;
	attack = what;
	l4_thread_ex_regs(attacker_cap, (l4_umword_t)attacker,
			  ((unsigned long)attacker_stack + sizeof attacker_stack) & ~15UL, 0);
	l4_semaphore_down(faulted, L4_IPC_NEVER);
	l4_utcb_mr()->mr[0] = 41;
	l4_msgtag_t r = l4_ipc_call(echo_gate, l4_utcb(), l4_msgtag(0, 1, 0, 0), L4_IPC_NEVER);
	int alive = !l4_ipc_error(r, l4_utcb()) && l4_utcb_mr()->mr[0] == 42 &&
		    l4_msgtag_label(l4_task_cap_valid(L4_BASE_TASK_CAP, attacker_cap)) == 1 &&
		    umol4_check_memory() == 0;
	return reports == before + 1 && alive;
}

static void give(l4_cap_idx_t task, l4_cap_idx_t cap, l4_cap_idx_t slot)
{
	l4_task_map(task, L4_BASE_TASK_CAP, l4_obj_fpage(cap, 0, L4_CAP_FPAGE_RWSD), l4_map_obj_control(slot, L4_MAP_ITEM_MAP));
}

static void set_call(long nr, long a, long b, long c, long d, long e, long f)
{
	call_args[0] = nr; call_args[1] = a; call_args[2] = b; call_args[3] = c;
	call_args[4] = d; call_args[5] = e; call_args[6] = f;
}

int main(int argc, char **argv)
{
	long victim = argc > 1 ? atol(argv[1]) : 1;
	snprintf(probe_path, sizeof probe_path, "%s", argc > 2 ? argv[2] : "/tmp/umol4-confine-probe");
	faulted = cap_alloc();
	l4_factory_create(L4_BASE_FACTORY_CAP, L4_PROTO_SEMAPHORE, faulted);
	l4_cap_idx_t h = start_thread(handler, handler_stack, sizeof handler_stack);
	l4_cap_idx_t e = start_thread(echo, echo_stack, sizeof echo_stack);
	echo_gate = cap_alloc();
	l4_factory_create_gate(L4_BASE_FACTORY_CAP, echo_gate, e, 0x100);
	l4_cap_idx_t b = create_task_sharing_image();
	CHECK(l4_is_valid_cap(b), "attacker task B created");

	/* B's capabilities: every kind of kernel object, none that lets it
	 * harm itself or us beyond the rules (no task capability of its own). */
	l4_cap_idx_t victim_task = create_task_sharing_image();
	l4_cap_idx_t idle_thread = cap_alloc(), irq = cap_alloc(), sem = cap_alloc(), fac = cap_alloc();
	l4_factory_create_thread(L4_BASE_FACTORY_CAP, idle_thread);
	l4_factory_create_irq(L4_BASE_FACTORY_CAP, irq);
	l4_factory_create(L4_BASE_FACTORY_CAP, L4_PROTO_SEMAPHORE, sem);
	l4_factory_create_factory(L4_BASE_FACTORY_CAP, fac, 64);
	const l4_cap_idx_t give_caps[] = { victim_task, idle_thread, irq, sem, fac, echo_gate, L4_BASE_SCHEDULER_CAP,
					   L4_BASE_DEBUGGER_CAP, L4_BASE_ICU_CAP };
	for (unsigned i = 0; i < sizeof give_caps / sizeof give_caps[0]; i++) {
		targets[ntargets] = (0x40UL + i) << L4_CAP_SHIFT;
		give(b, give_caps[i], targets[ntargets++]);
	}
	targets[ntargets++] = L4_BASE_TASK_CAP;     /* empty in B */
	give(b, h, HANDLER_IN_B);

	attacker_cap = cap_alloc();
	l4_factory_create_thread(L4_BASE_FACTORY_CAP, attacker_cap);
	l4_thread_control_start();
	l4_thread_control_pager(HANDLER_IN_B);
	l4_thread_control_exc_handler(HANDLER_IN_B);
	l4_thread_control_bind((l4_utcb_t *)L4TEST_UTCB_AREA, b);
	l4_thread_control_commit(attacker_cap);
	attack = A_PARK;
	l4_thread_ex_regs(attacker_cap, (l4_umword_t)attacker, ((unsigned long)attacker_stack + sizeof attacker_stack) & ~15UL, 0);
	l4_sched_param_t sp = l4_sched_param(2, 0);
	l4_scheduler_run_thread(L4_BASE_SCHEDULER_CAP, attacker_cap, &sp);
	l4_semaphore_down(faulted, L4_IPC_NEVER);
	CHECK(rec_kind == 2 && rec_trap == 3, "the attacker runs in B and reports to our handler (int3)");

	/* Writes to the stub's pages and the KIP fault; the kernel goes on. */
	CHECK(run(A_WRITE_CODE) && rec_kind == 1 && (rec_addr & ~7UL) == UMOL4_STUB_BASE && (rec_addr & 2),
	      "a write to the stub's code faults (write fault at %lx)", rec_addr);
	CHECK(run(A_WRITE_REQ) && rec_kind == 1 && (rec_addr & ~7UL) == STUB_REQ_PAGE,
	      "a write to the stub's request page faults (%lx)", rec_addr);
	CHECK(run(A_WRITE_KIP) && rec_kind == 1 && (rec_addr & ~7UL) == UMOL4_KIP_ADDR, "a write to the KIP faults (%lx)",
	      rec_addr);

	/* Forbidden calls from the attacker's own code: each becomes an exception. */
	const long calls[][7] = {
		{ SYS_kill, victim, SIGKILL },
		{ SYS_open, (long)probe_path, O_CREAT | O_WRONLY, 0644 },
		{ SYS_munmap, (long)UMOL4_STUB_BASE, 0x1000 },
		{ SYS_mprotect, (long)UMOL4_STUB_BASE, 0x1000, PROT_READ | PROT_WRITE | PROT_EXEC },
		{ SYS_mmap, (long)UMOL4_STUB_BASE, 0x1000, PROT_READ | PROT_WRITE | PROT_EXEC,
		  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0 },
		{ SYS_mmap, (long)STUB_REQ_PAGE, 0x1000, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, 4, 0 },
		{ SYS_ptrace, 16 /* ATTACH */, victim },
	};
	const unsigned ncalls = sizeof calls / sizeof calls[0];
	int ok = 0;
	for (unsigned i = 0; i < ncalls; i++) {
		set_call(calls[i][0], calls[i][1], calls[i][2], calls[i][3], calls[i][4], calls[i][5], calls[i][6]);
		ok += run(A_OWN_SYSCALL) && rec_kind == 2 && rec_trap == 13 && rec_rax == (unsigned long)calls[i][0];
	}
	CHECK(ok == (int)ncalls, "kill, open, munmap/mprotect/mmap of the stub, ptrace from B's code: trap 13 each (%d of %u)",
	      ok, ncalls);

	/* The same calls, entered on every syscall instruction of the stub. */
	CHECK(run(A_GARBAGE), "the attacker sent %lu garbage messages to every kind of object; the kernel serves on",
	      garbage_sent);
	CHECK(nsites > 0, "the stub's first page holds %u syscall instructions", nsites);
	int trapped = 0, tries = 0;
	for (unsigned s = 0; s < nsites; s++)
		for (unsigned i = 0; i < ncalls; i++) {
			set_call(calls[i][0], calls[i][1], calls[i][2], calls[i][3], calls[i][4], calls[i][5], calls[i][6]);
			site = sites[s];
			tries++;
			trapped += run(A_STUB_SYSCALL);
		}
	CHECK(trapped == tries, "%d jumps into the stub with forbidden calls: each ended in a fault or exception, kernel serving",
	      tries);
	/* A jump onto a ud2, the birth point of new threads among them, is an
	 * invalid opcode like any other (it used to hang the thread). */
	int ud = 0;
	set_call(SYS_getpid, 0, 0, 0, 0, 0, 0);
	for (unsigned k = 0; k < nud2; k++) {
		site = ud2s[k];
		ud += run(A_STUB_SYSCALL) && rec_kind == 2 && rec_trap == 6;
	}
	CHECK(ud == (int)nud2, "%d jumps onto the stub's ud2 instructions past its entry code (none on ptrace): invalid opcode each (%d)",
	      nud2, ud);
	CHECK(run(A_WRITE_CODE) && rec_kind == 1 && (rec_addr & ~7UL) == UMOL4_STUB_BASE,
	      "afterwards the stub is still read-only in B and B still reports its faults");
	printf("victim pid %ld, probe %s\n", victim, probe_path);
	L4TEST_DONE();
}
