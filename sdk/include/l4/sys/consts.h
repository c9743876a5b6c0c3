/* Constants of the L4 API: invocation flags, capability selectors, items, pages. */
#ifndef L4_SYS_CONSTS_H
#define L4_SYS_CONSTS_H

#include <l4/sys/compiler.h>
#include <l4/sys/l4int.h>

/* Operation flags, or-ed into the low bits of the destination selector
 * that l4_ipc() hands to the kernel. */
enum l4_syscall_flags_t
{
  L4_SYSF_NONE           = 0x00,
  L4_SYSF_SEND           = 0x01,
  L4_SYSF_RECV           = 0x02,
  L4_SYSF_OPEN_WAIT      = 0x04,  /* receive from any sender */
  L4_SYSF_REPLY          = 0x08,  /* send to the implicit reply capability */
  L4_SYSF_CALL           = 0x03,
  L4_SYSF_WAIT           = 0x06,
  L4_SYSF_SEND_AND_WAIT  = 0x07,
  L4_SYSF_REPLY_AND_WAIT = 0x0e,
};

/* Capability selectors. */
enum l4_cap_consts_t
{
  L4_CAP_SHIFT       = 12,
  L4_CAP_SIZE        = 1 << 12,   /* old name of L4_CAP_OFFSET */
  L4_CAP_OFFSET      = 1 << 12,   /* distance of two neighbouring selectors */
  L4_INVALID_CAP_BIT = 1 << 11,
  L4_REPLY_CAP_BIT   = 1 << 10,
};
/* Values beyond int range are macros so that C and C++ give them the
 * same (unsigned long) type. */
#define L4_CAP_MASK    (~0UL << 10)
#define L4_INVALID_CAP (~0UL << 11)

enum l4_sched_consts_t
{
  L4_SCHED_MIN_PRIO = 0,
  L4_SCHED_MAX_PRIO = 255,
};

/* Unmap flags (the map_mask of l4_task_unmap()). */
#define L4_FP_ALL_SPACES   0x80000000UL  /* also revoke in the invoked task */
#define L4_FP_DELETE_OBJ   0xc0000000UL  /* delete objects (implies ALL_SPACES) */
#define L4_FP_OTHER_SPACES 0x0UL         /* revoke only derived mappings */

/* First word of send items and receive buffers. */
enum l4_msg_item_consts_t
{
  L4_ITEM_MAP                  = 8,
  L4_ITEM_CONT                 = 1,  /* next item goes to the same buffer */
  L4_MAP_ITEM_GRANT            = 2,
  L4_MAP_ITEM_MAP              = 0,
  L4_RCV_ITEM_SINGLE_CAP       = 8 | 2,  /* one-word buffer for one capability */
  L4_RCV_ITEM_LOCAL_ID         = 4,
  L4_RCV_ITEM_FORWARD_MAPPINGS = 1,
};

/* Buffer descriptor (bdr) fields. */
enum l4_buffer_desc_consts_t
{
  L4_BDR_MEM_SHIFT   = 0,
  L4_BDR_IO_SHIFT    = 5,
  L4_BDR_OBJ_SHIFT   = 10,
  L4_BDR_OFFSET_MASK = (1 << 20) - 1,
};

/* Capabilities every initial task finds in its object space. */
enum l4_default_caps_t
{
  L4_BASE_TASK_CAP      = 1 << L4_CAP_SHIFT,
  L4_BASE_FACTORY_CAP   = 2 << L4_CAP_SHIFT,
  L4_BASE_THREAD_CAP    = 3 << L4_CAP_SHIFT,
  L4_BASE_PAGER_CAP     = 4 << L4_CAP_SHIFT,
  L4_BASE_LOG_CAP       = 5 << L4_CAP_SHIFT,
  L4_BASE_ICU_CAP       = 6 << L4_CAP_SHIFT,
  L4_BASE_SCHEDULER_CAP = 7 << L4_CAP_SHIFT,
  L4_BASE_IOMMU_CAP     = 8 << L4_CAP_SHIFT,
  L4_BASE_DEBUGGER_CAP  = 10 << L4_CAP_SHIFT,
  L4_BASE_ARM_SMCCC_CAP = 11 << L4_CAP_SHIFT,
  L4_BASE_CAPS_LAST     = 11 << L4_CAP_SHIFT,
};

/* Pages. */
#define L4_PAGESHIFT          12
#define L4_SUPERPAGESHIFT     21
#define L4_PAGESIZE           (1UL << L4_PAGESHIFT)
#define L4_PAGEMASK           (~(L4_PAGESIZE - 1))
#define L4_LOG2_PAGESIZE      L4_PAGESHIFT
#define L4_SUPERPAGESIZE      (1UL << L4_SUPERPAGESHIFT)
#define L4_SUPERPAGEMASK      (~(L4_SUPERPAGESIZE - 1))
#define L4_LOG2_SUPERPAGESIZE L4_SUPERPAGESHIFT

#define L4_INVALID_ADDR       (~0UL)
#define L4_INVALID_PTR        ((void *)L4_INVALID_ADDR)

/* Older L4 code uses NULL without including <stddef.h>. */
#ifndef NULL
#  ifdef __cplusplus
#    define NULL 0
#  else
#    define NULL ((void *)0)
#  endif
#endif

L4_INLINE l4_addr_t l4_trunc_page(l4_addr_t address) L4_NOTHROW
{ return address & L4_PAGEMASK; }

L4_INLINE l4_addr_t l4_round_page(l4_addr_t address) L4_NOTHROW
{ return (address + L4_PAGESIZE - 1) & L4_PAGEMASK; }

/* Round down / up to a multiple of 2^bits. */
L4_INLINE l4_addr_t l4_trunc_size(l4_addr_t address, unsigned char bits) L4_NOTHROW
{ return address & (~0UL << bits); }

L4_INLINE l4_addr_t l4_round_size(l4_addr_t value, unsigned char bits) L4_NOTHROW
{ return (value + (1UL << bits) - 1) & (~0UL << bits); }

/* Number of machine words needed to hold size bytes. */
L4_INLINE unsigned l4_bytes_to_mwords(unsigned size) L4_NOTHROW
{ return (unsigned)((size + sizeof(l4_umword_t) - 1) / sizeof(l4_umword_t)); }

#endif
