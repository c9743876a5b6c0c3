/* Task objects: an object space, an address space (a platform process),
 * and the kernel's record of which physical page backs which virtual page.
 * Memory mapped from one task to another is not yet tracked in a mapping
 * database (memory issue): unmap acts on the named task only. */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <l4/sys/task.h>
#include "kernel.h"

struct page_entry {
	uintptr_t vpn;
	uint64_t phys;          /* offset in physical memory */
	unsigned prot;          /* PLAT_R/W/X */
	struct page_entry *next;
};

struct task *task_list;
static void task_invoke(struct kobj *o, struct invocation *inv);
static void task_destroy(struct kobj *o);
static const struct kobj_ops task_ops = { "task", task_invoke, task_destroy };

static int spawn(void *arg)
{
	struct task *t = arg;
	return plat_space_create(&t->space, t->obj.name);
}

/* Kernel-user memory for UTCBs at utcb_area (an fpage in the task). */
static int add_ku_mem(struct task *t, l4_fpage_t fp)
{
	if (l4_fpage_type(fp) != L4_FPAGE_MEMORY || l4_fpage_size(fp) < L4_PAGESHIFT ||
	    l4_fpage_size(fp) > 24 || t->utcb_kview)
		return -L4_EINVAL;
	uintptr_t base = l4_fpage_memaddr(fp);
	size_t len = 1UL << l4_fpage_size(fp);
	if (base + len > UMOL4_USER_END)
		return -L4_EINVAL;
	uint64_t off;
	void *kview;
	if (plat_ku_alloc(t->space, len, &off, &kview))
		return -L4_ENOMEM;
	if (plat_space_map(t->space, base, len, PLAT_R | PLAT_W, PLAT_MEM_KU, off) || plat_space_sync(t->space))
		return -L4_ENOMEM;
	t->utcb_area = base;
	t->utcb_order = l4_fpage_size(fp);
	t->utcb_ku_off = off;
	t->utcb_kview = kview;
	return 0;
}

struct task *task_create(const char *name, l4_fpage_t utcb_area, int *err)
{
	struct task *t = calloc(1, sizeof *t);
	if (!t) {
		*err = -L4_ENOMEM;
		return NULL;
	}
	kobj_init(&t->obj, KOBJ_TASK, &task_ops);
	snprintf(t->obj.name, sizeof t->obj.name, "%s", name);
	t->npage_buckets = 1024;
	t->pages = calloc(t->npage_buckets, sizeof *t->pages);
	/* The fork must not hold the kernel lock: the supervisor may need it. */
	pthread_mutex_unlock(&kernel_lock);
	int r = t->pages ? supervisor_call(spawn, t) : -1;
	pthread_mutex_lock(&kernel_lock);
	if (r) {
		free(t->pages);
		free(t);
		*err = -L4_ENOMEM;
		return NULL;
	}
	kip_init(plat_kip(t->space), 0);
	if (utcb_area.raw && (r = add_ku_mem(t, utcb_area))) {
		plat_space_destroy(t->space);
		free(t->pages);
		free(t);
		*err = r;
		return NULL;
	}
	t->next_task = task_list;
	task_list = t;
	return t;
}

l4_utcb_t *task_utcb_kview(struct task *t, uintptr_t uaddr)
{
	if (!t->utcb_kview || uaddr < t->utcb_area || uaddr >= t->utcb_area + (1UL << t->utcb_order) ||
	    uaddr + L4_UTCB_OFFSET > t->utcb_area + (1UL << t->utcb_order))
		return NULL;
	return (l4_utcb_t *)(t->utcb_kview + (uaddr - t->utcb_area));
}

struct task *task_by_pid(int pid)
{
	for (struct task *t = task_list; t; t = t->next_task)
		if (t->space && plat_space_pid(t->space) == pid)
			return t;
	return NULL;
}

/* ---- the page record --------------------------------------------------- */

static struct page_entry **bucket(struct task *t, uintptr_t vpn)
{
	return &t->pages[(vpn * 0x9E3779B97F4A7C15ull >> 40) % t->npage_buckets];
}

static struct page_entry *page_find(struct task *t, uintptr_t vpn)
{
	for (struct page_entry *p = *bucket(t, vpn); p; p = p->next)
		if (p->vpn == vpn)
			return p;
	return NULL;
}

static int page_set(struct task *t, uintptr_t vpn, uint64_t phys, unsigned prot)
{
	struct page_entry *p = page_find(t, vpn);
	if (!p) {
		if (!(p = malloc(sizeof *p)))
			return -L4_ENOMEM;
		p->vpn = vpn;
		p->next = *bucket(t, vpn);
		*bucket(t, vpn) = p;
		t->npages++;
	}
	p->phys = phys;
	p->prot = prot;
	return 0;
}

static void page_drop(struct task *t, uintptr_t vpn)
{
	for (struct page_entry **pp = bucket(t, vpn); *pp; pp = &(*pp)->next)
		if ((*pp)->vpn == vpn) {
			struct page_entry *p = *pp;
			*pp = p->next;
			free(p);
			t->npages--;
			return;
		}
}

int task_map_pages(struct task *t, uintptr_t va, uint64_t phys, size_t len, unsigned prot)
{
	for (size_t o = 0; o < len; o += L4_PAGESIZE) {
		int r = page_set(t, (va + o) >> L4_PAGESHIFT, phys + o, prot);
		if (r)
			return r;
	}
	if (plat_space_map(t->space, va, len, prot, PLAT_MEM_PHYS, phys))
		return -L4_EINVAL;
	return 0;
}

static unsigned fpage_prot(unsigned rights)
{
	return (rights & L4_FPAGE_RO ? PLAT_R : 0) | (rights & L4_FPAGE_W ? PLAT_W | PLAT_R : 0) |
	       (rights & L4_FPAGE_X ? PLAT_X | PLAT_R : 0);
}

/* Map the pages of fp that src has into dst at dst_base, with at most the
 * rights of fp.  Pages src does not have are skipped, as on L4. */
int task_map_memory(struct task *src, l4_fpage_t fp, struct task *dst, uintptr_t dst_base, bool grant)
{
	unsigned order = l4_fpage_size(fp);
	if (order < L4_PAGESHIFT || order > 47)
		return -L4_EINVAL;
	uintptr_t base = l4_fpage_memaddr(fp), len = 1UL << order;
	if (base + len > UMOL4_USER_END || dst_base + len > UMOL4_USER_END || (dst_base & (len - 1)))
		return -L4_EINVAL;
	unsigned maxprot = fpage_prot(l4_fpage_rights(fp));
	for (uintptr_t o = 0; o < len; o += L4_PAGESIZE) {
		struct page_entry *p = page_find(src, (base + o) >> L4_PAGESHIFT);
		if (!p)
			continue;
		unsigned prot = p->prot & maxprot;
		if (!prot)
			continue;
		int r = task_map_pages(dst, dst_base + o, p->phys, L4_PAGESIZE, prot);
		if (r)
			return r;
		if (grant && src != dst) {
			page_drop(src, (base + o) >> L4_PAGESHIFT);
			plat_space_unmap(src->space, base + o, L4_PAGESIZE);
		}
	}
	int r = plat_space_sync(dst->space);
	if (grant && src != dst)
		r |= plat_space_sync(src->space);
	return r ? -L4_ENOMEM : 0;
}

int task_unmap_memory(struct task *t, l4_fpage_t fp, bool self)
{
	unsigned order = l4_fpage_size(fp);
	if (!self || order < L4_PAGESHIFT || order > 47)
		return 0;
	uintptr_t base = l4_fpage_memaddr(fp), len = 1UL << order;
	unsigned remove = fpage_prot(l4_fpage_rights(fp));
	for (uintptr_t o = 0; o < len; o += L4_PAGESIZE) {
		struct page_entry *p = page_find(t, (base + o) >> L4_PAGESHIFT);
		if (!p)
			continue;
		unsigned left = p->prot & ~remove;
		if (left & (PLAT_W | PLAT_X))
			left |= PLAT_R;
		if (!left || !(left & PLAT_R)) {
			page_drop(t, (base + o) >> L4_PAGESHIFT);
			plat_space_unmap(t->space, base + o, L4_PAGESIZE);
		} else {
			p->prot = left;
			plat_space_map(t->space, base + o, L4_PAGESIZE, left, PLAT_MEM_PHYS, p->phys);
		}
	}
	return plat_space_sync(t->space) ? -L4_EINVAL : 0;
}

/* ---- invocations ------------------------------------------------------- */

static struct task *item_task(struct invocation *inv, unsigned at)
{
	if (l4_msgtag_items(inv->tag) < 1 || at + 1 >= L4_UTCB_GENERIC_DATA_SIZE)
		return NULL;
	struct cap *c = cap_lookup(inv->caller->task, inv->mr[at + 1] & ~0xfffUL);
	return c && c->obj->type == KOBJ_TASK ? (struct task *)c->obj : NULL;
}

static void task_map(struct task *dst, struct invocation *inv)
{
	if (inv->words < 3) {
		inv_error(inv, L4_EMSGTOOSHORT);
		return;
	}
	struct task *src = item_task(inv, inv->words);
	if (!src) {
		inv_error(inv, L4_EINVAL);
		return;
	}
	l4_umword_t snd_base = inv->mr[1];
	l4_fpage_t fp = { .raw = inv->mr[2] };
	bool grant = (snd_base & L4_MAP_ITEM_GRANT) == L4_MAP_ITEM_GRANT && (snd_base & 2);
	int r = 0;
	if (l4_fpage_type(fp) == L4_FPAGE_OBJ) {
		unsigned order = l4_fpage_size(fp);
		if (order > 16) {
			inv_error(inv, L4_EINVAL);
			return;
		}
		unsigned long first = fp.raw >> L4_CAP_SHIFT, dst_first = snd_base >> L4_CAP_SHIFT;
		unsigned rights = (l4_fpage_rights(fp) & (L4_CAP_FPAGE_W | L4_CAP_FPAGE_S | L4_CAP_FPAGE_D)) |
				  L4_CAP_FPAGE_R;
		for (unsigned long i = 0; i < (1UL << order); i++) {
			struct cap *s = cap_slot(src, first + i, false);
			if (s && s->obj && !s->obj->deleted)
				r = cap_map(src, first + i, dst, dst_first + i, rights, grant);
		}
	} else if (l4_fpage_type(fp) == L4_FPAGE_MEMORY) {
		r = task_map_memory(src, fp, dst, snd_base & ~0xfffUL, grant);
	} else {
		r = -L4_EINVAL;
	}
	if (r)
		inv_error(inv, -r);
	else
		inv_ok(inv, 0);
}

static void task_unmap(struct task *t, struct invocation *inv)
{
	if (inv->words < 2) {
		inv_error(inv, L4_EMSGTOOSHORT);
		return;
	}
	l4_umword_t mask = inv->mr[1];
	bool self = mask & L4_FP_ALL_SPACES;
	bool delete_obj = (mask & L4_FP_DELETE_OBJ) == L4_FP_DELETE_OBJ;
	for (unsigned i = 2; i < inv->words; i++) {
		l4_fpage_t fp = { .raw = inv->mr[i] };
		if (l4_fpage_type(fp) == L4_FPAGE_MEMORY) {
			task_unmap_memory(t, fp, self);
			continue;
		}
		if (l4_fpage_type(fp) != L4_FPAGE_OBJ)
			continue;
		unsigned order = l4_fpage_size(fp) > 16 ? 16 : l4_fpage_size(fp);
		unsigned long first = fp.raw >> L4_CAP_SHIFT;
		unsigned remove = l4_fpage_rights(fp);
		if (remove & L4_CAP_FPAGE_R)
			remove = L4_CAP_FPAGE_RWSD;   /* without R nothing is left */
		for (unsigned long k = 0; k < (1UL << order); k++) {
			struct cap *c = cap_slot(t, first + k, false);
			if (!c || !c->obj)
				continue;
			if (delete_obj && (c->rights & L4_CAP_FPAGE_D) && !c->obj->deleted) {
				struct kobj *o = c->obj;
				o->deleted = true;
				if (o->ops->destroy)
					o->ops->destroy(o);
			}
			cap_unmap(c, self, remove);
		}
	}
	inv_ok(inv, 0);
}

static void task_invoke(struct kobj *o, struct invocation *inv)
{
	struct task *t = (struct task *)o;
	if (l4_msgtag_label(inv->tag) != L4_PROTO_TASK) {
		inv_error(inv, L4_EBADPROTO);
		return;
	}
	if (inv->words < 1) {
		inv_error(inv, L4_EMSGTOOSHORT);
		return;
	}
	switch (inv->mr[0]) {
	case L4_TASK_MAP_OP:
		task_map(t, inv);
		return;
	case L4_TASK_UNMAP_OP:
		task_unmap(t, inv);
		return;
	case L4_TASK_CAP_INFO_OP: {
		if (inv->words < 2) {
			inv_error(inv, L4_EMSGTOOSHORT);
			return;
		}
		struct cap *a = cap_lookup(t, inv->mr[1] & ~0xfffUL);
		if (inv->words == 2) {
			inv->reply_label = a != NULL;
		} else {
			struct cap *b = cap_lookup(t, inv->mr[2] & ~0xfffUL);
			inv->reply_label = a && b && a->obj == b->obj;
		}
		inv->reply_words = 0;
		return;
	}
	case L4_TASK_ADD_KU_MEM_OP: {
		l4_fpage_t fp = { .raw = inv->words > 1 ? inv->mr[1] : 0 };
		int r = add_ku_mem(t, fp);
		if (r)
			inv_error(inv, -r);
		else
			inv_ok(inv, 0);
		return;
	}
	default:
		inv_error(inv, L4_ENOSYS);
	}
}

/* The last capability is gone (or the object was deleted): end the
 * process; its threads' kernel threads notice and leave. */
static void task_destroy(struct kobj *o)
{
	struct task *t = (struct task *)o;
	if (!t->dead && t->space)
		plat_space_kill(t->space);
}

/* The supervisor reaped the task's process. */
void task_process_exited(int pid, int status)
{
	struct task *t = task_by_pid(pid);
	if (!t)
		return;
	if (!t->killed_by_kernel)
		t->exit_status = status;
	t->dead = true;
	if (boot.trace & TRACE_TASK)
		kernel_log("task %s (pid %d) ended, status %#x", t->obj.name, pid, status);
	plat_space_died(t->space);
	capspace_clear(t);
}
