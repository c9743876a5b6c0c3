/* Picks the platform named on the command line.  Every platform built in
 * is listed here; the rest of the kernel sees only `plat`. */
#include <stddef.h>
#include <string.h>
#include "platform.h"

static const struct plat_ops *const platforms[] = { &plat_seccomp, &plat_ptrace };
#define NPLATFORMS (sizeof platforms / sizeof platforms[0])

const struct plat_ops *plat = &plat_seccomp;

int plat_select(const char *name)
{
	if (!name) {
		plat = platforms[0];
		return 0;
	}
	for (size_t i = 0; i < NPLATFORMS; i++)
		if (!strcmp(platforms[i]->name, name)) {
			plat = platforms[i];
			return 0;
		}
	return -1;
}

const char *plat_names(void)
{
	static char list[128];
	if (!list[0])
		for (size_t i = 0; i < NPLATFORMS; i++) {
			if (i)
				strncat(list, ", ", sizeof list - strlen(list) - 1);
			strncat(list, platforms[i]->name, sizeof list - strlen(list) - 1);
		}
	return list;
}
