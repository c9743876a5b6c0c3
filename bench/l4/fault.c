/* bench/fault, the L4 side: the cost of a page fault that a user-level
 * pager resolves (touch, page-fault IPC, map, resume) for a client thread
 * in a second task; map and unmap throughput of 4 KiB and 2 MiB
 * flexpages between two tasks; and revoking a three-level derivation
 * (A -> B -> C) of 10,000 pages with one unmap.  Prints one "name value"
 * line per figure (ns); bench/fault.sh sets them beside the host limits. */
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <l4/sys/kip.h>
#include "../../tests/l4/l4test.h"

#define WIN        0x600000000000UL   /* where B receives (faults, maps) */
#define WIN_C      0x700000000000UL   /* where C receives from B */
#define FAULTS     2000               /* pages touched per round */
#define ROUNDS     5
#define MAPS_4K    4096
#define REVOKE     10000
#define BUF        (44UL << 20)       /* this task's memory handed out */
#define PAGER_IN_B (0x30UL << L4_CAP_SHIFT)

static char pager_stack[16384] __attribute__((aligned(16)));
static char client_stack[16384] __attribute__((aligned(16)));
static l4_kernel_info_t *kip;
static char *buf;                     /* page aligned, touched */

static uint64_t now_ns(void) { return l4_kip_clock_ns(kip); }

/* Maps the page of buf that corresponds to the fault address in WIN. */
static void pager(void)
{
	l4_umword_t label;
	l4_msgtag_t tag = l4_ipc_wait(l4_utcb(), &label, L4_IPC_NEVER);
	for (;;) {
		l4_msg_regs_t *m = l4_utcb_mr();
		unsigned long page = m->mr[0] & ~0xfffUL;
		l4_msgtag_t reply = l4_msgtag(-1, 0, 0, 0);
		if (l4_msgtag_is_page_fault(tag) && page >= WIN && page < WIN + BUF) {
			m->mr[0] = l4_map_control(page, 0, L4_MAP_ITEM_MAP);
			m->mr[1] = l4_fpage((unsigned long)buf + (page - WIN), 12, L4_FPAGE_RW).raw;
			reply = l4_msgtag(0, 0, 1, 0);
		}
		tag = l4_ipc_reply_and_wait(l4_utcb(), reply, &label, L4_IPC_NEVER);
	}
}

/* Each call: touch FAULTS pages of WIN (every one faults), then answer. */
static void client(void)
{
	l4_umword_t label;
	l4_ipc_wait(l4_utcb(), &label, L4_IPC_NEVER);
	for (;;) {
		for (unsigned long i = 0; i < FAULTS; i++)
			*(volatile char *)(WIN + i * 4096) = 1;
		l4_ipc_reply_and_wait(l4_utcb(), l4_msgtag(0, 0, 0, 0), &label, L4_IPC_NEVER);
	}
}

static void fail(const char *what)
{
	printf("bench: %s failed\n", what);
	exit(1);
}

static long map(l4_cap_idx_t dst, l4_cap_idx_t src, unsigned long from, unsigned order, unsigned long to)
{
	return l4_error(l4_task_map(dst, src, l4_fpage(from, order, L4_FPAGE_RW), l4_map_control(to, 0, L4_MAP_ITEM_MAP)));
}

static void unmap(l4_cap_idx_t task, unsigned long at, unsigned order, l4_umword_t mask)
{
	l4_task_unmap(task, l4_fpage(at, order, L4_FPAGE_RWX), mask);
}

static void faults(l4_cap_idx_t b)
{
	l4_cap_idx_t pg = start_thread(pager, pager_stack, sizeof pager_stack);
	l4_task_map(b, L4_BASE_TASK_CAP, l4_obj_fpage(pg, 0, L4_CAP_FPAGE_RWS),
		    l4_map_obj_control(PAGER_IN_B, L4_MAP_ITEM_MAP));
	l4_cap_idx_t cl = cap_alloc();
	l4_factory_create_thread(L4_BASE_FACTORY_CAP, cl);
	l4_thread_control_start();
	l4_thread_control_pager(PAGER_IN_B);
	l4_thread_control_bind((l4_utcb_t *)L4TEST_UTCB_AREA, b);
	if (l4_error(l4_thread_control_commit(cl)))
		fail("client thread");
	l4_thread_ex_regs(cl, (l4_umword_t)client, (unsigned long)client_stack + sizeof client_stack - 8, 0);
	l4_sched_param_t sp = l4_sched_param(2, 0);
	l4_scheduler_run_thread(L4_BASE_SCHEDULER_CAP, cl, &sp);
	uint64_t total = 0;
	for (unsigned r = 0; r <= ROUNDS; r++) {
		uint64_t t0 = now_ns();
		if (l4_ipc_error(l4_ipc_call(cl, l4_utcb(), l4_msgtag(0, 0, 0, 0), L4_IPC_NEVER), l4_utcb()))
			fail("fault round");
		if (r)                   /* round 0 warms up */
			total += now_ns() - t0;
		unmap(b, WIN, 24, L4_FP_ALL_SPACES);
	}
	printf("pager_fault_ns %.0f\n", (double)total / (ROUNDS * FAULTS));
}

static void map_unmap(l4_cap_idx_t b, unsigned order, unsigned n, const char *name)
{
	unsigned long size = 1UL << order;
	unsigned long first = ((unsigned long)buf + size - 1) & ~(size - 1);
	uint64_t tmap = 0, tunmap = 0;
	for (unsigned r = 0; r <= ROUNDS; r++) {
		uint64_t t0 = now_ns();
		for (unsigned i = 0; i < n; i++)
			if (map(b, L4_BASE_TASK_CAP, first + i * size, order, WIN + i * size))
				fail("map");
		uint64_t t1 = now_ns();
		for (unsigned i = 0; i < n; i++)
			unmap(L4_BASE_TASK_CAP, first + i * size, order, L4_FP_OTHER_SPACES);
		uint64_t t2 = now_ns();
		if (r) {
			tmap += t1 - t0;
			tunmap += t2 - t1;
		}
	}
	printf("map_%s_ns %.0f\nunmap_%s_ns %.0f\n", name, (double)tmap / (ROUNDS * n), name,
	       (double)tunmap / (ROUNDS * n));
}

/* A -> B -> C page by page, then one unmap in A (of the 64 MiB block
 * that holds them) takes both levels. */
static void revoke(l4_cap_idx_t b, l4_cap_idx_t c)
{
	unsigned long first = (unsigned long)buf, block = first & ~((1UL << 26) - 1);
	if (first + REVOKE * 4096UL > block + (1UL << 26))
		fail("revoke layout");
	uint64_t total = 0;
	for (unsigned r = 0; r <= ROUNDS / 2; r++) {
		for (unsigned long i = 0; i < REVOKE; i++)
			if (map(b, L4_BASE_TASK_CAP, first + i * 4096, 12, WIN + i * 4096) ||
			    map(c, b, WIN + i * 4096, 12, WIN_C + i * 4096))
				fail("derivation");
		uint64_t t0 = now_ns();
		unmap(L4_BASE_TASK_CAP, block, 26, L4_FP_OTHER_SPACES);
		if (r)
			total += now_ns() - t0;
	}
	printf("revoke_3level_10k_ns %.0f\n", (double)total / (ROUNDS / 2));
}

int main(void)
{
	kip = (l4_kernel_info_t *)l4_kip();
	char *raw = malloc(BUF + (2UL << 20));
	if (!raw)
		fail("malloc");
	buf = (char *)(((unsigned long)raw + 4095) & ~4095UL);
	memset(raw, 1, BUF + (2UL << 20));   /* what is passed on must exist here first */
	l4_cap_idx_t b = create_task_sharing_image(), c = create_task_sharing_image();
	if (!l4_is_valid_cap(b) || !l4_is_valid_cap(c))
		fail("tasks");
	faults(b);
	/* 2 MiB first: an unmap from others splits this task's own mapping
	 * down to the unmapped size, and split nodes are not merged again,
	 * so after the 4 KiB round a 2 MiB map would be 512 pieces. */
	map_unmap(b, 21, (BUF >> 21) - 1, "2m");
	map_unmap(b, 12, MAPS_4K, "4k");
	revoke(b, c);
	return 0;
}
