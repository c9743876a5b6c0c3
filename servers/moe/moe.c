/* moe, the root task of the L4Re runtime: paged 1:1 by sigma0, it takes
 * RAM from sigma0 in 4 MiB blocks as needed and serves, from one server
 * loop on its main thread, every object it hands out through an IPC gate
 * whose label (index << 2) names the object: factories (with a quota),
 * dataspaces (memory given a page at a time on first map, zero-filled),
 * namespaces (the read-only "rom" of the boot modules, and new ones), logs
 * (one tag and colour per program) and its own region map (for the
 * launcher running in moe).  A second thread starts the init program with
 * the launcher and ends moe with the init program's exit code.
 *
 * A dataspace's memory returns to the pool when the last client
 * capability is gone: moe lowers the gate's reference count by its own
 * capability (l4_kobject_dec_refcnt) and gets the thread's delete IRQ
 * when the kernel deletes the gate. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <l4/re/env.h>
#include <l4/re/protocols.h>
#include <l4/re/c/dataspace.h>
#include <l4/re/c/log.h>
#include <l4/re/c/namespace.h>
#include <l4/re/c/util/cap_alloc.h>
#include <l4/sigma0/sigma0.h>
#include <l4/sys/err.h>
#include <l4/sys/factory.h>
#include <l4/sys/ipc.h>
#include <l4/sys/irq.h>
#include <l4/sys/kernel_object.h>
#include <l4/sys/rcv_endpoint.h>
#include <l4/sys/task.h>
#include <l4/sys/thread.h>
#include <l4/sys/scheduler.h>
#include <l4/sys/vcon.h>
#include <l4/umol4/bootinfo.h>
#include <l4/umol4/launch.h>
#include "rm_regions.h"
#include "runtime.h"
#include "wire.h"

#define POOL_BASE     0x500000000000UL   /* where sigma0's blocks land in moe */
#define POOL_BLOCK    22                 /* log2 of one block from sigma0 */
#define POOL_MAX      (64UL << 30)
#define RM_WINDOW_MIN 0x600000000000UL   /* moe's own attachments */
#define RM_WINDOW_MAX (0x680000000000UL - 1)
#define MAX_OBJECTS   4096
#define DEL_IRQ_LABEL 0x7ffffff0UL
#define NS_MAX        128
#define LOG_LINE      256

enum obj_type { OBJ_FREE, OBJ_FACTORY, OBJ_DATASPACE, OBJ_NAMESPACE, OBJ_LOG, OBJ_RM, OBJ_SCHED };

struct ns_entry {
	char name[64];
	l4_cap_idx_t cap;
	unsigned rights;
	int object;            /* index if the entry is one of ours, else 0 */
};

struct object {
	enum obj_type type;
	l4_cap_idx_t cap;      /* moe's capability to the gate */
	bool counted;          /* dec_refcnt done: the gate dies with its clients */
	union {
		struct { unsigned long limit, used; } factory;
		struct {
			unsigned long size, flags;
			void **pages;          /* NULL entries: not yet touched */
			l4_addr_t rom;         /* boot module: its physical address, else 0 */
			int factory;           /* charged to this factory */
		} ds;
		struct { struct ns_entry *e; unsigned n; bool read_only; } ns;
		struct { char tag[9]; char color; char line[LOG_LINE]; unsigned len; bool continued; } log;
		struct { unsigned limit, offset; } sched;
	};
};

static struct object objects[MAX_OBJECTS];
static int root_factory, rom_ns, root_ns, moe_rm;
static l4_cap_idx_t next_own_cap = 0x800;     /* moe's objects; the launcher uses env caps */
static l4_cap_idx_t pending_dec[64];
static unsigned pending_dec_count;

/* ---- the page pool ------------------------------------------------------ */

static void *free_pages;
static unsigned long free_count, total_bytes;

static bool pool_grow(void)
{
	if (total_bytes >= POOL_MAX)
		return false;
	l4_addr_t at = POOL_BASE + total_bytes, phys;
	if (l4sigma0_map_anypage(L4_BASE_PAGER_CAP, at, POOL_BLOCK, &phys, POOL_BLOCK))
		return false;
	total_bytes += 1UL << POOL_BLOCK;
	for (l4_addr_t p = at + (1UL << POOL_BLOCK); p > at;) {
		p -= L4_PAGESIZE;
		*(void **)p = free_pages;
		free_pages = (void *)p;
		free_count++;
	}
	return true;
}

static void *page_alloc(void)
{
	if (!free_pages && !pool_grow())
		return NULL;
	void *p = free_pages;
	free_pages = *(void **)p;
	free_count--;
	memset(p, 0, L4_PAGESIZE);
	return p;
}

static void page_free(void *p)
{
	*(void **)p = free_pages;
	free_pages = p;
	free_count++;
}

/* ---- objects ---------------------------------------------------------- */

static int object_new(enum obj_type type)
{
	for (int i = 1; i < MAX_OBJECTS; i++) {
		if (objects[i].type != OBJ_FREE)
			continue;
		l4_cap_idx_t cap = next_own_cap++ << L4_CAP_SHIFT;
		if (l4_error(l4_factory_create_gate(L4_BASE_FACTORY_CAP, cap, L4_BASE_THREAD_CAP, (l4_umword_t)i << 2)))
			return -L4_ENOMEM;
		memset(&objects[i], 0, sizeof objects[i]);
		objects[i].type = type;
		objects[i].cap = cap;
		return i;
	}
	return -L4_ENOMEM;
}

static void object_free(int i)
{
	struct object *o = &objects[i];
	if (o->type == OBJ_DATASPACE) {
		if (!o->ds.rom)
			for (unsigned long p = 0; p < o->ds.size / L4_PAGESIZE; p++)
				if (o->ds.pages[p])
					page_free(o->ds.pages[p]);
		free(o->ds.pages);
		objects[o->ds.factory].factory.used -= o->ds.size;
	}
	l4_task_release_cap(L4RE_THIS_TASK_CAP, o->cap);
	o->type = OBJ_FREE;
}

/* The object a capability in our space names, if it is one of ours. */
static int object_of_cap(l4_cap_idx_t cap, enum obj_type type)
{
	for (int i = 1; i < MAX_OBJECTS; i++)
		if (objects[i].type == type &&
		    l4_msgtag_label(l4_task_cap_equal(L4RE_THIS_TASK_CAP, cap, objects[i].cap)) == 1)
			return i;
	return -L4_EINVAL;
}

/* The kernel deleted some gate: find the dataspaces whose gate is gone. */
static void collect_deleted(void)
{
	for (int i = 1; i < MAX_OBJECTS; i++)
		if (objects[i].type != OBJ_FREE && objects[i].counted &&
		    l4_msgtag_label(l4_task_cap_valid(L4RE_THIS_TASK_CAP, objects[i].cap)) == 0)
			object_free(i);
}

/* ---- dataspaces ------------------------------------------------------- */

static int ds_new(unsigned long size, unsigned long flags, int factory, l4_addr_t rom)
{
	size = (size + L4_PAGESIZE - 1) & ~(L4_PAGESIZE - 1);
	struct object *f = &objects[factory];
	if (!size || size > POOL_MAX || size > f->factory.limit - f->factory.used)
		return -L4_ENOMEM;
	int i = object_new(OBJ_DATASPACE);
	if (i < 0)
		return i;
	struct object *o = &objects[i];
	o->ds.size = size;
	o->ds.flags = flags;
	o->ds.rom = rom;
	o->ds.factory = factory;
	if (!rom && !(o->ds.pages = calloc(size / L4_PAGESIZE, sizeof(void *)))) {
		o->type = OBJ_FREE;
		return -L4_ENOMEM;
	}
	f->factory.used += size;
	return i;
}

/* The page at offset in moe's address space, allocated on first use. */
static void *ds_page(struct object *o, unsigned long offset, bool alloc)
{
	unsigned long p = offset / L4_PAGESIZE;
	if (o->ds.rom) {
		volatile const char *page = (const char *)(o->ds.rom + p * L4_PAGESIZE);
		(void)*page;                   /* sigma0 maps it to us on this touch */
		return (void *)page;
	}
	if (!o->ds.pages[p] && alloc)
		o->ds.pages[p] = page_alloc();
	return o->ds.pages[p];
}

static long ds_copy_in(struct object *o, l4_umword_t dst, l4_umword_t src_offs, l4_umword_t size, l4_cap_idx_t src)
{
	int s = object_of_cap(src, OBJ_DATASPACE);
	if (s < 0)
		return s;
	struct object *so = &objects[s];
	if (dst > o->ds.size || size > o->ds.size - dst || src_offs > so->ds.size || size > so->ds.size - src_offs)
		return -L4_ERANGE;
	while (size) {
		unsigned long n = L4_PAGESIZE - (dst % L4_PAGESIZE);
		if (n > L4_PAGESIZE - src_offs % L4_PAGESIZE)
			n = L4_PAGESIZE - src_offs % L4_PAGESIZE;
		if (n > size)
			n = size;
		char *d = ds_page(o, dst, true), *from = ds_page(so, src_offs, true);
		if (!d || !from)
			return -L4_ENOMEM;
		memcpy(d + dst % L4_PAGESIZE, from + src_offs % L4_PAGESIZE, n);
		dst += n;
		src_offs += n;
		size -= n;
	}
	return 0;
}

static long ds_request(struct object *o, l4_umword_t label, l4_msg_regs_t *m, unsigned words, unsigned *reply_words,
		       unsigned *reply_items, l4_cap_idx_t scratch)
{
	bool may_write = (label & L4_CAP_FPAGE_W) && (o->ds.flags & L4RE_DS_F_W);
	l4_umword_t off = m->mr[1];
	switch (m->mr[0]) {
	case DS_OP_MAP: {
		if (words < 4)
			return -L4_EMSGTOOSHORT;
		unsigned rights = (unsigned)(m->mr[3] & L4_FPAGE_RWX) | L4_FPAGE_RO;
		if ((rights & L4_FPAGE_W) && !may_write)
			return -L4_EPERM;
		if (off >= o->ds.size)
			return -L4_ERANGE;
		l4_umword_t hot_spot = m->mr[2];    /* growing the pool reuses the registers */
		void *page = ds_page(o, off, true);
		if (!page)
			return -L4_ENOMEM;
		m->mr[0] = l4_map_control(hot_spot, 0, 0);
		m->mr[1] = l4_fpage((l4_addr_t)page, L4_PAGESHIFT, rights & (L4_FPAGE_RO | L4_FPAGE_X | (may_write ? L4_FPAGE_W : 0))).raw;
		*reply_items = 1;
		return 0;
	}
	case DS_OP_CLEAR:
	case DS_OP_ALLOCATE: {
		if (words < 3)
			return -L4_EMSGTOOSHORT;
		if (!may_write && m->mr[0] == DS_OP_CLEAR)
			return -L4_EPERM;
		l4_umword_t end = off + m->mr[2] > o->ds.size || off + m->mr[2] < off ? o->ds.size : off + m->mr[2];
		for (l4_umword_t a = off; a < end;) {
			l4_umword_t page_end = (a | (L4_PAGESIZE - 1)) + 1, n = (page_end < end ? page_end : end) - a;
			if (m->mr[0] == DS_OP_ALLOCATE) {
				if (!ds_page(o, a, true))
					return -L4_ENOMEM;
			} else if (!o->ds.rom && n == L4_PAGESIZE && o->ds.pages[a / L4_PAGESIZE]) {
				/* A whole page goes back; the next touch gets a zeroed one. */
				page_free(o->ds.pages[a / L4_PAGESIZE]);
				o->ds.pages[a / L4_PAGESIZE] = NULL;
			} else if (!o->ds.rom && o->ds.pages[a / L4_PAGESIZE]) {
				memset((char *)o->ds.pages[a / L4_PAGESIZE] + a % L4_PAGESIZE, 0, n);
			}
			a += n;
		}
		return 0;
	}
	case DS_OP_INFO:
		m->mr[0] = o->ds.size;
		m->mr[1] = o->ds.flags & (may_write ? ~0UL : ~(unsigned long)L4RE_DS_F_W);
		*reply_words = 2;
		return 0;
	case DS_OP_COPY_IN:
		if (words < 4)
			return -L4_EMSGTOOSHORT;
		if (!may_write)
			return -L4_EPERM;
		{
			long r = ds_copy_in(o, off, m->mr[2], m->mr[3], scratch);
			l4_task_release_cap(L4RE_THIS_TASK_CAP, scratch);
			return r;
		}
	default:
		return -L4_ENOSYS;
	}
}

/* ---- namespaces ------------------------------------------------------- */

static int ns_new(bool read_only)
{
	int i = object_new(OBJ_NAMESPACE);
	if (i < 0)
		return i;
	objects[i].ns.read_only = read_only;
	if (!(objects[i].ns.e = calloc(NS_MAX, sizeof(struct ns_entry))))
		return -L4_ENOMEM;
	return i;
}

static int ns_add(struct object *ns, const char *name, unsigned len, l4_cap_idx_t cap, unsigned rights, int obj)
{
	if (!len || len >= sizeof ns->ns.e[0].name || memchr(name, '/', len))
		return -L4_EINVAL;
	for (unsigned i = 0; i < ns->ns.n; i++)
		if (!strncmp(ns->ns.e[i].name, name, len) && !ns->ns.e[i].name[len])
			return -L4_EEXIST;
	if (ns->ns.n == NS_MAX)
		return -L4_ENOMEM;
	struct ns_entry *e = &ns->ns.e[ns->ns.n++];
	memcpy(e->name, name, len);
	e->name[len] = 0;
	e->cap = cap;
	e->rights = rights;
	e->object = obj;
	return 0;
}

/* Walk "a/b/c" through our namespaces. */
static const struct ns_entry *ns_lookup(struct object *ns, const char *name, unsigned len)
{
	for (;;) {
		unsigned part = 0;
		while (part < len && name[part] != '/')
			part++;
		const struct ns_entry *found = NULL;
		for (unsigned i = 0; i < ns->ns.n && !found; i++)
			if (!strncmp(ns->ns.e[i].name, name, part) && !ns->ns.e[i].name[part] && part)
				found = &ns->ns.e[i];
		if (!found || part == len)
			return found;
		if (!found->object || objects[found->object].type != OBJ_NAMESPACE)
			return NULL;
		ns = &objects[found->object];
		name += part + 1;
		len -= part + 1;
	}
}

static long ns_request(struct object *o, l4_umword_t label, l4_msg_regs_t *m, unsigned words, unsigned *reply_words,
		       unsigned *reply_items, bool got_cap, l4_cap_idx_t scratch, bool *scratch_used)
{
	unsigned len;
	const char *name;
	switch (m->mr[0]) {
	case NS_OP_QUERY: {
		if (!(name = wire_get_name(m, 1, words, &len)))
			return -L4_EMSGTOOSHORT;
		const struct ns_entry *e = ns_lookup(o, name, len);
		if (!e)
			return -L4_ENOENT;
		m->mr[0] = l4_map_obj_control(0, 0);
		m->mr[1] = l4_obj_fpage(e->cap, 0, e->rights & L4_CAP_FPAGE_RWSD).raw;
		*reply_items = 1;
		return 0;
	}
	case NS_OP_REGISTER: {
		if (!(name = wire_get_name(m, 2, words, &len)))
			return -L4_EMSGTOOSHORT;
		if (o->ns.read_only || !(label & L4_CAP_FPAGE_W))
			return -L4_EPERM;
		if (!got_cap)
			return -L4_EINVAL;
		int r = ns_add(o, name, len, scratch, (unsigned)m->mr[1] | L4_CAP_FPAGE_RO, 0);
		*scratch_used = r == 0;
		return r;
	}
	case NS_OP_LIST: {
		/* The name of entry MR1 (the POSIX personality lists rom/). */
		if (words < 2)
			return -L4_EMSGTOOSHORT;
		if (m->mr[1] >= o->ns.n)
			return -L4_ENOENT;
		const char *entry = o->ns.e[m->mr[1]].name;
		*reply_words = wire_put_name(m, 0, entry, (unsigned)strlen(entry));
		return 0;
	}
	default:
		return -L4_ENOSYS;
	}
}

/* ---- logs: "tag     | text" per line, in the program's colour --------- */

static const char *ansi_color(char c)
{
	switch (c | 0x20) {
	case 'k': return "0"; case 'r': return "1"; case 'g': return "2"; case 'y': return "3";
	case 'b': return "4"; case 'm': return "5"; case 'c': return "6"; case 'w': return "7";
	default: return NULL;
	}
}

static void log_flush(struct object *o, bool complete)
{
	char out[LOG_LINE + 48];
	const char *c = ansi_color(o->log.color);
	int n = 0;
	if (c)
		n = snprintf(out, sizeof out, "\033[%s3%sm", o->log.color >= 'A' && o->log.color <= 'Z' ? "1;" : "", c);
	n += snprintf(out + n, sizeof out - n, "%-8.8s%s %.*s%s\n", o->log.tag, o->log.continued ? ":" : "|",
		      (int)o->log.len, o->log.line, c ? "\033[0m" : "");
	l4re_log_printn_srv(L4_BASE_LOG_CAP, out, n);
	o->log.len = 0;
	o->log.continued = !complete;
}

static void log_write(struct object *o, const char *s, unsigned long len)
{
	for (unsigned long i = 0; i < len; i++) {
		if (s[i] == '\n') {
			log_flush(o, true);
			continue;
		}
		if (o->log.len == LOG_LINE)
			log_flush(o, false);
		o->log.line[o->log.len++] = s[i];
	}
}

/* ---- moe's own region map (for the launcher thread in moe) ------------ */

static struct rm_map rm;
static struct rm_node rm_nodes[1024];

/* Attach eagerly: moe is paged by sigma0 1:1, which knows nothing of it. */
static long rm_request(l4_msg_regs_t *m, unsigned words, unsigned *reply_words)
{
	uintptr_t start = m->mr[1];
	struct rm_region out;
	int r;
	switch (m->mr[0]) {
	case RM_OP_ATTACH: {
		if (words < 7)
			return -L4_EMSGTOOSHORT;
		/* The capability lookup and l4_task_map reuse the message registers. */
		l4_umword_t size = (m->mr[2] + L4_PAGESIZE - 1) & ~(L4_PAGESIZE - 1), offset = m->mr[4];
		l4_umword_t flags = m->mr[3], ds = m->mr[6];
		int d = object_of_cap(ds, OBJ_DATASPACE);
		if (d < 0)
			return d;
		struct object *o = &objects[d];
		unsigned rights = (unsigned)flags & L4_FPAGE_RWX & (unsigned)(o->ds.flags | L4_FPAGE_RO);
		r = rm_attach(&rm, &start, size, (uint32_t)(flags & ~RM_F_EAGER_MAP), ds, offset, L4_PAGESHIFT);
		if (r)
			return r;
		for (l4_umword_t a = 0; a < size; a += L4_PAGESIZE) {
			void *page = offset + a < o->ds.size ? ds_page(o, offset + a, true) : NULL;
			if (!page) {
				rm_detach(&rm, start, size, RM_DETACH_OVERLAP, NULL);
				return -L4_ENOMEM;
			}
			l4_task_map(L4RE_THIS_TASK_CAP, L4RE_THIS_TASK_CAP, l4_fpage((l4_addr_t)page, L4_PAGESHIFT, rights),
				    l4_map_control(start + a, 0, L4_MAP_ITEM_MAP));
		}
		m->mr[0] = start;
		*reply_words = 1;
		return 0;
	}
	case RM_OP_DETACH:
		r = rm_detach(&rm, start, 1, RM_DETACH_OVERLAP, &out);
		if (r < 0)
			return r;
		for (l4_addr_t a = out.start; a < out.end; a += L4_PAGESIZE)
			l4_task_unmap(L4RE_THIS_TASK_CAP, l4_fpage(a, L4_PAGESHIFT, L4_FPAGE_RWX), L4_FP_ALL_SPACES);
		m->mr[0] = out.start;
		m->mr[1] = out.end;
		m->mr[2] = out.ds;
		*reply_words = 3;
		return r;
	default:
		return -L4_ENOSYS;
	}
}

/* ---- factory ---------------------------------------------------------- */

/* The typed arguments of a factory create (kernel-interface.md). */
struct fargs {
	unsigned n;
	struct { unsigned type; l4_umword_t value; const char *str; unsigned len; } a[4];
};

static void parse_args(const l4_msg_regs_t *m, unsigned words, struct fargs *fa)
{
	fa->n = 0;
	for (unsigned i = 1; i < words && fa->n < 4;) {
		unsigned type = m->mr[i] & 0xff, bytes = (unsigned)(m->mr[i] >> 16);
		unsigned nw = (bytes + 7) / 8;
		if (type == 0) {   /* nil */
			i++;
			continue;
		}
		if (i + nw >= words + 1)
			break;
		fa->a[fa->n].type = type;
		fa->a[fa->n].value = m->mr[i + 1];
		fa->a[fa->n].str = (const char *)&m->mr[i + 1];
		fa->a[fa->n].len = bytes;
		fa->n++;
		i += 1 + nw;
	}
}

static long factory_request(int self, l4_msg_regs_t *m, unsigned words, unsigned *reply_items)
{
	struct fargs fa;
	parse_args(m, words, &fa);
	long proto = (long)m->mr[0];
	int i;
	switch (proto) {
	case L4RE_PROTO_DATASPACE:
		if (fa.n < 1)
			return -L4_EINVAL;
		i = ds_new(fa.a[0].value, L4RE_DS_F_RWX, self, 0);
		break;
	case L4RE_PROTO_NAMESPACE:
		i = ns_new(false);
		break;
	case L4_PROTO_FACTORY:
		if (fa.n < 1)
			return -L4_EINVAL;
		if ((i = object_new(OBJ_FACTORY)) >= 0)
			objects[i].factory.limit = fa.a[0].value;
		break;
	case L4_PROTO_LOG: {
		/* Copy the arguments out first: creating the gate reuses the registers. */
		char tag[9] = { 0 }, color = 0;
		if (fa.n >= 1 && fa.a[0].type == L4_VARG_TYPE_STRING)
			memcpy(tag, fa.a[0].str, fa.a[0].len < 8 ? fa.a[0].len : 8);
		if (fa.n >= 2 && fa.a[1].type == L4_VARG_TYPE_STRING && fa.a[1].len > 1)
			color = fa.a[1].str[0];
		if ((i = object_new(OBJ_LOG)) >= 0) {
			memcpy(objects[i].log.tag, tag, sizeof tag);
			objects[i].log.color = color;
		}
		break;
	}
	case L4_PROTO_SCHEDULER:
		/* A scheduler proxy (limit, offset [, cpus]): its clients'
		 * priorities are shifted by offset and capped at limit. */
		if (fa.n < 2 || fa.a[0].value > 255 || fa.a[1].value > 255)
			return -L4_EINVAL;
		if ((i = object_new(OBJ_SCHED)) >= 0) {
			objects[i].sched.limit = (unsigned)fa.a[0].value;
			objects[i].sched.offset = (unsigned)fa.a[1].value;
		}
		break;
	default:
		return -L4_ENOSYS;
	}
	if (i < 0)
		return i;
	m->mr[0] = l4_map_obj_control(0, 0);
	m->mr[1] = l4_obj_fpage(objects[i].cap, 0, L4_CAP_FPAGE_RWSD).raw;
	*reply_items = 1;
	/* Once the client holds it, only client capabilities count. */
	if (proto == L4RE_PROTO_DATASPACE && pending_dec_count < 64) {
		pending_dec[pending_dec_count++] = objects[i].cap;
		objects[i].counted = true;
	}
	return 0;
}

/* ---- scheduler proxies -------------------------------------------------- */

/* run_thread goes to the kernel's scheduler with the priority moved into
 * the proxy's range; info is the kernel's.  The thread capability arrived
 * in the scratch slot and is dropped again afterwards. */
static long sched_request(struct object *o, l4_msg_regs_t *m, unsigned words, bool got_cap, l4_cap_idx_t scratch,
			  unsigned *reply_words)
{
	switch (m->mr[0]) {
	case L4_SCHEDULER_RUN_THREAD_OP: {
		if (words < 5 || !got_cap)
			return -L4_EMSGMISSARG;
		unsigned long prio = m->mr[3] + o->sched.offset;
		l4_sched_param_t sp = l4_sched_param(prio > o->sched.limit ? o->sched.limit : (unsigned)prio, m->mr[4]);
		sp.affinity.gran_offset = m->mr[1];
		sp.affinity.map = m->mr[2];
		long r = l4_error(l4_scheduler_run_thread(L4_BASE_SCHEDULER_CAP, scratch, &sp));
		l4_task_unmap(L4_BASE_TASK_CAP, l4_obj_fpage(scratch, 0, L4_CAP_FPAGE_RWSD), L4_FP_ALL_SPACES);
		return r;
	}
	case L4_SCHEDULER_INFO_OP: {
		l4_umword_t max = 0;
		l4_sched_cpu_set_t cpus = l4_sched_cpu_set(words >= 2 ? m->mr[1] : 0, 0, 0);
		long r = l4_error(l4_scheduler_info(L4_BASE_SCHEDULER_CAP, &max, &cpus));
		m->mr[0] = cpus.map;
		m->mr[1] = max;
		*reply_words = 2;
		return r;
	}
	default:
		return -L4_ENOSYS;
	}
}

/* ---- the server loop -------------------------------------------------- */

static l4_cap_idx_t del_irq;

static void __attribute__((noreturn)) serve(void)
{
	l4_utcb_t *u = l4_utcb();
	l4_msg_regs_t *m = l4_utcb_mr_u(u);
	l4_buf_regs_t *b = l4_utcb_br_u(u);
	l4_cap_idx_t scratch = next_own_cap++ << L4_CAP_SHIFT;
	l4_umword_t label;
	b->bdr = 0;
	b->br[0] = scratch | L4_RCV_ITEM_SINGLE_CAP;
	l4_msgtag_t tag = l4_ipc_wait(u, &label, L4_IPC_NEVER);
	for (;;) {
		if (pending_dec_count) {
			/* The request just received is in MR0 and MR1, which
			 * dec_refcnt uses too. */
			l4_umword_t mr0 = m->mr[0], mr1 = m->mr[1];
			for (unsigned i = 0; i < pending_dec_count; i++)
				l4_kobject_dec_refcnt(pending_dec[i], 1);
			pending_dec_count = 0;
			m->mr[0] = mr0;
			m->mr[1] = mr1;
		}
		if (l4_ipc_error(tag, u)) {
			b->br[0] = scratch | L4_RCV_ITEM_SINGLE_CAP;
			tag = l4_ipc_wait(u, &label, L4_IPC_NEVER);
			continue;
		}
		if (label == DEL_IRQ_LABEL) {
			collect_deleted();
			l4_irq_unmask(del_irq);
			b->br[0] = scratch | L4_RCV_ITEM_SINGLE_CAP;
			tag = l4_ipc_wait(u, &label, L4_IPC_NEVER);
			continue;
		}
		unsigned idx = (unsigned)(label >> 2), words = l4_msgtag_words(tag), rw = 0, ri = 0;
		bool got_cap = l4_msgtag_items(tag) > 0, scratch_used = false, no_reply = false;
		long proto = l4_msgtag_label(tag), r = -L4_EBADPROTO;
		struct object *o = idx < MAX_OBJECTS ? &objects[idx] : NULL;
		if (!o || o->type == OBJ_FREE)
			r = -L4_ENOENT;
		else if (words < 1)
			r = -L4_EMSGTOOSHORT;
		else if (proto == L4RE_PROTO_DEBUG && m->mr[0] == MOE_DEBUG_OP_MEMINFO) {
			m->mr[0] = free_count * L4_PAGESIZE;
			m->mr[1] = total_bytes;
			rw = 2;
			r = 0;
		} else if (o->type == OBJ_DATASPACE && proto == L4RE_PROTO_DATASPACE)
			r = ds_request(o, label, m, words, &rw, &ri, scratch);
		else if (o->type == OBJ_NAMESPACE && proto == L4RE_PROTO_NAMESPACE)
			r = ns_request(o, label, m, words, &rw, &ri, got_cap, scratch, &scratch_used);
		else if (o->type == OBJ_FACTORY && proto == L4_PROTO_FACTORY)
			r = factory_request((int)idx, m, words, &ri);
		else if (o->type == OBJ_RM && proto == L4RE_PROTO_RM)
			r = rm_request(m, words, &rw);
		else if (o->type == OBJ_SCHED && proto == L4_PROTO_SCHEDULER)
			r = sched_request(o, m, words, got_cap, scratch, &rw);
		else if (o->type == OBJ_LOG && proto == L4_PROTO_LOG) {
			/* A vcon write is a send: no one waits for an answer. */
			if ((m->mr[0] & 0xffff) == L4_VCON_WRITE_OP && words >= 2) {
				unsigned long len = m->mr[1] <= (words - 2) * 8UL ? m->mr[1] : (words - 2) * 8UL;
				/* Out of the UTCB first: printing a finished line is
				 * itself IPC and overwrites the message registers,
				 * which would garble the rest of a multi-line write. */
				char text[L4_UTCB_GENERIC_DATA_SIZE * sizeof(l4_umword_t)];
				memcpy(text, &m->mr[2], len);
				log_write(o, text, len);
				no_reply = true;
			} else {
				r = (m->mr[0] & 0xffff) == L4_VCON_WRITE_OP ? -L4_EINVAL : 0;
				m->mr[0] = 0x80000000UL;   /* vcon read: nothing queued */
				rw = 1;
			}
		}
		if (scratch_used)
			scratch = next_own_cap++ << L4_CAP_SHIFT;
		b->bdr = 0;
		b->br[0] = scratch | L4_RCV_ITEM_SINGLE_CAP;
		if (no_reply)
			tag = l4_ipc_wait(u, &label, L4_IPC_NEVER);
		else
			tag = l4_ipc_reply_and_wait(u, l4_msgtag(r, rw, ri, 0), &label, L4_IPC_NEVER);
	}
}

/* ---- start-up ----------------------------------------------------------- */

static l4re_env_t moe_env;
static const char *init_path = "rom/ned";
static const char *init_argv[64];
static char init_stack[32768] __attribute__((aligned(16)));

static const struct umol4_boot_module *find_module(const struct umol4_bootinfo *bi, const char *name)
{
	for (unsigned i = 0; bi && i < bi->num_modules; i++)
		if (!strcmp(bi->modules[i].name, name))
			return &bi->modules[i];
	return NULL;
}

/* The init program: started from the rom dataspace, waited for; its exit
 * code ends moe and with it umol4. */
static void __attribute__((noreturn)) run_init(void)
{
	const char *name = init_path + (strncmp(init_path, "rom/", 4) ? 0 : 4);
	const struct ns_entry *e = ns_lookup(&objects[rom_ns], name, (unsigned)strlen(name));
	int code = 127;
	if (!e) {
		runtime_log("moe: the init program is not among the boot modules\n");
	} else {
		struct umol4_launch_params p;
		umol4_launch_params_init(&p);
		struct umol4_launch_cap caps[] = {
			{ "rom", objects[rom_ns].cap, L4_CAP_FPAGE_RO },
			{ "user_factory", objects[root_factory].cap, L4_CAP_FPAGE_RWS },
			{ "root", objects[root_ns].cap, L4_CAP_FPAGE_RO },
		};
		p.binary = e->cap;
		p.argv = init_argv;
		p.caps = caps;
		p.num_caps = sizeof caps / sizeof caps[0];
		p.log_tag = name;
		struct umol4_child *c;
		int r = umol4_launch(&p, &c);
		if (r < 0) {
			char msg[64] = "moe: cannot start the init program, error -";
			size_t at = strlen(msg);
			msg[at++] = (char)('0' + (-r / 10) % 10);
			msg[at++] = (char)('0' + -r % 10);
			msg[at++] = '\n';
			msg[at] = 0;
			runtime_log(msg);
		}
		else if (umol4_child_wait(c, ~0UL, &code) < 0)
			code = 127;
		/* One call through moe's own server loop before ending: it
		 * answers only after it has finished every message it took
		 * before, e.g. printing the init program's last log line. */
		if (r >= 0)
			l4re_ds_size(e->cap);
	}
	for (;;)
		__asm__ volatile("syscall" : : "a"(231), "D"(code) : "rcx", "r11", "memory");
}

int main(int argc, char **argv)
{
	int nargs = 0;
	bool rest = false;
	for (int i = 1; i < argc; i++) {
		if (rest) {
			if (nargs < 62)
				init_argv[1 + nargs++] = argv[i];
		} else if (!strcmp(argv[i], "--"))
			rest = true;
		else if (!strncmp(argv[i], "--init=", 7))
			init_path = argv[i] + 7;
		else if (argv[i][0] != '-') {
			/* "moe rom/x.cfg" or "moe rom/x.lua": ned runs the script. */
			if (nargs < 62)
				init_argv[1 + nargs++] = argv[i];
		} else
			fprintf(stderr, "moe: unknown option %s (ignored)\n", argv[i]);
	}
	init_argv[0] = init_path + (strncmp(init_path, "rom/", 4) ? 0 : 4);

	if (!pool_grow()) {
		fprintf(stderr, "moe: sigma0 gives no memory\n");
		return 72;
	}
	/* Our own environment: the launcher runs here, too. */
	root_factory = object_new(OBJ_FACTORY);
	objects[root_factory].factory.limit = ~0UL;
	moe_rm = object_new(OBJ_RM);
	rm_init(&rm, rm_nodes, sizeof rm_nodes / sizeof rm_nodes[0], RM_WINDOW_MIN, RM_WINDOW_MAX);
	rom_ns = ns_new(true);
	root_ns = ns_new(false);
	if (root_factory < 0 || moe_rm < 0 || rom_ns < 0 || root_ns < 0) {
		fprintf(stderr, "moe: cannot create its objects\n");
		return 72;
	}
	moe_env = (l4re_env_t){
		.parent = L4_INVALID_CAP, .rm = objects[moe_rm].cap, .mem_alloc = objects[root_factory].cap,
		.log = L4_BASE_LOG_CAP, .main_thread = L4_BASE_THREAD_CAP, .factory = L4_BASE_FACTORY_CAP,
		.scheduler = L4_BASE_SCHEDULER_CAP, .itas = L4_INVALID_CAP, .dbg_events = L4_INVALID_CAP,
		.first_free_cap = 0x100UL << L4_CAP_SHIFT, .first_free_reply_cap = L4_INVALID_CAP,
		.utcb_area = l4_fpage(RUNTIME_UTCB_AREA, RUNTIME_UTCB_ORDER, L4_FPAGE_RW),
		.first_free_utcb = RUNTIME_UTCB_AREA + L4_UTCB_OFFSET,
	};
	l4re_global_env = &moe_env;

	/* The boot modules: read-only dataspaces in rom/. */
	const struct umol4_bootinfo *bi = (const struct umol4_bootinfo *)l4_kip()->user_ptr;
	if (bi && bi->magic != UMOL4_BOOTINFO_MAGIC)
		bi = NULL;
	for (unsigned i = 0; bi && i < bi->num_modules; i++) {
		const struct umol4_boot_module *mod = &bi->modules[i];
		int d = ds_new(mod->size ? mod->size : 1, L4RE_DS_F_RX, root_factory, mod->phys);
		if (d < 0 || ns_add(&objects[rom_ns], mod->name, (unsigned)strlen(mod->name), objects[d].cap,
				    L4_CAP_FPAGE_RO, d)) {
			fprintf(stderr, "moe: cannot register module %s\n", mod->name);
			return 72;
		}
		objects[d].ds.size = mod->size;      /* the file's size, not rounded */
	}
	(void)find_module;
	ns_add(&objects[root_ns], "rom", 3, objects[rom_ns].cap, L4_CAP_FPAGE_RO, rom_ns);
	ns_add(&objects[root_ns], "log", 3, L4_BASE_LOG_CAP, L4_CAP_FPAGE_RW, 0);
	ns_add(&objects[root_ns], "sigma0", 6, L4_BASE_PAGER_CAP, L4_CAP_FPAGE_RW, 0);

	/* Learn about dropped dataspaces. */
	del_irq = next_own_cap++ << L4_CAP_SHIFT;
	if (l4_error(l4_factory_create_irq(L4_BASE_FACTORY_CAP, del_irq)) ||
	    l4_error(l4_rcv_ep_bind_thread(del_irq, L4_BASE_THREAD_CAP, DEL_IRQ_LABEL)) ||
	    l4_error(l4_thread_register_del_irq(L4_BASE_THREAD_CAP, del_irq))) {
		fprintf(stderr, "moe: no delete IRQ\n");
		return 72;
	}
	if (l4_is_invalid_cap(runtime_thread_start(run_init, init_stack + sizeof init_stack, L4_BASE_PAGER_CAP))) {
		fprintf(stderr, "moe: cannot start the init thread\n");
		return 72;
	}
	serve();
}
