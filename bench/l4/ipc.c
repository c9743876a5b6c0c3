/* bench/ipc, the L4 side: round trips of l4_ipc_call + l4_ipc_reply_and_wait
 * between a client thread in this task and a server thread in a second
 * task, with 0, 2 and 63 words; then the cost of creating, starting and
 * destroying a thread and a task.  Prints one "name value" line per figure
 * (ns); bench/ipc.sh sets them beside the host's limits. */
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <l4/sys/kip.h>
#include <l4/sys/ipc_gate.h>
#include "../../tests/l4/l4test.h"

#define ROUNDS 20000
#define CREATES 100

static char server_stack[16384] __attribute__((aligned(16)));
static char child_stack[CREATES][4096] __attribute__((aligned(16)));
static l4_kernel_info_t *kip;

static uint64_t now_ns(void) { return l4_kip_clock_ns(kip); }

/* Answers every call with as many words as it got. */
static void server(void)
{
	l4_umword_t label;
	l4_msgtag_t tag = l4_ipc_wait(l4_utcb(), &label, L4_IPC_NEVER);
	for (;;)
		tag = l4_ipc_reply_and_wait(l4_utcb(), l4_msgtag(0, l4_msgtag_words(tag), 0, 0), &label,
					    L4_IPC_NEVER);
}

/* A thread that tells its creator it runs, then waits forever. */
static l4_cap_idx_t creator;
static void child(void)
{
	l4_ipc_send(creator, l4_utcb(), l4_msgtag(0, 0, 0, 0), L4_IPC_NEVER);
	for (;;)
		l4_ipc_sleep(L4_IPC_NEVER);
}

static void drop(l4_cap_idx_t c)
{
	l4_task_unmap(L4_BASE_TASK_CAP, l4_obj_fpage(c, 0, L4_CAP_FPAGE_RWSD), L4_FP_ALL_SPACES);
}

static void round_trips(l4_cap_idx_t gate, unsigned words)
{
	l4_msgtag_t tag = l4_msgtag(0, words, 0, 0);
	for (unsigned i = 0; i < ROUNDS / 10; i++)        /* warm up */
		l4_ipc_call(gate, l4_utcb(), tag, L4_IPC_NEVER);
	uint64_t t0 = now_ns();
	for (unsigned i = 0; i < ROUNDS; i++) {
		l4_msgtag_t r = l4_ipc_call(gate, l4_utcb(), tag, L4_IPC_NEVER);
		if (l4_ipc_error(r, l4_utcb()) || l4_msgtag_words(r) != words) {
			printf("bench: call failed (error %ld)\n", l4_ipc_error(r, l4_utcb()));
			exit(1);
		}
	}
	printf("ipc_roundtrip_%uw_ns %.0f\n", words, (double)(now_ns() - t0) / ROUNDS);
}

int main(void)
{
	kip = (l4_kernel_info_t *)l4_kip();
	l4_cap_idx_t task = create_task_sharing_image();
	l4_cap_idx_t srv = start_thread_in(task, 0, server, server_stack, sizeof server_stack);
	l4_cap_idx_t gate = cap_alloc();
	if (!l4_is_valid_cap(srv) || l4_error(l4_factory_create_gate(L4_BASE_FACTORY_CAP, gate, srv, 0))) {
		printf("bench: cannot set up the server task\n");
		return 1;
	}
	round_trips(gate, 0);
	round_trips(gate, 2);
	round_trips(gate, 63);

	/* Threads: create, bind, start, see it run, destroy. */
	creator = L4_BASE_THREAD_CAP;
	uint64_t t0 = now_ns();
	for (unsigned i = 0; i < CREATES; i++) {
		l4_cap_idx_t t = start_thread(child, child_stack[i], sizeof child_stack[i]);
		l4_umword_t label;
		if (!l4_is_valid_cap(t) || l4_ipc_error(l4_ipc_receive(t, l4_utcb(), L4_IPC_NEVER), l4_utcb())) {
			printf("bench: thread %u did not start\n", i);
			return 1;
		}
		(void)label;
		drop(t);
	}
	printf("thread_create_start_destroy_ns %.0f\n", (double)(now_ns() - t0) / CREATES);

	/* Tasks: create, map the image, start a thread, see it run, destroy. */
	t0 = now_ns();
	for (unsigned i = 0; i < CREATES; i++) {
		l4_cap_idx_t k = create_task_sharing_image();
		/* The child reports to our thread through the same capability index. */
		l4_task_map(k, L4_BASE_TASK_CAP, l4_obj_fpage(creator, 0, L4_CAP_FPAGE_RWSD),
			    l4_map_obj_control(creator, L4_MAP_ITEM_MAP));
		l4_cap_idx_t t = l4_is_valid_cap(k) ? start_thread_in(k, 0, child, child_stack[i], sizeof child_stack[i])
						    : L4_INVALID_CAP;
		if (!l4_is_valid_cap(t) || l4_ipc_error(l4_ipc_receive(t, l4_utcb(), L4_IPC_NEVER), l4_utcb())) {
			printf("bench: task %u did not start\n", i);
			return 1;
		}
		drop(t);
		drop(k);
	}
	printf("task_create_start_destroy_ns %.0f\n", (double)(now_ns() - t0) / CREATES);
	return 0;
}
