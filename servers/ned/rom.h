/* ned's read-only files: the bytes of rom/NAME, wherever they come from. */
#ifndef NED_ROM_H
#define NED_ROM_H
#include <stddef.h>
#include <l4/sys/types.h>

/* Find rom/NAME ("rom/" may be left out).  On success *data points at
 * size bytes that stay valid while ned runs; 0 or -L4_ENOENT. */
int rom_get(const char *path, const char **data, size_t *size);

/* rom/NAME as a dataspace (what the launcher loads programs from): 0 and
 * *ds, -L4_ENOENT, or -L4_ENOSYS where rom/ has no dataspaces (the root
 * task's boot modules are plain memory). */
int rom_dataspace(const char *path, l4_cap_idx_t *ds);

#endif
