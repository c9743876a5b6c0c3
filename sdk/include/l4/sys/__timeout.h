/* IPC timeouts: 16-bit send/receive timeouts packed into one 32-bit pair. */
#ifndef L4_SYS_TIMEOUT_H
#define L4_SYS_TIMEOUT_H

#include <l4/sys/compiler.h>
#include <l4/sys/l4int.h>

/* One timeout. 0 = never; bit 15 clear: relative, mantissa in bits 0-9,
 * exponent in bits 10-14, meaning mantissa << exponent microseconds;
 * bit 15 set: absolute, bits 0-5 name the buffer register that holds the
 * 64-bit point in time (see l4_timeout_abs() in utcb.h). */
typedef struct l4_timeout_s
{
  l4_uint16_t t;
} __attribute__((packed)) l4_timeout_s;

/* The pair the kernel gets in r8: send timeout in the upper half. */
typedef union l4_timeout_t
{
  l4_uint32_t raw;
  struct
  {
    l4_timeout_s rcv;
    l4_timeout_s snd;
  } p;
} l4_timeout_t;

#define L4_IPC_TIMEOUT_0         ((l4_timeout_s){0x0400})
#define L4_IPC_TIMEOUT_NEVER     ((l4_timeout_s){0})
#define L4_IPC_NEVER_INITIALIZER {0}
#define L4_IPC_NEVER             ((l4_timeout_t){0})
#define L4_IPC_RECV_TIMEOUT_0    ((l4_timeout_t){0x00000400})
#define L4_IPC_SEND_TIMEOUT_0    ((l4_timeout_t){0x04000000})
#define L4_IPC_BOTH_TIMEOUT_0    ((l4_timeout_t){0x04000400})

/* l4_timeout_from_us(): this value means "never", and the longest
 * period it can express (1023 << 31 us rounds down from 2^41-1). */
#define L4_TIMEOUT_US_NEVER (~0ULL)
#define L4_TIMEOUT_US_MAX   ((1ULL << 41) - 1)

L4_INLINE l4_timeout_s l4_timeout_rel(unsigned man, unsigned exp) L4_NOTHROW
{
  l4_timeout_s to;
  to.t = (l4_uint16_t)((man & 0x3ff) | ((exp & 0x1f) << 10));
  return to;
}

L4_INLINE l4_timeout_t l4_timeout(l4_timeout_s snd, l4_timeout_s rcv) L4_NOTHROW
{
  l4_timeout_t to;
  to.raw = ((l4_uint32_t)snd.t << 16) | rcv.t;
  return to;
}

L4_INLINE l4_timeout_t
l4_ipc_timeout(unsigned snd_man, unsigned snd_exp,
               unsigned rcv_man, unsigned rcv_exp) L4_NOTHROW
{ return l4_timeout(l4_timeout_rel(snd_man, snd_exp), l4_timeout_rel(rcv_man, rcv_exp)); }

L4_INLINE void l4_snd_timeout(l4_timeout_s snd, l4_timeout_t *to) L4_NOTHROW
{ to->p.snd = snd; }

L4_INLINE void l4_rcv_timeout(l4_timeout_s rcv, l4_timeout_t *to) L4_NOTHROW
{ to->p.rcv = rcv; }

/* Length of a relative timeout in microseconds (~0 for never). */
L4_INLINE l4_kernel_clock_t l4_timeout_rel_get(l4_timeout_s to) L4_NOTHROW
{
  if (to.t == 0)
    return ~0ULL;
  return (l4_kernel_clock_t)(to.t & 0x3ff) << ((to.t >> 10) & 0x1f);
}

L4_INLINE unsigned l4_timeout_is_absolute(l4_timeout_s to) L4_NOTHROW
{ return to.t & 0x8000; }

/* Point in time when a relative timeout started at cur expires; 0 for
 * absolute timeouts, whose value lives in a buffer register. */
L4_INLINE l4_kernel_clock_t
l4_timeout_get(l4_kernel_clock_t cur, l4_timeout_s to) L4_NOTHROW
{
  if (l4_timeout_is_absolute(to))
    return 0;
  return cur + l4_timeout_rel_get(to);
}

/* Relative timeout for a period in microseconds, rounded down to what
 * 10 bits of mantissa can express. */
L4_INLINE l4_timeout_s l4_timeout_from_us(l4_uint64_t us) L4_NOTHROW
{
  unsigned exp = 0;
  if (us == 0)
    return l4_timeout_rel(0, 1);             /* = L4_IPC_TIMEOUT_0 */
  if (us > L4_TIMEOUT_US_MAX)
    return l4_timeout_rel(0, 0);             /* = never */
  while ((us >> exp) > 0x3ff)
    ++exp;
  return l4_timeout_rel((unsigned)(us >> exp), exp);
}

#endif
