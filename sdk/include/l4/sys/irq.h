/* IRQ objects: trigger, wait for and acknowledge interrupts (also used as doorbells). */
#ifndef L4_SYS_IRQ_H
#define L4_SYS_IRQ_H

#include <l4/sys/types.h>
#include <l4/sys/utcb.h>
#include <l4/sys/ipc.h>
#include <l4/sys/kernel_object.h>
#include <l4/sys/rcv_endpoint.h>

/* MR0 opcodes of L4_PROTO_IRQ_SENDER. */
enum L4_irq_sender_op
{
  L4_IRQ_SENDER_OP_ATTACH    = 0,  /* old; use l4_rcv_ep_bind_thread() */
  L4_IRQ_SENDER_OP_RESERVED1 = 0,
  L4_IRQ_SENDER_OP_DETACH    = 1,
  L4_IRQ_SENDER_OP_BIND_VCPU = 2,
};

enum L4_irq_mux_op
{
  L4_IRQ_MUX_OP_CHAIN = 0,
};

/* MR0 opcodes of L4_PROTO_IRQ. */
enum L4_irq_op
{
  L4_IRQ_OP_TRIGGER = 2,
  L4_IRQ_OP_EOI     = 4,
};

/* Unbind the IRQ from its thread. */
L4_INLINE l4_msgtag_t l4_irq_detach_u(l4_cap_idx_t irq, l4_utcb_t *utcb) L4_NOTHROW
{
  l4_utcb_mr_u(utcb)->mr[0] = L4_IRQ_SENDER_OP_DETACH;
  return l4_ipc_call(irq, utcb, l4_msgtag(L4_PROTO_IRQ_SENDER, 1, 0, 0), L4_IPC_NEVER);
}

L4_INLINE l4_msgtag_t l4_irq_detach(l4_cap_idx_t irq) L4_NOTHROW
{ return l4_irq_detach_u(irq, l4_utcb()); }

/* Send-only and zero words: an empty L4_PROTO_IRQ message is "trigger".
 * Check with l4_ipc_error(), not l4_error(): there is no reply label. */
L4_INLINE l4_msgtag_t l4_irq_trigger_u(l4_cap_idx_t irq, l4_utcb_t *utcb) L4_NOTHROW
{
  return l4_ipc_send(irq, utcb, l4_msgtag(L4_PROTO_IRQ, 0, 0, 0),
                     L4_IPC_BOTH_TIMEOUT_0);
}

L4_INLINE l4_msgtag_t l4_irq_trigger(l4_cap_idx_t irq) L4_NOTHROW
{ return l4_irq_trigger_u(irq, l4_utcb()); }

/* Unmask, then wait for this IRQ only (a call to the IRQ object). */
L4_INLINE l4_msgtag_t
l4_irq_receive_u(l4_cap_idx_t irq, l4_timeout_t to, l4_utcb_t *utcb) L4_NOTHROW
{
  l4_utcb_mr_u(utcb)->mr[0] = L4_IRQ_OP_EOI;
  return l4_ipc_call(irq, utcb, l4_msgtag(L4_PROTO_IRQ, 1, 0, 0), to);
}

L4_INLINE l4_msgtag_t l4_irq_receive(l4_cap_idx_t irq, l4_timeout_t to) L4_NOTHROW
{ return l4_irq_receive_u(irq, to, l4_utcb()); }

/* Unmask, then wait for any message; *label tells who sent it. */
L4_INLINE l4_msgtag_t
l4_irq_wait_u(l4_cap_idx_t irq, l4_umword_t *label, l4_timeout_t to,
              l4_utcb_t *utcb) L4_NOTHROW
{
  l4_utcb_mr_u(utcb)->mr[0] = L4_IRQ_OP_EOI;
  return l4_ipc_send_and_wait(irq, utcb, l4_msgtag(L4_PROTO_IRQ, 1, 0, 0), label, to);
}

L4_INLINE l4_msgtag_t
l4_irq_wait(l4_cap_idx_t irq, l4_umword_t *label, l4_timeout_t to) L4_NOTHROW
{ return l4_irq_wait_u(irq, label, to, l4_utcb()); }

/* Unmask only (send-only). */
L4_INLINE l4_msgtag_t l4_irq_unmask_u(l4_cap_idx_t irq, l4_utcb_t *utcb) L4_NOTHROW
{
  l4_utcb_mr_u(utcb)->mr[0] = L4_IRQ_OP_EOI;
  return l4_ipc_send(irq, utcb, l4_msgtag(L4_PROTO_IRQ, 1, 0, 0), L4_IPC_NEVER);
}

L4_INLINE l4_msgtag_t l4_irq_unmask(l4_cap_idx_t irq) L4_NOTHROW
{ return l4_irq_unmask_u(irq, l4_utcb()); }

/* Older way to attach: bind the IRQ to thread (or, with an invalid
 * thread, to the caller) with label. */
L4_INLINE l4_msgtag_t
l4_irq_attach_u(l4_cap_idx_t irq, l4_umword_t label, l4_cap_idx_t thread,
                l4_utcb_t *utcb) L4_NOTHROW
{
  l4_msg_regs_t *m = l4_utcb_mr_u(utcb);
  unsigned items = 0;
  m->mr[0] = L4_IRQ_SENDER_OP_ATTACH;
  m->mr[1] = label;
  if (l4_is_valid_cap(thread))
    {
      m->mr[2] = l4_map_obj_control(0, 0);
      m->mr[3] = l4_obj_fpage(thread, 0, L4_CAP_FPAGE_RWS).raw;
      items = 1;
    }
  return l4_ipc_call(irq, utcb, l4_msgtag(L4_PROTO_IRQ_SENDER, 2, items, 0), L4_IPC_NEVER);
}

L4_INLINE l4_msgtag_t
l4_irq_attach(l4_cap_idx_t irq, l4_umword_t label, l4_cap_idx_t thread) L4_NOTHROW
{ return l4_irq_attach_u(irq, label, thread, l4_utcb()); }

#endif
