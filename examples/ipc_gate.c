/* An IPC client and server over a gate, with threads: the server thread
 * waits on a gate and answers each call with the sum of the words it got;
 * the main thread (the client) calls it through the gate and prints the
 * answers.  Threads other than main have no libc (no TLS), so only main
 * prints. */
#include <stdio.h>
#include <l4/sys/factory.h>
#include <l4/sys/ipc.h>
#include <l4/sys/scheduler.h>
#include <l4/sys/thread.h>
#include <l4/sys/utcb.h>

#define SERVER_CAP  (0x40UL << L4_CAP_SHIFT)
#define GATE_CAP    (0x41UL << L4_CAP_SHIFT)
#define SERVER_UTCB 0x7dfff8000400UL   /* second UTCB of the root task's area */

static char stack[16384] __attribute__((aligned(16)));

static void server(void)
{
	l4_umword_t label;
	l4_msgtag_t tag = l4_ipc_wait(l4_utcb(), &label, L4_IPC_NEVER);
	for (;;) {
		l4_msg_regs_t *m = l4_utcb_mr();
		l4_umword_t sum = 0;
		for (unsigned i = 0; i < l4_msgtag_words(tag); i++)
			sum += m->mr[i];
		m->mr[0] = sum;
		m->mr[1] = label;
		tag = l4_ipc_reply_and_wait(l4_utcb(), l4_msgtag(0, 2, 0, 0), &label, L4_IPC_NEVER);
	}
}

int main(void)
{
	l4_sched_param_t sp = l4_sched_param(2, 0);
	if (l4_error(l4_factory_create_thread(L4_BASE_FACTORY_CAP, SERVER_CAP)))
		return 1;
	/* control_start..commit build one message in the UTCB: nothing between. */
	l4_thread_control_start();
	l4_thread_control_pager(L4_BASE_PAGER_CAP);     /* sigma0 pages this task */
	l4_thread_control_bind((l4_utcb_t *)SERVER_UTCB, L4_BASE_TASK_CAP);
	if (l4_error(l4_thread_control_commit(SERVER_CAP)) ||
	    l4_error(l4_thread_ex_regs(SERVER_CAP, (l4_umword_t)server, (l4_umword_t)stack + sizeof stack - 8, 0)) ||
	    l4_error(l4_scheduler_run_thread(L4_BASE_SCHEDULER_CAP, SERVER_CAP, &sp)) ||
	    l4_error(l4_factory_create_gate(L4_BASE_FACTORY_CAP, GATE_CAP, SERVER_CAP, 0x4200))) {
		printf("ipc_gate: cannot start the server\n");
		return 1;
	}
	for (unsigned n = 1; n <= 3; n++) {
		l4_msg_regs_t *m = l4_utcb_mr();
		for (unsigned i = 0; i < n; i++)
			m->mr[i] = 10 * (i + 1);
		l4_msgtag_t r = l4_ipc_call(GATE_CAP, l4_utcb(), l4_msgtag(0, n, 0, 0), L4_IPC_NEVER);
		if (l4_ipc_error(r, l4_utcb())) {
			printf("ipc_gate: call failed, IPC error %ld\n", l4_ipc_error(r, l4_utcb()));
			return 1;
		}
		printf("client: sent %u word(s), server says sum=%lu (gate label %#lx)\n", n,
		       (unsigned long)m->mr[0], (unsigned long)m->mr[1]);
	}
	return 0;
}
