/* Task objects: an object space, an address space (a platform process),
 * and the task's part of the mapping database (mapdb.c), which the
 * platform's view of the process always follows. */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <sys/wait.h>
#include <l4/sys/task.h>
#include "kernel.h"

struct task *task_list;
static void task_invoke(struct kobj *o, struct invocation *inv);
static void task_destroy(struct kobj *o);
static void apply_to_host(struct mspace *s, uintptr_t va, unsigned order, uint64_t phys, unsigned prot);
_Static_assert(MAPDB_VA_END == UMOL4_USER_END, "the mapping database and the ABI agree on the user range");
static const struct kobj_ops task_ops = { "task", task_invoke, task_destroy };

static int spawn(void *arg)
{
	struct task *t = arg;
	return plat_space_create(&t->space, t->obj.name);
}

struct range { uintptr_t base; size_t len; bool hit; };

static void find_overlap(void *arg, uintptr_t va, unsigned order, uint64_t phys, unsigned rights)
{
	struct range *r = arg;
	if (va < r->base + r->len && r->base < va + (1UL << order))
		r->hit = true;
}

static bool overlaps_ku(struct task *t, uintptr_t base, size_t len)
{
	for (unsigned i = 0; i < t->ku_count; i++)
		if (base < t->ku[i].base + t->ku[i].len && t->ku[i].base < base + len)
			return true;
	return false;
}

/* Kernel-user memory for UTCBs at fp (a naturally aligned memory fpage in
 * the task): not over other kernel-user memory nor over mappings, which
 * it would hide from the mapping database. */
static int add_ku_mem(struct task *t, l4_fpage_t fp)
{
	if (l4_fpage_type(fp) != L4_FPAGE_MEMORY || l4_fpage_size(fp) < L4_PAGESHIFT || l4_fpage_size(fp) > 24)
		return -L4_EINVAL;
	uintptr_t base = l4_fpage_memaddr(fp);
	size_t len = 1UL << l4_fpage_size(fp);
	if ((base & (len - 1)) || base + len > UMOL4_USER_END || overlaps_ku(t, base, len))
		return -L4_EINVAL;
	struct range r = { base, len, false };
	if (t->mem.owner)
		mapdb_foreach(&t->mem, find_overlap, &r);
	if (r.hit)
		return -L4_EINVAL;
	if (t->ku_count == TASK_KU_AREAS)
		return -L4_ENOMEM;
	uint64_t off;
	void *kview;
	if (plat_ku_alloc(t->space, len, &off, &kview))
		return -L4_ENOMEM;
	if (plat_space_map(t->space, base, len, PLAT_R | PLAT_W, PLAT_MEM_KU, off) || plat_space_sync(t->space))
		return -L4_ENOMEM;
	t->ku[t->ku_count++] = (struct ku_area){ base, len, kview };
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
	/* The fork must not hold the kernel lock: the supervisor may need it. */
	pthread_mutex_unlock(&kernel_lock);
	int r = supervisor_call(spawn, t);
	pthread_mutex_lock(&kernel_lock);
	if (r) {
		free(t);
		*err = -L4_ENOMEM;
		return NULL;
	}
	kip_init(plat_kip(t->space));
	if (utcb_area.raw && (r = add_ku_mem(t, utcb_area))) {
		plat_space_destroy(t->space);
		free(t);
		*err = r;
		return NULL;
	}
	if (boot.trace & TRACE_TASK)
		kernel_log("task %s (pid %d) created", t->obj.name, plat_space_pid(t->space));
	mapdb_set_apply(apply_to_host);
	mspace_init(&t->mem, t);
	t->next_task = task_list;
	task_list = t;
	return t;
}

l4_utcb_t *task_utcb_kview(struct task *t, uintptr_t uaddr)
{
	for (unsigned i = 0; i < t->ku_count; i++) {
		struct ku_area *a = &t->ku[i];
		if (uaddr >= a->base && uaddr - a->base <= a->len - L4_UTCB_OFFSET)
			return (l4_utcb_t *)(a->kview + (uaddr - a->base));
	}
	return NULL;
}

struct task *task_by_pid(int pid)
{
	for (struct task *t = task_list; t; t = t->next_task)
		if (t->space && plat_space_pid(t->space) == pid)
			return t;
	return NULL;
}

/* ---- memory: the mapping database and the task's Linux view -------------- */

/* Spaces the database changed during one operation; each is synced once
 * at the end, so an unmap is in effect in every task before it returns. */
static struct task *dirty_list;

static void apply_to_host(struct mspace *s, uintptr_t va, unsigned order, uint64_t phys, unsigned prot)
{
	struct task *t = s->owner;
	if (t->dead || !t->space)
		return;
	if (prot)
		plat_space_map(t->space, va, 1UL << order, prot, PLAT_MEM_PHYS, phys);
	else
		plat_space_unmap(t->space, va, 1UL << order);
	if (!t->mem_dirty) {
		t->mem_dirty = true;
		t->dirty_next = dirty_list;
		dirty_list = t;
	}
}

static int sync_dirty(void)
{
	int r = 0;
	while (dirty_list) {
		struct task *t = dirty_list;
		dirty_list = t->dirty_next;
		t->mem_dirty = false;
		if (!t->dead && plat_space_sync(t->space))
			r = -L4_ENOMEM;
	}
	return r;
}

/* Split [start, start+len) into naturally aligned power-of-two pieces;
 * with phys, each piece's frame (phys + offset) is aligned as well. */
int for_each_fpage(uintptr_t start, size_t len, uint64_t phys,
		   int (*fn)(void *arg, uintptr_t va, unsigned order), void *arg)
{
	uintptr_t end = start + len, delta = phys - start;
	while (start < end) {
		unsigned order = L4_PAGESHIFT;
		while (order < MAPDB_ORDER_MAX - 1 && !((start | (start + delta)) & ((1UL << (order + 1)) - 1)) &&
		       start + (1UL << (order + 1)) <= end)
			order++;
		int r = fn(arg, start, order);
		if (r)
			return r;
		start += 1UL << order;
	}
	return 0;
}

struct root_map { struct task *t; uintptr_t va; uint64_t phys; unsigned prot; };

static int insert_root(void *arg, uintptr_t va, unsigned order)
{
	struct root_map *m = arg;
	return mapdb_insert_root(&m->t->mem, va, m->phys + (va - m->va), order, m->prot);
}

/* Memory the kernel itself gives a task (the root task's image and stack). */
int task_map_pages(struct task *t, uintptr_t va, uint64_t phys, size_t len, unsigned prot)
{
	if ((va | phys | len) & (L4_PAGESIZE - 1))
		return -L4_EINVAL;
	struct root_map m = { t, va, phys, prot };
	int r = for_each_fpage(va, len, phys, insert_root, &m);
	return r ? r : sync_dirty();
}

/* L4 flexpage rights (RO=4, W=2, X=1) as mapping rights (MAP_*). */
static unsigned fpage_rights(unsigned r)
{
	return (r & L4_FPAGE_RO ? MAP_R : 0) | (r & L4_FPAGE_W ? MAP_W : 0) | (r & L4_FPAGE_X ? MAP_X : 0);
}

/* Map (or grant) what src has of fp into dst at dst_base. */
int task_map_memory(struct task *src, l4_fpage_t fp, struct task *dst, uintptr_t dst_base, bool grant)
{
	unsigned order = l4_fpage_size(fp);
	uintptr_t base = l4_fpage_memaddr(fp);
	if (order < L4_PAGESHIFT || order >= MAPDB_ORDER_MAX)
		return -L4_EINVAL;
	/* The UTCB area is kernel-user memory, not part of the mapping database. */
	if (overlaps_ku(dst, dst_base, 1UL << order) || (grant && overlaps_ku(src, base, 1UL << order)))
		return -L4_EINVAL;
	int r = mapdb_map(&src->mem, base, order, fpage_rights(l4_fpage_rights(fp)), &dst->mem, dst_base, grant);
	int s = sync_dirty();
	return r == -ENOMEM ? -L4_ENOMEM : r ? -L4_EINVAL : s;
}

struct unmap_req { struct task *t; unsigned rights; bool self; };

static int unmap_piece(void *arg, uintptr_t va, unsigned order)
{
	struct unmap_req *u = arg;
	return mapdb_unmap(&u->t->mem, va, order, u->rights, u->self);
}

/* Revoke rights of fp's range from everything derived (and from t if self). */
int task_unmap_memory(struct task *t, l4_fpage_t fp, bool self)
{
	unsigned order = l4_fpage_size(fp);
	uintptr_t base = l4_fpage_memaddr(fp);
	if (order < L4_PAGESHIFT)
		return -L4_EINVAL;
	if (order >= MAPDB_ORDER_MAX)          /* the whole address space */
		base = 0;
	uintptr_t end = order >= MAPDB_ORDER_MAX || base + (1UL << order) > MAPDB_VA_END ? MAPDB_VA_END
											  : base + (1UL << order);
	if (base >= end)
		return 0;
	struct unmap_req u = { t, fpage_rights(l4_fpage_rights(fp)), self };
	int r = for_each_fpage(base, end - base, base, unmap_piece, &u);
	int s = sync_dirty();
	return r ? -L4_ENOMEM : s;
}

static void count_bytes(void *arg, uintptr_t va, unsigned order, uint64_t phys, unsigned rights)
{
	*(uint64_t *)arg += 1UL << order;
}

/* /proc/PID/<file> of the task's process, or NULL (dead, or just ended). */
static FILE *proc_open(struct task *t, const char *file)
{
	if (t->dead || !t->space)
		return NULL;
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/%s", plat_space_pid(t->space), file);
	return fopen(path, "re");
}

/* Compare the task's Linux address space (/proc/PID/maps) with its nodes
 * in the mapping database: every byte below UMOL4_USER_END must be mapped
 * exactly as the database says (frame and rights), and nothing else may be
 * mapped there except the UTCB area.  Returns the number of mismatches. */
int task_check_host_view(struct task *t)
{
	char line[512];
	FILE *f = proc_open(t, "maps");
	if (!f)
		return 0;
	int bad = 0;
	uint64_t host_bytes = 0, node_bytes = 0;
	while (fgets(line, sizeof line, f)) {
		unsigned long start, end, off;
		char perm[8];
		if (sscanf(line, "%lx-%lx %7s %lx", &start, &end, perm, &off) != 4 || start >= UMOL4_USER_END)
			continue;
		if (overlaps_ku(t, start, end - start))
			continue;
		unsigned prot = (perm[0] == 'r' ? MAP_R : 0) | (perm[1] == 'w' ? MAP_W : 0) | (perm[2] == 'x' ? MAP_X : 0);
		host_bytes += end - start;
		for (uintptr_t va = start; va < end;) {
			uint64_t phys;
			unsigned rights, order;
			if (!mapdb_lookup(&t->mem, va, &phys, &rights, &order)) {
				kernel_log("check: task %s maps %lx on the host, the kernel does not", t->obj.name, va);
				bad++;
				break;
			}
			if (rights != prot || phys != off + (va - start) || !strstr(line, "umol4-phys")) {
				kernel_log("check: task %s at %lx: host %s offset %lx, kernel rights %u frame %lx",
					   t->obj.name, va, perm, off + (va - start), rights, (unsigned long)phys);
				bad++;
				break;
			}
			uintptr_t node_end = (va & ~((1UL << order) - 1)) + (1UL << order);
			va = node_end < end ? node_end : end;
		}
	}
	fclose(f);
	/* Every node must show on the host too: compare the totals. */
	mapdb_foreach(&t->mem, count_bytes, &node_bytes);
	if (node_bytes != host_bytes) {
		kernel_log("check: task %s: kernel maps %lu bytes, host %lu", t->obj.name,
			   (unsigned long)node_bytes, (unsigned long)host_bytes);
		bad++;
	}
	return bad;
}

/* The task process's VmRSS: tells whether a large mapping made the host
 * populate pages the task never touched. */
uint64_t task_resident_bytes(struct task *t)
{
	char line[128];
	FILE *f = proc_open(t, "status");
	if (!f)
		return 0;
	unsigned long kib = 0;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "VmRSS: %lu kB", &kib) == 1)
			break;
	fclose(f);
	return (uint64_t)kib << 10;
}

/* Everything the task maps, and everything derived from it, goes. */
static void task_memory_gone(struct task *t)
{
	mspace_destroy(&t->mem);
	sync_dirty();
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
			if (delete_obj && (c->rights & L4_CAP_FPAGE_D))
				kobj_delete(c->obj);
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
		/* Each word after the opcode is one area; the first bad one ends it. */
		int r = inv->words > 1 ? 0 : -L4_EINVAL;
		for (unsigned i = 1; i < inv->words && !r; i++)
			r = add_ku_mem(t, (l4_fpage_t){ .raw = inv->mr[i] });
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
	/* A process that ended itself (exit_group) was not ended by a stop of
	 * the kernel, which kills: a thread whose page-fault or exception IPC
	 * failed because its process was already going away did not crash it. */
	if (!t->killed_by_kernel || WIFEXITED(status)) {
		t->exit_status = status;
		t->killed_by_kernel = false;
	}
	t->dead = true;
	if (boot.trace & TRACE_TASK)
		kernel_log("task %s (pid %d) ended, status %#x", t->obj.name, pid, status);
	plat_space_died(t->space);
	capspace_clear(t);
	task_memory_gone(t);
}
