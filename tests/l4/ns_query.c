/* Looks NAME up in the namespace given as capability "ns" and, if found,
 * sends one word to it (an IPC gate) and prints the answer.
 * Exit 0 found and answered, 1 not found (-ENOENT), 2 other errors. */
#include <stdio.h>
#include <l4/re/env.h>
#include <l4/re/c/namespace.h>
#include <l4/re/c/util/cap_alloc.h>
#include <l4/sys/ipc.h>

int main(int argc, char **argv)
{
	l4_cap_idx_t ns = l4re_env_get_cap("ns");
	if (argc < 2 || l4_is_invalid_cap(ns))
		return 2;
	l4_cap_idx_t obj = l4re_util_cap_alloc();
	long r = l4re_ns_query_to_srv(ns, argv[1], obj, 0);
	if (r == -L4_ENOENT) {
		printf("%s: not in the namespace\n", argv[1]);
		return 1;
	}
	if (r < 0) {
		printf("%s: query failed: %ld\n", argv[1], r);
		return 2;
	}
	l4_utcb_mr()->mr[0] = 20;
	l4_utcb_mr()->mr[1] = 22;
	l4_msgtag_t t = l4_ipc_call(obj, l4_utcb(), l4_msgtag(0, 2, 0, 0), L4_IPC_NEVER);
	unsigned long v = l4_utcb_mr()->mr[0];
	if (l4_ipc_error(t, l4_utcb()))
		return 2;
	printf("%s: found, it answered %lu\n", argv[1], v);
	return 0;
}
