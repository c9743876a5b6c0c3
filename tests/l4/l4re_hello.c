/* A program started by moe's launcher: its environment, named
 * capabilities, malloc from dataspaces, the log tag, its exit code.
 * argv[1] = the exit code to end with. */
#include <stdlib.h>
#include <string.h>
#include <l4/re/env.h>
#include <l4/re/c/namespace.h>
#include <l4/re/c/util/cap_alloc.h>
#include "l4test.h"

int main(int argc, char **argv)
{
	l4re_env_t *e = l4re_env();
	CHECK(e != NULL, "l4re_env() is set");
	CHECK(!l4_is_invalid_cap(l4re_env_get_cap("rom")), "l4re_env_get_cap(\"rom\") finds the rom namespace");
	CHECK(l4_is_invalid_cap(l4re_env_get_cap("nonexistent")), "an unknown name is L4_INVALID_CAP");
	size_t n = 6 << 20;
	unsigned char *p = malloc(n);
	CHECK(p != NULL, "malloc(6 MiB)");
	if (p) {
		for (size_t i = 0; i < n; i += 4096)
			p[i] = (unsigned char)(i >> 12);
		size_t bad = 0;
		for (size_t i = 0; i < n; i += 4096)
			bad += p[i] != (unsigned char)(i >> 12);
		CHECK(bad == 0, "6 MiB written and read back through dataspace pages");
		free(p);
	}
	l4_cap_idx_t ds = l4re_util_cap_alloc();
	CHECK(l4re_ns_query_srv(l4re_env_get_cap("rom"), argc > 2 ? argv[2] : "l4re_hello", ds) == 0,
	      "rom/%s found by a namespace query", argc > 2 ? argv[2] : "l4re_hello");
	/* Several lines in one log message: moe must print each whole. */
	fflush(stdout);
	fputs("multi one\nmulti two two\nmulti three three three\n", stdout);
	fflush(stdout);
	printf("exiting with %d\n", argc > 1 ? atoi(argv[1]) : 0);
	fflush(stdout);
	if (l4test_failed)
		return 1;
	return argc > 1 ? atoi(argv[1]) : 0;
}
