/* The region map (L4Re::Rm): which dataspace backs which part of this
 * task's address space.  The in-task region manager (itas) serves it and
 * pages the program from it. */
#ifndef L4_RE_C_RM_H
#define L4_RE_C_RM_H

#include <l4/sys/types.h>
#include <l4/re/c/dataspace.h>

typedef l4_uint32_t l4re_rm_flags_t;
typedef l4_uint64_t l4re_rm_offset_t;

enum l4re_rm_flags_values
{
  L4RE_RM_F_X   = 0x1,
  L4RE_RM_F_W   = 0x2,
  L4RE_RM_F_R   = 0x4,
  L4RE_RM_F_RW  = 0x6,
  L4RE_RM_F_RX  = 0x5,
  L4RE_RM_F_RWX = 0x7,
  L4RE_RM_F_RIGHTS_MASK  = 0x0f,
  L4RE_RM_F_CACHING_MASK = 0x30,
  L4RE_RM_F_KERNEL       = 0x100,
  L4RE_RM_F_DETACH_FREE  = 0x200,
  L4RE_RM_F_PAGER        = 0x400,
  L4RE_RM_F_RESERVED     = 0x800,
  L4RE_RM_F_SEARCH_ADDR  = 0x20000,
  L4RE_RM_F_IN_AREA      = 0x40000,
  L4RE_RM_F_EAGER_MAP    = 0x80000,
  L4RE_RM_F_NO_EAGER_MAP = 0x100000,
  L4RE_RM_F_ATTACH_FLAGS_MASK = 0x1f0000,
};

L4_BEGIN_DECLS

int l4re_rm_reserve_area_srv(l4_cap_idx_t rm, l4_addr_t *start, unsigned long size, l4re_rm_flags_t flags,
                             unsigned char align) L4_NOTHROW;
int l4re_rm_free_area_srv(l4_cap_idx_t rm, l4_addr_t addr) L4_NOTHROW;
/* Attach size bytes of mem from offs at *start (or, with SEARCH_ADDR, at
 * the lowest free 2^align-aligned place from *start).  -L4_EADDRNOTAVAIL:
 * no room; -L4_EINVAL: bad size or alignment; -L4_ENOMEM: no region node. */
int l4re_rm_attach_srv(l4_cap_idx_t rm, void **start, unsigned long size, l4re_rm_flags_t flags, l4re_ds_t mem,
                       l4re_rm_offset_t offs, unsigned char align) L4_NOTHROW;
int l4re_rm_detach_srv(l4_cap_idx_t rm, void *addr) L4_NOTHROW;
/* Detach, and tell which dataspace was attached there (*ds). */
int l4re_rm_detach_ds_srv(l4_cap_idx_t rm, void *addr, l4re_ds_t *ds) L4_NOTHROW;
int l4re_rm_detach_unmap_srv(l4_cap_idx_t rm, l4_addr_t addr, l4_cap_idx_t task) L4_NOTHROW;
int l4re_rm_detach_ds_unmap_srv(l4_cap_idx_t rm, void *addr, l4re_ds_t *ds, l4_cap_idx_t task) L4_NOTHROW;
/* The region (or area) overlapping [*addr, *addr + *size). */
int l4re_rm_find_srv(l4_cap_idx_t rm, l4_addr_t *addr, unsigned long *size, l4re_rm_offset_t *offset,
                     l4re_rm_flags_t *flags, l4re_ds_t *m) L4_NOTHROW;
void l4re_rm_show_lists_srv(l4_cap_idx_t rm) L4_NOTHROW;

int l4re_rm_reserve_area(l4_addr_t *start, unsigned long size, l4re_rm_flags_t flags, unsigned char align) L4_NOTHROW;
int l4re_rm_free_area(l4_addr_t addr) L4_NOTHROW;
int l4re_rm_attach(void **start, unsigned long size, l4re_rm_flags_t flags, l4re_ds_t mem, l4re_rm_offset_t offs,
                   unsigned char align) L4_NOTHROW;
int l4re_rm_detach(void *addr) L4_NOTHROW;
int l4re_rm_detach_ds(void *addr, l4re_ds_t *ds) L4_NOTHROW;
int l4re_rm_detach_unmap(l4_addr_t addr, l4_cap_idx_t task) L4_NOTHROW;
int l4re_rm_detach_ds_unmap(void *addr, l4re_ds_t *ds, l4_cap_idx_t task) L4_NOTHROW;
int l4re_rm_find(l4_addr_t *addr, unsigned long *size, l4re_rm_offset_t *offset, l4re_rm_flags_t *flags,
                 l4re_ds_t *m) L4_NOTHROW;
void l4re_rm_show_lists(void) L4_NOTHROW;

L4_END_DECLS

#endif
