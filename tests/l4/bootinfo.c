/* The boot modules the kernel placed: listed at the KIP's user_ptr, and
 * readable 1:1 at their physical addresses (sigma0 pages them to us).
 * argv: pairs of NAME SIZE expected, then the first bytes of module 0. */
#include <stdlib.h>
#include <string.h>
#include <l4/sys/kip.h>
#include <l4/umol4/bootinfo.h>
#include "l4test.h"

int main(int argc, char **argv)
{
	const struct umol4_bootinfo *bi = (const struct umol4_bootinfo *)l4_kip()->user_ptr;
	CHECK(bi && bi->magic == UMOL4_BOOTINFO_MAGIC, "the KIP's user_ptr points at the boot information (%p)",
	      (const void *)bi);
	unsigned want = (unsigned)(argc - 2) / 2;
	CHECK(bi->num_modules == want, "%u modules listed (want %u)", bi->num_modules, want);
	for (unsigned i = 0; i < want && i < bi->num_modules; i++)
		CHECK(!strcmp(bi->modules[i].name, argv[1 + 2 * i]) &&
		      bi->modules[i].size == strtoul(argv[2 + 2 * i], NULL, 0) && !(bi->modules[i].phys & 0xfff),
		      "module %u: %s, %lu bytes at %lx", i, bi->modules[i].name, (unsigned long)bi->modules[i].size,
		      (unsigned long)bi->modules[i].phys);
	const char *head = argv[argc - 1];
	CHECK(bi->num_modules && !memcmp((const void *)bi->modules[0].phys, head, strlen(head)),
	      "module 0 starts with \"%s\" at its physical address", head);
	CHECK(!strcmp(bi->root_cmdline, argc > 1 ? argv[1] : "") || strstr(bi->root_cmdline, argv[1]) == bi->root_cmdline,
	      "the root command line is recorded (%s)", bi->root_cmdline);
	L4TEST_DONE();
}
