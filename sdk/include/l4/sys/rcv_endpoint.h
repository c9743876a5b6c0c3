/* Receive endpoints (IPC gates and IRQs): bind to the thread that receives their messages. */
#ifndef L4_SYS_RCV_ENDPOINT_H
#define L4_SYS_RCV_ENDPOINT_H

#include <l4/sys/types.h>
#include <l4/sys/utcb.h>
#include <l4/sys/ipc.h>

/* MR0 opcode (L4_PROTO_KOBJECT) understood by every receive endpoint. */
enum L4_rcv_ep_ops
{
  L4_RCV_EP_BIND_OP = 0x10,
};

/* Messages through ep go to thread and arrive there with label (keep
 * its two low bits zero: the kernel puts the sender's W and S rights
 * there). The thread travels as a map item. */
L4_INLINE l4_msgtag_t
l4_rcv_ep_bind_thread_u(l4_cap_idx_t ep, l4_cap_idx_t thread, l4_umword_t label,
                        l4_utcb_t *utcb) L4_NOTHROW
{
  l4_msg_regs_t *m = l4_utcb_mr_u(utcb);
  m->mr[0] = L4_RCV_EP_BIND_OP;
  m->mr[1] = label;
  m->mr[2] = l4_map_obj_control(0, 0);
  m->mr[3] = l4_obj_fpage(thread, 0, L4_CAP_FPAGE_RWS).raw;
  return l4_ipc_call(ep, utcb, l4_msgtag(L4_PROTO_KOBJECT, 2, 1, 0), L4_IPC_NEVER);
}

L4_INLINE l4_msgtag_t
l4_rcv_ep_bind_thread(l4_cap_idx_t ep, l4_cap_idx_t thread, l4_umword_t label) L4_NOTHROW
{ return l4_rcv_ep_bind_thread_u(ep, thread, label, l4_utcb()); }

#endif
