/* Flexpages (size-aligned ranges of memory, I/O ports or capabilities) and map items. */
#ifndef L4_SYS_L4_FPAGE_H
#define L4_SYS_L4_FPAGE_H

#include <l4/sys/compiler.h>
#include <l4/sys/l4int.h>
#include <l4/sys/consts.h>

/* Layout of l4_fpage_t.raw: rights in bits 0-3, type in 4-5, log2 size
 * in 6-11, address (page number, port << 12 or selector) from bit 12. */
enum L4_fpage_consts
{
  L4_FPAGE_RIGHTS_SHIFT = 0,
  L4_FPAGE_TYPE_SHIFT   = 4,
  L4_FPAGE_SIZE_SHIFT   = 6,
  L4_FPAGE_ADDR_SHIFT   = 12,

  L4_FPAGE_RIGHTS_BITS  = 4,
  L4_FPAGE_TYPE_BITS    = 2,
  L4_FPAGE_SIZE_BITS    = 6,
  L4_FPAGE_ADDR_BITS    = L4_MWORD_BITS - 12,

  L4_FPAGE_RIGHTS_MASK  = 0x00f,
  L4_FPAGE_TYPE_MASK    = 0x030,
  L4_FPAGE_SIZE_MASK    = 0xfc0,
  L4_FPAGE_RIGHTS_ALL   = 0x00f,
};
#define L4_FPAGE_ADDR_MASK (~0UL << L4_FPAGE_ADDR_SHIFT)

typedef union
{
  l4_umword_t fpage;
  l4_umword_t raw;
} l4_fpage_t;

/* A send item as it sits in the message registers. */
typedef struct
{
  l4_umword_t snd_base;
  l4_fpage_t  fpage;
} l4_snd_fpage_t;

enum
{
  /* Order of a flexpage covering everything; with type "special" it
   * means all spaces at once. */
  L4_WHOLE_ADDRESS_SPACE = 63,
};

/* Rights of memory and I/O-port flexpages. */
enum L4_fpage_rights
{
  L4_FPAGE_X   = 1,
  L4_FPAGE_W   = 2,
  L4_FPAGE_RO  = 4,
  L4_FPAGE_RW  = 6,
  L4_FPAGE_RX  = 5,
  L4_FPAGE_RWX = 7,
};

/* Rights of capability flexpages. */
enum L4_cap_fpage_rights
{
  L4_CAP_FPAGE_W    = 0x1,
  L4_CAP_FPAGE_S    = 0x2,
  L4_CAP_FPAGE_R    = 0x4,
  L4_CAP_FPAGE_RO   = 0x4,
  L4_CAP_FPAGE_D    = 0x8,
  L4_CAP_FPAGE_RW   = 0x5,
  L4_CAP_FPAGE_RS   = 0x6,
  L4_CAP_FPAGE_RWS  = 0x7,
  L4_CAP_FPAGE_RWSD = 0xf,
  L4_CAP_FPAGE_RWD  = 0xd,
  L4_CAP_FPAGE_RSD  = 0xe,
};

enum L4_fpage_type
{
  L4_FPAGE_SPECIAL = 0,  /* invalid (order 0) or all spaces (order 63) */
  L4_FPAGE_MEMORY  = 1,
  L4_FPAGE_IO      = 2,
  L4_FPAGE_OBJ     = 3,
};

enum L4_fpage_control
{
  L4_FPAGE_CONTROL_OFFSET_SHIFT = 12,
};
#define L4_FPAGE_CONTROL_MASK (~0UL << L4_FPAGE_CONTROL_OFFSET_SHIFT)

/* Bits in the control word of an object map item. */
enum L4_obj_fpage_ctl
{
  L4_FPAGE_C_REF_CNT     = 0x00,
  L4_FPAGE_C_NO_REF_CNT  = 0x10,
  L4_FPAGE_C_OBJ_RIGHT1  = 0x20,
  L4_FPAGE_C_OBJ_RIGHT2  = 0x40,
  L4_FPAGE_C_OBJ_RIGHT3  = 0x80,
  L4_FPAGE_C_OBJ_RIGHTS  = 0xe0,
  L4_FPAGE_C_IPCGATE_SVR = 0x20,  /* holder may bind the gate (server side) */
};

/* Cache attribute of a memory map item (the "cache" of l4_map_control). */
enum l4_fpage_cacheability_opt_t
{
  L4_FPAGE_CACHE_OPT   = 0x1,
  L4_FPAGE_CACHEABLE   = 0x3,
  L4_FPAGE_BUFFERABLE  = 0x5,
  L4_FPAGE_UNCACHEABLE = 0x1,
};

enum
{
  L4_WHOLE_IOADDRESS_SPACE = 16,
  L4_IOPORT_MAX            = 1 << 16,
};

/* Build a flexpage word from its four fields. */
L4_INLINE l4_fpage_t
l4_fpage_make_(l4_umword_t address, unsigned type, unsigned order,
               unsigned rights) L4_NOTHROW
{
  l4_fpage_t f;
  f.raw = (address & L4_FPAGE_ADDR_MASK)
          | (((l4_umword_t)order << L4_FPAGE_SIZE_SHIFT) & L4_FPAGE_SIZE_MASK)
          | (((l4_umword_t)type << L4_FPAGE_TYPE_SHIFT) & L4_FPAGE_TYPE_MASK)
          | ((l4_umword_t)rights & L4_FPAGE_RIGHTS_MASK);
  return f;
}

L4_INLINE l4_fpage_t
l4_fpage(l4_addr_t address, unsigned int size, unsigned char rights) L4_NOTHROW
{ return l4_fpage_make_(address, L4_FPAGE_MEMORY, size, rights); }

L4_INLINE l4_fpage_t l4_fpage_all(void) L4_NOTHROW
{ return l4_fpage_make_(0, L4_FPAGE_SPECIAL, L4_WHOLE_ADDRESS_SPACE, 0); }

L4_INLINE l4_fpage_t l4_fpage_invalid(void) L4_NOTHROW
{ return l4_fpage_make_(0, L4_FPAGE_SPECIAL, 0, 0); }

/* I/O ports always carry RW: the port right is all-or-nothing. */
L4_INLINE l4_fpage_t l4_iofpage(unsigned long port, unsigned int size) L4_NOTHROW
{ return l4_fpage_make_(port << L4_FPAGE_ADDR_SHIFT, L4_FPAGE_IO, size, L4_FPAGE_RW); }

/* The selector already has the slot number at bit 12, where the address
 * field starts, so it is used unshifted. */
L4_INLINE l4_fpage_t
l4_obj_fpage(l4_cap_idx_t obj, unsigned int order, unsigned char rights) L4_NOTHROW
{ return l4_fpage_make_(obj, L4_FPAGE_OBJ, order, rights); }

L4_INLINE unsigned l4_fpage_rights(l4_fpage_t f) L4_NOTHROW
{ return (unsigned)((f.raw & L4_FPAGE_RIGHTS_MASK) >> L4_FPAGE_RIGHTS_SHIFT); }

L4_INLINE unsigned l4_fpage_type(l4_fpage_t f) L4_NOTHROW
{ return (unsigned)((f.raw & L4_FPAGE_TYPE_MASK) >> L4_FPAGE_TYPE_SHIFT); }

L4_INLINE unsigned l4_fpage_size(l4_fpage_t f) L4_NOTHROW
{ return (unsigned)((f.raw & L4_FPAGE_SIZE_MASK) >> L4_FPAGE_SIZE_SHIFT); }

L4_INLINE unsigned long l4_fpage_page(l4_fpage_t f) L4_NOTHROW
{ return (f.raw & L4_FPAGE_ADDR_MASK) >> L4_FPAGE_ADDR_SHIFT; }

L4_INLINE unsigned long l4_fpage_ioport(l4_fpage_t f) L4_NOTHROW
{ return (f.raw & L4_FPAGE_ADDR_MASK) >> L4_FPAGE_ADDR_SHIFT; }

L4_INLINE l4_addr_t l4_fpage_memaddr(l4_fpage_t f) L4_NOTHROW
{ return f.raw & L4_FPAGE_ADDR_MASK; }

L4_INLINE l4_cap_idx_t l4_fpage_obj(l4_fpage_t f) L4_NOTHROW
{ return f.raw & L4_FPAGE_ADDR_MASK; }

L4_INLINE int l4_is_fpage_writable(l4_fpage_t fp) L4_NOTHROW
{ return (int)(l4_fpage_rights(fp) & L4_FPAGE_W); }

L4_INLINE l4_fpage_t
l4_fpage_set_rights(l4_fpage_t src, unsigned char new_rights) L4_NOTHROW
{
  l4_fpage_t f;
  f.raw = (src.raw & ~(l4_umword_t)L4_FPAGE_RIGHTS_MASK)
          | ((l4_umword_t)new_rights & L4_FPAGE_RIGHTS_MASK);
  return f;
}

/* Does the flexpage cover the 2^log2size bytes starting at addr? */
L4_INLINE int
l4_fpage_contains(l4_fpage_t fpage, l4_addr_t addr, unsigned log2size) L4_NOTHROW
{
  l4_addr_t start = l4_fpage_memaddr(fpage);
  l4_addr_t end   = start + (1UL << l4_fpage_size(fpage));
  return start <= addr && addr + (1UL << log2size) <= end;
}

/* First word of a send item: where in the receive window the item lands
 * (snd_base, page aligned), the cache attribute, map or grant. */
L4_INLINE l4_umword_t
l4_map_control(l4_umword_t snd_base, unsigned char cache, unsigned grant) L4_NOTHROW
{
  return (snd_base & L4_FPAGE_CONTROL_MASK) | ((l4_umword_t)cache << 4)
         | L4_ITEM_MAP | grant;
}

L4_INLINE l4_umword_t
l4_map_obj_control(l4_umword_t snd_base, unsigned grant) L4_NOTHROW
{ return l4_map_control(snd_base, 0, grant); }

/* Largest order (at least 'order', at most 30) of a flexpage around addr
 * that stays inside [min_addr, max_addr) and keeps addr at the same
 * offset as hotspot; hotspot ~0UL means no growing at all. */
L4_INLINE unsigned char
l4_fpage_max_order(unsigned char order, l4_addr_t addr, l4_addr_t min_addr,
                   l4_addr_t max_addr, l4_addr_t hotspot L4_DEFAULT_PARAM(0)) L4_NOTHROW
{
  for (; order < 30; ++order)
    {
      unsigned next = order + 1u;
      l4_addr_t base = l4_trunc_size(addr, (unsigned char)next);
      l4_addr_t last = base + (1UL << next) - 1;
      if (base < min_addr || last > max_addr - 1)
        break;
      if (hotspot == ~0UL || ((addr ^ hotspot) & ((1UL << next) - 1)))
        break;
    }
  return order;
}

#endif
