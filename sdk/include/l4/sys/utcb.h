/* The UTCB (per-thread virtual registers: MRs, BRs, TCRs), amd64 layout. */
#ifndef L4_SYS_UTCB_H
#define L4_SYS_UTCB_H

#include <l4/sys/compiler.h>
#include <l4/sys/l4int.h>
#include <l4/sys/types.h>

/* Layout in words: MR0-62 at 0, bdr at 64, BR0-57 at 65, TCRs at 123;
 * 1024 bytes in all. Exception state overlays the MRs. */
#define L4_UTCB_EXCEPTION_REGS_SIZE  26
#define L4_UTCB_GENERIC_DATA_SIZE    63
#define L4_UTCB_GENERIC_BUFFERS_SIZE 58
#define L4_UTCB_MSG_REGS_OFFSET      0
#define L4_UTCB_BUF_REGS_OFFSET      (64 * sizeof(l4_umword_t))
#define L4_UTCB_THREAD_REGS_OFFSET   (123 * sizeof(l4_umword_t))
#define L4_UTCB_INHERIT_FPU          (1UL << 24)
#define L4_UTCB_OFFSET               1024

/* Opaque: reach its parts only through l4_utcb_mr/br/tcr/exc(). */
typedef struct l4_utcb_t l4_utcb_t;

/* Register state in an exception message (and in its full reply). */
typedef struct l4_exc_regs_t
{
  l4_umword_t r15, r14, r13, r12, r11, r10, r9, r8;
  l4_umword_t rdi, rsi, rbp;
  l4_umword_t pfa;       /* page-fault address */
  l4_umword_t rbx, rdx, rcx, rax;
  l4_umword_t trapno;
  l4_umword_t err;       /* CPU error code */
  l4_umword_t ip;
  l4_umword_t dummy1;    /* cs */
  l4_umword_t flags;
  l4_umword_t sp;
  l4_umword_t ss;
  l4_umword_t fs_base;
  l4_umword_t gs_base;
  l4_uint16_t ds, es, fs, gs;
} l4_exc_regs_t;

typedef union l4_msg_regs_t
{
  l4_umword_t mr[L4_UTCB_GENERIC_DATA_SIZE];
  l4_uint64_t mr64[L4_UTCB_GENERIC_DATA_SIZE];
} l4_msg_regs_t;

typedef struct l4_buf_regs_t
{
  l4_umword_t bdr;   /* first mem/io/obj buffer index and flags, see l4_bdr() */
  l4_umword_t br[L4_UTCB_GENERIC_BUFFERS_SIZE];
} l4_buf_regs_t;

typedef struct l4_thread_regs_t
{
  l4_umword_t error;        /* IPC error code when the tag has L4_MSGTAG_ERROR */
  l4_umword_t free_marker;  /* cleared by the kernel once the UTCB is unused */
  l4_umword_t user[3];      /* free for the program; the kernel keeps them */
} l4_thread_regs_t;

L4_BEGIN_DECLS
/* Out of line (weak, in libl4sys) so a program can replace it; used by
 * l4_utcb() when L4SYS_USE_UTCB_WRAP is defined. */
L4_CV l4_utcb_t *l4_utcb_wrap(void) L4_NOTHROW L4_PURE;
L4_END_DECLS

/* As on Fiasco/amd64, %gs:0 holds the address of the running thread's UTCB. */
L4_INLINE L4_PURE l4_utcb_t *l4_utcb_direct(void) L4_NOTHROW
{
  l4_utcb_t *u;
  __asm__("mov %%gs:0, %0" : "=r"(u));
  return u;
}

L4_INLINE L4_PURE l4_utcb_t *l4_utcb(void) L4_NOTHROW
{
#ifdef L4SYS_USE_UTCB_WRAP
  return l4_utcb_wrap();
#else
  return l4_utcb_direct();
#endif
}

L4_INLINE l4_msg_regs_t *l4_utcb_mr_u(l4_utcb_t *u) L4_NOTHROW
{ return (l4_msg_regs_t *)((char *)u + L4_UTCB_MSG_REGS_OFFSET); }

L4_INLINE l4_buf_regs_t *l4_utcb_br_u(l4_utcb_t *u) L4_NOTHROW
{ return (l4_buf_regs_t *)((char *)u + L4_UTCB_BUF_REGS_OFFSET); }

L4_INLINE l4_thread_regs_t *l4_utcb_tcr_u(l4_utcb_t *u) L4_NOTHROW
{ return (l4_thread_regs_t *)((char *)u + L4_UTCB_THREAD_REGS_OFFSET); }

L4_INLINE l4_exc_regs_t *l4_utcb_exc_u(l4_utcb_t *u) L4_NOTHROW
{ return (l4_exc_regs_t *)((char *)u + L4_UTCB_MSG_REGS_OFFSET); }

L4_INLINE l4_msg_regs_t *l4_utcb_mr(void) L4_NOTHROW
{ return l4_utcb_mr_u(l4_utcb()); }

L4_INLINE l4_buf_regs_t *l4_utcb_br(void) L4_NOTHROW
{ return l4_utcb_br_u(l4_utcb()); }

L4_INLINE l4_thread_regs_t *l4_utcb_tcr(void) L4_NOTHROW
{ return l4_utcb_tcr_u(l4_utcb()); }

L4_INLINE l4_exc_regs_t *l4_utcb_exc(void) L4_NOTHROW
{ return l4_utcb_exc_u(l4_utcb()); }

L4_INLINE void l4_utcb_inherit_fpu_u(l4_utcb_t *u, int switch_on) L4_NOTHROW
{
  if (switch_on)
    l4_utcb_br_u(u)->bdr |= L4_UTCB_INHERIT_FPU;
  else
    l4_utcb_br_u(u)->bdr &= ~L4_UTCB_INHERIT_FPU;
}

L4_INLINE void l4_utcb_inherit_fpu(int switch_on) L4_NOTHROW
{ l4_utcb_inherit_fpu_u(l4_utcb(), switch_on); }

/* Buffer descriptor: index of the first memory, I/O and object buffer
 * register; flags are given already shifted (bits 24-31). */
L4_INLINE l4_umword_t
l4_bdr(l4_umword_t mem, l4_umword_t io, l4_umword_t obj, l4_umword_t flags) L4_NOTHROW
{
  return (mem << L4_BDR_MEM_SHIFT) | (io << L4_BDR_IO_SHIFT)
         | (obj << L4_BDR_OBJ_SHIFT) | flags;
}

/* Absolute timeout: the point in time goes into buffer register br, the
 * returned timeout only names that register. */
L4_INLINE l4_timeout_s
l4_timeout_abs_u(l4_kernel_clock_t pint, int br, l4_utcb_t *utcb) L4_NOTHROW
{
  l4_timeout_s to;
  l4_utcb_br_u(utcb)->br[br] = pint;   /* one 64-bit word on amd64 */
  to.t = (l4_uint16_t)(0x8000 | (br & 0x3f));
  return to;
}

L4_INLINE l4_timeout_s l4_timeout_abs(l4_kernel_clock_t pint, int br) L4_NOTHROW
{ return l4_timeout_abs_u(pint, br, l4_utcb()); }

/* On a 64-bit machine a word already is 64 bits. */
L4_INLINE unsigned l4_utcb_mr64_idx(unsigned idx) L4_NOTHROW
{ return idx; }

/* Exception state. */
L4_INLINE l4_umword_t l4_utcb_exc_pc(l4_exc_regs_t const *u) L4_NOTHROW
{ return u->ip; }

L4_INLINE void l4_utcb_exc_pc_set(l4_exc_regs_t *u, l4_addr_t pc) L4_NOTHROW
{ u->ip = pc; }

L4_INLINE unsigned long l4_utcb_exc_typeval(l4_exc_regs_t const *u) L4_NOTHROW
{ return u->trapno; }

L4_INLINE int l4_utcb_exc_is_pf(l4_exc_regs_t const *u) L4_NOTHROW
{ return u->trapno == 14; }

/* Fault address in L4 page-fault style: bit 1 set for a write access. */
L4_INLINE l4_addr_t l4_utcb_exc_pfa(l4_exc_regs_t const *u) L4_NOTHROW
{ return (u->pfa & ~7UL) | (u->err & 2); }

/* Trap number 0xff marks an exception forced by ex_regs. */
L4_INLINE int l4_utcb_exc_is_ex_regs_exception(l4_exc_regs_t const *u) L4_NOTHROW
{ return l4_utcb_exc_typeval(u) == 0xff; }

#endif
