/* Page faults and exceptions become IPC, as on L4: a page fault is a call
 * to the thread's pager (two words: address with access bits, IP), every
 * other exception a call to its exception handler carrying the whole
 * register file (l4_exc_regs_t).  The kernel makes the call on the
 * thread's behalf with its own copy of the words (thread->kmsg), so the
 * UTCB the thread may have been filling is never touched.  The reply
 * resolves the fault: a pager maps memory and the thread retries the
 * instruction; a handler may rewrite every user register.  Nobody to ask,
 * a refusal or a failed IPC stops the task with a report. */
#include <signal.h>
#include <string.h>
#include "kernel.h"

#define TRAP_PAGE_FAULT 14
#define PF_ERR_PRESENT 1
#define PF_ERR_WRITE   2
#define PF_ERR_FETCH   0x10

/* An exception nobody handles ends the task, as a signal ends a process. */
static int trap_signal(uint64_t trapno)
{
	switch (trapno) {
	case 0: return SIGFPE;
	case 1: case 3: return SIGTRAP;
	case 6: return SIGILL;
	case 17: return SIGBUS;
	default: return SIGSEGV;
	}
}

static void stop_task(struct thread *t, const uint64_t *regs, uint64_t syscall_nr, const char *why)
{
	if (syscall_nr != ~0ULL)
		kernel_log("task %s, thread %s: Linux system call %lu at %lx refused; no emulation library, "
			   "%s: task stopped", t->task->obj.name, thread_name(t), (unsigned long)syscall_nr,
			   (unsigned long)regs[PREG_IP], why);
	else
		kernel_log("task %s, thread %s: unhandled exception, trap %lu at ip %lx (fault address %lx, "
			   "error %lx), %s: task stopped", t->task->obj.name, thread_name(t),
			   (unsigned long)regs[PREG_TRAPNO], (unsigned long)regs[PREG_IP],
			   (unsigned long)regs[PREG_PFA], (unsigned long)regs[PREG_ERR], why);
	t->task->exit_status = 0x80 | trap_signal(regs[PREG_TRAPNO]);
	t->task->killed_by_kernel = true;
	t->state = TS_DEAD;
	plat_space_kill(t->task->space);
}

/* retry_mask: the registers a reply without a register set loads from
 * the reported state.  0 for a fault the platform reported (the thread is
 * still there); all of them for an exception the kernel made up, whose
 * state may differ from the thread's (a move by ex_regs, an alien's IP
 * put back on its system call). */
void exception_entry(struct thread *t, const struct plat_entry *e, uint64_t retry_mask)
{
	const uint64_t *r = e->regs;
	bool pf = r[PREG_TRAPNO] == TRAP_PAGE_FAULT && e->syscall_nr == ~0ULL;
	if (boot.trace & TRACE_EXC)
		kernel_log("exc: thread %s trap %lu err %lx ip %lx pfa %lx%s", thread_name(t),
			   (unsigned long)r[PREG_TRAPNO], (unsigned long)r[PREG_ERR], (unsigned long)r[PREG_IP],
			   (unsigned long)r[PREG_PFA], e->syscall_nr != ~0ULL ? " (Linux system call)" : "");
	memcpy(t->exc_regs, r, sizeof t->exc_regs);
	t->exc_retry_mask = retry_mask;
	l4_msgtag_t tag;
	l4_cap_idx_t to;
	if (pf) {
		uint64_t err = r[PREG_ERR];
		t->kmsg[0] = (r[PREG_PFA] & ~7UL) | (err & PF_ERR_PRESENT ? 1 : 0) | (err & PF_ERR_WRITE ? 2 : 0) |
			     (err & PF_ERR_FETCH ? 4 : 0);
		t->kmsg[1] = r[PREG_IP];
		tag = l4_msgtag(L4_PROTO_PAGE_FAULT, 2, 0, 0);
		to = t->pager;
		t->kipc = KIPC_PAGE_FAULT;
	} else {
		memcpy(t->kmsg, r, PREG_COUNT * sizeof(l4_umword_t));
		if (r[PREG_TRAPNO] == TRAP_PAGE_FAULT)
			t->kmsg[PREG_PFA] = (r[PREG_PFA] & ~7UL) | (r[PREG_ERR] & PF_ERR_WRITE);
		tag = l4_msgtag(L4_PROTO_EXCEPTION, L4_UTCB_EXCEPTION_REGS_SIZE, 0, L4_MSGTAG_TRANSFER_FPU);
		to = t->exc_handler;
		t->kipc = KIPC_EXCEPTION;
	}
	if (!ipc_kernel_send(t, to, tag)) {
		t->kipc = KIPC_NONE;
		stop_task(t, r, e->syscall_nr, pf ? "no pager" : "no exception handler");
	}
}

/* The kernel-made call ended: the reply came (tag) or it failed (err). */
void kipc_finish(struct thread *t, l4_msgtag_t reply, unsigned err)
{
	bool pf = t->kipc == KIPC_PAGE_FAULT;
	t->kipc = KIPC_NONE;
	timer_disarm(t);
	t->recv_from = NULL;
	t->send_target = NULL;
	t->reply_wait_for = NULL;
	if ((err & ~1u) == L4_IPC_SECANCELED) {
		/* l4_thread_ex_regs(CANCEL): the thread retries and faults anew. */
		t->state = TS_READY;
		thread_resume_regs(t, t->exc_regs, t->exc_retry_mask);
		return;
	}
	if (err) {
		stop_task(t, t->exc_regs, ~0ULL, pf ? "the page-fault IPC to the pager failed"
						       : "the exception IPC to the handler failed");
		return;
	}
	if (l4_msgtag_label(reply) < 0) {
		stop_task(t, t->exc_regs, ~0ULL, pf ? "the pager refused" : "the exception handler refused");
		return;
	}
	t->state = TS_READY;
	/* As on Fiasco, this label on any exception reply lets the next
	 * system call of an alien thread run. */
	if (!pf && l4_msgtag_label(reply) == L4_PROTO_ALLOW_SYSCALL)
		t->dis_alien = true;
	if (!pf && l4_msgtag_words(reply) >= L4_UTCB_EXCEPTION_REGS_SIZE) {
		/* A full register set: the handler decides how the thread goes on. */
		thread_resume_regs(t, t->kmsg, PREG_MASK_USER | PREG_BIT(PREG_FS_BASE));
		return;
	}
	/* Retry the faulting instruction with the registers it had. */
	thread_resume_regs(t, t->exc_regs, t->exc_retry_mask);
}
