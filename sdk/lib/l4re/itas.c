/* The in-task region manager and pager ("itas", as L4Re's l4re_itas) of a
 * launched program: a thread in the program's own task that serves the Rm
 * protocol (env->rm) and is the pager and exception handler of the
 * program's threads.  A page fault is looked up in the region map and
 * resolved by asking the region's dataspace to map the page straight into
 * this task at the fault address; the faulting thread then retries.
 *
 * Why a thread in libumol4 and not a separate binary: every program is
 * linked with libumol4 anyway, so the itas costs no second image to load
 * and place at a fixed address, and it shares the program's capability
 * space, so Rm requests name dataspaces by selector.  The launcher maps
 * the whole image (which holds the itas's code, data and stack) before the
 * program runs, so the itas itself never faults. */
#include <l4/re/env.h>
#include <l4/re/protocols.h>
#include <l4/re/c/dataspace.h>
#include <l4/re/c/parent.h>
#include <l4/re/c/rm.h>
#include <l4/re/c/util/cap_alloc.h>
#include <l4/sys/err.h>
#include <l4/sys/factory.h>
#include <l4/sys/ipc.h>
#include <l4/sys/scheduler.h>
#include <l4/sys/task.h>
#include <l4/sys/thread.h>
#include <l4/sys/vcon.h>
#include <signal.h>
#include "rm_regions.h"
#include "runtime.h"
#include "wire.h"

#define ITAS_NODES 1024

l4_cap_idx_t runtime_pager = L4_BASE_PAGER_CAP;

static struct rm_map itas_rm;
static struct rm_node itas_nodes[ITAS_NODES];
static char itas_stack[16384] __attribute__((aligned(16)));

void runtime_log(const char *s)
{
	unsigned n = 0;
	while (s[n])
		n++;
	while (n) {
		unsigned k = n > L4_VCON_WRITE_SIZE ? L4_VCON_WRITE_SIZE : n;
		l4_vcon_write(L4_BASE_LOG_CAP, s, (int)k);
		s += k;
		n -= k;
	}
}

static void log_hex(const char *what, l4_umword_t v)
{
	char buf[80];
	unsigned i = 0;
	while (*what && i < 50)
		buf[i++] = *what++;
	buf[i++] = '0';
	buf[i++] = 'x';
	for (int s = 60; s >= 0; s -= 4)
		if ((v >> s) || !s)
			buf[i++] = "0123456789abcdef"[(v >> s) & 15];
	buf[i++] = '\n';
	buf[i] = 0;
	runtime_log(buf);
}

l4_cap_idx_t runtime_thread_start(void (*fn)(void), void *stack_top, l4_cap_idx_t pager)
{
	l4re_env_t *e = l4re_env();
	l4_cap_idx_t th = l4re_util_cap_alloc();
	l4_addr_t utcb = e->first_free_utcb;
	if (l4_is_invalid_cap(th) || l4_error(l4_factory_create_thread(e->factory, th)))
		return L4_INVALID_CAP;
	e->first_free_utcb += L4_UTCB_OFFSET;
	l4_thread_control_start();
	l4_thread_control_pager(pager);
	l4_thread_control_bind((l4_utcb_t *)utcb, L4RE_THIS_TASK_CAP);
	if (l4_error(l4_thread_control_commit(th)))
		return L4_INVALID_CAP;
	/* As after a call: the stack pointer 8 below a 16-byte boundary. */
	l4_umword_t sp = ((l4_umword_t)stack_top & ~15UL) - 8;
	l4_sched_param_t sp_param = l4_sched_param(L4RE_MAIN_THREAD_PRIO, 0);
	if (l4_error(l4_thread_ex_regs(th, (l4_umword_t)fn, sp, 0)) ||
	    l4_error(l4_scheduler_run_thread(e->scheduler, th, &sp_param)))
		return L4_INVALID_CAP;
	return th;
}

/* Tell the parent how the program ended, then end the task. */
static void __attribute__((noreturn)) die(unsigned long sig, unsigned long code)
{
	l4re_parent_signal(l4re_env()->parent, sig, code);
	for (;;)
		__asm__ volatile("syscall" : : "a"(231), "D"(code) : "rcx", "r11", "memory");
}

static long page_fault(l4_umword_t pfa_word, l4_umword_t ip)
{
	l4_addr_t addr = pfa_word & ~7UL;
	struct rm_region r;
	uint64_t off;
	if (rm_lookup(&itas_rm, addr, &r, &off) || ((pfa_word & 2) && !(r.flags & RM_F_W)) ||
	    (r.flags & RM_F_RESERVED)) {
		log_hex("itas: page fault outside any region (or a write to a read-only one) at ", addr);
		log_hex("itas:   ip ", ip);
		die(PARENT_SIG_EXCEPTION, 128 + SIGSEGV);
	}
	int err = l4re_ds_map(r.ds, off, r.flags & RM_F_RWX, addr, r.start, r.end);
	if (err < 0) {
		log_hex("itas: the dataspace refused to map the page at ", addr);
		log_hex("itas:   error ", (l4_umword_t)-err);
		die(PARENT_SIG_EXCEPTION, 128 + SIGBUS);
	}
	return 0;
}

/* Unmap [start, end] from this task (and what was derived from it). */
static void unmap_range(l4_addr_t start, l4_addr_t end)
{
	while (start <= end && start) {
		unsigned order = L4_PAGESHIFT;
		while (order < 40 && !(start & ((1UL << (order + 1)) - 1)) && start + (2UL << order) - 1 <= end)
			order++;
		l4_task_unmap(L4RE_THIS_TASK_CAP, l4_fpage(start, order, L4_FPAGE_RWX), L4_FP_ALL_SPACES);
		start += 1UL << order;
	}
}

static long rm_request(l4_msg_regs_t *m, unsigned words, unsigned *reply_words)
{
	uintptr_t start = m->mr[1];
	int r;
	struct rm_region out;
	*reply_words = 0;
	switch (m->mr[0]) {
	case RM_OP_ATTACH:
		if (words < 7)
			return -L4_EMSGTOOSHORT;
		/* A search from a low hint starts above the program's usual image
		 * (0x400000 and up), so that nothing lands near address 0. */
		if ((m->mr[3] & RM_F_SEARCH_ADDR) && start < RUNTIME_RM_SEARCH_MIN)
			start = RUNTIME_RM_SEARCH_MIN;
		r = rm_attach(&itas_rm, &start, m->mr[2], (uint32_t)m->mr[3] & ~RM_F_EAGER_MAP, m->mr[6], m->mr[4],
			      m->mr[5] < L4_PAGESHIFT ? L4_PAGESHIFT : (unsigned)m->mr[5]);
		m->mr[0] = start;
		*reply_words = 1;
		return r;
	case RM_OP_DETACH: {
		uintptr_t size = words > 2 ? m->mr[2] : 1;
		unsigned flags = words > 3 ? (unsigned)m->mr[3] : RM_DETACH_OVERLAP;
		r = rm_detach(&itas_rm, start, size, flags, &out);
		if (r < 0)
			return r;
		unmap_range(out.start, out.end);
		m->mr[0] = out.start;
		m->mr[1] = out.end;
		m->mr[2] = out.ds;
		*reply_words = 3;
		return r;
	}
	case RM_OP_FIND:
		r = rm_find(&itas_rm, start, words > 2 ? m->mr[2] : 1, &out);
		if (r < 0)
			return r;
		m->mr[0] = out.start;
		m->mr[1] = out.end - out.start + 1;
		m->mr[2] = out.offset;
		m->mr[3] = out.flags;
		m->mr[4] = out.ds;
		*reply_words = 5;
		return 0;
	case RM_OP_RESERVE_AREA:
		if (words < 5)
			return -L4_EMSGTOOSHORT;
		r = rm_reserve_area(&itas_rm, &start, m->mr[2], (uint32_t)m->mr[3],
				    m->mr[4] < L4_PAGESHIFT ? L4_PAGESHIFT : (unsigned)m->mr[4]);
		m->mr[0] = start;
		*reply_words = 1;
		return r;
	case RM_OP_FREE_AREA:
		return rm_free_area(&itas_rm, start);
	default:
		return -L4_ENOSYS;
	}
}

static void __attribute__((noreturn)) itas_loop(void)
{
	l4_utcb_t *u = l4_utcb();
	l4_msg_regs_t *m = l4_utcb_mr_u(u);
	l4_umword_t label;
	l4_msgtag_t tag = l4_ipc_wait(u, &label, L4_IPC_NEVER);
	for (;;) {
		if (l4_ipc_error(tag, u)) {
			tag = l4_ipc_wait(u, &label, L4_IPC_NEVER);
			continue;
		}
		long result;
		unsigned words = 0;
		switch (l4_msgtag_label(tag)) {
		case L4_PROTO_PAGE_FAULT:
			result = page_fault(m->mr[0], m->mr[1]);
			break;
		case L4_PROTO_EXCEPTION: {
			l4_exc_regs_t *x = (l4_exc_regs_t *)m;
			log_hex("itas: unhandled exception, trap ", x->trapno);
			log_hex("itas:   ip ", x->ip);
			die(PARENT_SIG_EXCEPTION, 128 + (x->trapno == 0 ? SIGFPE : x->trapno == 6 ? SIGILL : SIGSEGV));
		}
		case L4RE_PROTO_RM:
			result = rm_request(m, l4_msgtag_words(tag), &words);
			break;
		default:
			result = -L4_EBADPROTO;
		}
		tag = l4_ipc_reply_and_wait(u, l4_msgtag(result, words, 0, 0), &label, L4_IPC_NEVER);
	}
}

int itas_start(const struct runtime_region *regions)
{
	rm_init(&itas_rm, itas_nodes, ITAS_NODES, RUNTIME_RM_MIN, RUNTIME_RM_MAX);
	for (const struct runtime_region *r = regions; r && r->size; r++) {
		uintptr_t at = r->start;
		if (rm_attach(&itas_rm, &at, r->size, (uint32_t)r->flags, r->ds, r->offset, L4_PAGESHIFT))
			return -L4_EINVAL;
	}
	l4_cap_idx_t th = runtime_thread_start(itas_loop, itas_stack + sizeof itas_stack, L4_INVALID_CAP);
	if (l4_is_invalid_cap(th))
		return -L4_ENOMEM;
	l4re_env_t *e = l4re_env();
	e->rm = th;
	runtime_pager = th;
	l4_thread_control_start();
	l4_thread_control_pager(th);
	l4_thread_control_exc_handler(th);
	return (int)l4_error(l4_thread_control_commit(e->main_thread));
}
