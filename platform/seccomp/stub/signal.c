/* The stub's signal handler: turns what Linux reports about an L4 thread
 * (faults, trapped system calls, the birth trap, the kernel's kick) into a
 * kernel entry through the thread's frame, and loads the registers the
 * kernel answers with.  It runs as the L4 thread itself, on that thread's
 * signal stack and under its seccomp filter, so it needs no trust: what it
 * writes to the frame is checked by the kernel like any other input. */
#include <asm/unistd.h>
#include <asm/sigcontext.h>
#include <asm/signal.h>
#include <stdint.h>
#include "stub.h"

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define ARCH_GET_FS 0x1003
#define ARCH_SET_FS 0x1002
#define TRAP_GP 13

struct stub_ucontext {
	unsigned long flags;
	void *link;
	struct { void *sp; int flags; unsigned long size; } stack;
	struct sigcontext mc;
	unsigned long sigmask;
};

struct stub_siginfo {
	int signo, err, code, pad;
	void *call_addr;
	int syscall;
	unsigned arch;
};

/* The frame belongs to the slot whose signal stack we are running on;
 * this does not trust %gs, which the L4 program may have changed. */
static struct stub_frame *current_frame(void)
{
	uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
	if (sp < STUB_SLOT_ADDR || sp >= STUB_AREA_END)
		stub_die();
	return (struct stub_frame *)(STUB_SLOT_ADDR + (sp - STUB_SLOT_ADDR) / STUB_SLOT_SIZE * STUB_SLOT_SIZE);
}

static void save_regs(uint64_t *r, const struct sigcontext *m)
{
	r[PREG_R15] = m->r15; r[PREG_R14] = m->r14; r[PREG_R13] = m->r13; r[PREG_R12] = m->r12;
	r[PREG_R11] = m->r11; r[PREG_R10] = m->r10; r[PREG_R9] = m->r9; r[PREG_R8] = m->r8;
	r[PREG_RDI] = m->rdi; r[PREG_RSI] = m->rsi; r[PREG_RBP] = m->rbp; r[PREG_RBX] = m->rbx;
	r[PREG_RDX] = m->rdx; r[PREG_RCX] = m->rcx; r[PREG_RAX] = m->rax;
	r[PREG_TRAPNO] = m->trapno; r[PREG_ERR] = m->err; r[PREG_PFA] = m->cr2;
	r[PREG_IP] = m->rip; r[PREG_CS] = m->cs; r[PREG_FLAGS] = m->eflags; r[PREG_SP] = m->rsp;
	r[PREG_SS] = m->ss;
	uint64_t fs = 0;
	stub_syscall6(__NR_arch_prctl, ARCH_GET_FS, (long)&fs, 0, 0, 0, 0);
	r[PREG_FS_BASE] = fs;
	r[PREG_GS_BASE] = (uint64_t)current_frame();
	r[PREG_SEGS] = 0;
}

static void load_regs(struct sigcontext *m, const uint64_t *r, uint64_t mask)
{
#define LOAD(reg, field) if (mask & PREG_BIT(reg)) m->field = r[reg]
	LOAD(PREG_R15, r15); LOAD(PREG_R14, r14); LOAD(PREG_R13, r13); LOAD(PREG_R12, r12);
	LOAD(PREG_R11, r11); LOAD(PREG_R10, r10); LOAD(PREG_R9, r9); LOAD(PREG_R8, r8);
	LOAD(PREG_RDI, rdi); LOAD(PREG_RSI, rsi); LOAD(PREG_RBP, rbp); LOAD(PREG_RBX, rbx);
	LOAD(PREG_RDX, rdx); LOAD(PREG_RCX, rcx); LOAD(PREG_RAX, rax);
	LOAD(PREG_IP, rip); LOAD(PREG_SP, rsp);
#undef LOAD
	/* Linux keeps the privileged flag bits itself on sigreturn. */
	if (mask & PREG_BIT(PREG_FLAGS))
		m->eflags = (m->eflags & ~0xdd5UL) | (r[PREG_FLAGS] & 0xdd5UL);
	if (mask & PREG_BIT(PREG_FS_BASE))
		stub_syscall6(__NR_arch_prctl, ARCH_SET_FS, (long)r[PREG_FS_BASE], 0, 0, 0, 0);
}

/* Hand the frame to the kernel and sleep until it answers. */
static void enter_kernel(struct stub_frame *f, unsigned kind)
{
	f->kind = kind;
	uint32_t seq = f->req_seq + 1;
	__atomic_store_n(&f->req_seq, seq, __ATOMIC_SEQ_CST);
	stub_syscall6(__NR_futex, (long)&f->req_seq, FUTEX_WAKE, 1, 0, 0, 0);
	for (;;) {
		uint32_t v = __atomic_load_n(&f->resp_seq, __ATOMIC_SEQ_CST);
		if (v == seq)
			break;
		stub_syscall6(__NR_futex, (long)&f->resp_seq, FUTEX_WAIT, v, 0, 0, 0);
	}
}

/* The kernel's answer loaded; it may want the thread back at once with
 * the whole register file (a triggered exception, an alien's system call
 * to report), which only this handler can give it. */
static void load_answer(struct stub_frame *f, struct sigcontext *m)
{
	while (f->resume != RESUME_FAST) {
		unsigned resume = f->resume;
		load_regs(m, f->regs, f->regs_mask);
		if (resume != RESUME_REGS_ENTER)
			return;
		save_regs(f->regs, m);
		f->syscall_nr = ~0UL;
		enter_kernel(f, ENTRY_KICK);
	}
}

void stub_signal(int sig, void *infov, void *ucv)
{
	struct stub_siginfo *si = infov;
	struct stub_ucontext *uc = ucv;
	struct sigcontext *m = &uc->mc;
	struct stub_frame *f = current_frame();
	uintptr_t ip = m->rip;

	if (sig == SIGILL && ip == (uintptr_t)stub_full_resume) {
		/* Back from l4_ipc() with a register set from the kernel; what it
		 * does not set is as if l4_ipc() had returned normally. */
		m->rip = f->user_ip;
		m->rsp = f->user_sp - 128;
		m->rax = f->tag;
		m->rsi = f->label;
		load_answer(f, m);
		return;
	}
	if (sig == STUB_SIG_KICK) {
		/* Inside the entry code the thread is entering or leaving the
		 * kernel anyway; the kernel looks at pending work on entry. */
		if (ip >= (uintptr_t)stub_l4_entry && ip < (uintptr_t)stub_l4_entry_end)
			return;
		save_regs(f->regs, m);
		enter_kernel(f, ENTRY_KICK);
		load_answer(f, m);
		return;
	}
	if (sig == SIGILL && ip == (uintptr_t)stub_birth_point) {
		save_regs(f->regs, m);
		enter_kernel(f, ENTRY_BIRTH);
		load_answer(f, m);
		return;
	}
	if (sig == SIGSYS) {
		const struct stub_task_page *tp = (const void *)STUB_TASK_ADDR;
		if (tp->emul_entry) {
			((void (*)(void *))tp->emul_entry)(uc);
			return;
		}
	}

	save_regs(f->regs, m);
	f->syscall_nr = ~0UL;
	if (sig == SIGSYS) {
		/* A Linux system call the task may not make: report it like the
		 * general protection fault it would be on a real L4 system, with
		 * the IP on the instruction, so resuming unchanged retries it. */
		f->regs[PREG_TRAPNO] = TRAP_GP;
		f->regs[PREG_ERR] = 0;
		f->regs[PREG_IP] = ip - 2;
		f->syscall_nr = (unsigned)si->syscall;
	}
	enter_kernel(f, ENTRY_EXCEPTION);
	load_answer(f, m);
}
