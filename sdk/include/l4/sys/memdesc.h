/* Memory descriptors in the KIP (what sigma0 learns about physical memory). */
#ifndef L4_SYS_MEMDESC_H
#define L4_SYS_MEMDESC_H

#include <l4/sys/kip.h>

enum l4_mem_type_t
{
  l4_mem_type_undefined    = 0x0,
  l4_mem_type_conventional = 0x1,
  l4_mem_type_reserved     = 0x2,
  l4_mem_type_dedicated    = 0x3,
  l4_mem_type_shared       = 0x4,
  l4_mem_type_info         = 0xd,
  l4_mem_type_bootloader   = 0xe,
  l4_mem_type_archspecific = 0xf,
};

/* Two words: l = start (1 KiB aligned) | virtual 0x200 | sub type << 4
 * | type; h = last byte (the low 10 bits read as ones). */
typedef struct l4_kernel_info_mem_desc_t
{
  l4_umword_t l;
  l4_umword_t h;
} l4_kernel_info_mem_desc_t;

L4_INLINE l4_kernel_info_mem_desc_t *
l4_kernel_info_get_mem_descs(l4_kernel_info_t *kip) L4_NOTHROW
{ return (l4_kernel_info_mem_desc_t *)((l4_addr_t)kip + kip->mem_descs); }

L4_INLINE unsigned l4_kernel_info_get_num_mem_descs(l4_kernel_info_t *kip) L4_NOTHROW
{ return kip->mem_descs_num; }

L4_INLINE void
l4_kernel_info_set_mem_desc(l4_kernel_info_mem_desc_t *md, l4_addr_t start, l4_addr_t end,
                            unsigned type, unsigned virt, unsigned sub_type) L4_NOTHROW
{
  md->l = (start & ~0x3ffUL) | (virt ? 0x200 : 0) | ((sub_type & 0xf) << 4) | (type & 0xf);
  md->h = end;
}

L4_INLINE l4_umword_t l4_kernel_info_get_mem_desc_start(l4_kernel_info_mem_desc_t *md) L4_NOTHROW
{ return md->l & ~0x3ffUL; }

L4_INLINE l4_umword_t l4_kernel_info_get_mem_desc_end(l4_kernel_info_mem_desc_t *md) L4_NOTHROW
{ return md->h | 0x3ffUL; }

L4_INLINE l4_umword_t l4_kernel_info_get_mem_desc_type(l4_kernel_info_mem_desc_t *md) L4_NOTHROW
{ return md->l & 0xf; }

L4_INLINE l4_umword_t l4_kernel_info_get_mem_desc_subtype(l4_kernel_info_mem_desc_t *md) L4_NOTHROW
{ return (md->l >> 4) & 0xf; }

L4_INLINE l4_umword_t l4_kernel_info_get_mem_desc_is_virtual(l4_kernel_info_mem_desc_t *md) L4_NOTHROW
{ return md->l & 0x200; }

#endif
