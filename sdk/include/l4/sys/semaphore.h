/* Kernel semaphores: up is an IRQ trigger, down a call that may block. */
#ifndef L4_SYS_SEMAPHORE_H
#define L4_SYS_SEMAPHORE_H

#include <l4/sys/irq.h>

enum L4_semaphore_op
{
  L4_SEMAPHORE_OP_DOWN = 0,
};

/* Send-only: check with l4_ipc_error(). */
L4_INLINE l4_msgtag_t l4_semaphore_up_u(l4_cap_idx_t sem, l4_utcb_t *utcb) L4_NOTHROW
{ return l4_irq_trigger_u(sem, utcb); }

L4_INLINE l4_msgtag_t l4_semaphore_up(l4_cap_idx_t sem) L4_NOTHROW
{ return l4_irq_trigger(sem); }

/* Blocks at most for the receive part of timeout. */
L4_INLINE l4_msgtag_t
l4_semaphore_down_u(l4_cap_idx_t sem, l4_timeout_t timeout, l4_utcb_t *utcb) L4_NOTHROW
{
  l4_utcb_mr_u(utcb)->mr[0] = L4_SEMAPHORE_OP_DOWN;
  return l4_ipc_call(sem, utcb, l4_msgtag(L4_PROTO_SEMAPHORE, 1, 0, 0), timeout);
}

L4_INLINE l4_msgtag_t l4_semaphore_down(l4_cap_idx_t sem, l4_timeout_t timeout) L4_NOTHROW
{ return l4_semaphore_down_u(sem, timeout, l4_utcb()); }

#endif
