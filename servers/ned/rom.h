/* ned's read-only files: the bytes of rom/NAME, wherever they come from. */
#ifndef NED_ROM_H
#define NED_ROM_H
#include <stddef.h>

/* Find rom/NAME ("rom/" may be left out).  On success *data points at
 * size bytes that stay valid while ned runs; 0 or -L4_ENOENT. */
int rom_get(const char *path, const char **data, size_t *size);

#endif
