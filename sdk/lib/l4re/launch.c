/* The launcher (launch.h): builds a new task from an ELF image in a
 * dataspace.  Each loadable segment gets a dataspace of its own, filled
 * here through a temporary attachment and mapped page by page into the
 * child; the stack's top part likewise, holding argv, envp, the aux
 * vector, the l4re_env_t and the region table the child's itas starts
 * from.  Everything the child needs before its itas runs is thus mapped,
 * and everything later comes through the itas from the dataspaces.
 *
 * The attachments stay in this task while the child lives: the child's
 * pages are mapped from them, and detaching would unmap the child's too.
 *
 * A parent thread, started on first use, receives every child's Parent
 * signal (its exit code) through a gate per child; it touches only the
 * child table, so it runs without libc thread state. */
#include <elf.h>
#include <limits.h>
#include <stdbool.h>
#include <string.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <time.h>
#include <l4/re/env.h>
#include <l4/re/protocols.h>
#include <l4/re/c/dataspace.h>
#include <l4/re/c/mem_alloc.h>
#include <l4/re/c/rm.h>
#include <l4/re/c/util/cap_alloc.h>
#include <l4/sys/err.h>
#include <l4/sys/factory.h>
#include <l4/sys/ipc.h>
#include <l4/sys/scheduler.h>
#include <l4/sys/task.h>
#include <l4/sys/thread.h>
#include <l4/umol4/launch.h>
#include "runtime.h"
#include "wire.h"

#define MAX_CHILDREN 64
#define MAX_SEGMENTS 8
#define MAX_NAMED    48

struct attachment {
	void *at;             /* in this task */
	l4_cap_idx_t ds;
};

struct umol4_child {
	bool used;
	volatile int state;   /* enum umol4_child_state, written by the parent thread */
	volatile int exit_code;
	l4_cap_idx_t task, thread, parent_gate, log;
	bool own_log;
	struct attachment att[MAX_SEGMENTS + 1];
	unsigned natt;
};

static struct umol4_child children[MAX_CHILDREN];
static l4_cap_idx_t parent_thread = L4_INVALID_CAP;
static char parent_stack[16384] __attribute__((aligned(16)));

void umol4_launch_params_init(struct umol4_launch_params *p)
{
	memset(p, 0, sizeof *p);
	p->factory = p->mem_alloc = p->scheduler = p->log_factory = p->log = p->binary = L4_INVALID_CAP;
}

/* The launcher thread and a thread in umol4_child_wait are threads of one
 * task: a futex on the child's state word lets the waiter sleep until the
 * state changes. */
static void set_state(struct umol4_child *c, int state)
{
	__atomic_store_n(&c->state, state, __ATOMIC_RELEASE);
	runtime_futex(&c->state, FUTEX_WAKE_PRIVATE, INT_MAX, NULL);
}

static void __attribute__((noreturn)) parent_loop(void)
{
	l4_utcb_t *u = l4_utcb();
	l4_msg_regs_t *m = l4_utcb_mr_u(u);
	l4_umword_t label;
	l4_msgtag_t tag = l4_ipc_wait(u, &label, L4_IPC_NEVER);
	for (;;) {
		long result = -L4_EBADPROTO;
		unsigned idx = (unsigned)(label >> 2) - 1;
		if (l4_ipc_error(tag, u)) {
			tag = l4_ipc_wait(u, &label, L4_IPC_NEVER);
			continue;
		}
		if (l4_msgtag_label(tag) == L4RE_PROTO_PARENT && idx < MAX_CHILDREN && l4_msgtag_words(tag) >= 3 &&
		    m->mr[0] == PARENT_OP_SIGNAL) {
			struct umol4_child *c = &children[idx];
			/* The first report counts: exit() after an exception
			 * report must not overwrite it. */
			if (c->used && c->state == UMOL4_CHILD_RUNNING &&
			    (m->mr[1] == PARENT_SIG_EXIT || m->mr[1] == PARENT_SIG_EXCEPTION)) {
				c->exit_code = (int)m->mr[2];
				set_state(c, m->mr[1] == PARENT_SIG_EXIT ? UMOL4_CHILD_EXITED : UMOL4_CHILD_KILLED);
			}
			result = 0;
		}
		tag = l4_ipc_reply_and_wait(u, l4_msgtag(result, 0, 0, 0), &label, L4_IPC_NEVER);
	}
}

static l4_cap_idx_t or_default(l4_cap_idx_t c, l4_cap_idx_t d) { return l4_is_invalid_cap(c) ? d : c; }

static int map_obj(l4_cap_idx_t task, l4_cap_idx_t obj, unsigned rights, l4_cap_idx_t slot)
{
	return (int)l4_error(l4_task_map(task, L4RE_THIS_TASK_CAP, l4_obj_fpage(obj, 0, rights),
					 l4_map_obj_control(slot, 0)));
}

/* Map [local, local + size) of this task at child_addr in the child. */
static int map_pages(l4_cap_idx_t task, l4_addr_t local, l4_addr_t child_addr, l4_umword_t size, unsigned rights)
{
	for (l4_umword_t o = 0; o < size; o += L4_PAGESIZE) {
		(void)*(volatile char *)(local + o);    /* only a present page can be passed on */
		long e = l4_error(l4_task_map(task, L4RE_THIS_TASK_CAP, l4_fpage(local + o, L4_PAGESHIFT, rights),
					      l4_map_control(child_addr + o, 0, L4_MAP_ITEM_MAP)));
		if (e < 0)
			return (int)e;
	}
	return 0;
}

/* A new dataspace of size bytes, attached here (read-write). */
static int new_attached(struct umol4_child *c, l4_cap_idx_t ma, l4_umword_t size, l4_umword_t offset,
			l4_umword_t attach_size, void **at)
{
	struct attachment *a = &c->att[c->natt];
	a->ds = l4re_util_cap_alloc();
	if (l4_is_invalid_cap(a->ds))
		return -L4_ENOMEM;
	long r = l4re_ma_alloc_align_srv(ma, size, a->ds, 0, 0);
	if (r < 0) {
		l4re_util_cap_free(a->ds);
		return (int)r;
	}
	a->at = 0;
	r = l4re_rm_attach(&a->at, attach_size, L4RE_RM_F_RWX | L4RE_RM_F_SEARCH_ADDR, a->ds, offset, L4_PAGESHIFT);
	if (r < 0) {
		l4re_util_cap_free_um(a->ds);
		return (int)r;
	}
	c->natt++;
	*at = a->at;
	return 0;
}

static unsigned elf_rights(Elf64_Word f)
{
	return (f & PF_R ? L4_FPAGE_RO : 0) | (f & PF_W ? L4_FPAGE_W : 0) | (f & PF_X ? L4_FPAGE_X : 0);
}

/* The stack top: strings, then the env, cap list and region table, then
 * argc/argv/envp/auxv at the (16-byte aligned) stack pointer. */
struct stack_builder {
	char *local;          /* our view of the eagerly mapped top */
	l4_addr_t child;      /* the same place in the child */
	l4_umword_t used;     /* bytes from the top */
};

static l4_addr_t push(struct stack_builder *b, const void *data, l4_umword_t len, l4_umword_t align)
{
	b->used = (b->used + len + align - 1) & ~(align - 1);
	if (b->used > RUNTIME_STACK_EAGER - 4096)
		return 0;
	memcpy(b->local + RUNTIME_STACK_EAGER - b->used, data, len);
	return b->child + RUNTIME_STACK_EAGER - b->used;
}

static int count(char const *const *v)
{
	int n = 0;
	while (v && v[n])
		n++;
	return n;
}

static int build_stack(struct stack_builder *b, const struct umol4_launch_params *p, l4re_env_t *env,
		       const l4re_env_cap_entry_t *caps, unsigned ncaps, const struct runtime_region *regions,
		       unsigned nregions, l4_addr_t phdr, unsigned phnum, l4_umword_t *sp)
{
	int argc = count(p->argv), envc = count(p->envp);
	l4_addr_t ptrs[256];
	if (argc + envc + 2 > 256)
		return -L4_E2BIG;
	for (int i = 0; i < argc; i++)
		ptrs[i] = push(b, p->argv[i], strlen(p->argv[i]) + 1, 1);
	ptrs[argc] = 0;
	for (int i = 0; i < envc; i++)
		ptrs[argc + 1 + i] = push(b, p->envp[i], strlen(p->envp[i]) + 1, 1);
	ptrs[argc + 1 + envc] = 0;
	env->caps = (l4re_env_cap_entry_t *)push(b, caps, sizeof *caps * (ncaps + 1), 16);
	l4_addr_t env_at = push(b, env, sizeof *env, 16);
	l4_addr_t reg_at = push(b, regions, sizeof *regions * (nregions + 1), 16);
	/* AT_RANDOM: musl's stack protector and the child's getrandom seed;
	 * from the launcher's own getrandom (see personality/sys/process.c
	 * for how good that is). */
	unsigned char seed[16] = { 0 };
	getrandom(seed, sizeof seed, 0);
	l4_addr_t seed_at = push(b, seed, sizeof seed, 16);
	l4_umword_t aux[] = { AT_PAGESZ, L4_PAGESIZE, AT_L4_ENV, env_at, AT_L4_KIP, (l4_umword_t)l4re_kip(),
			      UMOL4_AT_REGIONS, reg_at, AT_RANDOM, seed_at,
			      /* musl finds the TLS image (PT_TLS) through them */
			      AT_PHDR, phdr, AT_PHENT, sizeof(Elf64_Phdr), AT_PHNUM, phdr ? phnum : 0, AT_NULL, 0 };
	l4_umword_t words = 1 + (argc + 1) + (envc + 1) + sizeof aux / sizeof aux[0];
	/* argc lands on a 16-byte boundary, as the ABI wants at entry. */
	b->used = ((b->used + words * 8 + 15) & ~15UL) - words * 8;
	l4_addr_t at = push(b, aux, sizeof aux, 8);
	at = push(b, ptrs + argc + 1, (envc + 1) * 8, 8);
	at = push(b, ptrs, (argc + 1) * 8, 8);
	l4_umword_t argc_word = (l4_umword_t)argc;
	at = push(b, &argc_word, 8, 8);
	if (!at || !env->caps || !env_at || !reg_at || !seed_at)
		return -L4_E2BIG;
	*sp = at;
	return 0;
}

static void child_free(struct umol4_child *c)
{
	for (unsigned i = 0; i < c->natt; i++) {
		l4re_rm_detach(c->att[i].at);
		l4re_util_cap_free_um(c->att[i].ds);
	}
	l4_cap_idx_t caps[] = { c->thread, c->parent_gate, c->own_log ? c->log : L4_INVALID_CAP, c->task };
	for (unsigned i = 0; i < sizeof caps / sizeof caps[0]; i++)
		l4re_util_cap_free_um(caps[i]);
	memset(c, 0, sizeof *c);
}

static int load(struct umol4_child *c, const struct umol4_launch_params *p, unsigned idx)
{
	l4re_env_t *me = l4re_env();
	l4_cap_idx_t factory = or_default(p->factory, me->factory);
	l4_cap_idx_t ma = or_default(p->mem_alloc, me->mem_alloc);
	l4_cap_idx_t sched = or_default(p->scheduler, me->scheduler);
	if (!p->argv || !p->argv[0] || p->num_caps > MAX_NAMED)
		return -L4_EINVAL;

	/* The ELF image, read through an attachment of its dataspace. */
	l4re_ds_size_t bin_size = l4re_ds_size(p->binary);
	if ((long)bin_size < (long)sizeof(Elf64_Ehdr))
		return (long)bin_size < 0 ? (int)bin_size : -L4_EINVAL;
	void *bin = 0;
	long r = l4re_rm_attach(&bin, bin_size, L4RE_RM_F_R | L4RE_RM_F_SEARCH_ADDR, p->binary, 0, L4_PAGESHIFT);
	if (r < 0) { runtime_log("attach failed\n");
		return (int)r; }
	const Elf64_Ehdr *eh = bin;
	r = -L4_EINVAL;
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) || eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_machine != EM_X86_64 ||
	    eh->e_type != ET_EXEC || eh->e_phentsize != sizeof(Elf64_Phdr) ||
	    eh->e_phoff + (l4_umword_t)eh->e_phnum * sizeof(Elf64_Phdr) > bin_size)
		do { runtime_log("L1\n"); goto out; } while (0);

	c->task = l4re_util_cap_alloc();
	c->thread = l4re_util_cap_alloc();
	if (l4_is_invalid_cap(c->thread) ||
	    (r = l4_error(l4_factory_create_task(factory, c->task,
						 l4_fpage(RUNTIME_UTCB_AREA, RUNTIME_UTCB_ORDER, L4_FPAGE_RW)))) < 0 ||
	    (r = l4_error(l4_factory_create_thread(factory, c->thread))) < 0)
		do { runtime_log("L2\n"); goto out; } while (0);

	struct runtime_region regions[MAX_SEGMENTS + 1];
	unsigned nreg = 0;
	l4_cap_idx_t next_slot = RUNTIME_FIRST_NAMED + p->num_caps;
	const Elf64_Phdr *ph = (const Elf64_Phdr *)((const char *)bin + eh->e_phoff);
	l4_addr_t phdr = 0;         /* where the program headers are in the child, if loaded */
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD || !ph[i].p_memsz)
			continue;
		if (ph[i].p_offset <= eh->e_phoff &&
		    eh->e_phoff + (l4_umword_t)eh->e_phnum * sizeof(Elf64_Phdr) <= ph[i].p_offset + ph[i].p_filesz)
			phdr = ph[i].p_vaddr + (eh->e_phoff - ph[i].p_offset);
		l4_addr_t lo = ph[i].p_vaddr & ~(L4_PAGESIZE - 1);
		l4_addr_t hi = (ph[i].p_vaddr + ph[i].p_memsz + L4_PAGESIZE - 1) & ~(L4_PAGESIZE - 1);
		r = -L4_EINVAL;
		if (nreg == MAX_SEGMENTS || ph[i].p_filesz > ph[i].p_memsz || ph[i].p_offset + ph[i].p_filesz > bin_size ||
		    hi > RUNTIME_STACK_TOP - RUNTIME_STACK_SIZE || lo < RUNTIME_RM_MIN)
			do { runtime_log("L3\n"); goto out; } while (0);
		void *at;
		if ((r = new_attached(c, ma, hi - lo, 0, hi - lo, &at)) < 0)
			do { runtime_log("L4\n"); goto out; } while (0);
		memcpy((char *)at + (ph[i].p_vaddr - lo), (const char *)bin + ph[i].p_offset, ph[i].p_filesz);
		unsigned rights = elf_rights(ph[i].p_flags);
		if ((r = map_pages(c->task, (l4_addr_t)at, lo, hi - lo, rights)) < 0)
			do { runtime_log("L5\n"); goto out; } while (0);
		l4_cap_idx_t slot = next_slot++ << L4_CAP_SHIFT;
		if ((r = map_obj(c->task, c->att[c->natt - 1].ds, L4_CAP_FPAGE_RW, slot)) < 0)
			do { runtime_log("L6\n"); goto out; } while (0);
		regions[nreg++] = (struct runtime_region){ lo, hi - lo, rights, slot, 0 };
	}
	if (!nreg)
		do { runtime_log("L7\n"); goto out; } while (0);

	/* The stack: one dataspace, its top part mapped now. */
	void *stack_top_local;
	if ((r = new_attached(c, ma, RUNTIME_STACK_SIZE, RUNTIME_STACK_SIZE - RUNTIME_STACK_EAGER, RUNTIME_STACK_EAGER,
			      &stack_top_local)) < 0)
		do { runtime_log("L8\n"); goto out; } while (0);
	l4_cap_idx_t stack_slot = next_slot++ << L4_CAP_SHIFT;
	if ((r = map_obj(c->task, c->att[c->natt - 1].ds, L4_CAP_FPAGE_RW, stack_slot)) < 0)
		do { runtime_log("L9\n"); goto out; } while (0);
	regions[nreg++] = (struct runtime_region){ RUNTIME_STACK_TOP - RUNTIME_STACK_SIZE, RUNTIME_STACK_SIZE,
						   L4RE_RM_F_RW, stack_slot, 0 };
	regions[nreg] = (struct runtime_region){ 0, 0, 0, 0, 0 };

	/* Capabilities: the fixed ones, then the named ones. */
	if (l4_is_invalid_cap(parent_thread)) {
		parent_thread = runtime_thread_start(parent_loop, parent_stack + sizeof parent_stack, runtime_pager);
		if (l4_is_invalid_cap(parent_thread)) {
			r = -L4_ENOMEM;
			do { runtime_log("L10\n"); goto out; } while (0);
		}
	}
	c->parent_gate = l4re_util_cap_alloc();
	if ((r = l4_error(l4_factory_create_gate(factory, c->parent_gate, parent_thread, (idx + 1) << 2))) < 0)
		do { runtime_log("L11\n"); goto out; } while (0);
	c->log = p->log;
	if (l4_is_invalid_cap(c->log)) {
		const char *tag = p->log_tag;
		if (!tag) {
			tag = strrchr(p->argv[0], '/');
			tag = tag ? tag + 1 : p->argv[0];
		}
		c->log = l4re_util_cap_alloc();
		c->own_log = true;
		l4_utcb_t *u = l4_utcb();
		l4_msgtag_t t = l4_factory_create_start_u(L4_PROTO_LOG, c->log, u);
		l4_factory_create_add_str_u(tag, &t, u);
		l4_factory_create_add_str_u(p->log_color ? p->log_color : "", &t, u);
		if ((r = l4_error(l4_factory_create_commit_u(or_default(p->log_factory, ma), t, u))) < 0)
			do { runtime_log("L12\n"); goto out; } while (0);
	}
	if ((r = map_obj(c->task, c->task, L4_CAP_FPAGE_RWSD, L4_BASE_TASK_CAP)) < 0 ||
	    (r = map_obj(c->task, c->thread, L4_CAP_FPAGE_RWSD, L4_BASE_THREAD_CAP)) < 0 ||
	    (r = map_obj(c->task, factory, L4_CAP_FPAGE_RWS, L4_BASE_FACTORY_CAP)) < 0 ||
	    (r = map_obj(c->task, c->log, L4_CAP_FPAGE_RW, L4_BASE_LOG_CAP)) < 0 ||
	    (r = map_obj(c->task, sched, L4_CAP_FPAGE_RWS, L4_BASE_SCHEDULER_CAP)) < 0 ||
	    (r = map_obj(c->task, ma, L4_CAP_FPAGE_RWS, RUNTIME_MEM_ALLOC_CAP)) < 0 ||
	    (r = map_obj(c->task, c->parent_gate, L4_CAP_FPAGE_RW, RUNTIME_PARENT_CAP)) < 0)
		do { runtime_log("L13\n"); goto out; } while (0);
	map_obj(c->task, L4_BASE_DEBUGGER_CAP, L4_CAP_FPAGE_RWS, L4_BASE_DEBUGGER_CAP);   /* if we have one */
	l4re_env_cap_entry_t caps[MAX_NAMED + 1];
	for (unsigned i = 0; i < p->num_caps; i++) {
		const struct umol4_launch_cap *nc = &p->caps[i];
		l4_cap_idx_t slot = (RUNTIME_FIRST_NAMED + i) << L4_CAP_SHIFT;
		r = -L4_EINVAL;
		if (!nc->name || strlen(nc->name) >= sizeof caps[i].name ||
		    (r = map_obj(c->task, nc->cap, nc->rights, slot)) < 0)
			do { runtime_log("L14\n"); goto out; } while (0);
		caps[i].cap = slot;
		caps[i].flags = nc->rights;
		memset(caps[i].name, 0, sizeof caps[i].name);
		memcpy(caps[i].name, nc->name, strlen(nc->name));
	}
	caps[p->num_caps] = (l4re_env_cap_entry_t){ L4_INVALID_CAP, ~0UL, { 0 } };

	l4re_env_t env = {
		.parent = RUNTIME_PARENT_CAP, .rm = L4_INVALID_CAP, .mem_alloc = RUNTIME_MEM_ALLOC_CAP,
		.log = L4_BASE_LOG_CAP, .main_thread = L4_BASE_THREAD_CAP, .factory = L4_BASE_FACTORY_CAP,
		.scheduler = L4_BASE_SCHEDULER_CAP, .itas = L4_INVALID_CAP, .dbg_events = L4_INVALID_CAP,
		.first_free_cap = next_slot << L4_CAP_SHIFT, .first_free_reply_cap = L4_INVALID_CAP,
		.utcb_area = l4_fpage(RUNTIME_UTCB_AREA, RUNTIME_UTCB_ORDER, L4_FPAGE_RW),
		.first_free_utcb = RUNTIME_UTCB_AREA + L4_UTCB_OFFSET,
	};
	struct stack_builder b = { stack_top_local, RUNTIME_STACK_TOP - RUNTIME_STACK_EAGER, 0 };
	l4_umword_t sp;
	if ((r = build_stack(&b, p, &env, caps, p->num_caps, regions, nreg, phdr, eh->e_phnum, &sp)) < 0 ||
	    (r = map_pages(c->task, (l4_addr_t)stack_top_local, b.child, RUNTIME_STACK_EAGER, L4_FPAGE_RW)) < 0)
		do { runtime_log("L15\n"); goto out; } while (0);

	l4_thread_control_start();
	l4_thread_control_bind((l4_utcb_t *)RUNTIME_UTCB_AREA, c->task);
	l4_sched_param_t sp_param = l4_sched_param(L4RE_MAIN_THREAD_PRIO, 0);
	if ((r = l4_error(l4_thread_control_commit(c->thread))) < 0 ||
	    (r = l4_error(l4_thread_ex_regs(c->thread, eh->e_entry, sp, 0))) < 0)
		do { runtime_log("L16\n"); goto out; } while (0);
	c->used = true;
	c->state = UMOL4_CHILD_RUNNING;
	r = l4_error(l4_scheduler_run_thread(sched, c->thread, &sp_param));
out:
	l4re_rm_detach(bin);
	return (int)r;
}

int umol4_launch(struct umol4_launch_params const *p, struct umol4_child **child)
{
	unsigned idx = 0;
	while (idx < MAX_CHILDREN && children[idx].used)
		idx++;
	if (idx == MAX_CHILDREN)
		return -L4_ENOMEM;
	struct umol4_child *c = &children[idx];
	memset(c, 0, sizeof *c);
	c->task = c->thread = c->parent_gate = c->log = L4_INVALID_CAP;
	int r = load(c, p, idx);
	if (r < 0) {
		child_free(c);
		return r;
	}
	*child = c;
	return 0;
}

l4_cap_idx_t umol4_child_task(struct umol4_child const *c) { return c->task; }

enum umol4_child_state umol4_child_state(struct umol4_child const *c, int *exit_code)
{
	int s = __atomic_load_n(&c->state, __ATOMIC_ACQUIRE);
	if (s != UMOL4_CHILD_RUNNING && exit_code)
		*exit_code = c->exit_code;
	return (enum umol4_child_state)s;
}

/* The parent thread records the exit; waiting looks every millisecond,
 * which keeps the parent thread free of any wake-up protocol. */
int umol4_child_wait(struct umol4_child *c, unsigned long timeout_ms, int *exit_code)
{
	l4_cpu_time_t end = timeout_ms == ~0UL ? 0 : l4_kip_clock(l4re_kip()) + timeout_ms * 1000;
	for (;;) {
		enum umol4_child_state s = umol4_child_state(c, exit_code);
		if (s != UMOL4_CHILD_RUNNING)
			return (int)s;
		struct timespec ts, *tp = NULL;
		if (end) {
			l4_cpu_time_t now = l4_kip_clock(l4re_kip());
			if (now >= end)
				return -L4_EAGAIN;
			ts.tv_sec = (time_t)((end - now) / 1000000);
			ts.tv_nsec = (long)((end - now) % 1000000) * 1000;
			tp = &ts;
		}
		/* Sleeps only while the state is still RUNNING. */
		runtime_futex(&c->state, FUTEX_WAIT_PRIVATE, UMOL4_CHILD_RUNNING, tp);
	}
}

int umol4_child_kill(struct umol4_child *c)
{
	if (c->state == UMOL4_CHILD_RUNNING) {
		c->exit_code = 137;
		set_state(c, UMOL4_CHILD_KILLED);
	}
	return (int)l4_error(l4_task_delete_obj(L4RE_THIS_TASK_CAP, c->task));
}

void umol4_child_release(struct umol4_child *c)
{
	umol4_child_kill(c);
	child_free(c);
}
