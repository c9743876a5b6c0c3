/* IPC: the one system call l4_ipc() and the send/receive/call flavours built on it. */
#ifndef L4_SYS_IPC_H
#define L4_SYS_IPC_H

#include <l4/sys/types.h>
#include <l4/sys/utcb.h>
#include <l4/sys/err.h>
#include <l4/sys/__umol4_abi.h>

/* IPC error codes in the TCR error field; bit 0 set = receive phase. */
enum l4_ipc_tcr_error_t
{
  L4_IPC_ERROR_MASK    = 0x1f,
  L4_IPC_SND_ERR_MASK  = 0x01,

  L4_IPC_ENOT_EXISTENT = 0x04,
  L4_IPC_RETIMEOUT     = 0x03,
  L4_IPC_SETIMEOUT     = 0x02,
  L4_IPC_RECANCELED    = 0x07,
  L4_IPC_SECANCELED    = 0x06,
  L4_IPC_REMAPFAILED   = 0x11,
  L4_IPC_SEMAPFAILED   = 0x10,
  L4_IPC_RESNDPFTO     = 0x0b,
  L4_IPC_SESNDPFTO     = 0x0a,
  L4_IPC_RERCVPFTO     = 0x0d,
  L4_IPC_SERCVPFTO     = 0x0c,
  L4_IPC_REABORTED     = 0x0f,
  L4_IPC_SEABORTED     = 0x0e,
  L4_IPC_REMSGCUT      = 0x09,
  L4_IPC_SEMSGCUT      = 0x08,
};

/* The system call. dest | flags selects object and operation, slabel is
 * the label the receiver sees (ignored when sending through an IPC gate),
 * *rlabel gets the sender's label. The UTCB is not passed: the kernel
 * knows each thread's UTCB, the argument only exists for the C API.
 *
 * umol4 reaches the kernel through a call to the entry at
 * UMOL4_SYSCALL_ENTRY (see __umol4_abi.h) instead of `syscall`, with the
 * same registers. The entry is not a C function: it preserves only
 * rbx, rbp, r12-r14, rsp and all vector/FPU state, so everything else it
 * may touch is listed as clobbered, and the caller steps over the red
 * zone because the call pushes a return address below rsp. */
L4_ALWAYS_INLINE l4_msgtag_t
l4_ipc(l4_cap_idx_t dest, l4_utcb_t *utcb, l4_umword_t flags,
       l4_umword_t slabel, l4_msgtag_t tag, l4_umword_t *rlabel,
       l4_timeout_t timeout) L4_NOTHROW
{
  l4_umword_t dest_flags = dest | flags;
  register l4_umword_t to __asm__("r8") = timeout.raw;
  (void)utcb;

  __asm__ __volatile__(
      "lea -128(%%rsp), %%rsp\n\t"
      "movabs %[entry], %%rcx\n\t"
      "call *%%rcx\n\t"
      "lea 128(%%rsp), %%rsp"
      : "+a"(tag.raw), "+S"(slabel), "+d"(dest_flags), "+r"(to)
      : [entry] "i"(UMOL4_SYSCALL_ENTRY)
      : "rcx", "rdi", "r9", "r10", "r11", "r15", "memory", "cc");

  if (rlabel)
    *rlabel = slabel;
  return tag;
}

L4_INLINE l4_msgtag_t
l4_ipc_call(l4_cap_idx_t object, l4_utcb_t *utcb, l4_msgtag_t tag,
            l4_timeout_t timeout) L4_NOTHROW
{ return l4_ipc(object, utcb, L4_SYSF_CALL, 0, tag, 0, timeout); }

L4_INLINE l4_msgtag_t
l4_ipc_send(l4_cap_idx_t dest, l4_utcb_t *utcb, l4_msgtag_t tag,
            l4_timeout_t timeout) L4_NOTHROW
{ return l4_ipc(dest, utcb, L4_SYSF_SEND, 0, tag, 0, timeout); }

/* Closed receive from one object. */
L4_INLINE l4_msgtag_t
l4_ipc_receive(l4_cap_idx_t object, l4_utcb_t *utcb, l4_timeout_t timeout) L4_NOTHROW
{ return l4_ipc(object, utcb, L4_SYSF_RECV, 0, l4_msgtag(0, 0, 0, 0), 0, timeout); }

/* Open receive from any sender. */
L4_INLINE l4_msgtag_t
l4_ipc_wait(l4_utcb_t *utcb, l4_umword_t *label, l4_timeout_t timeout) L4_NOTHROW
{
  return l4_ipc(L4_INVALID_CAP, utcb, L4_SYSF_WAIT, 0, l4_msgtag(0, 0, 0, 0),
                label, timeout);
}

/* The server's operation: answer the last caller, then wait for anyone. */
L4_INLINE l4_msgtag_t
l4_ipc_reply_and_wait(l4_utcb_t *utcb, l4_msgtag_t tag, l4_umword_t *label,
                      l4_timeout_t timeout) L4_NOTHROW
{ return l4_ipc(L4_INVALID_CAP, utcb, L4_SYSF_REPLY_AND_WAIT, 0, tag, label, timeout); }

L4_INLINE l4_msgtag_t
l4_ipc_send_and_wait(l4_cap_idx_t dest, l4_utcb_t *utcb, l4_msgtag_t tag,
                     l4_umword_t *label, l4_timeout_t timeout) L4_NOTHROW
{ return l4_ipc(dest, utcb, L4_SYSF_SEND_AND_WAIT, 0, tag, label, timeout); }

/* Sleeping is a receive from the invalid capability (the thread itself),
 * which nobody can send to, so it always ends with L4_IPC_RETIMEOUT
 * (or L4_IPC_RECANCELED when ex_regs cancels it). */
L4_INLINE l4_msgtag_t l4_ipc_sleep(l4_timeout_t timeout) L4_NOTHROW
{ return l4_ipc_receive(L4_INVALID_CAP, 0, timeout); }

L4_INLINE l4_msgtag_t l4_ipc_sleep_us(l4_uint64_t us) L4_NOTHROW
{ return l4_ipc_sleep(l4_timeout(L4_IPC_TIMEOUT_NEVER, l4_timeout_from_us(us))); }

L4_INLINE l4_msgtag_t l4_ipc_sleep_ms(l4_uint32_t ms) L4_NOTHROW
{ return l4_ipc_sleep_us(ms * 1000ULL); }

/* Error decoding. */
L4_INLINE long l4_ipc_to_errno(unsigned long ipc_error_code) L4_NOTHROW
{ return -(long)(L4_EIPC_LO + ipc_error_code); }

L4_INLINE l4_umword_t l4_ipc_error(l4_msgtag_t tag, l4_utcb_t *utcb) L4_NOTHROW
{
  if (!l4_msgtag_has_error(tag))
    return 0;
  return l4_utcb_tcr_u(utcb)->error & L4_IPC_ERROR_MASK;
}

L4_INLINE int l4_ipc_error_code(l4_utcb_t *utcb) L4_NOTHROW
{ return (int)(l4_utcb_tcr_u(utcb)->error & L4_IPC_ERROR_MASK); }

L4_INLINE int l4_ipc_is_snd_error(l4_utcb_t *utcb) L4_NOTHROW
{ return (l4_utcb_tcr_u(utcb)->error & L4_IPC_SND_ERR_MASK) == 0; }

L4_INLINE int l4_ipc_is_rcv_error(l4_utcb_t *utcb) L4_NOTHROW
{ return (int)(l4_utcb_tcr_u(utcb)->error & L4_IPC_SND_ERR_MASK); }

/* The IPC error as -(L4_EIPC_LO + code), otherwise the reply's label:
 * by convention servers answer errors with a negative label. */
L4_INLINE long l4_error_u(l4_msgtag_t tag, l4_utcb_t *utcb) L4_NOTHROW
{
  if (l4_msgtag_has_error(tag))
    return l4_ipc_to_errno(l4_utcb_tcr_u(utcb)->error & L4_IPC_ERROR_MASK);
  return l4_msgtag_label(tag);
}

L4_INLINE long l4_error(l4_msgtag_t tag) L4_NOTHROW
{ return l4_error_u(tag, l4_utcb()); }

/* Append a send item behind the words and items already in *tag. */
L4_INLINE int
l4_sndfpage_add_u(l4_fpage_t const snd_fpage, unsigned long snd_base,
                  l4_msgtag_t *tag, l4_utcb_t *utcb) L4_NOTHROW
{
  l4_msg_regs_t *v = l4_utcb_mr_u(utcb);
  unsigned i = l4_msgtag_words(*tag) + 2 * l4_msgtag_items(*tag);

  if (i >= L4_UTCB_GENERIC_DATA_SIZE - 1)
    return -L4_ENOMEM;

  v->mr[i]     = snd_base | L4_ITEM_MAP | L4_ITEM_CONT;
  v->mr[i + 1] = snd_fpage.raw;
  *tag = l4_msgtag(l4_msgtag_label(*tag), l4_msgtag_words(*tag),
                   l4_msgtag_items(*tag) + 1, l4_msgtag_flags(*tag));
  return 0;
}

L4_INLINE int
l4_sndfpage_add(l4_fpage_t const snd_fpage, unsigned long snd_base,
                l4_msgtag_t *tag) L4_NOTHROW
{ return l4_sndfpage_add_u(snd_fpage, snd_base, tag, l4_utcb()); }

#endif
