/* A client for ned scenarios: asks the server behind the named
 * capability "calc" to add its two arguments; the sum is its exit code. */
#include <stdio.h>
#include <stdlib.h>
#include <l4/re/env.h>
#include <l4/sys/ipc.h>

int main(int argc, char **argv)
{
	l4_cap_idx_t calc = l4re_env_get_cap("calc");
	if (argc < 3 || l4_is_invalid_cap(calc)) {
		printf("usage: calc_client A B (with a 'calc' capability)\n");
		return 100;
	}
	l4_msg_regs_t *m = l4_utcb_mr();
	m->mr[0] = strtoul(argv[1], NULL, 0);
	m->mr[1] = strtoul(argv[2], NULL, 0);
	l4_msgtag_t tag = l4_ipc_call(calc, l4_utcb(), l4_msgtag(0, 2, 0, 0), L4_IPC_NEVER);
	if (l4_ipc_error(tag, l4_utcb())) {
		printf("IPC error %ld\n", l4_ipc_error(tag, l4_utcb()));
		return 101;
	}
	/* Take the answer out of the UTCB before printf: printing is IPC to
	 * the log, which reuses the message registers. */
	unsigned long sum = m->mr[0];
	printf("%s + %s = %lu\n", argv[1], argv[2], sum);
	return (int)sum;
}
