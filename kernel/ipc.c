/* The IPC path: decode an l4_ipc() entry, run its send phase and its
 * receive phase, transfer messages between UTCBs, block and wake threads.
 * Called with kernel_lock held by the caller's kernel thread.
 *
 * States: a thread in TS_SEND sits in its partner's send queue; a thread
 * in TS_RECV waits for a sender (open wait: recv_from == NULL; closed: a
 * thread or an IRQ; awaiting a reply: reply_wait).  A message moves only
 * when both sides are there, by a copy from the sender's UTCB to the
 * receiver's; typed items (capabilities, memory) are mapped on the way. */
#include <string.h>
#include "kernel.h"

#define MSG_WORDS L4_UTCB_GENERIC_DATA_SIZE

static l4_msg_regs_t *mrs(struct thread *t) { return (l4_msg_regs_t *)t->utcb; }
static l4_buf_regs_t *brs(struct thread *t)
{
	return (l4_buf_regs_t *)((char *)t->utcb + L4_UTCB_BUF_REGS_OFFSET);
}
static l4_thread_regs_t *tcrs(struct thread *t)
{
	return (l4_thread_regs_t *)((char *)t->utcb + L4_UTCB_THREAD_REGS_OFFSET);
}

/* The message registers of a thread: its UTCB's, or while the kernel
 * speaks for it (page fault, exception) the kernel's copy, so that the
 * UTCB the thread may be filling when it faults stays untouched. */
static l4_umword_t *msg_words(struct thread *t) { return t->kipc ? t->kmsg : mrs(t)->mr; }

/* Resume a thread from l4_ipc() with tag and label, and err in its TCR;
 * a kernel-made IPC (page fault, exception) ends in kipc_finish instead. */
static void resume_ipc(struct thread *t, l4_msgtag_t tag, l4_umword_t label, unsigned err)
{
	if (t->kipc) {
		kipc_finish(t, tag, err);
		return;
	}
	timer_disarm(t);
	if (t->utcb)
		tcrs(t)->error = err;
	t->state = TS_READY;
	t->recv_from = NULL;
	t->send_target = NULL;
	if (thread_has_entry_work(t)) {
		uint64_t regs[PREG_COUNT] = { 0 };
		regs[PREG_RAX] = tag.raw;
		regs[PREG_RSI] = label;
		thread_resume_regs(t, regs, PREG_BIT(PREG_RAX) | PREG_BIT(PREG_RSI));
		return;
	}
	plat_thread_resume(t->pt, tag.raw, label);
}

void thread_ipc_error(struct thread *t, unsigned err)
{
	resume_ipc(t, l4_msgtag(0, 0, 0, L4_MSGTAG_ERROR), 0, err);
}

void thread_resume(struct thread *t, l4_msgtag_t tag, l4_umword_t label)
{
	resume_ipc(t, tag, label, 0);
}

/* Map the typed items of a message into the receiver, following its
 * buffer registers.  Returns 0 or an IPC error (receive side). */
static int transfer_items(struct thread *s, struct thread *r, unsigned words, unsigned items,
			  unsigned *delivered)
{
	l4_umword_t *smr = msg_words(s);
	/* A page-fault or exception reply may map anywhere in the faulting
	 * task: the kernel's own receive window is the whole address space. */
	const l4_umword_t kernel_window[2] = { L4_ITEM_MAP, l4_fpage_all().raw };
	const l4_umword_t *br = r->kipc ? kernel_window : brs(r)->br;
	unsigned bi = 0;
	*delivered = 0;
	for (unsigned i = 0; i < items; i++) {
		l4_umword_t ctl = smr[words + 2 * i];
		l4_fpage_t fp = { .raw = smr[words + 2 * i + 1] };
		bool grant = (ctl & L4_MAP_ITEM_GRANT) == L4_MAP_ITEM_GRANT && (ctl & 2);
		if (!(ctl & L4_ITEM_MAP) || fp.raw == 0) {
			(*delivered)++;           /* a void item takes no buffer */
			continue;
		}
		if (bi + 1 >= L4_UTCB_GENERIC_BUFFERS_SIZE)
			return L4_IPC_REMSGCUT;
		l4_umword_t bctl = br[bi];
		if (l4_fpage_type(fp) == L4_FPAGE_OBJ) {
			if ((bctl & L4_RCV_ITEM_SINGLE_CAP) != L4_RCV_ITEM_SINGLE_CAP)
				return L4_IPC_REMAPFAILED;
			unsigned long dst = bctl >> L4_CAP_SHIFT;
			unsigned long src = fp.raw >> L4_CAP_SHIFT;
			unsigned rights = (fp.raw & 0xf) | 0;  /* L4_CAP_FPAGE_* */
			/* An object flexpage's rights bits carry W/S/D; R comes with every mapping. */
			rights = (rights & (L4_CAP_FPAGE_W | L4_CAP_FPAGE_S | L4_CAP_FPAGE_D)) | L4_CAP_FPAGE_R;
			if (cap_map(s->task, src, r->task, dst, rights, grant))
				return L4_IPC_REMAPFAILED;
			bi += 1;
		} else if (l4_fpage_type(fp) == L4_FPAGE_MEMORY) {
			if (!(bctl & L4_ITEM_MAP))
				return L4_IPC_REMAPFAILED;
			l4_fpage_t win = { .raw = br[bi + 1] };
			uintptr_t hot = ctl & ~0xfffUL;
			unsigned worder = l4_fpage_size(win), sorder = l4_fpage_size(fp);
			uintptr_t wbase = l4_fpage_memaddr(win);
			if (l4_fpage_type(win) == L4_FPAGE_SPECIAL && worder == L4_WHOLE_ADDRESS_SPACE)
				wbase = 0;
			else if (l4_fpage_type(win) != L4_FPAGE_MEMORY)
				return L4_IPC_REMAPFAILED;
			if (sorder > worder) {
				/* A flexpage larger than the window: the window-sized
				 * part of it that holds the hot spot is sent. */
				uintptr_t part = hot & ((1UL << sorder) - 1) & ~((1UL << worder) - 1);
				fp = l4_fpage(l4_fpage_memaddr(fp) + part, worder, l4_fpage_rights(fp));
				sorder = worder;
			}
			uintptr_t dst = wbase + ((hot & ((worder >= 64 ? ~0UL : (1UL << worder) - 1))) &
						 ~((sorder >= 64 ? ~0UL : (1UL << sorder) - 1)));
			if (task_map_memory(s->task, fp, r->task, dst, grant))
				return L4_IPC_REMAPFAILED;
			bi += 2;
		} else {
			return L4_IPC_REMAPFAILED;
		}
		(*delivered)++;
	}
	return 0;
}

/* Copy a message from s to r and wake r.  Returns 0, or the IPC error the
 * sender sees (the receiver then gets the receive-side twin). */
static int transfer(struct thread *s, struct thread *r, l4_msgtag_t tag, l4_umword_t label)
{
	unsigned words = l4_msgtag_words(tag), items = l4_msgtag_items(tag);
	if (words + 2 * items > MSG_WORDS) {
		thread_ipc_error(r, L4_IPC_REMSGCUT);
		return L4_IPC_SEMSGCUT;
	}
	/* The typed items' words travel too: a receiver reads, e.g., the
	 * send base of a mapping it got (libsigma0's any-page request). */
	if (msg_words(r) != msg_words(s))
		memcpy(msg_words(r), msg_words(s), (words + 2 * items) * sizeof(l4_umword_t));
	unsigned delivered = 0;
	int err = items ? transfer_items(s, r, words, items, &delivered) : 0;
	if (err) {
		thread_ipc_error(r, err);
		return err & ~1u;
	}
	l4_msgtag_t rt = l4_msgtag(l4_msgtag_label(tag), words, delivered,
				   l4_msgtag_flags(tag) & (L4_MSGTAG_TRANSFER_FPU | L4_MSGTAG_SCHEDULE));
	trace_ipc("xfer", s, r, rt, label, 0);
	r->reply_wait_for = NULL;
	thread_resume(r, rt, label);
	return 0;
}

static bool waits_for(struct thread *r, struct kobj *from)
{
	if (r->state != TS_RECV || r->reply_wait_for)
		return false;
	return r->recv_from == NULL || r->recv_from == from;
}

static void queue_remove(struct thread *target, struct thread *s)
{
	struct thread **p = &target->send_queue;
	while (*p && *p != s)
		p = &(*p)->queue_next;
	if (*p)
		*p = s->queue_next;
	s->queue_next = NULL;
}

static void queue_append(struct thread *target, struct thread *s)
{
	struct thread **p = &target->send_queue;
	while (*p)
		p = &(*p)->queue_next;
	*p = s;
	s->queue_next = NULL;
}

static void block(struct thread *t, enum thread_state st, l4_timeout_s to)
{
	bool never, zero;
	uint64_t dl = timeout_to_deadline(to, t->utcb, &never, &zero);
	if (zero) {
		/* Nothing comes in no time (a call with receive timeout 0).  A
		 * deadline of 0 must never reach the timer: 0 means "not armed"
		 * there, and the thread would stay in its list for good. */
		t->reply_wait_for = NULL;
		thread_ipc_error(t, st == TS_RECV ? L4_IPC_RETIMEOUT : L4_IPC_SETIMEOUT);
		return;
	}
	t->state = st;
	if (!never)
		timer_arm(t, dl);
}

static void receive_phase(struct thread *t, struct kobj *from, l4_timeout_s to);

/* After s's message reached its receiver: s goes on with its own receive
 * phase, or waits for the reply of a call, or returns. */
static void sender_continue(struct thread *s, struct thread *r)
{
	if (s->pending_call) {
		s->pending_call = false;
		r->reply_to = s;
		s->reply_wait_for = r;
		s->recv_from = &r->obj;
		block(s, TS_RECV, s->pending_rcv_to);
		return;
	}
	if (s->pending_open_wait) {
		s->pending_open_wait = false;
		receive_phase(s, NULL, s->pending_rcv_to);
		return;
	}
	thread_resume(s, l4_msgtag(0, 0, 0, 0), 0);
}

/* Send phase towards thread r.  Returns true if t is finished with this
 * entry (resumed or blocked), false if the receive phase follows. */
static void send_to_thread(struct thread *t, struct thread *r, l4_msgtag_t tag, unsigned long label,
			   l4_timeout_t to, bool call, bool open_wait)
{
	if (!r->task || r->state == TS_DEAD || r->obj.deleted || !r->started) {
		if (!r->started && r->state != TS_DEAD && !r->obj.deleted && l4_timeout_rel_get(to.p.snd) != 0)
			goto queue;   /* not started yet: wait like for a busy receiver */
		thread_ipc_error(t, L4_IPC_ENOT_EXISTENT);
		return;
	}
	if (waits_for(r, &t->obj)) {
		t->pending_call = call;
		t->pending_open_wait = open_wait;
		t->pending_rcv_to = to.p.rcv;
		int err = transfer(t, r, tag, label);
		if (err) {
			t->pending_call = t->pending_open_wait = false;
			thread_ipc_error(t, err);
			return;
		}
		sender_continue(t, r);
		return;
	}
queue:;
	bool never, zero;
	timeout_to_deadline(to.p.snd, t->utcb, &never, &zero);
	if (zero) {
		thread_ipc_error(t, L4_IPC_SETIMEOUT);
		return;
	}
	t->send_target = r;
	t->send_tag = tag;
	t->send_label = label;
	t->pending_call = call;
	t->pending_open_wait = open_wait;
	t->pending_rcv_to = to.p.rcv;
	queue_append(r, t);
	block(t, TS_SEND, to.p.snd);
	trace_ipc("block", t, r, tag, label, 0);
}

/* A receiver looks for a sender.  IRQs bound to it come first. */
static void receive_phase(struct thread *t, struct kobj *from, l4_timeout_s to)
{
	struct irq *q = NULL;
	if (from && from->type == KOBJ_IRQ) {
		q = (struct irq *)from;
		if (q->thread != t || !irq_take(q))
			q = NULL;
	} else if (!from) {
		q = t->pending_irqs;
		if (q)
			irq_take(q);
	}
	if (q) {
		trace_ipc("irq", NULL, t, l4_msgtag(0, 0, 0, 0), q->label, 0);
		thread_resume(t, l4_msgtag(0, 0, 0, 0), q->label);
		return;
	}
	for (struct thread *s = t->send_queue; s; s = s->queue_next) {
		if (from && from != &s->obj)
			continue;
		queue_remove(t, s);
		timer_disarm(s);
		s->send_target = NULL;
		int err = transfer(s, t, s->send_tag, s->send_label);
		if (err)
			thread_ipc_error(s, err);
		else
			sender_continue(s, t);
		return;
	}
	bool never, zero;
	timeout_to_deadline(to, t->utcb, &never, &zero);
	if (zero) {
		thread_ipc_error(t, L4_IPC_RETIMEOUT);
		return;
	}
	t->recv_from = from;
	block(t, TS_RECV, to);
}

/* A receive phase started by a kernel object: a closed wait on an IRQ
 * (l4_irq_receive) or a semaphore down (counter: no IRQ message). */
void ipc_receive(struct thread *t, struct kobj *from, l4_timeout_s to, bool counter)
{
	if (!counter) {
		receive_phase(t, from, to);
		return;
	}
	bool never, zero;
	timeout_to_deadline(to, t->utcb, &never, &zero);
	if (zero) {
		thread_ipc_error(t, L4_IPC_RETIMEOUT);
		return;
	}
	t->recv_from = from;
	block(t, TS_RECV, to);
}

/* Deliver a triggered IRQ if its thread waits for it.  Returns false when
 * the IRQ must stay pending. */
bool ipc_deliver_irq(struct thread *t, struct kobj *irq, unsigned long label)
{
	if (!waits_for(t, irq))
		return false;
	trace_ipc("irq", NULL, t, l4_msgtag(0, 0, 0, 0), label, 0);
	thread_resume(t, l4_msgtag(0, 0, 0, 0), label);
	return true;
}

/* The reply of a call: only to a thread that waits for exactly our reply. */
static int send_reply(struct thread *t, l4_msgtag_t tag)
{
	struct thread *c = t->reply_to;
	t->reply_to = NULL;
	if (!c || c->state != TS_RECV || c->reply_wait_for != t)
		return L4_IPC_ENOT_EXISTENT;
	c->reply_wait_for = NULL;
	return transfer(t, c, tag, 0);
}

/* Invoke a kernel object.  Returns true if a following receive phase may
 * run (then_wait: the caller is not resumed here unless it failed). */
bool ipc_kernel_call(struct thread *caller, struct kobj *o, unsigned rights, l4_msgtag_t tag, bool want_reply,
		     bool then_wait, l4_timeout_t to)
{
	struct invocation inv;
	inv.caller = caller;
	inv.rights = rights;
	inv.tag = tag;
	inv.words = l4_msgtag_words(tag);
	if (inv.words + 2 * l4_msgtag_items(tag) > MSG_WORDS) {
		thread_ipc_error(caller, L4_IPC_SEMSGCUT);
		return false;
	}
	memcpy(inv.mr, mrs(caller)->mr, (inv.words + 2 * l4_msgtag_items(tag)) * sizeof(l4_umword_t));
	inv.reply_label = -L4_ENOSYS;
	inv.reply_words = 0;
	inv.no_reply = false;
	inv.want_reply = want_reply;
	inv.timeout = to;
	if (o->deleted)
		inv_error(&inv, L4_ENOENT);
	else
		o->ops->invoke(o, &inv);
	if (inv.no_reply)
		return false;           /* the object blocked or resumed the caller itself */
	if (then_wait && inv.reply_label >= 0)
		return true;
	l4_msgtag_t rt = l4_msgtag(inv.reply_label, want_reply ? inv.reply_words : 0, 0, 0);
	trace_ipc("kcall", caller, NULL, tag, inv.reply_label, 0);
	if (want_reply && inv.reply_words)
		memcpy(mrs(caller)->mr, inv.reply_mr, inv.reply_words * sizeof(l4_umword_t));
	thread_resume(caller, want_reply ? rt : l4_msgtag(0, 0, 0, 0), 0);
	return false;
}

/* Entry point for l4_ipc(): decode, then run the phases. */
void ipc_syscall(struct thread *t, const struct plat_entry *e)
{
	l4_msgtag_t tag = { .raw = (l4_mword_t)e->tag };
	unsigned flags = e->dest & 0xf;
	l4_cap_idx_t dest = e->dest & L4_CAP_MASK;
	l4_timeout_t to = { .raw = (l4_uint32_t)e->timeout };
	bool recv = flags & L4_SYSF_RECV, open_wait = flags & L4_SYSF_OPEN_WAIT;

	if (flags & L4_SYSF_REPLY) {
		int err = send_reply(t, tag);
		if (!recv) {
			if (err)
				thread_ipc_error(t, err);
			else
				thread_resume(t, l4_msgtag(0, 0, 0, 0), 0);
			return;
		}
		/* reply_and_wait: a reply that finds nobody does not stop the wait. */
		receive_phase(t, NULL, to.p.rcv);
		return;
	}
	if (flags & L4_SYSF_SEND) {
		struct cap *c = cap_lookup(t->task, dest);
		if (!c) {
			thread_ipc_error(t, L4_IPC_ENOT_EXISTENT);
			return;
		}
		struct kobj *o = c->obj;
		bool call = recv && !open_wait;
		switch (o->type) {
		case KOBJ_THREAD:
			/* The thread protocol is for the kernel; anything else is IPC. */
			if (l4_msgtag_label(tag) == L4_PROTO_THREAD)
				break;
			send_to_thread(t, (struct thread *)o, tag, 0, to, call, recv && open_wait);
			return;
		case KOBJ_GATE: {
			struct gate *g = (struct gate *)o;
			if ((c->rights & L4_CAP_FPAGE_S) && l4_msgtag_label(tag) == L4_PROTO_KOBJECT)
				break;     /* server rights: the gate's own control protocol */
			if (!g->thread) {
				thread_ipc_error(t, L4_IPC_ENOT_EXISTENT);
				return;
			}
			send_to_thread(t, g->thread, tag, g->label | (c->rights & (L4_CAP_FPAGE_W | L4_CAP_FPAGE_S)),
				       to, call, recv && open_wait);
			return;
		}
		default:
			break;
		}
		/* send_and_wait to a kernel object (l4_irq_wait) goes on to the wait. */
		if (ipc_kernel_call(t, o, c->rights, tag, call, recv && open_wait, to))
			receive_phase(t, NULL, to.p.rcv);
		return;
	}
	if (recv) {
		struct kobj *from = NULL;
		if (!open_wait && l4_is_invalid_cap(dest)) {
			/* l4_ipc_sleep: a closed wait nobody can end but the timeout. */
			static struct kobj nobody;
			receive_phase(t, &nobody, to.p.rcv);
			return;
		}
		if (!open_wait) {
			struct cap *c = cap_lookup(t->task, dest);
			if (!c || (c->obj->type != KOBJ_THREAD && c->obj->type != KOBJ_IRQ)) {
				thread_ipc_error(t, L4_IPC_ENOT_EXISTENT | 1);
				return;
			}
			from = c->obj;
		}
		receive_phase(t, from, to.p.rcv);
		return;
	}
	thread_resume(t, l4_msgtag(0, 0, 0, 0), 0);   /* no operation */
}

/* A call the kernel makes for t (page fault, exception) with the words in
 * t->kmsg, to the thread or gate at t's capability cap.  False if there is
 * no such partner; otherwise t is blocked or its kipc has finished. */
bool ipc_kernel_send(struct thread *t, l4_cap_idx_t cap, l4_msgtag_t tag)
{
	struct cap *c = l4_is_invalid_cap(cap) ? NULL : cap_lookup(t->task, cap);
	if (!c)
		return false;
	if (c->obj->type == KOBJ_THREAD) {
		send_to_thread(t, (struct thread *)c->obj, tag, 0, L4_IPC_NEVER, true, false);
		return true;
	}
	struct gate *g = (struct gate *)c->obj;
	if (c->obj->type != KOBJ_GATE || !g->thread)
		return false;
	send_to_thread(t, g->thread, tag, g->label | (c->rights & (L4_CAP_FPAGE_W | L4_CAP_FPAGE_S)), L4_IPC_NEVER,
		       true, false);
	return true;
}

/* Take a blocked thread out of its IPC without resuming it.  Returns true
 * if it was in the receive phase. */
bool ipc_abort(struct thread *t)
{
	bool recv = t->state == TS_RECV;
	if (t->state == TS_SEND && t->send_target)
		queue_remove(t->send_target, t);
	timer_disarm(t);
	t->pending_call = t->pending_open_wait = false;
	t->reply_wait_for = NULL;
	t->recv_from = NULL;
	t->send_target = NULL;
	return recv;
}

/* Abort a blocked IPC with an error: l4_thread_ex_regs(CANCEL), a timeout,
 * a deleted partner. */
void ipc_cancel(struct thread *t, unsigned err)
{
	if (t->state != TS_SEND && t->state != TS_RECV)
		return;
	thread_ipc_error(t, ipc_abort(t) ? err | 1 : err & ~1u);
}

void ipc_timeout_expired(struct thread *t)
{
	if (t->state == TS_SEND || t->state == TS_RECV) {
		trace_ipc("tmout", t, t->send_target, l4_msgtag(0, 0, 0, 0), 0, 0);
		ipc_cancel(t, L4_IPC_SETIMEOUT);     /* RETIMEOUT in the receive phase */
	}
}

/* t is gone: whoever waits on it learns so. */
void ipc_thread_gone(struct thread *t)
{
	timer_disarm(t);
	if (t->state == TS_SEND && t->send_target)
		queue_remove(t->send_target, t);
	while (t->send_queue) {
		struct thread *s = t->send_queue;
		t->send_queue = s->queue_next;
		s->queue_next = NULL;
		s->send_target = NULL;
		s->pending_call = s->pending_open_wait = false;
		thread_ipc_error(s, L4_IPC_ENOT_EXISTENT);
	}
	for (struct task *k = task_list; k; k = k->next_task)
		for (struct thread *w = k->threads; w; w = w->next_in_task) {
			if (w->state == TS_RECV && (w->reply_wait_for == t || w->recv_from == &t->obj)) {
				w->reply_wait_for = NULL;
				thread_ipc_error(w, L4_IPC_ENOT_EXISTENT | 1);
			}
			if (w->reply_to == t)
				w->reply_to = NULL;
		}
	t->state = TS_DEAD;
}
