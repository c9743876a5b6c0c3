/* Thread objects and the kernel thread that serves each L4 thread.
 *
 * A thread is created unbound; thread_control binds it to a task and a
 * UTCB, which creates its Linux thread (plat_thread_create) and its kernel
 * thread.  It starts running once it was born (its Linux thread is ready),
 * has an IP (ex_regs) and is scheduled (l4_scheduler_run_thread). */
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <signal.h>
#include <l4/sys/thread.h>
#include "kernel.h"

static void thread_destroy(struct kobj *o);
static void thread_invoke(struct kobj *o, struct invocation *inv);
const struct kobj_ops thread_ops = { "thread", thread_invoke, thread_destroy };

struct thread *thread_create(int *err)
{
	struct thread *t = calloc(1, sizeof *t);
	if (!t) {
		*err = -L4_ENOMEM;
		return NULL;
	}
	kobj_init(&t->obj, KOBJ_THREAD, &thread_ops);
	t->state = TS_CREATED;
	t->pager = t->exc_handler = L4_INVALID_CAP;
	t->prio = 1;
	return t;
}

/* Start the thread once everything it needs is there. */
void thread_try_start(struct thread *t)
{
	if (t->started || !t->born || !t->ip_set || !t->sched_set || t->state == TS_DEAD)
		return;
	uint64_t regs[PREG_COUNT] = { 0 };
	regs[PREG_IP] = t->start_ip;
	regs[PREG_SP] = t->start_sp;
	regs[PREG_FLAGS] = 0x202;
	t->started = true;
	t->state = TS_READY;
	thread_resume_regs(t, regs, PREG_MASK_USER);
}

bool thread_has_entry_work(const struct thread *t)
{
	return t->pending_trigger || t->alien_report == ALIEN_AFTER;
}

/* Resume t with the registers in mask changed.  If the kernel has work
 * for it at its next instruction, it comes back at once as a kick with
 * every register, which thread_kicked turns into the exception. */
void thread_resume_regs(struct thread *t, const uint64_t *regs, uint64_t mask)
{
	if (thread_has_entry_work(t))
		plat_thread_resume_enter(t->pt, regs, mask);
	else
		plat_thread_resume_regs(t->pt, regs, mask);
}

/* l4_ipc() calls the entry with `call *%rcx` (two bytes, as long as the
 * `syscall` it stands for) after stepping over the red zone. */
#define ENTRY_CALL_LEN 2
#define RED_ZONE 128
#define TRAP_ALIEN 0xfd        /* Fiasco's trap number for an alien's system call */
#define TRAP_EX_REGS 0xff      /* Fiasco's trap number for TRIGGER_EXCEPTION */

/* An l4_ipc() entry the thread must not make yet: put it back on its call
 * instruction with the registers of the call, and have it enter again
 * with all its registers (to be moved, to raise the triggered exception,
 * or to report the call to an alien's handler).  Resuming it unchanged
 * makes the same call again. */
static void back_to_call(struct thread *t, const struct plat_entry *e)
{
	uint64_t regs[PREG_COUNT] = { 0 };
	regs[PREG_IP] = e->ip - ENTRY_CALL_LEN;
	regs[PREG_SP] = e->sp - RED_ZONE;
	regs[PREG_RAX] = e->tag;
	regs[PREG_RCX] = UMOL4_SYSCALL_ENTRY;
	regs[PREG_RDX] = e->dest;
	regs[PREG_RSI] = e->label;
	regs[PREG_R8] = e->timeout;
	uint64_t mask = PREG_BIT(PREG_IP) | PREG_BIT(PREG_SP) | PREG_BIT(PREG_RAX) | PREG_BIT(PREG_RCX) |
			PREG_BIT(PREG_RDX) | PREG_BIT(PREG_RSI) | PREG_BIT(PREG_R8);
	plat_thread_resume_enter(t->pt, regs, mask);
}

static void syscall_entry(struct thread *t, const struct plat_entry *e)
{
	t->entry_ip = e->ip;
	t->entry_sp = e->sp;
	if (t->pending_exregs || t->pending_trigger) {
		/* ex_regs came first: the call is made (or not) afterwards. */
		back_to_call(t, e);
		return;
	}
	if (t->alien && !t->dis_alien) {
		t->alien_report = ALIEN_BEFORE;
		back_to_call(t, e);
		return;
	}
	if (t->alien) {
		/* Allowed once; the thread reports again when it is done. */
		t->dis_alien = false;
		t->alien_report = ALIEN_AFTER;
	}
	ipc_syscall(t, e);
}

/* The thread entered with its whole register file: a kick, or a fault
 * while ex_regs work was pending.  Apply a move, then raise what is due. */
static void thread_kicked(struct thread *t, const struct plat_entry *e, uint64_t mask)
{
	struct plat_entry x = *e;
	t->entry_ip = e->ip;
	t->entry_sp = e->sp;
	if (t->pending_exregs) {
		x.regs[PREG_IP] = t->start_ip;
		x.regs[PREG_SP] = t->start_sp;
		mask |= PREG_BIT(PREG_IP) | PREG_BIT(PREG_SP);
		t->pending_exregs = 0;
	}
	uint64_t trapno = 0, err = 0;
	if (t->alien_report != ALIEN_NONE) {
		trapno = TRAP_ALIEN;
		err = t->alien_report == ALIEN_AFTER;   /* Fiasco: 0 before, 1 after the call */
		t->alien_report = ALIEN_NONE;
	} else if (t->pending_trigger) {
		trapno = TRAP_EX_REGS;
		t->pending_trigger = false;
	} else {
		thread_resume_regs(t, x.regs, mask);
		return;
	}
	x.kind = PLAT_ENTRY_EXCEPTION;
	x.regs[PREG_TRAPNO] = trapno;
	x.regs[PREG_ERR] = err;
	x.regs[PREG_PFA] = 0;
	x.syscall_nr = ~0ULL;
	exception_entry(t, &x, PREG_MASK_USER);
}

/* A thread that asked for our registers with l4_thread_ex_regs while we
 * ran in user mode gets them now, at our first kernel entry: the IP and
 * SP where we were (before anything the entry itself changes).  A thread
 * that gave up waiting meanwhile gets nothing. */
static void answer_regs_asker(struct thread *t, uint64_t ip, uint64_t sp, bool gone)
{
	struct thread *a = t->regs_asker;
	t->regs_asker = NULL;
	if (!a || a->state != TS_RECV || a->recv_from != &t->obj)
		return;
	ipc_abort(a);
	if (gone) {
		thread_resume(a, l4_msgtag(-L4_ENOENT, 0, 0, 0), 0);
		return;
	}
	l4_msg_regs_t *m = l4_utcb_mr_u(a->utcb);
	m->mr[0] = 0;
	m->mr[1] = ip;
	m->mr[2] = sp;
	thread_resume(a, l4_msgtag(0, 3, 0, 0), 0);
}

static void *kthread_main(void *arg)
{
	struct thread *t = arg;
	struct plat_entry e;
	sigset_t all;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	for (;;) {
		plat_thread_wait(t->pt, &e);
		pthread_mutex_lock(&kernel_lock);
		if (t->regs_asker) {
			bool regs = e.kind == PLAT_ENTRY_EXCEPTION || e.kind == PLAT_ENTRY_BIRTH;
			answer_regs_asker(t, regs ? e.regs[PREG_IP] : e.ip, regs ? e.regs[PREG_SP] : e.sp,
					  e.kind == PLAT_ENTRY_DEATH || t->state == TS_DEAD);
		}
		if (e.kind == PLAT_ENTRY_DEATH || t->state == TS_DEAD) {
			ipc_thread_gone(t);
			pthread_mutex_unlock(&kernel_lock);
			break;
		}
		switch (e.kind) {
		case PLAT_ENTRY_BIRTH:
			if (t->born) {
				/* A running thread jumped to the stub's birth point:
				 * its ud2 is an invalid opcode like any other. */
				if (t->state == TS_READY) {
					e.regs[PREG_TRAPNO] = 6;     /* #UD */
					exception_entry(t, &e, 0);
				}
				break;
			}
			t->born = true;
			thread_try_start(t);
			break;
		case PLAT_ENTRY_SYSCALL:
			if (t->state != TS_READY)
				break;    /* not expected now: ignore the bogus entry */
			syscall_entry(t, &e);
			break;
		case PLAT_ENTRY_KICK:
			thread_kicked(t, &e, 0);
			break;
		case PLAT_ENTRY_EXCEPTION:
			if (t->state != TS_READY)
				break;
			/* A fault that raced with ex_regs: the move or the
			 * triggered exception comes first (resuming the
			 * reported state repeats the faulting instruction). */
			if (t->pending_exregs || t->pending_trigger)
				thread_kicked(t, &e, PREG_MASK_USER);
			else
				exception_entry(t, &e, 0);
			break;
		default:
			break;
		}
		pthread_mutex_unlock(&kernel_lock);
	}
	return NULL;
}

int thread_bind(struct thread *t, struct task *task, uintptr_t utcb_uaddr)
{
	if (t->task)
		return -L4_EINVAL;            /* binding twice is not supported */
	l4_utcb_t *u = task_utcb_kview(task, utcb_uaddr);
	if (!u || (utcb_uaddr & (L4_UTCB_OFFSET - 1)))
		return -L4_EINVAL;
	for (struct thread *o = task->threads; o; o = o->next_in_task)
		if (o->utcb_uaddr == utcb_uaddr)
			return -L4_EEXIST;
	int r = plat_thread_create(task->space, utcb_uaddr, &t->pt);
	if (r)
		return -L4_ENOMEM;
	t->task = task;
	t->utcb = u;
	t->utcb_uaddr = utcb_uaddr;
	t->next_in_task = task->threads;
	task->threads = t;
	if (t->obj.name[0])
		plat_thread_set_name(t->pt, t->obj.name);
	if (pthread_create(&t->kthread, NULL, kthread_main, t)) {
		t->state = TS_DEAD;
		return -L4_ENOMEM;
	}
	pthread_detach(t->kthread);
	return 0;
}

static void thread_destroy(struct kobj *o)
{
	struct thread *t = (struct thread *)o;
	ipc_cancel(t, L4_IPC_SEABORTED);
	ipc_thread_gone(t);
	if (t->pt && t->task && !t->task->dead)
		plat_thread_kick(t->pt);    /* a running thread enters and is never resumed */
	t->state = TS_DEAD;
	if (t->pt)
		plat_thread_stop_waiting(t->pt);
	/* Its UTCB is free for a new thread of the task. */
	if (t->task)
		for (struct thread **p = &t->task->threads; *p; p = &(*p)->next_in_task)
			if (*p == t) {
				*p = t->next_in_task;
				break;
			}
}

/* ---- invocations ------------------------------------------------------ */

static void thread_control(struct thread *t, struct invocation *inv)
{
	l4_umword_t flags = inv->mr[L4_THREAD_CONTROL_MR_IDX_FLAGS];
	struct task *caller_task = inv->caller->task;
	if (inv->words < 6) {
		inv_error(inv, L4_EMSGTOOSHORT);
		return;
	}
	struct task *bind_to = NULL;
	if (flags & L4_THREAD_CONTROL_BIND_TASK) {
		if (l4_msgtag_items(inv->tag) < 1) {
			inv_error(inv, L4_EMSGMISSARG);
			return;
		}
		l4_fpage_t fp = { .raw = inv->mr[inv->words + 1] };
		struct cap *c = cap_lookup(caller_task, fp.raw & L4_CAP_MASK & ~0xfffUL);
		if (!c || c->obj->type != KOBJ_TASK) {
			inv_error(inv, L4_EINVAL);
			return;
		}
		bind_to = (struct task *)c->obj;
	}
	/* Decoded; now change state. */
	if (flags & L4_THREAD_CONTROL_SET_PAGER)
		t->pager = inv->mr[L4_THREAD_CONTROL_MR_IDX_PAGER];
	if (flags & L4_THREAD_CONTROL_SET_EXC_HANDLER)
		t->exc_handler = inv->mr[L4_THREAD_CONTROL_MR_IDX_EXC_HANDLER];
	if (flags & L4_THREAD_CONTROL_ALIEN) {
		t->alien = inv->mr[L4_THREAD_CONTROL_MR_IDX_FLAG_VALS] & L4_THREAD_CONTROL_ALIEN;
		t->dis_alien = false;
	}
	if (bind_to) {
		int r = thread_bind(t, bind_to, inv->mr[L4_THREAD_CONTROL_MR_IDX_BIND_UTCB]);
		if (r) {
			inv_error(inv, -r);
			return;
		}
	}
	inv_ok(inv, 0);
}

static void thread_ex_regs(struct thread *t, struct invocation *inv)
{
	if (inv->words < 3) {
		inv_error(inv, L4_EMSGTOOSHORT);
		return;
	}
	l4_umword_t op = inv->mr[0], ip = inv->mr[1], sp = inv->mr[2];
	uint64_t old_ip = t->started ? t->entry_ip : t->start_ip;
	uint64_t old_sp = t->started ? t->entry_sp : t->start_sp;
	if (ip != ~0UL)
		t->start_ip = ip;
	if (sp != ~0UL)
		t->start_sp = sp;
	bool moved = ip != ~0UL || sp != ~0UL;
	/* As on Fiasco, a thread in exception IPC takes a triggered exception
	 * only together with CANCEL; otherwise it is raised on the thread's
	 * way back to user code, whenever that is. */
	if ((op & L4_THREAD_EX_REGS_TRIGGER_EXCEPTION) && t->task &&
	    (t->kipc != KIPC_EXCEPTION || (op & L4_THREAD_EX_REGS_CANCEL)))
		t->pending_trigger = true;
	if (!t->started) {
		if (ip != ~0UL)
			t->ip_set = true;
		thread_try_start(t);
	} else if (t->state == TS_SEND || t->state == TS_RECV) {
		if (moved) {
			/* A blocked thread goes on at the new IP: its IPC (or the
			 * page-fault / exception IPC the kernel made for it) is
			 * dropped, and it is resumed once, with the new registers. */
			uint64_t regs[PREG_COUNT] = { 0 };
			regs[PREG_IP] = ip != ~0UL ? ip : t->kipc ? t->exc_regs[PREG_IP] : t->entry_ip;
			regs[PREG_SP] = sp != ~0UL ? sp : t->kipc ? t->exc_regs[PREG_SP] : t->entry_sp;
			ipc_abort(t);
			t->kipc = KIPC_NONE;
			t->state = TS_READY;
			thread_resume_regs(t, regs, PREG_BIT(PREG_IP) | PREG_BIT(PREG_SP));
		} else if (op & L4_THREAD_EX_REGS_CANCEL) {
			ipc_cancel(t, L4_IPC_SECANCELED);
		}
	} else if (t->state == TS_READY && moved && t != inv->caller) {
		if (ip == ~0UL)
			t->start_ip = t->entry_ip;
		if (sp == ~0UL)
			t->start_sp = t->entry_sp;
		t->pending_exregs = 1;
		plat_thread_kick(t->pt);
	} else if (t->state == TS_READY && t->pending_trigger && t != inv->caller) {
		plat_thread_kick(t->pt);
	} else if (t->state == TS_READY && t != inv->caller && !t->regs_asker && inv->want_reply &&
		   !(op & L4_THREAD_EX_REGS_CANCEL)) {
		/* A pure query of a thread running in user mode: the registers
		 * of its last kernel entry are stale; kick it and answer the
		 * caller with where it really is (answer_regs_asker). */
		t->regs_asker = inv->caller;
		inv->no_reply = true;
		ipc_receive(inv->caller, &t->obj, L4_IPC_TIMEOUT_NEVER, false);
		plat_thread_kick(t->pt);
		return;
	}
	inv->reply_mr[0] = 0;
	inv->reply_mr[1] = old_ip;
	inv->reply_mr[2] = old_sp;
	inv_ok(inv, 3);
}

static void thread_invoke(struct kobj *o, struct invocation *inv)
{
	struct thread *t = (struct thread *)o;
	if (l4_msgtag_label(inv->tag) != L4_PROTO_THREAD) {
		inv_error(inv, L4_EBADPROTO);
		return;
	}
	if (inv->words < 1) {
		inv_error(inv, L4_EMSGTOOSHORT);
		return;
	}
	switch (inv->mr[0] & L4_THREAD_OPCODE_MASK) {
	case L4_THREAD_CONTROL_OP:
		thread_control(t, inv);
		return;
	case L4_THREAD_EX_REGS_OP:
		thread_ex_regs(t, inv);
		return;
	case L4_THREAD_SWITCH_OP:
		sched_yield();
		inv_ok(inv, 0);
		return;
	case L4_THREAD_STATS_OP:
		inv->reply_mr[0] = 0;
		inv_ok(inv, 1);
		return;
	case L4_THREAD_REGISTER_DELETE_IRQ_OP: {
		if (l4_msgtag_items(inv->tag) < 1) {
			inv_error(inv, L4_EMSGMISSARG);
			return;
		}
		struct cap *c = cap_lookup(inv->caller->task, inv->mr[inv->words + 1] & ~0xfffUL);
		if (!c || c->obj->type != KOBJ_IRQ) {
			inv_error(inv, L4_EINVAL);
			return;
		}
		t->del_irq = (struct irq *)c->obj;
		inv_ok(inv, 0);
		return;
	}
	default:
		inv_error(inv, L4_ENOSYS);
	}
}
