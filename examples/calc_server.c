/* A server for ned scenarios: it finds its IPC gate as the named
 * capability "calc" in its L4Re environment, binds it to its main thread
 * and adds the two words of every request. */
#include <stdio.h>
#include <l4/re/env.h>
#include <l4/sys/ipc.h>
#include <l4/sys/rcv_endpoint.h>

int main(void)
{
	l4_cap_idx_t gate = l4re_env_get_cap("calc");
	if (l4_is_invalid_cap(gate)) {
		printf("no 'calc' capability\n");
		return 1;
	}
	if (l4_error(l4_rcv_ep_bind_thread(gate, l4re_env()->main_thread, 0x4200))) {
		printf("cannot bind the gate (needs the server right)\n");
		return 1;
	}
	printf("serving\n");
	fflush(stdout);
	l4_utcb_t *u = l4_utcb();
	l4_umword_t label;
	l4_msgtag_t tag = l4_ipc_wait(u, &label, L4_IPC_NEVER);
	for (;;) {
		if (l4_ipc_error(tag, u)) {
			tag = l4_ipc_wait(u, &label, L4_IPC_NEVER);
			continue;
		}
		l4_msg_regs_t *m = l4_utcb_mr_u(u);
		m->mr[0] = m->mr[0] + m->mr[1];
		tag = l4_ipc_reply_and_wait(u, l4_msgtag(0, 1, 0, 0), &label, L4_IPC_NEVER);
	}
}
