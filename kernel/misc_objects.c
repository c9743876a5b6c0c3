/* The small kernel objects every root task gets: the kernel log (vcon),
 * the kernel debugger (kdebug output, object names), the scheduler and
 * an interrupt controller without interrupts. */
#include <stdio.h>
#include <string.h>
#include <l4/sys/vcon.h>
#include <l4/sys/kdebug.h>
#include <l4/sys/debugger.h>
#include <l4/sys/scheduler.h>
#include <l4/sys/icu.h>
#include <l4/umol4/debug.h>
#include "kernel.h"

static void out(const void *buf, size_t len)
{
	fwrite(buf, 1, len, stdout);
	fflush(stdout);
}

/* ---- log: l4_vcon_* on L4_BASE_LOG_CAP ---------------------------------- */

static void log_invoke(struct kobj *o, struct invocation *inv)
{
	if (l4_msgtag_label(inv->tag) != L4_PROTO_LOG) {
		inv_error(inv, L4_EBADPROTO);
		return;
	}
	if (inv->words < 1) {
		inv_error(inv, L4_EMSGTOOSHORT);
		return;
	}
	switch (inv->mr[0] & 0xffff) {
	case L4_VCON_WRITE_OP: {
		if (inv->words < 2) {
			inv_error(inv, L4_EMSGTOOSHORT);
			return;
		}
		size_t len = inv->mr[1];
		if (len > (inv->words - 2) * sizeof(l4_umword_t)) {
			inv_error(inv, L4_EMSGTOOSHORT);
			return;
		}
		out(&inv->mr[2], len);
		inv_ok(inv, 0);
		return;
	}
	case L4_VCON_READ_OP:
		inv->reply_mr[0] = 0x80000000; /* no input, nothing more queued */
		inv_ok(inv, 1);
		return;
	case L4_VCON_SET_ATTR_OP:
		inv_ok(inv, 0);
		return;
	case L4_VCON_GET_ATTR_OP:
		inv->reply_mr[1] = inv->reply_mr[2] = inv->reply_mr[3] = 0;
		inv->reply_mr[0] = 0;
		inv_ok(inv, 4);
		return;
	default:
		inv_error(inv, L4_ENOSYS);
	}
}

static const struct kobj_ops log_ops = { "log", log_invoke, NULL };
static struct kobj log_obj;
struct kobj *log_get(void)
{
	if (!log_obj.ops)
		kobj_init(&log_obj, KOBJ_LOG, &log_ops);
	return &log_obj;
}

/* ---- debugger: kdebug output and object names --------------------------- */

static struct kobj *item_object(struct invocation *inv)
{
	if (l4_msgtag_items(inv->tag) < 1)
		return NULL;
	struct cap *c = cap_lookup(inv->caller->task, inv->mr[inv->words + 1] & ~0xfffUL);
	return c ? c->obj : NULL;
}

/* The object sent along, if it is of the type; else -EINVAL is the answer. */
static struct kobj *item_of_type(struct invocation *inv, enum kobj_type type)
{
	struct kobj *k = item_object(inv);
	if (k && k->type == type)
		return k;
	inv_error(inv, L4_EINVAL);
	return NULL;
}

static void debugger_kobj(struct invocation *inv, unsigned op)
{
	struct kobj *o = item_object(inv);
	if (!o) {
		inv_error(inv, L4_EINVAL);
		return;
	}
	switch (op) {
	case L4_DEBUGGER_NAME_SET_OP: {
		size_t max = (inv->words - 1) * sizeof(l4_umword_t);
		if (max > sizeof o->name - 1)
			max = sizeof o->name - 1;
		memcpy(o->name, &inv->mr[1], max);
		o->name[max] = 0;
		o->name[strnlen(o->name, max)] = 0;
		if (o->type == KOBJ_THREAD && ((struct thread *)o)->pt)
			plat_thread_set_name(((struct thread *)o)->pt, o->name);
		inv_ok(inv, 0);
		return;
	}
	case L4_DEBUGGER_NAME_GET_OP: {
		/* The item is only the way in (usually the debugger itself);
		 * the object to name is the one with the global id in MR1. */
		struct kobj *named = inv->words >= 2 ? kobj_by_id(inv->mr[1]) : NULL;
		if (!named) {
			inv_error(inv, L4_ENOENT);
			return;
		}
		_Static_assert(sizeof named->name <= 3 * sizeof(l4_umword_t), "a name fits three words");
		memset(inv->reply_mr, 0, 3 * sizeof(l4_umword_t));
		memcpy(inv->reply_mr, named->name, sizeof named->name);
		inv_ok(inv, 3);
		return;
	}
	case L4_DEBUGGER_GLOBAL_ID_OP:
	case L4_DEBUGGER_KOBJ_TO_ID_OP:
		inv->reply_mr[0] = o->id;
		inv_ok(inv, 1);
		return;
	default:
		inv_error(inv, L4_ENOSYS);
	}
}

static void debugger_invoke(struct kobj *o, struct invocation *inv)
{
	char buf[32];
	if (l4_msgtag_label(inv->tag) != L4_PROTO_DEBUGGER) {
		inv_error(inv, L4_EBADPROTO);
		return;
	}
	if (inv->words < 1) {
		/* enter_kdebug without text */
		kernel_log("kernel debugger entered (no debugger in umol4; continuing)");
		inv_ok(inv, 0);
		return;
	}
	l4_umword_t op = inv->mr[0], v = inv->words > 1 ? inv->mr[1] : 0;
	if (op >= L4_KDEBUG_GROUP_KOBJ && op < L4_KDEBUG_GROUP_KOBJ + 0x100) {
		debugger_kobj(inv, op - L4_KDEBUG_GROUP_KOBJ);
		return;
	}
	switch (op) {
	case UMOL4_DEBUGGER_CHECK_OP: {
		long bad = mapdb_check();
		for (struct task *t = task_list; t; t = t->next_task)
			bad += task_check_host_view(t);
		inv->reply_label = bad;
		inv->reply_words = 0;
		return;
	}
	case UMOL4_DEBUGGER_PROBE_OP: {
		struct kobj *k = item_of_type(inv, KOBJ_TASK);
		uint64_t phys = 0;
		unsigned rights = 0;
		if (!k)
			return;
		if (inv->words < 2) {
			inv_error(inv, L4_EINVAL);
			return;
		}
		if (!mapdb_lookup(&((struct task *)k)->mem, v, &phys, &rights, NULL))
			rights = 0;
		inv->reply_mr[0] = rights;
		inv->reply_mr[1] = phys;
		inv_ok(inv, 2);
		return;
	}
	case UMOL4_DEBUGGER_RESIDENT_OP: {
		struct kobj *k = item_of_type(inv, KOBJ_TASK);
		if (k) {
			inv->reply_mr[0] = task_resident_bytes((struct task *)k);
			inv_ok(inv, 1);
		}
		return;
	}
	case UMOL4_DEBUGGER_PRIO_OP: {
		struct kobj *k = item_of_type(inv, KOBJ_THREAD);
		if (k) {
			inv->reply_mr[0] = ((struct thread *)k)->prio;
			inv_ok(inv, 1);
		}
		return;
	}
	case L4_KDEBUG_ENTER:
	case L4_KDEBUG_OUTNSTRING: {
		size_t len = v;
		if (inv->words < 2 || len > (inv->words - 2) * sizeof(l4_umword_t)) {
			inv_error(inv, L4_EMSGTOOSHORT);
			return;
		}
		if (op == L4_KDEBUG_ENTER)
			kernel_log("kernel debugger entered: %.*s (no debugger in umol4; continuing)",
				   (int)len, (const char *)&inv->mr[2]);
		else
			out(&inv->mr[2], len);
		break;
	}
	case L4_KDEBUG_OUTCHAR:
		buf[0] = (char)v;
		out(buf, 1);
		break;
	case L4_KDEBUG_OUTHEX32: out(buf, snprintf(buf, sizeof buf, "%08lx", v & 0xffffffffUL)); break;
	case L4_KDEBUG_OUTHEX20: out(buf, snprintf(buf, sizeof buf, "%05lx", v & 0xfffffUL)); break;
	case L4_KDEBUG_OUTHEX16: out(buf, snprintf(buf, sizeof buf, "%04lx", v & 0xffffUL)); break;
	case L4_KDEBUG_OUTHEX12: out(buf, snprintf(buf, sizeof buf, "%03lx", v & 0xfffUL)); break;
	case L4_KDEBUG_OUTHEX8: out(buf, snprintf(buf, sizeof buf, "%02lx", v & 0xffUL)); break;
	case L4_KDEBUG_OUTDEC: out(buf, snprintf(buf, sizeof buf, "%ld", (long)v)); break;
	default:
		inv_error(inv, L4_ENOSYS);
		return;
	}
	inv_ok(inv, 0);
}

static const struct kobj_ops debugger_ops = { "debugger", debugger_invoke, NULL };
static struct kobj debugger_obj;
struct kobj *debugger_get(void)
{
	if (!debugger_obj.ops)
		kobj_init(&debugger_obj, KOBJ_DEBUGGER, &debugger_ops);
	return &debugger_obj;
}

/* ---- scheduler ---------------------------------------------------------- */

static void scheduler_invoke(struct kobj *o, struct invocation *inv)
{
	if (l4_msgtag_label(inv->tag) != L4_PROTO_SCHEDULER) {
		inv_error(inv, L4_EBADPROTO);
		return;
	}
	if (inv->words < 1) {
		inv_error(inv, L4_EMSGTOOSHORT);
		return;
	}
	switch (inv->mr[0]) {
	case L4_SCHEDULER_INFO_OP:
		/* One L4 CPU: umol4 keeps a whole system on one host CPU, where
		 * IPC hand-offs are cheapest (see ARCHITECTURE.md). */
		inv->reply_mr[0] = (inv->words > 1 && (inv->mr[1] & 0xffffff)) ? 0 : 1;
		inv->reply_mr[1] = 1;
		inv->reply_mr[2] = L4_SCHEDULER_CLASS_FIXED_PRIO;
		inv_ok(inv, 3);
		return;
	case L4_SCHEDULER_RUN_THREAD_OP: {
		if (inv->words < 5 || l4_msgtag_items(inv->tag) < 1) {
			inv_error(inv, L4_EMSGTOOSHORT);
			return;
		}
		struct kobj *to = item_object(inv);
		if (!to || to->type != KOBJ_THREAD) {
			inv_error(inv, L4_EINVAL);
			return;
		}
		l4_umword_t prio = inv->mr[3];
		if (prio > 255) {
			inv_error(inv, L4_EINVAL);
			return;
		}
		struct thread *t = (struct thread *)to;
		t->prio = prio;
		t->cpu = 0;
		t->sched_set = true;
		thread_try_start(t);
		inv_ok(inv, 0);
		return;
	}
	case L4_SCHEDULER_IDLE_TIME_OP:
		inv->reply_mr[0] = 0;
		inv_ok(inv, 1);
		return;
	default:
		inv_error(inv, L4_ENOSYS);
	}
}

static const struct kobj_ops scheduler_ops = { "scheduler", scheduler_invoke, NULL };
static struct kobj scheduler_obj;
struct kobj *scheduler_get(void)
{
	if (!scheduler_obj.ops)
		kobj_init(&scheduler_obj, KOBJ_SCHEDULER, &scheduler_ops);
	return &scheduler_obj;
}

/* ---- ICU: no hardware interrupts yet (virtual hardware issue) ----------- */

static void icu_invoke(struct kobj *o, struct invocation *inv)
{
	if (inv->words >= 1 && inv->mr[0] == L4_ICU_OP_INFO) {
		inv->reply_mr[0] = 0;   /* features */
		inv->reply_mr[1] = 0;   /* number of interrupts */
		inv->reply_mr[2] = 0;   /* MSIs */
		inv_ok(inv, 3);
		return;
	}
	inv_error(inv, L4_ENODEV);
}

static const struct kobj_ops icu_ops = { "icu", icu_invoke, NULL };
static struct kobj icu_obj;
struct kobj *icu_get(void)
{
	if (!icu_obj.ops)
		kobj_init(&icu_obj, KOBJ_ICU, &icu_ops);
	return &icu_obj;
}
