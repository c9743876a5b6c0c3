/* The factory: creates tasks, threads, IPC gates, IRQs, semaphores and
 * further factories, and puts the new capability where the caller's first
 * buffer register says.  A factory's limit counts objects, not bytes, until
 * kernel memory is accounted (memory issue). */
#include <stdlib.h>
#include <l4/sys/factory.h>
#include "kernel.h"

struct factory {
	struct kobj obj;
	unsigned long limit, used;
};

static void factory_invoke(struct kobj *o, struct invocation *inv);
static const struct kobj_ops factory_ops = { "factory", factory_invoke, NULL };

static struct factory *factory_new(unsigned long limit)
{
	struct factory *f = calloc(1, sizeof *f);
	if (f) {
		kobj_init(&f->obj, KOBJ_FACTORY, &factory_ops);
		f->limit = limit;
	}
	return f;
}

struct kobj *factory_create_root(void)
{
	struct factory *f = factory_new(~0UL);
	return f ? &f->obj : NULL;
}

/* Read typed argument k (0-based) of the create message. */
static bool varg(struct invocation *inv, unsigned k, unsigned *type, l4_umword_t *val)
{
	unsigned w = 1;
	for (unsigned i = 0;; i++) {
		if (w >= inv->words)
			return false;
		l4_umword_t hdr = inv->mr[w];
		unsigned t = hdr & 0xff, len = hdr >> 16;
		unsigned nwords = t == L4_VARG_TYPE_NIL ? 0 : (len + sizeof(l4_umword_t) - 1) / sizeof(l4_umword_t);
		if (w + 1 + nwords > inv->words)
			return false;
		if (i == k) {
			*type = t;
			*val = nwords ? inv->mr[w + 1] : 0;
			return true;
		}
		w += 1 + nwords;
	}
}

static void factory_invoke(struct kobj *o, struct invocation *inv)
{
	struct factory *f = (struct factory *)o;
	struct thread *caller = inv->caller;
	if (l4_msgtag_label(inv->tag) != L4_PROTO_FACTORY) {
		inv_error(inv, L4_EBADPROTO);
		return;
	}
	if (inv->words < 1) {
		inv_error(inv, L4_EMSGTOOSHORT);
		return;
	}
	/* Where the new capability goes: the caller's first buffer register. */
	l4_umword_t br0 = ((l4_buf_regs_t *)((char *)caller->utcb + L4_UTCB_BUF_REGS_OFFSET))->br[0];
	if ((br0 & L4_RCV_ITEM_SINGLE_CAP) != L4_RCV_ITEM_SINGLE_CAP || (br0 >> L4_CAP_SHIFT) >= CAP_SPACE_SLOTS) {
		inv_error(inv, L4_EINVAL);
		return;
	}
	if (f->used >= f->limit) {
		inv_error(inv, L4_ENOMEM);
		return;
	}
	long proto = (long)inv->mr[0];
	unsigned type;
	l4_umword_t val;
	struct kobj *obj = NULL;
	int err = 0;
	switch (proto) {
	case L4_PROTO_TASK: {
		l4_fpage_t utcb = { .raw = 0 };
		if (varg(inv, 0, &type, &val) && type == L4_VARG_TYPE_FPAGE)
			utcb.raw = val;
		struct task *t = task_create("task", utcb, &err);
		obj = t ? &t->obj : NULL;
		break;
	}
	case L4_PROTO_THREAD: {
		struct thread *t = thread_create(&err);
		obj = t ? &t->obj : NULL;
		break;
	}
	case 0: {   /* IPC gate: label, optional thread as item */
		unsigned long label = 0;
		if (varg(inv, 0, &type, &val))
			label = val;
		struct thread *bound = NULL;
		if (l4_msgtag_items(inv->tag)) {
			struct cap *c = cap_lookup(caller->task, inv->mr[inv->words + 1] & ~0xfffUL);
			if (!c || c->obj->type != KOBJ_THREAD) {
				inv_error(inv, L4_EINVAL);
				return;
			}
			bound = (struct thread *)c->obj;
		}
		struct gate *g = gate_create(bound, label);
		obj = g ? &g->obj : NULL;
		err = g ? 0 : -L4_ENOMEM;
		break;
	}
	case L4_PROTO_IRQ_SENDER:
	case L4_PROTO_SEMAPHORE: {
		struct irq *q = irq_create(proto == L4_PROTO_SEMAPHORE);
		obj = q ? &q->obj : NULL;
		err = q ? 0 : -L4_ENOMEM;
		break;
	}
	case L4_PROTO_FACTORY: {
		unsigned long limit = ~0UL;
		if (varg(inv, 0, &type, &val))
			limit = val;
		struct factory *nf = factory_new(limit);
		obj = nf ? &nf->obj : NULL;
		err = nf ? 0 : -L4_ENOMEM;
		break;
	}
	default:
		inv_error(inv, L4_ENODEV);
		return;
	}
	if (!obj) {
		inv_error(inv, err ? -err : L4_ENOMEM);
		return;
	}
	/* The caller may have gone while a task was being forked. */
	if (caller->state == TS_DEAD || !caller->task || caller->task->dead) {
		obj->caps = 1;
		kobj_put_cap(obj);
		inv_error(inv, L4_ENOENT);
		return;
	}
	err = cap_install(caller->task, br0 >> L4_CAP_SHIFT, obj, L4_CAP_FPAGE_RWSD, NULL);
	if (err) {
		obj->caps = 1;
		kobj_put_cap(obj);
		inv_error(inv, -err);
		return;
	}
	f->used++;
	inv_ok(inv, 0);
}
