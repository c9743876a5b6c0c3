/* IPC gates: an endpoint bound to a thread, with a label the receiver sees
 * (combined with the W and S rights of the sender's capability). */
#include <stdlib.h>
#include <l4/sys/ipc_gate.h>
#include <l4/sys/rcv_endpoint.h>
#include <l4/sys/kernel_object.h>
#include "kernel.h"

static void gate_invoke(struct kobj *o, struct invocation *inv);
static void gate_destroy(struct kobj *o);
static const struct kobj_ops gate_ops = { "gate", gate_invoke, gate_destroy };

struct gate *gate_create(struct thread *t, unsigned long label)
{
	struct gate *g = calloc(1, sizeof *g);
	if (!g)
		return NULL;
	kobj_init(&g->obj, KOBJ_GATE, &gate_ops);
	g->thread = t;
	g->label = label & ~3UL;
	return g;
}

/* Reached only with the S right and the kernel-object protocol. */
static void gate_invoke(struct kobj *o, struct invocation *inv)
{
	struct gate *g = (struct gate *)o;
	if (inv->words < 1) {
		inv_error(inv, L4_EMSGTOOSHORT);
		return;
	}
	switch (inv->mr[0]) {
	case L4_KOBJECT_OP_DEC_REFCNT:
		if (inv->words < 2) {
			inv_error(inv, L4_EMSGMISSARG);
			return;
		}
		kobj_dec_refcnt(o, inv->mr[1]);
		inv_ok(inv, 0);
		return;
	case L4_RCV_EP_BIND_OP: {
		if (inv->words < 2 || l4_msgtag_items(inv->tag) < 1) {
			inv_error(inv, L4_EMSGMISSARG);
			return;
		}
		struct cap *c = cap_lookup(inv->caller->task, inv->mr[inv->words + 1] & ~0xfffUL);
		if (!c || c->obj->type != KOBJ_THREAD) {
			inv_error(inv, L4_EINVAL);
			return;
		}
		g->thread = (struct thread *)c->obj;
		g->label = inv->mr[1] & ~3UL;
		inv_ok(inv, 0);
		return;
	}
	case L4_IPC_GATE_GET_INFO_OP:
		inv->reply_mr[0] = g->label;
		inv_ok(inv, 1);
		return;
	default:
		inv_error(inv, L4_ENOSYS);
	}
}

/* The server learns that a gate it serves is gone (the last client
 * capability dropped, after dec_refcnt) through its thread's delete IRQ;
 * it then finds which with l4_task_cap_valid. */
static void gate_destroy(struct kobj *o)
{
	struct gate *g = (struct gate *)o;
	if (g->thread && g->thread->del_irq && !g->thread->del_irq->obj.deleted)
		irq_trigger(g->thread->del_irq);
}
