/* IPC gates: bind a gate to its server thread, read back the gate's label. */
#ifndef L4_SYS_IPC_GATE_H
#define L4_SYS_IPC_GATE_H

#include <l4/sys/types.h>
#include <l4/sys/utcb.h>
#include <l4/sys/ipc.h>
#include <l4/sys/rcv_endpoint.h>

/* MR0 opcodes (L4_PROTO_KOBJECT). They reach the gate itself only
 * through a capability with the S right (the server's); sent through
 * any other capability they are ordinary messages to the server. */
enum L4_ipc_gate_ops
{
  L4_IPC_GATE_BIND_OP     = 0x10,
  L4_IPC_GATE_GET_INFO_OP = 0x11,
};

/* Older name of l4_rcv_ep_bind_thread(); same message. */
L4_INLINE l4_msgtag_t
l4_ipc_gate_bind_thread_u(l4_cap_idx_t gate, l4_cap_idx_t thread, l4_umword_t label,
                          l4_utcb_t *utcb) L4_NOTHROW
{ return l4_rcv_ep_bind_thread_u(gate, thread, label, utcb); }

L4_INLINE l4_msgtag_t
l4_ipc_gate_bind_thread(l4_cap_idx_t gate, l4_cap_idx_t thread, l4_umword_t label) L4_NOTHROW
{ return l4_rcv_ep_bind_thread_u(gate, thread, label, l4_utcb()); }

/* The reply's MR0 is the gate's label. */
L4_INLINE l4_msgtag_t
l4_ipc_gate_get_infos_u(l4_cap_idx_t gate, l4_umword_t *label, l4_utcb_t *utcb) L4_NOTHROW
{
  l4_msg_regs_t *m = l4_utcb_mr_u(utcb);
  l4_msgtag_t tag;
  m->mr[0] = L4_IPC_GATE_GET_INFO_OP;
  tag = l4_ipc_call(gate, utcb, l4_msgtag(L4_PROTO_KOBJECT, 1, 0, 0), L4_IPC_NEVER);
  if (!l4_msgtag_has_error(tag) && l4_msgtag_label(tag) >= 0)
    *label = m->mr[0];
  return tag;
}

L4_INLINE l4_msgtag_t l4_ipc_gate_get_infos(l4_cap_idx_t gate, l4_umword_t *label) L4_NOTHROW
{ return l4_ipc_gate_get_infos_u(gate, label, l4_utcb()); }

#endif
