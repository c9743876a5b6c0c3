/* What every kernel object shares: identity, capability count, name, and
 * the kernel's own log and IPC trace. */
#include <stdarg.h>
#include <stdio.h>
#include "kernel.h"

pthread_mutex_t kernel_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long next_id = 1;
static struct kobj *all_objects;

static const char *const type_names[KOBJ_TYPES] = {
	[KOBJ_TASK] = "task", [KOBJ_THREAD] = "thread", [KOBJ_GATE] = "gate",
	[KOBJ_IRQ] = "irq", [KOBJ_FACTORY] = "factory", [KOBJ_SCHEDULER] = "scheduler",
	[KOBJ_LOG] = "log", [KOBJ_SEMAPHORE] = "semaphore", [KOBJ_DEBUGGER] = "debugger",
	[KOBJ_ICU] = "icu",
};

const char *kobj_type_name(enum kobj_type t) { return t < KOBJ_TYPES ? type_names[t] : "?"; }

void kobj_init(struct kobj *o, enum kobj_type type, const struct kobj_ops *ops)
{
	o->type = type;
	o->ops = ops;
	o->id = next_id++;
	o->caps = 0;
	o->deleted = false;
	o->name[0] = 0;
	o->next_all = all_objects;
	all_objects = o;
}

/* The debugger names objects by global id (l4_debugger_get_object_name);
 * objects are never freed, so the list holds every id ever handed out. */
struct kobj *kobj_by_id(unsigned long id)
{
	for (struct kobj *o = all_objects; o; o = o->next_all)
		if (o->id == id)
			return o;
	return NULL;
}

/* Objects are never freed while umol4 runs: a blocked partner or a queued
 * IRQ may still point at one.  The last capability makes it unusable and
 * lets it release what it holds in the host (processes, threads). */
void kobj_put_cap(struct kobj *o)
{
	if (--o->caps <= o->dropped)
		kobj_delete(o);
}

void kobj_delete(struct kobj *o)
{
	if (o->deleted)
		return;
	o->deleted = true;
	if (o->ops->destroy)
		o->ops->destroy(o);
}

/* A server keeps a capability to each object it serves but wants to know
 * when its clients' are gone (Fiasco's dec_refcnt): its own stops
 * counting, so the object dies with the last capability of anyone else. */
void kobj_dec_refcnt(struct kobj *o, unsigned long diff)
{
	if (diff >= o->caps - o->dropped) {
		kobj_delete(o);
		return;
	}
	o->dropped += (unsigned)diff;
}

const char *thread_name(const struct thread *t)
{
	static __thread char buf[32];
	if (!t)
		return "-";
	if (t->obj.name[0])
		return t->obj.name;
	snprintf(buf, sizeof buf, "#%lx", t->obj.id);
	return buf;
}

void kernel_log(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	flockfile(stderr);
	fputs("umol4: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	funlockfile(stderr);
	va_end(ap);
}

void trace_ipc(const char *what, struct thread *from, struct thread *to, l4_msgtag_t tag,
	       unsigned long label, int err)
{
	if (!(boot.trace & TRACE_IPC))
		return;
	char f[32], t[32];
	snprintf(f, sizeof f, "%s", thread_name(from));
	snprintf(t, sizeof t, "%s", thread_name(to));
	fprintf(stderr, "ipc: %-6s %s -> %s tag=%lx(label=%ld words=%u items=%u) label=%lx err=%d\n",
		what, f, t, tag.raw, l4_msgtag_label(tag), l4_msgtag_words(tag),
		l4_msgtag_items(tag), label, err);
}
