/* rom/: where ned's script and the programs it starts come from.
 *
 * As the root task (booted by `umol4 --module=...`), rom/ is the set of
 * boot modules: the kernel lists them at the KIP's user_ptr and sigma0
 * pages them to us 1:1, so a module's bytes are readable at its physical
 * address.  Under moe, rom/ is moe's read-only namespace and a file a
 * dataspace to attach; that variant replaces only rom_get. */
#include <string.h>
#include <l4/sys/consts.h>
#include <l4/sys/err.h>
#include <l4/sys/kip.h>
#include <l4/umol4/bootinfo.h>
#include "rom.h"

int rom_get(const char *path, const char **data, size_t *size)
{
	if (!strncmp(path, "rom/", 4))
		path += 4;
	const struct umol4_bootinfo *bi = (const struct umol4_bootinfo *)l4_kip()->user_ptr;
	if (!bi || bi->magic != UMOL4_BOOTINFO_MAGIC)
		return -L4_ENOENT;
	for (unsigned i = 0; i < bi->num_modules && i < UMOL4_BOOTINFO_MAX_MODULES; i++) {
		const struct umol4_boot_module *m = &bi->modules[i];
		if (strncmp(m->name, path, sizeof m->name) || strlen(path) >= sizeof m->name)
			continue;
		*data = (const char *)(l4_addr_t)m->phys;
		*size = m->size;
		return 0;
	}
	return -L4_ENOENT;
}

int rom_dataspace(const char *path, l4_cap_idx_t *ds)
{
	const char *data;
	size_t size;
	*ds = L4_INVALID_CAP;
	return rom_get(path, &data, &size) ? -L4_ENOENT : -L4_ENOSYS;
}
