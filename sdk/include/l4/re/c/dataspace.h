/* Dataspaces (L4Re::Dataspace): memory objects a server (moe) backs and
 * maps on request.  Results are >= 0 or -L4_E* (IPC errors as l4_error). */
#ifndef L4_RE_C_DATASPACE_H
#define L4_RE_C_DATASPACE_H

#include <l4/sys/types.h>

typedef l4_cap_idx_t l4re_ds_t;
typedef l4_uint64_t  l4re_ds_size_t;
typedef l4_uint64_t  l4re_ds_offset_t;
typedef l4_uint64_t  l4re_ds_flags_t;
typedef l4_addr_t    l4re_ds_map_addr_t;

/* Rights (flexpage rights values) and caching, as L4Re::Dataspace::F. */
enum l4re_ds_flags_values
{
  L4RE_DS_F_X   = 0x1,
  L4RE_DS_F_W   = 0x2,
  L4RE_DS_F_R   = 0x4,
  L4RE_DS_F_RW  = 0x6,
  L4RE_DS_F_RX  = 0x5,
  L4RE_DS_F_RWX = 0x7,
  L4RE_DS_F_RIGHTS_MASK = 0x0f,
  L4RE_DS_F_NORMAL      = 0x00,
  L4RE_DS_F_CACHEABLE   = 0x00,
  L4RE_DS_F_BUFFERABLE  = 0x10,
  L4RE_DS_F_UNCACHEABLE = 0x20,
  L4RE_DS_F_CACHING_MASK = 0x30,
};

/* The old map flag names, for older programs. */
enum l4re_ds_map_flags
{
  L4RE_DS_MAP_FLAG_RO = 0,
  L4RE_DS_MAP_FLAG_RW = 1,
};

typedef struct l4re_ds_stats_t
{
  unsigned long size;
  unsigned long flags;
} l4re_ds_stats_t;

L4_BEGIN_DECLS

/* Map the page of ds at offset into this task, at local_addr, in the
 * largest flexpage that fits [min_addr, max_addr].  flags: rights wanted;
 * -L4_EPERM asks for more than the capability or the dataspace allows,
 * -L4_ERANGE offset beyond the end. */
int l4re_ds_map(l4re_ds_t ds, l4re_ds_offset_t offset, l4re_ds_flags_t flags, l4re_ds_map_addr_t local_addr,
                l4re_ds_map_addr_t min_addr, l4re_ds_map_addr_t max_addr) L4_NOTHROW;
/* Map [min_addr, max_addr] from offset page by page. */
int l4re_ds_map_region(l4re_ds_t ds, l4re_ds_offset_t offset, l4re_ds_flags_t flags, l4re_ds_map_addr_t min_addr,
                       l4re_ds_map_addr_t max_addr) L4_NOTHROW;
/* Zero [offset, offset + size); memory goes back to the server. */
long l4re_ds_clear(l4re_ds_t ds, l4re_ds_offset_t offset, l4re_ds_size_t size) L4_NOTHROW;
/* Back [offset, offset + size) with memory now. */
long l4re_ds_allocate(l4re_ds_t ds, l4re_ds_offset_t offset, l4re_ds_size_t size) L4_NOTHROW;
/* Copy size bytes from src at src_offs into ds at dst_offs (server side). */
int l4re_ds_copy_in(l4re_ds_t ds, l4re_ds_offset_t dst_offs, l4re_ds_t src, l4re_ds_offset_t src_offs,
                    l4re_ds_size_t size) L4_NOTHROW;
/* Size in bytes, or -L4_E*. */
l4re_ds_size_t l4re_ds_size(l4re_ds_t ds) L4_NOTHROW;
/* Rights and caching flags, or -L4_E*. */
l4re_ds_flags_t l4re_ds_flags(l4re_ds_t ds) L4_NOTHROW;
int l4re_ds_info(l4re_ds_t ds, l4re_ds_stats_t *stats) L4_NOTHROW;

L4_END_DECLS

#endif
