/* Message tags, kernel protocol labels and capability-selector helpers. */
#ifndef L4_SYS_TYPES_H
#define L4_SYS_TYPES_H

#include <l4/sys/l4int.h>
#include <l4/sys/compiler.h>
#include <l4/sys/consts.h>

/* Labels of the kernel's own protocols. A kernel object reads the label
 * of a message sent to it as the protocol, and MR0 as the opcode. */
enum L4_msgtag_protocol
{
  L4_PROTO_NONE          = 0,
  L4_PROTO_ALLOW_SYSCALL = 1,   /* reply to an alien's syscall exception */
  L4_PROTO_PF_EXCEPTION  = 1,

  L4_PROTO_IRQ           = -1,
  L4_PROTO_PAGE_FAULT    = -2,
  L4_PROTO_PREEMPTION    = -3,
  L4_PROTO_SYS_EXCEPTION = -4,
  L4_PROTO_EXCEPTION     = -5,
  L4_PROTO_SIGMA0        = -6,
  L4_PROTO_IO_PAGE_FAULT = -8,
  L4_PROTO_THREAD_GROUP  = -9,
  L4_PROTO_KOBJECT       = -10,
  L4_PROTO_TASK          = -11,
  L4_PROTO_THREAD        = -12,
  L4_PROTO_LOG           = -13,
  L4_PROTO_SCHEDULER     = -14,
  L4_PROTO_FACTORY       = -15,
  L4_PROTO_VM            = -16,
  L4_PROTO_DMA_SPACE     = -17,
  L4_PROTO_IRQ_SENDER    = -18,
  L4_PROTO_IRQ_MUX       = -19,
  L4_PROTO_SEMAPHORE     = -20,
  L4_PROTO_META          = -21,
  L4_PROTO_IOMMU         = -22,
  L4_PROTO_DEBUGGER      = -23,
  L4_PROTO_SMCCC         = -24,
  L4_PROTO_VCPU_CONTEXT  = -25,
};

/* Type words of the variable arguments of a factory create request
 * (header word = type | byte length << 16, then the value). */
enum L4_varg_type
{
  L4_VARG_TYPE_NIL    = 0x00,
  L4_VARG_TYPE_UMWORD = 0x01,
  L4_VARG_TYPE_MWORD  = 0x81,
  L4_VARG_TYPE_STRING = 0x02,
  L4_VARG_TYPE_FPAGE  = 0x03,
  L4_VARG_TYPE_SIGN   = 0x80,
};

enum L4_msgtag_flags
{
  L4_MSGTAG_ERROR        = 0x8000,  /* set by the kernel: see TCR error */
  L4_MSGTAG_TRANSFER_FPU = 0x1000,
  L4_MSGTAG_SCHEDULE     = 0x2000,  /* do not donate the time slice */
  L4_MSGTAG_PROPAGATE    = 0x4000,
  L4_MSGTAG_FLAGS        = 0xf000,
};

/* One word: bits 0-5 untyped words, 6-11 typed items, 12-15 flags,
 * 16-63 label (signed). */
typedef struct l4_msgtag_t
{
  l4_mword_t raw;
#ifdef __cplusplus
  long label() const L4_NOTHROW { return raw >> 16; }
  unsigned words() const L4_NOTHROW { return raw & 0x3f; }
  unsigned items() const L4_NOTHROW { return (raw >> 6) & 0x3f; }
  unsigned flags() const L4_NOTHROW { return raw & 0xf000; }
  bool has_error() const L4_NOTHROW { return raw & L4_MSGTAG_ERROR; }
  bool is_page_fault() const L4_NOTHROW { return label() == L4_PROTO_PAGE_FAULT; }
  bool is_exception() const L4_NOTHROW { return label() == L4_PROTO_EXCEPTION; }
#endif
} l4_msgtag_t;

L4_INLINE l4_msgtag_t
l4_msgtag(long label, unsigned words, unsigned items, unsigned flags) L4_NOTHROW
{
  l4_msgtag_t t;
  t.raw = (l4_mword_t)(((l4_umword_t)label << 16)
                       | (l4_umword_t)(words & 0x3f)
                       | ((l4_umword_t)(items & 0x3f) << 6)
                       | (l4_umword_t)(flags & 0xf000));
  return t;
}

/* The arithmetic shift sign-extends, so kernel labels come out negative. */
L4_INLINE long l4_msgtag_label(l4_msgtag_t t) L4_NOTHROW
{ return t.raw >> 16; }

L4_INLINE unsigned l4_msgtag_words(l4_msgtag_t t) L4_NOTHROW
{ return (unsigned)(t.raw & 0x3f); }

L4_INLINE unsigned l4_msgtag_items(l4_msgtag_t t) L4_NOTHROW
{ return (unsigned)((t.raw >> 6) & 0x3f); }

L4_INLINE unsigned l4_msgtag_flags(l4_msgtag_t t) L4_NOTHROW
{ return (unsigned)(t.raw & 0xf000); }

L4_INLINE unsigned l4_msgtag_has_error(l4_msgtag_t t) L4_NOTHROW
{ return (unsigned)(t.raw & L4_MSGTAG_ERROR); }

L4_INLINE unsigned l4_msgtag_is_page_fault(l4_msgtag_t t) L4_NOTHROW
{ return l4_msgtag_label(t) == L4_PROTO_PAGE_FAULT; }

L4_INLINE unsigned l4_msgtag_is_preemption(l4_msgtag_t t) L4_NOTHROW
{ return l4_msgtag_label(t) == L4_PROTO_PREEMPTION; }

L4_INLINE unsigned l4_msgtag_is_sys_exception(l4_msgtag_t t) L4_NOTHROW
{ return l4_msgtag_label(t) == L4_PROTO_SYS_EXCEPTION; }

L4_INLINE unsigned l4_msgtag_is_exception(l4_msgtag_t t) L4_NOTHROW
{ return l4_msgtag_label(t) == L4_PROTO_EXCEPTION; }

L4_INLINE unsigned l4_msgtag_is_sigma0(l4_msgtag_t t) L4_NOTHROW
{ return l4_msgtag_label(t) == L4_PROTO_SIGMA0; }

L4_INLINE unsigned l4_msgtag_is_io_page_fault(l4_msgtag_t t) L4_NOTHROW
{ return l4_msgtag_label(t) == L4_PROTO_IO_PAGE_FAULT; }

/* Capability selectors. */
L4_INLINE unsigned l4_is_invalid_cap(l4_cap_idx_t c) L4_NOTHROW
{ return (unsigned)(c & L4_INVALID_CAP_BIT); }

L4_INLINE unsigned l4_is_valid_cap(l4_cap_idx_t c) L4_NOTHROW
{ return !(c & L4_INVALID_CAP_BIT); }

/* Same slot? The flag bits below L4_CAP_SHIFT do not count. */
L4_INLINE unsigned l4_capability_equal(l4_cap_idx_t c1, l4_cap_idx_t c2) L4_NOTHROW
{ return (c1 >> L4_CAP_SHIFT) == (c2 >> L4_CAP_SHIFT); }

L4_INLINE l4_cap_idx_t l4_capability_next(l4_cap_idx_t c) L4_NOTHROW
{ return c + L4_CAP_OFFSET; }

#include <l4/sys/__l4_fpage.h>
#include <l4/sys/__timeout.h>

#endif
