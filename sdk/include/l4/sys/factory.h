/* Factory objects: create tasks, threads, IPC gates, IRQs, factories and other objects. */
#ifndef L4_SYS_FACTORY_H
#define L4_SYS_FACTORY_H

#include <l4/sys/types.h>
#include <l4/sys/utcb.h>
#include <l4/sys/ipc.h>

/* A create request is MR0 = protocol of the new object, followed by
 * typed arguments (header word type | byte length << 16, then the value
 * words). The new capability comes back as a map item into the
 * one-capability receive buffer br[0] = target | L4_RCV_ITEM_SINGLE_CAP.
 *
 * Build it with start, add_* and commit; the add functions return 1 when
 * the argument fit into the MRs and 0 when it did not. */

L4_INLINE l4_msgtag_t
l4_factory_create_start_u(long obj, l4_cap_idx_t target, l4_utcb_t *u) L4_NOTHROW
{
  l4_msg_regs_t *v = l4_utcb_mr_u(u);
  l4_buf_regs_t *b = l4_utcb_br_u(u);
  v->mr[0] = (l4_umword_t)obj;
  b->bdr   = 0;
  b->br[0] = target | L4_RCV_ITEM_SINGLE_CAP;
  return l4_msgtag(L4_PROTO_FACTORY, 1, 0, 0);
}

/* Replace the word count of tag, keep label, items and flags. */
L4_INLINE void l4_factory_set_words_(l4_msgtag_t *tag, unsigned words) L4_NOTHROW
{ tag->raw = (tag->raw & ~(l4_mword_t)0x3f) | (l4_mword_t)(words & 0x3f); }

/* Append a one-word argument of the given type. */
L4_INLINE int
l4_factory_add_word_(unsigned type, l4_umword_t value, l4_msgtag_t *tag,
                     l4_utcb_t *u) L4_NOTHROW
{
  l4_msg_regs_t *v = l4_utcb_mr_u(u);
  unsigned w = l4_msgtag_words(*tag);
  if (w + 2 > L4_UTCB_GENERIC_DATA_SIZE)
    return 0;
  v->mr[w]     = type | (sizeof(l4_umword_t) << 16);
  v->mr[w + 1] = value;
  l4_factory_set_words_(tag, w + 2);
  return 1;
}

L4_INLINE int
l4_factory_create_add_fpage_u(l4_fpage_t d, l4_msgtag_t *tag, l4_utcb_t *u) L4_NOTHROW
{ return l4_factory_add_word_(L4_VARG_TYPE_FPAGE, d.raw, tag, u); }

L4_INLINE int
l4_factory_create_add_int_u(l4_mword_t d, l4_msgtag_t *tag, l4_utcb_t *u) L4_NOTHROW
{ return l4_factory_add_word_(L4_VARG_TYPE_MWORD, (l4_umword_t)d, tag, u); }

L4_INLINE int
l4_factory_create_add_uint_u(l4_umword_t d, l4_msgtag_t *tag, l4_utcb_t *u) L4_NOTHROW
{ return l4_factory_add_word_(L4_VARG_TYPE_UMWORD, d, tag, u); }

/* len bytes of s, padded to whole words; the header holds len. */
L4_INLINE int
l4_factory_create_add_lstr_u(char const *s, unsigned len, l4_msgtag_t *tag,
                             l4_utcb_t *u) L4_NOTHROW
{
  l4_msg_regs_t *v = l4_utcb_mr_u(u);
  unsigned w = l4_msgtag_words(*tag);
  if (w + 1 + l4_bytes_to_mwords(len) > L4_UTCB_GENERIC_DATA_SIZE)
    return 0;
  v->mr[w] = L4_VARG_TYPE_STRING | ((l4_umword_t)len << 16);
  __builtin_memcpy(&v->mr[w + 1], s, len);
  l4_factory_set_words_(tag, w + 1 + l4_bytes_to_mwords(len));
  return 1;
}

/* The terminating NUL is sent as part of the string. */
L4_INLINE int
l4_factory_create_add_str_u(char const *s, l4_msgtag_t *tag, l4_utcb_t *u) L4_NOTHROW
{ return l4_factory_create_add_lstr_u(s, (unsigned)__builtin_strlen(s) + 1, tag, u); }

/* A nil argument is a lone header word. */
L4_INLINE int l4_factory_create_add_nil_u(l4_msgtag_t *tag, l4_utcb_t *u) L4_NOTHROW
{
  unsigned w = l4_msgtag_words(*tag);
  if (w + 1 > L4_UTCB_GENERIC_DATA_SIZE)
    return 0;
  l4_utcb_mr_u(u)->mr[w] = L4_VARG_TYPE_NIL;
  l4_factory_set_words_(tag, w + 1);
  return 1;
}

L4_INLINE l4_msgtag_t
l4_factory_create_commit_u(l4_cap_idx_t factory, l4_msgtag_t tag, l4_utcb_t *u) L4_NOTHROW
{ return l4_ipc_call(factory, u, tag, L4_IPC_NEVER); }

/* Objects without arguments: thread, IRQ, VM, semaphore, ... */
L4_INLINE l4_msgtag_t
l4_factory_create_u(l4_cap_idx_t factory, long obj, l4_cap_idx_t target,
                    l4_utcb_t *u) L4_NOTHROW
{ return l4_factory_create_commit_u(factory, l4_factory_create_start_u(obj, target, u), u); }

L4_INLINE l4_msgtag_t
l4_factory_create(l4_cap_idx_t factory, long obj, l4_cap_idx_t target) L4_NOTHROW
{ return l4_factory_create_u(factory, obj, target, l4_utcb()); }

/* A task; utcb_area is its first kernel-user memory (for UTCBs). */
L4_INLINE l4_msgtag_t
l4_factory_create_task_u(l4_cap_idx_t factory, l4_cap_idx_t target_cap,
                         l4_fpage_t utcb_area, l4_utcb_t *u) L4_NOTHROW
{
  l4_msgtag_t t = l4_factory_create_start_u(L4_PROTO_TASK, target_cap, u);
  l4_factory_create_add_fpage_u(utcb_area, &t, u);
  return l4_factory_create_commit_u(factory, t, u);
}

L4_INLINE l4_msgtag_t
l4_factory_create_task(l4_cap_idx_t factory, l4_cap_idx_t target_cap,
                       l4_fpage_t utcb_area) L4_NOTHROW
{ return l4_factory_create_task_u(factory, target_cap, utcb_area, l4_utcb()); }

L4_INLINE l4_msgtag_t
l4_factory_create_thread_u(l4_cap_idx_t factory, l4_cap_idx_t target_cap,
                           l4_utcb_t *u) L4_NOTHROW
{ return l4_factory_create_u(factory, L4_PROTO_THREAD, target_cap, u); }

L4_INLINE l4_msgtag_t
l4_factory_create_thread(l4_cap_idx_t factory, l4_cap_idx_t target_cap) L4_NOTHROW
{ return l4_factory_create_thread_u(factory, target_cap, l4_utcb()); }

/* A factory that may hand out at most limit bytes of kernel memory. */
L4_INLINE l4_msgtag_t
l4_factory_create_factory_u(l4_cap_idx_t factory, l4_cap_idx_t target_cap,
                            unsigned long limit, l4_utcb_t *u) L4_NOTHROW
{
  l4_msgtag_t t = l4_factory_create_start_u(L4_PROTO_FACTORY, target_cap, u);
  l4_factory_create_add_uint_u(limit, &t, u);
  return l4_factory_create_commit_u(factory, t, u);
}

L4_INLINE l4_msgtag_t
l4_factory_create_factory(l4_cap_idx_t factory, l4_cap_idx_t target_cap,
                          unsigned long limit) L4_NOTHROW
{ return l4_factory_create_factory_u(factory, target_cap, limit, l4_utcb()); }

/* An IPC gate (protocol 0) with label; if thread_cap is valid the gate
 * is bound to it at once: the thread goes as map item in MR3/MR4. */
L4_INLINE l4_msgtag_t
l4_factory_create_gate_u(l4_cap_idx_t factory, l4_cap_idx_t target_cap,
                         l4_cap_idx_t thread_cap, l4_umword_t label,
                         l4_utcb_t *u) L4_NOTHROW
{
  l4_msgtag_t t = l4_factory_create_start_u(0, target_cap, u);
  unsigned items = 0;
  l4_factory_create_add_uint_u(label, &t, u);
  if (l4_is_valid_cap(thread_cap))
    {
      l4_msg_regs_t *v = l4_utcb_mr_u(u);
      v->mr[3] = l4_map_obj_control(0, 0);
      v->mr[4] = l4_obj_fpage(thread_cap, 0, L4_CAP_FPAGE_RWS).raw;
      items = 1;
    }
  t = l4_msgtag(l4_msgtag_label(t), l4_msgtag_words(t), items, l4_msgtag_flags(t));
  return l4_factory_create_commit_u(factory, t, u);
}

L4_INLINE l4_msgtag_t
l4_factory_create_gate(l4_cap_idx_t factory, l4_cap_idx_t target_cap,
                       l4_cap_idx_t thread_cap, l4_umword_t label) L4_NOTHROW
{ return l4_factory_create_gate_u(factory, target_cap, thread_cap, label, l4_utcb()); }

L4_INLINE l4_msgtag_t
l4_factory_create_irq_u(l4_cap_idx_t factory, l4_cap_idx_t target_cap, l4_utcb_t *u) L4_NOTHROW
{ return l4_factory_create_u(factory, L4_PROTO_IRQ_SENDER, target_cap, u); }

L4_INLINE l4_msgtag_t
l4_factory_create_irq(l4_cap_idx_t factory, l4_cap_idx_t target_cap) L4_NOTHROW
{ return l4_factory_create_irq_u(factory, target_cap, l4_utcb()); }

L4_INLINE l4_msgtag_t
l4_factory_create_vm_u(l4_cap_idx_t factory, l4_cap_idx_t target_cap, l4_utcb_t *u) L4_NOTHROW
{ return l4_factory_create_u(factory, L4_PROTO_VM, target_cap, u); }

L4_INLINE l4_msgtag_t
l4_factory_create_vm(l4_cap_idx_t factory, l4_cap_idx_t target_cap) L4_NOTHROW
{ return l4_factory_create_vm_u(factory, target_cap, l4_utcb()); }

#endif
