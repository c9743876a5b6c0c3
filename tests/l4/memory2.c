/* Memory and exceptions, second part: l4_thread_ex_regs with
 * TRIGGER_EXCEPTION (trap 0xff to the handler, whose reply decides where
 * the thread goes on); an alien thread whose every L4 system call is
 * reported before (and, if allowed, after) it runs; l4_task_add_ku_mem;
 * a 1 GiB flexpage over a sparse region that the host does not populate;
 * copy-on-write by a user-level pager; a thread cancelled or moved by
 * ex_regs while it waits in page-fault IPC. */
#include <stdint.h>
#include <string.h>
#include <l4/sys/kip.h>
#include <l4/umol4/debug.h>
#include "l4test.h"

#define HANDLER_IN_TASK (0x30UL << L4_CAP_SHIFT)
#define SERVER_IN_TASK  (0x31UL << L4_CAP_SHIFT)
#define PAGER_IN_TASK   (0x32UL << L4_CAP_SHIFT)
#define COW_VA    0x610000000000UL      /* the copy-on-write page in B and C */
#define PFC_VA    0x620000000000UL      /* faults held by the pager */
#define KU_EXTRA  0x600020000000UL      /* kernel-user memory added to C */
#define BIG_WIN   0x640000000000UL      /* where D receives the 1 GiB flexpage */
#define TRAP_ALIEN 0xfd

#define STACK 16384
static char stacks[10][STACK] __attribute__((aligned(4096)));
enum { S_HANDLER, S_SERVER, S_PAGER, S_SPIN, S_SLEEPER, S_ALIEN, S_KU, S_COW_B, S_COW_C, S_BIG };

/* ---- the exception handler (a thread of this task) --------------------- */

#define LOG_MAX 16
static volatile unsigned long exc_n, exc_trap[LOG_MAX], exc_err[LOG_MAX], exc_ip[LOG_MAX], exc_rax[LOG_MAX];
static volatile int exc_ex_regs_flag[LOG_MAX];
static volatile unsigned long trigger_target_ip;   /* 0: the thread goes on where it was */
static volatile int alien_phase;                   /* 1: allow its next call, 2: skip it */

static void handler(void)
{
	l4_umword_t label;
	l4_msgtag_t tag = l4_ipc_wait(l4_utcb(), &label, L4_IPC_NEVER);
	for (;;) {
		l4_msgtag_t reply = l4_msgtag(-1, 0, 0, 0);
		if (l4_msgtag_is_exception(tag)) {
			l4_exc_regs_t *r = l4_utcb_exc();
			unsigned long n = exc_n;
			if (n < LOG_MAX) {
				exc_trap[n] = r->trapno;
				exc_err[n] = r->err;
				exc_ip[n] = r->ip;
				exc_rax[n] = r->rax;
				exc_ex_regs_flag[n] = l4_utcb_exc_is_ex_regs_exception(r);
			}
			exc_n = n + 1;
			reply = l4_msgtag(0, L4_UTCB_EXCEPTION_REGS_SIZE, 0, 0);
			if (l4_utcb_exc_is_ex_regs_exception(r)) {
				if (trigger_target_ip) {
					r->ip = trigger_target_ip;
					r->rdi = 0x77;
				}
			} else if (r->trapno == TRAP_ALIEN && r->err == 0 && alien_phase == 1) {
				/* No registers: the thread makes the call again, for real. */
				reply = l4_msgtag(L4_PROTO_ALLOW_SYSCALL, 0, 0, 0);
			} else if (r->trapno == TRAP_ALIEN && r->err == 0) {
				r->ip += 2;                     /* past the call: skipped */
				r->rax = l4_msgtag(0x55, 0, 0, 0).raw;
			} else if (r->trapno == TRAP_ALIEN) {
				reply = l4_msgtag(0, 0, 0, 0);  /* after the call: go on */
			} else if (r->trapno == 13) {
				r->ip += 2;                     /* past the Linux syscall */
				r->rax = 0x1313;
			}
		}
		tag = l4_ipc_reply_and_wait(l4_utcb(), reply, &label, L4_IPC_NEVER);
	}
}

/* ---- a server that counts what it receives --------------------------- */

static volatile unsigned long server_count, server_word, server_label;

static void server(void)
{
	l4_umword_t label;
	for (;;) {
		l4_msgtag_t tag = l4_ipc_wait(l4_utcb(), &label, L4_IPC_NEVER);
		if (l4_ipc_error(tag, l4_utcb()))
			continue;
		server_word = l4_utcb_mr()->mr[0];
		server_label = l4_msgtag_label(tag);
		server_count++;
	}
}

/* ---- the pager: copy-on-write, and faults it holds on request ----------- */

static char cow_shared[4096] __attribute__((aligned(4096)));
static char cow_pool[2][4096] __attribute__((aligned(4096)));
static volatile unsigned cow_pool_used;
static volatile unsigned long pf_n, pf_addr[LOG_MAX];
static volatile int pf_hold;              /* 1: do not answer the next fault */

static void pager(void)
{
	l4_umword_t label;
	l4_msgtag_t tag = l4_ipc_wait(l4_utcb(), &label, L4_IPC_NEVER);
	for (;;) {
		l4_msg_regs_t *m = l4_utcb_mr();
		if (!l4_msgtag_is_page_fault(tag)) {
			tag = l4_ipc_reply_and_wait(l4_utcb(), l4_msgtag(-1, 0, 0, 0), &label, L4_IPC_NEVER);
			continue;
		}
		unsigned long a = m->mr[0], n = pf_n;
		if (n < LOG_MAX)
			pf_addr[n] = a;
		pf_n = n + 1;
		if (pf_hold) {
			/* The faulting thread stays in its page-fault IPC. */
			pf_hold = 0;
			tag = l4_ipc_wait(l4_utcb(), &label, L4_IPC_NEVER);
			continue;
		}
		unsigned long page = a & ~0xfffUL;
		l4_fpage_t fp;
		if (a & 2) {
			/* A write: a private copy, writable for this client only. */
			unsigned long *copy = (unsigned long *)cow_pool[cow_pool_used++ % 2];
			const unsigned long *orig = (const unsigned long *)cow_shared;
			for (unsigned i = 0; i < 4096 / sizeof *copy; i++)
				copy[i] = orig[i];
			fp = l4_fpage((unsigned long)copy, 12, L4_FPAGE_RW);
		} else {
			fp = l4_fpage((unsigned long)cow_shared, 12, L4_FPAGE_RO);
		}
		m->mr[0] = l4_map_control(page, 0, L4_MAP_ITEM_MAP);
		m->mr[1] = fp.raw;
		tag = l4_ipc_reply_and_wait(l4_utcb(), l4_msgtag(0, 0, 1, 0), &label, L4_IPC_NEVER);
	}
}

/* ---- threads that get exceptions triggered ------------------------------ */

/* spin: no stack, no system call; land: where the handler sends it. */
__asm__(".text\n.globl spin\nspin: lock incq spin_count(%rip)\njmp spin\n.globl spin_end\nspin_end:\n");
extern char spin[], spin_end[];
volatile unsigned long spin_count, landed_arg;

static void land(unsigned long arg)
{
	landed_arg = arg;
	for (;;)
		l4_ipc_sleep(L4_IPC_NEVER);
}

static volatile unsigned long sleeper_err;
static volatile int sleeper_done;

static void sleeper(void)
{
	l4_msgtag_t t = l4_ipc_sleep(L4_IPC_NEVER);
	sleeper_err = l4_ipc_error(t, l4_utcb());
	sleeper_done = 1;
	for (;;)
		l4_ipc_sleep(L4_IPC_NEVER);
}

/* ---- the alien thread (in B, which has no Linux emulation) ------------- */

__asm__(".text\n.globl linux_getpid\nlinux_getpid: mov $39, %eax\nsyscall\nret\n");
extern unsigned long linux_getpid(void);
static volatile unsigned long alien_r1, alien_r2, alien_r3;
static volatile int alien_done;

static void alien(void)
{
	l4_utcb_mr()->mr[0] = 0xabc;
	alien_phase = 1;
	alien_r1 = l4_ipc_send(SERVER_IN_TASK, l4_utcb(), l4_msgtag(0x42, 1, 0, 0), L4_IPC_NEVER).raw;
	alien_phase = 2;
	l4_utcb_mr()->mr[0] = 0xdef;
	alien_r2 = l4_ipc_send(SERVER_IN_TASK, l4_utcb(), l4_msgtag(0x43, 1, 0, 0), L4_IPC_NEVER).raw;
	alien_phase = 3;
	alien_r3 = linux_getpid();
	alien_done = 1;
	for (;;)                        /* any system call would be reported */
		__asm__ volatile("pause");
}

/* ---- a thread whose UTCB lies in added kernel-user memory ------------- */

static volatile unsigned long ku_utcb_seen;

static void ku_thread(void)
{
	ku_utcb_seen = (unsigned long)l4_utcb();
	l4_utcb_mr()->mr[0] = 0x4b55;
	l4_ipc_send(SERVER_IN_TASK, l4_utcb(), l4_msgtag(0x44, 1, 0, 0), L4_IPC_NEVER);
	for (;;)
		l4_ipc_sleep(L4_IPC_NEVER);
}

/* ---- copy-on-write clients, one in B and one in C; and fault victims ------ */

static volatile int cow_cmd[2], cow_req[2], cow_ack[2];
static volatile unsigned long cow_val[2];

static void cow_client(int i)
{
	int seen = 0;
	for (;;) {
		while (cow_req[i] == seen)
			l4_ipc_sleep_ms(1);
		seen = cow_req[i];
		switch (cow_cmd[i]) {
		case 1: cow_val[i] = *(volatile unsigned long *)COW_VA; break;
		case 2: *(volatile unsigned long *)COW_VA = cow_val[i]; break;
		case 3: cow_val[i] = *(volatile unsigned long *)(PFC_VA + 0x1000 * seen); break;
		}
		cow_ack[i] = seen;
	}
}
static void cow_client_b(void) { cow_client(0); }
static void cow_client_c(void) { cow_client(1); }

static int cow_do(int i, int cmd, unsigned long v)
{
	cow_cmd[i] = cmd;
	cow_val[i] = v;
	int want = ++cow_req[i];
	for (int k = 0; k < 2000 && cow_ack[i] != want; k++)
		l4_ipc_sleep_ms(1);
	return cow_ack[i] == want;
}

static volatile int moved;
static void moved_here(void)
{
	moved = 1;
	for (;;)
		l4_ipc_sleep(L4_IPC_NEVER);
}

/* ---- the reader of the 1 GiB flexpage (in D) -------------------------- */

static volatile unsigned long big_off0, big_off1, big_read0, big_read1;
static volatile int big_done;

static void big_reader(void)
{
	big_read0 = *(volatile unsigned long *)(BIG_WIN + big_off0);
	big_read1 = *(volatile unsigned long *)(BIG_WIN + big_off1);
	*(volatile unsigned long *)(BIG_WIN + big_off0 + 8) = 0x99;
	big_done = 1;
	for (;;)
		l4_ipc_sleep(L4_IPC_NEVER);
}

/* ---- helpers ------------------------------------------------------------- */

/* A thread of task bound at utcb, with pager and exception handler given
 * as selectors in that task, started at fn on stack slot s. */
static l4_cap_idx_t thread_in(l4_cap_idx_t task, unsigned long utcb, void (*fn)(void), unsigned s,
			      l4_cap_idx_t pg, l4_cap_idx_t exc, int alien_on)
{
	l4_cap_idx_t t = cap_alloc();
	if (l4_error(l4_factory_create_thread(L4_BASE_FACTORY_CAP, t)))
		return L4_INVALID_CAP;
	l4_thread_control_start();
	if (l4_is_valid_cap(pg))
		l4_thread_control_pager(pg);
	if (l4_is_valid_cap(exc))
		l4_thread_control_exc_handler(exc);
	l4_thread_control_bind((l4_utcb_t *)utcb, task);
	if (alien_on)
		l4_thread_control_alien(1);
	if (l4_error(l4_thread_control_commit(t)))
		return L4_INVALID_CAP;
	l4_thread_ex_regs(t, (l4_umword_t)fn, (unsigned long)stacks[s] + STACK - 8, 0);
	l4_sched_param_t p = l4_sched_param(2, 0);
	l4_scheduler_run_thread(L4_BASE_SCHEDULER_CAP, t, &p);
	return t;
}

static void map_cap(l4_cap_idx_t task, l4_cap_idx_t cap, l4_cap_idx_t at)
{
	l4_task_map(task, L4_BASE_TASK_CAP, l4_obj_fpage(cap, 0, L4_CAP_FPAGE_RWS),
		    l4_map_obj_control(at, L4_MAP_ITEM_MAP));
}

static void drop(l4_cap_idx_t c)
{
	l4_task_unmap(L4_BASE_TASK_CAP, l4_obj_fpage(c, 0, L4_CAP_FPAGE_RWSD), L4_FP_ALL_SPACES);
}

static int wait_for(volatile unsigned long *v, unsigned long at_least)
{
	for (int i = 0; i < 2000 && *v < at_least; i++)
		l4_ipc_sleep_ms(1);
	return *v >= at_least;
}

static unsigned long probe_frame(l4_cap_idx_t task, unsigned long addr)
{
	return umol4_probe(task, addr) ? l4_utcb_mr()->mr[1] : ~0UL;
}

static unsigned long utcb_slot(unsigned i) { return L4TEST_UTCB_AREA + i * L4_UTCB_OFFSET; }

/* ---- the tests ------------------------------------------------------------ */

static l4_cap_idx_t hd, srv, pg;

static void test_trigger(void)
{
	l4_cap_idx_t sp = thread_in(L4_BASE_TASK_CAP, utcb_slot(10), (void (*)(void))spin, S_SPIN, L4_INVALID_CAP, hd, 0);
	CHECK(wait_for(&spin_count, 1), "a spinning thread runs");
	exc_n = 0;
	trigger_target_ip = (unsigned long)land;
	CHECK(!l4_error(l4_thread_ex_regs(sp, ~0UL, ~0UL, L4_THREAD_EX_REGS_TRIGGER_EXCEPTION)),
	      "ex_regs TRIGGER_EXCEPTION on a running thread");
	CHECK(wait_for(&landed_arg, 0x77) && exc_n == 1, "the handler got one exception and sent the thread on (%lu)", exc_n);
	CHECK(exc_trap[0] == 0xff && exc_err[0] == 0 && exc_ex_regs_flag[0], "trap 0xff, error 0, l4_utcb_exc_is_ex_regs_exception (trap %lx)",
	      exc_trap[0]);
	CHECK(exc_ip[0] >= (unsigned long)spin && exc_ip[0] < (unsigned long)spin_end, "the reported IP is inside the loop (%lx)",
	      exc_ip[0]);
	unsigned long c = spin_count;
	l4_ipc_sleep_ms(20);
	CHECK(spin_count == c, "the loop stopped: the thread went where the handler told it");

	/* With a new IP: the exception reports it; the reply keeps it. */
	trigger_target_ip = 0;
	CHECK(!l4_error(l4_thread_ex_regs(sp, (l4_umword_t)spin, ~0UL, L4_THREAD_EX_REGS_TRIGGER_EXCEPTION)),
	      "ex_regs TRIGGER_EXCEPTION with a new IP on a thread blocked in IPC");
	CHECK(wait_for(&exc_n, 2) && exc_trap[1] == 0xff && exc_ip[1] == (unsigned long)spin,
	      "the exception shows the new IP (%lx)", exc_ip[1]);
	CHECK(wait_for(&spin_count, c + 1000), "after the reply the thread runs at that IP (spins again)");
	drop(sp);

	/* A thread blocked in IPC, CANCEL + TRIGGER: the cancelled IPC returns
	 * into the exception; the unchanged reply lets it see the error. */
	l4_cap_idx_t sl = thread_in(L4_BASE_TASK_CAP, utcb_slot(11), sleeper, S_SLEEPER, L4_INVALID_CAP, hd, 0);
	l4_ipc_sleep_ms(20);
	CHECK(!sleeper_done && exc_n == 2, "the sleeper sleeps");
	l4_thread_ex_regs(sl, ~0UL, ~0UL, L4_THREAD_EX_REGS_CANCEL | L4_THREAD_EX_REGS_TRIGGER_EXCEPTION);
	for (int i = 0; i < 2000 && !sleeper_done; i++)
		l4_ipc_sleep_ms(1);
	CHECK(exc_n == 3 && exc_trap[2] == 0xff && (exc_rax[2] & L4_MSGTAG_ERROR),
	      "CANCEL|TRIGGER: trap 0xff after the IPC ended with an error tag (rax %lx)", exc_rax[2]);
	CHECK(sleeper_done && sleeper_err == L4_IPC_RECANCELED, "then the thread saw its IPC cancelled (%lu)", sleeper_err);
	drop(sl);
}

static void test_alien(l4_cap_idx_t b)
{
	exc_n = 0;
	l4_cap_idx_t al = thread_in(b, utcb_slot(1), alien, S_ALIEN, L4_INVALID_CAP, HANDLER_IN_TASK, 1);
	CHECK(l4_is_valid_cap(al), "alien thread created in B");
	for (int i = 0; i < 2000 && !alien_done; i++)
		l4_ipc_sleep_ms(1);
	CHECK(alien_done && exc_n == 4, "the alien finished after 4 exceptions (%lu)", exc_n);
	const unsigned char *call = (const unsigned char *)exc_ip[0];
	CHECK(exc_trap[0] == TRAP_ALIEN && exc_err[0] == 0 && call[0] == 0xff && call[1] == 0xd1,
	      "before its send: trap 0xfd, error 0, IP on the entry call (%lx)", exc_ip[0]);
	CHECK(exc_trap[1] == TRAP_ALIEN && exc_err[1] == 1 && exc_ip[1] == exc_ip[0] + 2 && exc_rax[1] == 0,
	      "after it: trap 0xfd, error 1, IP after the call, rax = result tag (%lx)", exc_rax[1]);
	/* The send is done when the server has the message; the server
	 * thread may not have run yet to note it. */
	CHECK(wait_for(&server_count, 1) && server_word == 0xabc && server_label == 0x42 && alien_r1 == 0,
	      "ALLOW_SYSCALL: the send happened, the alien got its result");
	CHECK(exc_trap[2] == TRAP_ALIEN && exc_err[2] == 0 && l4_msgtag_label((l4_msgtag_t){ .raw = alien_r2 }) == 0x55,
	      "refused: no report after, the alien got the handler's rax");
	l4_ipc_sleep_ms(20);            /* a send that got through would be noted by now */
	CHECK(server_count == 1, "the refused send never reached the server (%lu messages)", server_count);
	CHECK(exc_trap[3] == 13 && alien_r3 == 0x1313, "a Linux system call of the alien: trap 13 (%lu)", exc_trap[3]);
	drop(al);
}

static void test_ku_mem(l4_cap_idx_t c)
{
	CHECK(l4_error(l4_task_add_ku_mem(c, l4_fpage(KU_EXTRA, 12, L4_FPAGE_RW))) == 0,
	      "add_ku_mem: a second kernel-user area for a task");
	CHECK(l4_error(l4_task_add_ku_mem(c, l4_fpage(KU_EXTRA, 12, L4_FPAGE_RW))) == -L4_EINVAL,
	      "the same area again: -EINVAL");
	CHECK(l4_error(l4_task_add_ku_mem(c, l4_fpage(KU_EXTRA + 0x11000, 13, L4_FPAGE_RW))) == -L4_EINVAL,
	      "a misaligned area: -EINVAL");
	CHECK(l4_error(l4_task_add_ku_mem(c, l4_obj_fpage(L4_BASE_TASK_CAP, 0, L4_CAP_FPAGE_RW))) == -L4_EINVAL,
	      "an object flexpage: -EINVAL");
	CHECK(l4_error(l4_task_add_ku_mem(c, l4_fpage((unsigned long)stacks, 12, L4_FPAGE_RW))) == -L4_EINVAL,
	      "an area over mapped memory: -EINVAL");
	l4_cap_idx_t bad = cap_alloc();
	l4_factory_create_thread(L4_BASE_FACTORY_CAP, bad);
	l4_thread_control_start();
	l4_thread_control_bind((l4_utcb_t *)(KU_EXTRA + 0x1000), c);
	CHECK(l4_error(l4_thread_control_commit(bad)) == -L4_EINVAL, "a UTCB outside every kernel-user area is refused");
	unsigned long before = server_count;
	l4_cap_idx_t kt = thread_in(c, KU_EXTRA + L4_UTCB_OFFSET, ku_thread, S_KU, L4_INVALID_CAP, L4_INVALID_CAP, 0);
	CHECK(l4_is_valid_cap(kt), "a thread of C bound to a UTCB in the new area");
	CHECK(wait_for(&server_count, before + 1) && server_word == 0x4b55 && server_label == 0x44,
	      "it sent a message from that UTCB");
	CHECK(ku_utcb_seen == KU_EXTRA + L4_UTCB_OFFSET, "its l4_utcb() is in the new area (%lx)", ku_utcb_seen);
	CHECK(umol4_check_memory() == 0, "mapping database and host views agree with two kernel-user areas");
	drop(kt);
}

static void test_big(l4_cap_idx_t d)
{
	enum { LEN = 40 << 20 };
	char *big = malloc(LEN);
	unsigned long base = (unsigned long)big & ~((1UL << 30) - 1);
	CHECK(big && (unsigned long)big + LEN <= base + (1UL << 30), "40 MiB of heap inside one GiB (%p)", big);
	/* Only what this task touched can be passed on (a lazily paged root). */
	big[0] = 0x31;
	big[LEN - 4096] = 0x32;
	big_off0 = (unsigned long)big - base;
	big_off1 = (unsigned long)big + LEN - 4096 - base;
	unsigned long rss0 = umol4_resident(d);
	l4_kernel_info_t *kip = (l4_kernel_info_t *)l4_kip();
	uint64_t t0 = l4_kip_clock_ns(kip);
	long e = l4_error(l4_task_map(d, L4_BASE_TASK_CAP, l4_fpage(base, 30, L4_FPAGE_RW),
				      l4_map_control(BIG_WIN, 0, L4_MAP_ITEM_MAP)));
	uint64_t t1 = l4_kip_clock_ns(kip);
	unsigned long rss1 = umol4_resident(d);
	CHECK(e == 0, "a 1 GiB flexpage mapped to D (%lu us)", (unsigned long)((t1 - t0) / 1000));
	CHECK(umol4_probe(d, BIG_WIN + big_off0) == 3 && umol4_probe(d, BIG_WIN + big_off1) == 3,
	      "D maps both touched pages, %lu MiB apart", (big_off1 - big_off0) >> 20);
	CHECK(rss0 && rss1 - rss0 < (256UL << 10), "mapping made the host populate nothing in D (VmRSS %lu -> %lu KiB)",
	      rss0 >> 10, rss1 >> 10);
	l4_cap_idx_t rd = start_thread_in(d, 0, big_reader, stacks[S_BIG], STACK);
	for (int i = 0; i < 2000 && !big_done; i++)
		l4_ipc_sleep_ms(1);
	unsigned long rss2 = umol4_resident(d);
	CHECK(big_done && (big_read0 & 0xff) == 0x31 && (big_read1 & 0xff) == 0x32 && big[8] == (char)0x99,
	      "D read both pages and wrote into ours");
	CHECK(rss2 - rss1 < (2UL << 20), "touching two pages made D resident by %lu KiB, not 40 MiB", (rss2 - rss1) >> 10);
	CHECK(umol4_check_memory() == 0, "mapping database and host views agree after the 1 GiB map");
	drop(rd);
}

static void test_cow(l4_cap_idx_t b, l4_cap_idx_t c)
{
	memset(cow_shared, 'A', sizeof cow_shared);
	memset(cow_pool, 0, sizeof cow_pool);
	pf_n = 0;
	l4_cap_idx_t cb = thread_in(b, utcb_slot(2), cow_client_b, S_COW_B, PAGER_IN_TASK, L4_INVALID_CAP, 0);
	l4_cap_idx_t cc = thread_in(c, utcb_slot(2), cow_client_c, S_COW_C, PAGER_IN_TASK, L4_INVALID_CAP, 0);
	const unsigned long A = 0x4141414141414141UL;
	CHECK(cow_do(0, 1, 0) && cow_val[0] == A && cow_do(1, 1, 0) && cow_val[1] == A, "B and C read the shared page");
	CHECK(umol4_probe(b, COW_VA) == 1 && umol4_probe(c, COW_VA) == 1 &&
	      probe_frame(b, COW_VA) == probe_frame(c, COW_VA), "both map the same frame read-only");
	CHECK(cow_do(0, 2, 0x1111) && cow_do(0, 1, 0) && cow_val[0] == 0x1111, "B wrote: it reads its own value");
	CHECK(pf_n == 3 && (pf_addr[2] & 3) == 3, "B's write was a write fault on a present page (%lx)", pf_addr[2]);
	CHECK(umol4_probe(b, COW_VA) == 3 && probe_frame(b, COW_VA) != probe_frame(c, COW_VA),
	      "B now maps a private copy read-write");
	CHECK(cow_do(1, 1, 0) && cow_val[1] == A && *(unsigned long *)cow_shared == A, "C and the pager still see the old content");
	CHECK(cow_do(1, 2, 0x2222) && cow_do(1, 1, 0) && cow_val[1] == 0x2222 && cow_do(0, 1, 0) && cow_val[0] == 0x1111,
	      "C wrote its own copy; B keeps its value");
	unsigned long *p0 = (unsigned long *)cow_pool[0], *p1 = (unsigned long *)cow_pool[1];
	CHECK(p0[0] == 0x1111 && p1[0] == 0x2222 && p0[1] == A && p1[511] == A, "the copies hold the writes and the rest of the page");
	CHECK(umol4_check_memory() == 0, "mapping database and host views agree after copy-on-write");
	drop(cb);
	drop(cc);
}

/* Faults the pager holds: cancel retries the fault, a move drops it. */
static void test_pf_exregs(l4_cap_idx_t b)
{
	cow_req[0] = cow_ack[0] = 0;
	l4_cap_idx_t victim = thread_in(b, utcb_slot(3), cow_client_b, S_COW_B, PAGER_IN_TASK, L4_INVALID_CAP, 0);
	unsigned long n = pf_n;
	pf_hold = 1;
	cow_cmd[0] = 3;
	cow_req[0] = 1;                 /* reads PFC_VA + 0x1000 */
	CHECK(wait_for(&pf_n, n + 1) && pf_hold == 0, "the pager holds a fault");
	l4_ipc_sleep_ms(20);
	CHECK(cow_ack[0] == 0 && pf_n == n + 1, "the thread waits in its page-fault IPC");
	l4_thread_ex_regs(victim, ~0UL, ~0UL, L4_THREAD_EX_REGS_CANCEL);
	for (int i = 0; i < 2000 && cow_ack[0] != 1; i++)
		l4_ipc_sleep_ms(1);
	CHECK(cow_ack[0] == 1 && pf_n == n + 2 && pf_addr[n + 1] == pf_addr[n] && cow_val[0] == 0x4141414141414141UL,
	      "cancelled, it faulted again at the same address and went on (%lu faults)", pf_n - n);
	pf_hold = 1;
	cow_req[0] = 2;                 /* reads PFC_VA + 0x2000 */
	CHECK(wait_for(&pf_n, n + 3), "the pager holds the next fault");
	l4_thread_ex_regs(victim, (l4_umword_t)moved_here, (unsigned long)stacks[S_SLEEPER] + STACK - 8, 0);
	for (int i = 0; i < 2000 && !moved; i++)
		l4_ipc_sleep_ms(1);
	l4_ipc_sleep_ms(20);
	CHECK(moved && pf_n == n + 3 && cow_ack[0] == 1, "moved, it runs at the new IP and never retries the fault");
	CHECK(umol4_probe(b, PFC_VA + 0x2000) == 0, "nothing was mapped for the dropped fault");
	drop(victim);
}

int main(void)
{
	/* Touch everything other tasks will get from us. */
	memset(stacks, 0, sizeof stacks);
	memset(cow_shared, 'A', sizeof cow_shared);
	memset(cow_pool, 0, sizeof cow_pool);
	hd = thread_in(L4_BASE_TASK_CAP, utcb_slot(7), handler, S_HANDLER, L4_INVALID_CAP, L4_INVALID_CAP, 0);
	srv = thread_in(L4_BASE_TASK_CAP, utcb_slot(8), server, S_SERVER, L4_INVALID_CAP, L4_INVALID_CAP, 0);
	pg = thread_in(L4_BASE_TASK_CAP, utcb_slot(9), pager, S_PAGER, L4_INVALID_CAP, L4_INVALID_CAP, 0);
	l4_cap_idx_t b = create_task_sharing_image(), c = create_task_sharing_image(), d = create_task_sharing_image();
	CHECK(l4_is_valid_cap(hd) && l4_is_valid_cap(srv) && l4_is_valid_cap(pg) && l4_is_valid_cap(b) &&
	      l4_is_valid_cap(c) && l4_is_valid_cap(d), "handler, server, pager threads and tasks B, C, D created");
	l4_cap_idx_t tasks[2] = { b, c };
	for (int i = 0; i < 2; i++) {
		map_cap(tasks[i], hd, HANDLER_IN_TASK);
		map_cap(tasks[i], srv, SERVER_IN_TASK);
		map_cap(tasks[i], pg, PAGER_IN_TASK);
	}
	test_trigger();
	test_alien(b);
	test_ku_mem(c);
	test_big(d);
	test_cow(b, c);
	test_pf_exregs(b);
	L4TEST_DONE();
}
