/* Capability slot allocation for this task, from l4re_env()->first_free_cap. */
#ifndef L4_RE_C_UTIL_CAP_ALLOC_H
#define L4_RE_C_UTIL_CAP_ALLOC_H

#include <l4/sys/types.h>

L4_BEGIN_DECLS

/* A free slot, or L4_INVALID_CAP when all are used. */
l4_cap_idx_t l4re_util_cap_alloc(void) L4_NOTHROW;
/* Give the slot back (whatever it holds stays there). */
void l4re_util_cap_free(l4_cap_idx_t cap) L4_NOTHROW;
/* Drop the capability in the slot (and everything derived from it), then
 * give the slot back: the way to release a dataspace. */
void l4re_util_cap_free_um(l4_cap_idx_t cap) L4_NOTHROW;
/* The highest slot the allocator hands out. */
long l4re_util_cap_last(void) L4_NOTHROW;

L4_END_DECLS

#endif
