/* rom/: where ned's script and the programs it starts come from.
 *
 * As the root task (booted by `umol4 --module=...`), rom/ is the set of
 * boot modules: the kernel lists them at the KIP's user_ptr and sigma0
 * pages them to us 1:1, so a module's bytes are readable at its physical
 * address; there are no dataspaces, so no program can be started.
 * Started by moe (an L4Re environment exists), rom/ is the namespace in
 * the capability named "rom" and each file a dataspace, attached to be
 * read. */
#include <string.h>
#include <l4/re/c/dataspace.h>
#include <l4/re/c/namespace.h>
#include <l4/re/c/rm.h>
#include <l4/re/c/util/cap_alloc.h>
#include <l4/re/env.h>
#include <l4/sys/consts.h>
#include <l4/sys/err.h>
#include <l4/sys/kip.h>
#include <l4/umol4/bootinfo.h>
#include "rom.h"

static const char *strip_rom(const char *path)
{
	return strncmp(path, "rom/", 4) ? path : path + 4;
}

static int boot_module(const char *name, const char **data, size_t *size)
{
	const struct umol4_bootinfo *bi = (const struct umol4_bootinfo *)l4_kip()->user_ptr;
	if (!bi || bi->magic != UMOL4_BOOTINFO_MAGIC || strlen(name) >= sizeof bi->modules[0].name)
		return -L4_ENOENT;
	for (unsigned i = 0; i < bi->num_modules && i < UMOL4_BOOTINFO_MAX_MODULES; i++) {
		const struct umol4_boot_module *m = &bi->modules[i];
		if (strcmp(m->name, name))
			continue;
		*data = (const char *)(l4_addr_t)m->phys;
		*size = m->size;
		return 0;
	}
	return -L4_ENOENT;
}

int rom_dataspace(const char *path, l4_cap_idx_t *ds)
{
	*ds = L4_INVALID_CAP;
	l4_cap_idx_t rom = l4re_env_get_cap("rom");
	if (!l4re_env() || (rom & L4_INVALID_CAP_BIT)) {
		const char *data;
		size_t size;
		return boot_module(strip_rom(path), &data, &size) ? -L4_ENOENT : -L4_ENOSYS;
	}
	l4_cap_idx_t c = l4re_util_cap_alloc();
	if (c & L4_INVALID_CAP_BIT)
		return -L4_ENOMEM;
	long e = l4re_ns_query_srv(rom, strip_rom(path), c);
	if (e < 0) {
		l4re_util_cap_free(c);
		return (int)e;
	}
	*ds = c;
	return 0;
}

int rom_get(const char *path, const char **data, size_t *size)
{
	if (!l4re_env())
		return boot_module(strip_rom(path), data, size);
	l4_cap_idx_t ds;
	int e = rom_dataspace(path, &ds);
	if (e < 0)
		return e;
	/* Attached for good: ned reads scripts while it runs. */
	void *at = NULL;
	l4re_ds_size_t n = l4re_ds_size(ds);
	e = l4re_rm_attach(&at, (unsigned long)n, L4RE_RM_F_R | L4RE_RM_F_SEARCH_ADDR, ds, 0, L4_PAGESHIFT);
	if (e < 0)
		return e;
	*data = at;
	*size = (size_t)n;
	return 0;
}
