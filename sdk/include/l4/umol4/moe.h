/* moe's debug interface: how much memory its pool holds and how much of
 * it is free (tests watch memory come back when a dataspace is dropped). */
#ifndef L4_UMOL4_MOE_H
#define L4_UMOL4_MOE_H

#include <l4/sys/types.h>

L4_BEGIN_DECLS

/* Ask moe through any of its factories (e.g. l4re_env()->mem_alloc):
 * *free_bytes = pages in its pool not backing any dataspace,
 * *total_bytes = everything it got from sigma0.  0 or -L4_E*. */
long umol4_moe_meminfo(l4_cap_idx_t moe_factory, unsigned long *free_bytes, unsigned long *total_bytes) L4_NOTHROW;

L4_END_DECLS

#endif
