/* IRQ objects (Irq_sender) and semaphores.
 *
 * An IRQ is bound to one thread with a label.  Each trigger counts; the
 * thread receives one message (tag 0, the bound label) per trigger, in an
 * open wait or in a closed wait on the IRQ (l4_irq_receive).  A semaphore
 * is the same counter, consumed by l4_semaphore_down instead. */
#include <stdlib.h>
#include <l4/sys/irq.h>
#include <l4/sys/rcv_endpoint.h>
#include <l4/sys/semaphore.h>
#include "kernel.h"

static void irq_invoke(struct kobj *o, struct invocation *inv);
static void irq_destroy(struct kobj *o);
static const struct kobj_ops irq_ops = { "irq", irq_invoke, irq_destroy };

struct irq *irq_create(bool semaphore)
{
	struct irq *q = calloc(1, sizeof *q);
	if (!q)
		return NULL;
	kobj_init(&q->obj, semaphore ? KOBJ_SEMAPHORE : KOBJ_IRQ, &irq_ops);
	q->is_semaphore = semaphore;
	return q;
}

static void dequeue(struct irq *q)
{
	if (!q->queued || !q->thread)
		return;
	for (struct irq **p = &q->thread->pending_irqs; *p; p = &(*p)->next_pending)
		if (*p == q) {
			*p = q->next_pending;
			break;
		}
	q->queued = false;
}

void irq_unbind(struct irq *q)
{
	dequeue(q);
	q->thread = NULL;
}

/* Consume one trigger of q, if there is one. */
bool irq_take(struct irq *q)
{
	if (!q->pending)
		return false;
	if (--q->pending == 0)
		dequeue(q);
	return true;
}

/* The thread that has waited longest in down(): waiters are served in
 * the order they arrived, whatever task or thread list they are on. */
static struct thread *semaphore_waiter(struct irq *q)
{
	struct thread *first = NULL;
	for (struct task *k = task_list; k; k = k->next_task)
		for (struct thread *w = k->threads; w; w = w->next_in_task)
			if (w->state == TS_RECV && w->recv_from == &q->obj &&
			    (!first || w->sem_ticket < first->sem_ticket))
				first = w;
	return first;
}

void irq_trigger(struct irq *q)
{
	if (q->is_semaphore) {
		struct thread *w = semaphore_waiter(q);
		if (w)
			thread_resume(w, l4_msgtag(0, 0, 0, 0), 0);
		else
			q->pending++;
		return;
	}
	if (q->thread && !q->pending && ipc_deliver_irq(q->thread, &q->obj, q->label))
		return;
	q->pending++;
	if (q->thread && !q->queued) {
		q->queued = true;
		q->next_pending = NULL;
		struct irq **p = &q->thread->pending_irqs;
		while (*p)
			p = &(*p)->next_pending;
		*p = q;
	}
}

static void irq_bind(struct irq *q, struct invocation *inv, unsigned label_mr)
{
	if (l4_msgtag_items(inv->tag) < 1) {
		inv_error(inv, L4_EMSGMISSARG);
		return;
	}
	struct cap *c = cap_lookup(inv->caller->task, inv->mr[inv->words + 1] & ~0xfffUL);
	if (!c || c->obj->type != KOBJ_THREAD) {
		inv_error(inv, L4_EINVAL);
		return;
	}
	irq_unbind(q);
	q->thread = (struct thread *)c->obj;
	q->label = inv->mr[label_mr];
	unsigned n = q->pending;
	q->pending = 0;
	while (n--)
		irq_trigger(q);
	inv_ok(inv, 0);
}

static void irq_invoke(struct kobj *o, struct invocation *inv)
{
	struct irq *q = (struct irq *)o;
	long proto = l4_msgtag_label(inv->tag);
	if (proto == L4_PROTO_IRQ && inv->words == 0) {
		irq_trigger(q);
		inv_ok(inv, 0);
		return;
	}
	if (inv->words < 1) {
		inv_error(inv, L4_EMSGTOOSHORT);
		return;
	}
	l4_umword_t op = inv->mr[0];
	if (q->is_semaphore && proto == L4_PROTO_SEMAPHORE && op == L4_SEMAPHORE_OP_DOWN) {
		static uint64_t next_ticket;
		if (!(inv->rights & L4_CAP_FPAGE_S)) {
			inv_error(inv, L4_EPERM);   /* taking the count is the owner's right */
			return;
		}
		if (q->pending) {
			q->pending--;
			inv_ok(inv, 0);
			return;
		}
		inv->no_reply = true;
		inv->caller->sem_ticket = ++next_ticket;
		ipc_receive(inv->caller, &q->obj, inv->timeout.p.rcv, true);
		return;
	}
	if (proto == L4_PROTO_IRQ && op == L4_IRQ_OP_EOI) {
		if (inv->want_reply) {
			/* l4_irq_receive: a closed wait on this IRQ. */
			inv->no_reply = true;
			ipc_receive(inv->caller, &q->obj, inv->timeout.p.rcv, false);
			return;
		}
		inv_ok(inv, 0);
		return;
	}
	if (proto == L4_PROTO_KOBJECT && op == L4_RCV_EP_BIND_OP && inv->words >= 2) {
		irq_bind(q, inv, 1);
		return;
	}
	if (proto == L4_PROTO_IRQ_SENDER && op == L4_IRQ_SENDER_OP_ATTACH && inv->words >= 2) {
		if (l4_msgtag_items(inv->tag) < 1) {
			/* No thread named: the caller itself. */
			irq_unbind(q);
			q->thread = inv->caller;
			q->label = inv->mr[1];
			inv_ok(inv, 0);
			return;
		}
		irq_bind(q, inv, 1);
		return;
	}
	if (proto == L4_PROTO_IRQ_SENDER && op == L4_IRQ_SENDER_OP_DETACH) {
		irq_unbind(q);
		inv_ok(inv, 0);
		return;
	}
	inv_error(inv, proto == L4_PROTO_IRQ || proto == L4_PROTO_IRQ_SENDER || proto == L4_PROTO_KOBJECT ||
			       proto == L4_PROTO_SEMAPHORE ? L4_ENOSYS : L4_EBADPROTO);
}

static void irq_destroy(struct kobj *o)
{
	irq_unbind((struct irq *)o);
}
