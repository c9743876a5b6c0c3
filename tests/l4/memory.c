/* Memory and exceptions across tasks: a user-level pager in this task
 * serves read, write and execute faults of a client thread in a second
 * task and tells them apart; map, grant, rights reduction and recursive
 * unmap over three tasks, checked by the kernel's probe and by its check
 * that every task's Linux address space equals the mapping database;
 * exceptions of every kind reach the handler with the right trap number
 * and IP, and the handler's reply rewrites registers. */
#include <string.h>
#include <l4/umol4/debug.h>
#include "l4test.h"

#define WIN      0x600000000000UL   /* nothing mapped here in the client task */
#define PAGER_IN_CLIENT (0x30UL << L4_CAP_SHIFT)
/* What sigma0 gives the root task for its own memory: R, W and X. */
#define ROOT_RIGHTS 7

static char pager_stack[16384] __attribute__((aligned(16)));
static char client_stack[16384] __attribute__((aligned(16)));
static char page[4096] __attribute__((aligned(4096)));
static char page2[4096] __attribute__((aligned(4096)));

/* ret42: position-independent code on a page of its own, for execute faults. */
__asm__(".text\n.balign 4096\n.globl ret42\nret42: mov $42, %eax\nret\n.balign 4096\n");
extern char ret42[];

/* What the pager saw (shared with the client task: the image is shared). */
static volatile unsigned long pf_count, pf_addr, pf_ip, exc_count, exc_trap, exc_ip, exc_err;
static volatile unsigned pager_rights = L4_FPAGE_RO;
static volatile int pager_refuse;
static volatile unsigned exc_skip;        /* bytes the handler moves the IP on */

static void pager(void)
{
	l4_umword_t label;
	l4_msgtag_t tag = l4_ipc_wait(l4_utcb(), &label, L4_IPC_NEVER);
	for (;;) {
		l4_msg_regs_t *m = l4_utcb_mr();
		l4_msgtag_t reply = l4_msgtag(-1, 0, 0, 0);
		if (l4_msgtag_is_page_fault(tag)) {
			pf_count++;
			pf_addr = m->mr[0];
			pf_ip = m->mr[1];
			unsigned long fault = pf_addr & ~0xfffUL;
			char *src = fault == WIN + 0x2000 ? ret42 : page;
			if (!pager_refuse) {
				m->mr[0] = l4_map_control(fault, 0, L4_MAP_ITEM_MAP);
				/* pager_rights 0: read-only for reads, read-write for writes */
				unsigned rights = pager_rights ? pager_rights : pf_addr & 2 ? L4_FPAGE_RW : L4_FPAGE_RO;
				m->mr[1] = l4_fpage((unsigned long)src, 12, fault == WIN + 0x2000 ? L4_FPAGE_RX : rights).raw;
				reply = l4_msgtag(0, 0, 1, 0);
			}
		} else if (l4_msgtag_is_exception(tag)) {
			l4_exc_regs_t *r = (l4_exc_regs_t *)m;
			exc_count++;
			exc_trap = r->trapno;
			exc_ip = r->ip;
			exc_err = r->err;
			r->ip += exc_skip;
			r->rax = 0x1234;
			reply = l4_msgtag(0, L4_UTCB_EXCEPTION_REGS_SIZE, 0, 0);
		}
		tag = l4_ipc_reply_and_wait(l4_utcb(), reply, &label, L4_IPC_NEVER);
	}
}

/* The client runs step after step when the main thread says so. */
static volatile int go, done;
static volatile unsigned long result;

__asm__(".text\n"
	".globl do_ud2\ndo_ud2: xor %eax, %eax\nud2_site: ud2\nret\n"
	".globl do_int3\ndo_int3: xor %eax, %eax\nint3\nint3_after: ret\n"
	".globl do_div\ndo_div: xor %ecx, %ecx\nxor %edx, %edx\nmov $1, %eax\ndiv_site: div %rcx\nret\n"
	".globl do_hlt\ndo_hlt: xor %eax, %eax\nhlt_site: hlt\nret\n"
	".globl do_sys\ndo_sys: mov $39, %eax\nsys_site: syscall\nret\n");
extern unsigned long do_ud2(void), do_int3(void), do_div(void), do_hlt(void), do_sys(void);
extern char ud2_site[], int3_after[], div_site[], hlt_site[], sys_site[];

static void client(void)
{
	for (int step = 1;; step++) {
		while (go < step)
			l4_ipc_sleep_ms(1);
		switch (step) {
		case 1: result = *(volatile unsigned long *)WIN; break;            /* read fault */
		case 2: *(volatile unsigned long *)(WIN + 0x1000) = 7; result = 1; break; /* write fault */
		case 3: result = ((unsigned long (*)(void))(WIN + 0x2000))(); break; /* execute fault */
		case 4: result = *(volatile unsigned long *)WIN; break;            /* after the unmap */
		case 5: *(volatile unsigned long *)WIN = 9; result = 2; break;     /* write to RO */
		case 6: result = do_ud2(); break;
		case 7: result = do_int3(); break;
		case 8: result = do_div(); break;
		case 9: result = do_hlt(); break;
		case 10: result = do_sys(); break;
		case 11: *(volatile unsigned long *)(WIN + 0x5000) = 1; result = 3; break; /* refused */
		}
		done = step;
	}
}

static int run_step(int step)
{
	go = step;
	for (int i = 0; i < 2000 && done < step; i++)
		l4_ipc_sleep_ms(1);
	return done == step;
}

static l4_cap_idx_t map_cap(l4_cap_idx_t task, l4_cap_idx_t cap, l4_cap_idx_t at)
{
	l4_task_map(task, L4_BASE_TASK_CAP, l4_obj_fpage(cap, 0, L4_CAP_FPAGE_RWS),
		    l4_map_obj_control(at, L4_MAP_ITEM_MAP));
	return at;
}

int main(void)
{
	memset(page, 0x5a, sizeof page);
	l4_cap_idx_t pg = start_thread(pager, pager_stack, sizeof pager_stack);
	l4_cap_idx_t b = create_task_sharing_image(), c = create_task_sharing_image();
	CHECK(l4_is_valid_cap(pg) && l4_is_valid_cap(b) && l4_is_valid_cap(c), "pager thread and tasks B, C created");
	CHECK(umol4_check_memory() == 0, "mapping database and host views agree after the image maps");

	/* The client: a thread in B whose pager and exception handler is our pager. */
	map_cap(b, pg, PAGER_IN_CLIENT);
	l4_cap_idx_t cl = cap_alloc();
	l4_factory_create_thread(L4_BASE_FACTORY_CAP, cl);
	l4_thread_control_start();
	l4_thread_control_pager(PAGER_IN_CLIENT);
	l4_thread_control_exc_handler(PAGER_IN_CLIENT);
	l4_thread_control_bind((l4_utcb_t *)L4TEST_UTCB_AREA, b);
	CHECK(!l4_error(l4_thread_control_commit(cl)), "client thread bound to B with pager and handler");
	l4_thread_ex_regs(cl, (l4_umword_t)client, ((unsigned long)client_stack + sizeof client_stack - 8), 0);
	l4_sched_param_t sp = l4_sched_param(2, 0);
	l4_scheduler_run_thread(L4_BASE_SCHEDULER_CAP, cl, &sp);

	CHECK(run_step(1) && result == 0x5a5a5a5a5a5a5a5aUL && pf_count == 1, "read fault resolved, value %lx", result);
	CHECK((pf_addr & ~7UL) == WIN && !(pf_addr & 2) && !(pf_addr & 4), "read fault: address %lx, no write/exec bit", pf_addr);
	CHECK(umol4_probe(b, WIN) == 1, "B maps the page read-only (probe)");
	pager_rights = L4_FPAGE_RW;
	CHECK(run_step(2) && page[0] == 7 && pf_count == 2, "write fault resolved: B wrote into our page");
	CHECK((pf_addr & ~7UL) == WIN + 0x1000 && (pf_addr & 2), "write fault has the write bit (%lx)", pf_addr);
	CHECK(run_step(3) && result == 42 && pf_count == 3 && (pf_addr & 4), "execute fault has the fetch bit, code ran (%lu)", result);
	CHECK(umol4_check_memory() == 0, "mapping database and host views agree after faults");

	/* Unmap from others: B loses the page, we keep it; the next access faults again. */
	l4_task_unmap(L4_BASE_TASK_CAP, l4_fpage((unsigned long)page, 12, L4_FPAGE_RWX), L4_FP_OTHER_SPACES);
	CHECK(umol4_probe(b, WIN) == 0 && umol4_probe(b, WIN + 0x1000) == 0 && umol4_probe(L4_BASE_TASK_CAP, (unsigned long)page) == ROOT_RIGHTS,
	      "unmap of our page revoked both of B's mappings, ours stays");
	pager_rights = 0;
	CHECK(run_step(4) && pf_count == 4 && (pf_addr & ~7UL) == WIN, "B faults again after the unmap");
	CHECK(run_step(5) && pf_count >= 5 && (pf_addr & 3) == 3, "a write to the RO page faults with present+write (%lx)", pf_addr);
	CHECK(umol4_probe(b, WIN) == 3 && page[0] == 9, "the pager's RW mapping replaced the RO one; the write landed");

	/* Exceptions: trap number, IP, and the handler's register rewrite. */
	exc_skip = 2;
	CHECK(run_step(6) && exc_trap == 6 && exc_ip == (unsigned long)ud2_site && result == 0x1234,
	      "ud2: trap 6 at its IP, handler set rax (%lu, %lx)", exc_trap, exc_ip);
	exc_skip = 0;
	CHECK(run_step(7) && exc_trap == 3 && exc_ip == (unsigned long)int3_after && result == 0x1234,
	      "int3: trap 3, IP after it (%lu)", exc_trap);
	exc_skip = 3;
	CHECK(run_step(8) && exc_trap == 0 && exc_ip == (unsigned long)div_site && result == 0x1234,
	      "divide error: trap 0 at the div (%lu)", exc_trap);
	exc_skip = 1;
	CHECK(run_step(9) && exc_trap == 13 && exc_ip == (unsigned long)hlt_site && result == 0x1234,
	      "hlt: general protection, trap 13 (%lu)", exc_trap);
	exc_skip = 2;
	CHECK(run_step(10) && exc_trap == 13 && exc_ip == (unsigned long)sys_site && result == 0x1234,
	      "a Linux system call without emulation: trap 13 at the syscall (%lu)", exc_trap);

	/* Three tasks: we map to B, B to C (done by us, holding both), RW. */
	page2[0] = 1;
	unsigned long p2 = (unsigned long)page2;
	l4_task_map(b, L4_BASE_TASK_CAP, l4_fpage(p2, 12, L4_FPAGE_RW), l4_map_control(WIN + 0x10000, 0, L4_MAP_ITEM_MAP));
	l4_task_map(c, b, l4_fpage(WIN + 0x10000, 12, L4_FPAGE_RW), l4_map_control(WIN + 0x20000, 0, L4_MAP_ITEM_MAP));
	CHECK(umol4_probe(b, WIN + 0x10000) == 3 && umol4_probe(c, WIN + 0x20000) == 3, "A -> B -> C mapped RW");
	l4_task_unmap(L4_BASE_TASK_CAP, l4_fpage(p2, 12, L4_FPAGE_W), L4_FP_OTHER_SPACES);
	CHECK(umol4_probe(b, WIN + 0x10000) == 1 && umol4_probe(c, WIN + 0x20000) == 1 &&
	      umol4_probe(L4_BASE_TASK_CAP, p2) == ROOT_RIGHTS, "removing W in A's children reaches B and C, A keeps RW");
	CHECK(umol4_check_memory() == 0, "host views follow the rights reduction");
	l4_task_unmap(L4_BASE_TASK_CAP, l4_fpage(p2, 12, L4_FPAGE_RWX), L4_FP_OTHER_SPACES);
	CHECK(umol4_probe(b, WIN + 0x10000) == 0 && umol4_probe(c, WIN + 0x20000) == 0 && umol4_probe(L4_BASE_TASK_CAP, p2) == ROOT_RIGHTS,
	      "recursive unmap: B and C lose it, A keeps its own");

	/* Grant: B's mapping moves to C. */
	l4_task_map(b, L4_BASE_TASK_CAP, l4_fpage(p2, 12, L4_FPAGE_RW), l4_map_control(WIN + 0x10000, 0, L4_MAP_ITEM_MAP));
	l4_task_map(c, b, l4_fpage(WIN + 0x10000, 12, L4_FPAGE_RW), l4_map_control(WIN + 0x30000, 0, L4_MAP_ITEM_GRANT));
	CHECK(umol4_probe(b, WIN + 0x10000) == 0 && umol4_probe(c, WIN + 0x30000) == 3, "grant moved B's mapping to C");
	l4_task_unmap(L4_BASE_TASK_CAP, l4_fpage(p2, 12, L4_FPAGE_RWX), L4_FP_OTHER_SPACES);
	CHECK(umol4_probe(c, WIN + 0x30000) == 0, "the granted mapping is still derived from A's: unmap in A revokes it");
	CHECK(umol4_check_memory() == 0, "mapping database and host views agree at the end");

	/* A refused fault stops B; the kernel and this task go on. */
	pager_refuse = 1;
	go = 11;
	l4_ipc_sleep_ms(50);
	CHECK(done == 10, "a refused page fault stopped the client");
	for (int i = 0; i < 2000 && umol4_probe(b, WIN); i++)
		l4_ipc_sleep_ms(1);          /* the stopped task is reaped asynchronously */
	CHECK(umol4_probe(b, WIN) == 0 && umol4_probe(L4_BASE_TASK_CAP, (unsigned long)page) == ROOT_RIGHTS,
	      "the stopped task's mappings are gone, ours stay");
	CHECK(umol4_check_memory() == 0, "B's memory was reclaimed consistently");
	L4TEST_DONE();
}
