/* l4util helpers: sleeping, touching memory to fault it in, timeout conversion. */
#ifndef L4_UTIL_UTIL_H
#define L4_UTIL_UTIL_H

#include <l4/sys/compiler.h>
#include <l4/sys/types.h>
#include <l4/sys/ipc.h>

/* Inline rather than in a library (as in L4Re's libl4util) so that a
 * program needs no extra library; an unexpected wake-up (ex_regs
 * cancel) simply ends the sleep early. */

/* Deprecated in L4Re in favour of l4_timeout_from_us(); same result. */
L4_INLINE l4_timeout_s l4util_micros2l4to(l4_uint64_t us) L4_NOTHROW
{ return l4_timeout_from_us(us); }

L4_INLINE void l4_sleep(l4_uint32_t ms) L4_NOTHROW
{ l4_ipc_sleep_ms(ms); }

L4_INLINE void l4_usleep(l4_uint64_t us) L4_NOTHROW
{ l4_ipc_sleep_us(us); }

L4_INLINE L4_NORETURN void l4_sleep_forever(void) L4_NOTHROW
{
  for (;;)
    l4_ipc_sleep(L4_IPC_NEVER);
}

/* Read one byte in every page of [addr, addr + size) so that the pager
 * maps it now rather than at a later, less convenient moment. */
L4_INLINE void l4_touch_ro(void const *addr, unsigned size) L4_NOTHROW
{
  l4_addr_t p = l4_trunc_page((l4_addr_t)addr);
  l4_addr_t last;
  if (!size)
    return;
  last = l4_trunc_page((l4_addr_t)addr + size - 1);
  for (;; p += L4_PAGESIZE)
    {
      (void)*(char const volatile *)p;
      if (p == last)
        break;
    }
}

/* Same with a write access, so that the page is mapped writable. An
 * atomic or of 0 writes without changing the byte, even if another
 * thread stores to it at the same time. */
L4_INLINE void l4_touch_rw(void const *addr, unsigned size) L4_NOTHROW
{
  l4_addr_t p = l4_trunc_page((l4_addr_t)addr);
  l4_addr_t last;
  if (!size)
    return;
  last = l4_trunc_page((l4_addr_t)addr + size - 1);
  for (;; p += L4_PAGESIZE)
    {
      __atomic_fetch_or((char *)p, 0, __ATOMIC_RELAXED);
      if (p == last)
        break;
    }
}

#endif
