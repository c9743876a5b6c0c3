/* Thread objects: control (bind, pager, handler), ex_regs, switch, stats, vCPU. */
#ifndef L4_SYS_THREAD_H
#define L4_SYS_THREAD_H

#include <l4/sys/types.h>
#include <l4/sys/utcb.h>
#include <l4/sys/ipc.h>

/* MR0 opcodes of L4_PROTO_THREAD (low 16 bits; flags above). */
enum L4_thread_ops
{
  L4_THREAD_CONTROL_OP                = 0,
  L4_THREAD_EX_REGS_OP                = 1,
  L4_THREAD_SWITCH_OP                 = 2,
  L4_THREAD_STATS_OP                  = 3,
  L4_THREAD_VCPU_RESUME_OP            = 4,
  L4_THREAD_REGISTER_DELETE_IRQ_OP    = 5,
  L4_THREAD_MODIFY_SENDER_OP          = 6,
  L4_THREAD_VCPU_CONTROL_OP           = 7,
  L4_THREAD_VCPU_CONTROL_EXT_OP       = 7 | 0x10000,
  L4_THREAD_REGISTER_DOORBELL_IRQ_OP  = 8,
  L4_THREAD_PF_TRAMP_CONTROL_OP       = 9,
  L4_THREAD_X86_GDT_OP                = 0x10,
  L4_THREAD_AMD64_SET_SEGMENT_BASE_OP = 0x12,
  L4_THREAD_AMD64_GET_SEGMENT_INFO_OP = 0x13,
  L4_THREAD_OPCODE_MASK               = 0xffff,
};

/* Thread control: which fields MR0 says are present. */
enum L4_thread_control_flags
{
  L4_THREAD_CONTROL_SET_PAGER       = 0x0010000,
  L4_THREAD_CONTROL_BIND_TASK       = 0x0200000,
  L4_THREAD_CONTROL_ALIEN           = 0x0400000,
  L4_THREAD_CONTROL_SET_EXC_HANDLER = 0x1000000,
};

/* Thread control: where each field sits. */
enum L4_thread_control_mr_indices
{
  L4_THREAD_CONTROL_MR_IDX_FLAGS       = 0,
  L4_THREAD_CONTROL_MR_IDX_PAGER       = 1,
  L4_THREAD_CONTROL_MR_IDX_EXC_HANDLER = 2,
  L4_THREAD_CONTROL_MR_IDX_FLAG_VALS   = 4,
  L4_THREAD_CONTROL_MR_IDX_BIND_UTCB   = 5,
  L4_THREAD_CONTROL_MR_IDX_BIND_TASK   = 6,  /* map item, MR6 and MR7 */
};

enum L4_thread_ex_regs_flags
{
  L4_THREAD_EX_REGS_CANCEL            = 0x10000,  /* abort a running IPC */
  L4_THREAD_EX_REGS_TRIGGER_EXCEPTION = 0x20000,  /* raise trap 0xff */
};
#define L4_THREAD_EX_REGS_ARCH_MASK 0xff000000UL

/* Set ip and sp (~0UL leaves one unchanged); the reply carries the
 * old flags, ip and sp in MR0-MR2. */
L4_INLINE l4_msgtag_t
l4_thread_ex_regs_u(l4_cap_idx_t thread, l4_addr_t ip, l4_addr_t sp,
                    l4_umword_t flags, l4_utcb_t *utcb) L4_NOTHROW
{
  l4_msg_regs_t *v = l4_utcb_mr_u(utcb);
  v->mr[0] = L4_THREAD_EX_REGS_OP | flags;
  v->mr[1] = ip;
  v->mr[2] = sp;
  return l4_ipc_call(thread, utcb, l4_msgtag(L4_PROTO_THREAD, 3, 0, 0), L4_IPC_NEVER);
}

L4_INLINE l4_msgtag_t
l4_thread_ex_regs(l4_cap_idx_t thread, l4_addr_t ip, l4_addr_t sp,
                  l4_umword_t flags) L4_NOTHROW
{ return l4_thread_ex_regs_u(thread, ip, sp, flags, l4_utcb()); }

/* Like ex_regs, and hand back the old values through the pointers. */
L4_INLINE l4_msgtag_t
l4_thread_ex_regs_ret_u(l4_cap_idx_t thread, l4_addr_t *ip, l4_addr_t *sp,
                        l4_umword_t *flags, l4_utcb_t *utcb) L4_NOTHROW
{
  l4_msg_regs_t *v = l4_utcb_mr_u(utcb);
  l4_msgtag_t res = l4_thread_ex_regs_u(thread, *ip, *sp, *flags, utcb);
  if (l4_error_u(res, utcb))
    return res;
  *flags = v->mr[0];
  *ip    = v->mr[1];
  *sp    = v->mr[2];
  return res;
}

L4_INLINE l4_msgtag_t
l4_thread_ex_regs_ret(l4_cap_idx_t thread, l4_addr_t *ip, l4_addr_t *sp,
                      l4_umword_t *flags) L4_NOTHROW
{ return l4_thread_ex_regs_ret_u(thread, ip, sp, flags, l4_utcb()); }

/* Thread control is built in the caller's MRs by start/pager/exc_handler/
 * bind/alien and sent by commit; nothing may use the UTCB in between.
 * start also clears the flag values, so that alien(0) really means off. */
L4_INLINE void l4_thread_control_start_u(l4_utcb_t *utcb) L4_NOTHROW
{
  l4_msg_regs_t *v = l4_utcb_mr_u(utcb);
  v->mr[L4_THREAD_CONTROL_MR_IDX_FLAGS]     = L4_THREAD_CONTROL_OP;
  v->mr[L4_THREAD_CONTROL_MR_IDX_FLAG_VALS] = 0;
}

L4_INLINE void l4_thread_control_start(void) L4_NOTHROW
{ l4_thread_control_start_u(l4_utcb()); }

L4_INLINE void l4_thread_control_pager_u(l4_cap_idx_t pager, l4_utcb_t *utcb) L4_NOTHROW
{
  l4_msg_regs_t *v = l4_utcb_mr_u(utcb);
  v->mr[L4_THREAD_CONTROL_MR_IDX_FLAGS] |= L4_THREAD_CONTROL_SET_PAGER;
  v->mr[L4_THREAD_CONTROL_MR_IDX_PAGER]  = pager;
}

L4_INLINE void l4_thread_control_pager(l4_cap_idx_t pager) L4_NOTHROW
{ l4_thread_control_pager_u(pager, l4_utcb()); }

L4_INLINE void
l4_thread_control_exc_handler_u(l4_cap_idx_t exc_handler, l4_utcb_t *utcb) L4_NOTHROW
{
  l4_msg_regs_t *v = l4_utcb_mr_u(utcb);
  v->mr[L4_THREAD_CONTROL_MR_IDX_FLAGS]      |= L4_THREAD_CONTROL_SET_EXC_HANDLER;
  v->mr[L4_THREAD_CONTROL_MR_IDX_EXC_HANDLER] = exc_handler;
}

L4_INLINE void l4_thread_control_exc_handler(l4_cap_idx_t exc_handler) L4_NOTHROW
{ l4_thread_control_exc_handler_u(exc_handler, l4_utcb()); }

/* Bind the thread to task with thread_utcb (an address in task's
 * kernel-user memory) as its UTCB; the task goes as a map item. */
L4_INLINE void
l4_thread_control_bind_u(l4_utcb_t *thread_utcb, l4_cap_idx_t task,
                         l4_utcb_t *utcb) L4_NOTHROW
{
  l4_msg_regs_t *v = l4_utcb_mr_u(utcb);
  v->mr[L4_THREAD_CONTROL_MR_IDX_FLAGS]        |= L4_THREAD_CONTROL_BIND_TASK;
  v->mr[L4_THREAD_CONTROL_MR_IDX_BIND_UTCB]     = (l4_addr_t)thread_utcb;
  v->mr[L4_THREAD_CONTROL_MR_IDX_BIND_TASK]     = L4_ITEM_MAP;
  v->mr[L4_THREAD_CONTROL_MR_IDX_BIND_TASK + 1] =
    l4_obj_fpage(task, 0, L4_CAP_FPAGE_RWS).raw;
}

L4_INLINE void l4_thread_control_bind(l4_utcb_t *thread_utcb, l4_cap_idx_t task) L4_NOTHROW
{ l4_thread_control_bind_u(thread_utcb, task, l4_utcb()); }

/* An alien thread's system calls become exceptions to its handler. */
L4_INLINE void l4_thread_control_alien_u(l4_utcb_t *utcb, int on) L4_NOTHROW
{
  l4_msg_regs_t *v = l4_utcb_mr_u(utcb);
  v->mr[L4_THREAD_CONTROL_MR_IDX_FLAGS] |= L4_THREAD_CONTROL_ALIEN;
  if (on)
    v->mr[L4_THREAD_CONTROL_MR_IDX_FLAG_VALS] |= L4_THREAD_CONTROL_ALIEN;
  else
    v->mr[L4_THREAD_CONTROL_MR_IDX_FLAG_VALS] &= ~(l4_umword_t)L4_THREAD_CONTROL_ALIEN;
}

L4_INLINE void l4_thread_control_alien(int on) L4_NOTHROW
{ l4_thread_control_alien_u(l4_utcb(), on); }

/* Always six words (MR0-MR5); the bind map item only when binding. */
L4_INLINE l4_msgtag_t l4_thread_control_commit_u(l4_cap_idx_t thread, l4_utcb_t *utcb) L4_NOTHROW
{
  unsigned items = 0;
  if (l4_utcb_mr_u(utcb)->mr[L4_THREAD_CONTROL_MR_IDX_FLAGS] & L4_THREAD_CONTROL_BIND_TASK)
    items = 1;
  return l4_ipc_call(thread, utcb, l4_msgtag(L4_PROTO_THREAD, 6, items, 0), L4_IPC_NEVER);
}

L4_INLINE l4_msgtag_t l4_thread_control_commit(l4_cap_idx_t thread) L4_NOTHROW
{ return l4_thread_control_commit_u(thread, l4_utcb()); }

/* Give up the CPU: a zero-timeout receive from nobody. */
L4_INLINE l4_msgtag_t l4_thread_yield(void) L4_NOTHROW
{
  l4_ipc_receive(L4_INVALID_CAP, 0, L4_IPC_BOTH_TIMEOUT_0);
  return l4_msgtag(0, 0, 0, 0);
}

/* Donate the rest of the time slice to to_thread. */
L4_INLINE l4_msgtag_t l4_thread_switch_u(l4_cap_idx_t to_thread, l4_utcb_t *utcb) L4_NOTHROW
{
  l4_utcb_mr_u(utcb)->mr[0] = L4_THREAD_SWITCH_OP;
  return l4_ipc_call(to_thread, utcb, l4_msgtag(L4_PROTO_THREAD, 1, 0, 0), L4_IPC_NEVER);
}

L4_INLINE l4_msgtag_t l4_thread_switch(l4_cap_idx_t to_thread) L4_NOTHROW
{ return l4_thread_switch_u(to_thread, l4_utcb()); }

/* CPU time the thread has used, in microseconds (reply MR0). */
L4_INLINE l4_msgtag_t
l4_thread_stats_time_u(l4_cap_idx_t thread, l4_kernel_clock_t *us, l4_utcb_t *utcb) L4_NOTHROW
{
  l4_msg_regs_t *v = l4_utcb_mr_u(utcb);
  l4_msgtag_t res;
  v->mr[0] = L4_THREAD_STATS_OP;
  res = l4_ipc_call(thread, utcb, l4_msgtag(L4_PROTO_THREAD, 1, 0, 0), L4_IPC_NEVER);
  if (!l4_msgtag_has_error(res))
    *us = v->mr64[l4_utcb_mr64_idx(0)];
  return res;
}

L4_INLINE l4_msgtag_t l4_thread_stats_time(l4_cap_idx_t thread, l4_kernel_clock_t *us) L4_NOTHROW
{ return l4_thread_stats_time_u(thread, us, l4_utcb()); }

/* vCPU resume: start, optionally add items (l4_sndfpage_add), commit. */
L4_INLINE l4_msgtag_t l4_thread_vcpu_resume_start_u(l4_utcb_t *utcb) L4_NOTHROW
{
  l4_utcb_mr_u(utcb)->mr[0] = L4_THREAD_VCPU_RESUME_OP;
  return l4_msgtag(L4_PROTO_THREAD, 1, 0, 0);
}

L4_INLINE l4_msgtag_t l4_thread_vcpu_resume_start(void) L4_NOTHROW
{ return l4_thread_vcpu_resume_start_u(l4_utcb()); }

L4_INLINE l4_msgtag_t
l4_thread_vcpu_resume_commit_u(l4_cap_idx_t thread, l4_msgtag_t tag, l4_utcb_t *utcb) L4_NOTHROW
{ return l4_ipc_call(thread, utcb, tag, L4_IPC_NEVER); }

L4_INLINE l4_msgtag_t l4_thread_vcpu_resume_commit(l4_cap_idx_t thread, l4_msgtag_t tag) L4_NOTHROW
{ return l4_thread_vcpu_resume_commit_u(thread, tag, l4_utcb()); }

/* Turn the thread into a vCPU whose state lives at vcpu_state (in
 * kernel-user memory). */
L4_INLINE l4_msgtag_t
l4_thread_vcpu_control_u(l4_cap_idx_t thread, l4_addr_t vcpu_state, l4_utcb_t *utcb) L4_NOTHROW
{
  l4_msg_regs_t *v = l4_utcb_mr_u(utcb);
  v->mr[0] = L4_THREAD_VCPU_CONTROL_OP;
  v->mr[1] = vcpu_state;
  return l4_ipc_call(thread, utcb, l4_msgtag(L4_PROTO_THREAD, 2, 0, 0), L4_IPC_NEVER);
}

L4_INLINE l4_msgtag_t l4_thread_vcpu_control(l4_cap_idx_t thread, l4_addr_t vcpu_state) L4_NOTHROW
{ return l4_thread_vcpu_control_u(thread, vcpu_state, l4_utcb()); }

L4_INLINE l4_msgtag_t
l4_thread_vcpu_control_ext_u(l4_cap_idx_t thread, l4_addr_t ext_vcpu_state,
                             l4_utcb_t *utcb) L4_NOTHROW
{
  l4_msg_regs_t *v = l4_utcb_mr_u(utcb);
  v->mr[0] = L4_THREAD_VCPU_CONTROL_EXT_OP;
  v->mr[1] = ext_vcpu_state;
  return l4_ipc_call(thread, utcb, l4_msgtag(L4_PROTO_THREAD, 2, 0, 0), L4_IPC_NEVER);
}

L4_INLINE l4_msgtag_t
l4_thread_vcpu_control_ext(l4_cap_idx_t thread, l4_addr_t ext_vcpu_state) L4_NOTHROW
{ return l4_thread_vcpu_control_ext_u(thread, ext_vcpu_state, l4_utcb()); }

/* Register an IRQ (sent as map item in MR1/MR2) that is triggered when
 * the thread's opcode-specific event happens. */
L4_INLINE l4_msgtag_t
l4_thread_irq_op_u_(l4_cap_idx_t thread, unsigned op, l4_cap_idx_t irq, l4_utcb_t *u) L4_NOTHROW
{
  l4_msg_regs_t *m = l4_utcb_mr_u(u);
  m->mr[0] = op;
  m->mr[1] = l4_map_obj_control(0, 0);
  m->mr[2] = l4_obj_fpage(irq, 0, L4_CAP_FPAGE_RWS).raw;
  return l4_ipc_call(thread, u, l4_msgtag(L4_PROTO_THREAD, 1, 1, 0), L4_IPC_NEVER);
}

/* The IRQ fires when an IPC gate bound to the thread is deleted. */
L4_INLINE l4_msgtag_t
l4_thread_register_del_irq_u(l4_cap_idx_t thread, l4_cap_idx_t irq, l4_utcb_t *u) L4_NOTHROW
{ return l4_thread_irq_op_u_(thread, L4_THREAD_REGISTER_DELETE_IRQ_OP, irq, u); }

L4_INLINE l4_msgtag_t l4_thread_register_del_irq(l4_cap_idx_t thread, l4_cap_idx_t irq) L4_NOTHROW
{ return l4_thread_register_del_irq_u(thread, irq, l4_utcb()); }

L4_INLINE l4_msgtag_t
l4_thread_register_doorbell_irq_u(l4_cap_idx_t thread, l4_cap_idx_t irq, l4_utcb_t *u) L4_NOTHROW
{ return l4_thread_irq_op_u_(thread, L4_THREAD_REGISTER_DOORBELL_IRQ_OP, irq, u); }

L4_INLINE l4_msgtag_t
l4_thread_register_doorbell_irq(l4_cap_idx_t thread, l4_cap_idx_t irq) L4_NOTHROW
{ return l4_thread_register_doorbell_irq_u(thread, irq, l4_utcb()); }

/* Relabel IPC already queued at the thread: rules of four words each
 * (match mask, match value, bits to delete, bits to add) follow MR0. */
L4_INLINE l4_msgtag_t l4_thread_modify_sender_start_u(l4_utcb_t *u) L4_NOTHROW
{
  l4_utcb_mr_u(u)->mr[0] = L4_THREAD_MODIFY_SENDER_OP;
  return l4_msgtag(L4_PROTO_THREAD, 1, 0, 0);
}

L4_INLINE l4_msgtag_t l4_thread_modify_sender_start(void) L4_NOTHROW
{ return l4_thread_modify_sender_start_u(l4_utcb()); }

L4_INLINE int
l4_thread_modify_sender_add_u(l4_umword_t match_mask, l4_umword_t match,
                              l4_umword_t del_bits, l4_umword_t add_bits,
                              l4_msgtag_t *tag, l4_utcb_t *u) L4_NOTHROW
{
  l4_msg_regs_t *m = l4_utcb_mr_u(u);
  unsigned w = l4_msgtag_words(*tag);
  if (w >= L4_UTCB_GENERIC_DATA_SIZE - 4)
    return -L4_ENOMEM;
  m->mr[w]     = match_mask;
  m->mr[w + 1] = match;
  m->mr[w + 2] = del_bits;
  m->mr[w + 3] = add_bits;
  *tag = l4_msgtag(l4_msgtag_label(*tag), w + 4, 0, 0);
  return 0;
}

L4_INLINE int
l4_thread_modify_sender_add(l4_umword_t match_mask, l4_umword_t match,
                            l4_umword_t del_bits, l4_umword_t add_bits,
                            l4_msgtag_t *tag) L4_NOTHROW
{ return l4_thread_modify_sender_add_u(match_mask, match, del_bits, add_bits, tag, l4_utcb()); }

L4_INLINE l4_msgtag_t
l4_thread_modify_sender_commit_u(l4_cap_idx_t thread, l4_msgtag_t tag, l4_utcb_t *u) L4_NOTHROW
{ return l4_ipc_call(thread, u, tag, L4_IPC_NEVER); }

L4_INLINE l4_msgtag_t l4_thread_modify_sender_commit(l4_cap_idx_t thread, l4_msgtag_t tag) L4_NOTHROW
{ return l4_thread_modify_sender_commit_u(thread, tag, l4_utcb()); }

#endif
