/* Memory allocation: a factory create of a dataspace (L4Re::Mem_alloc).
 * Memory goes back when the last capability to the dataspace is dropped
 * (l4re_util_cap_free_um); there is no l4re_ma_free. */
#ifndef L4_RE_C_MEM_ALLOC_H
#define L4_RE_C_MEM_ALLOC_H

#include <l4/sys/types.h>
#include <l4/re/env.h>
#include <l4/re/c/dataspace.h>

enum l4re_ma_flags
{
  L4RE_MA_CONTINUOUS  = 0x01,
  L4RE_MA_PINNED      = 0x02,
  L4RE_MA_SUPER_PAGES = 0x04,
};

L4_BEGIN_DECLS

/* A new dataspace of size bytes (rounded up to pages) into the capability
 * slot mem; align = log2 of the wanted alignment.  -L4_ENOMEM when the
 * allocator's quota or memory is exhausted. */
long l4re_ma_alloc_align_srv(l4_cap_idx_t srv, unsigned long size, l4re_ds_t const mem, unsigned long flags,
                             unsigned long align) L4_NOTHROW;

L4_INLINE long l4re_ma_alloc_align(unsigned long size, l4re_ds_t const mem, unsigned long flags,
                                   unsigned long align) L4_NOTHROW
{ return l4re_ma_alloc_align_srv(l4re_env()->mem_alloc, size, mem, flags, align); }

L4_INLINE long l4re_ma_alloc(unsigned long size, l4re_ds_t const mem, unsigned long flags) L4_NOTHROW
{ return l4re_ma_alloc_align(size, mem, flags, 0); }

L4_INLINE long l4re_ma_alloc_srv(l4_cap_idx_t srv, unsigned long size, l4re_ds_t const mem,
                                 unsigned long flags) L4_NOTHROW
{ return l4re_ma_alloc_align_srv(srv, size, mem, flags, 0); }

L4_END_DECLS

#endif
