/* Time-stamp counter: read it, and convert ticks to time with scalers set by l4_tsc_init(). */
#ifndef L4_UTIL_RDTSC_H
#define L4_UTIL_RDTSC_H

#include <l4/sys/compiler.h>
#include <l4/sys/l4int.h>
#include <l4/sys/kip.h>

#define L4_TSC_INIT_AUTO      0  /* frequency from the KIP, else measure */
#define L4_TSC_INIT_KERNEL    1  /* frequency from the KIP only */
#define L4_TSC_INIT_CALIBRATE 2  /* always measure against the KIP clock */

L4_BEGIN_DECLS
/* Fixed-point factors (in libl4util): ns = tsc * tsc_to_ns >> 27,
 * us = tsc * tsc_to_us >> 32, tsc = ns * ns_to_tsc >> 27;
 * tsc_linux = 2^32 / (ticks per us), Linux's delay-loop value. */
extern l4_uint32_t l4_scaler_tsc_to_ns;
extern l4_uint32_t l4_scaler_tsc_to_us;
extern l4_uint32_t l4_scaler_ns_to_tsc;
extern l4_uint32_t l4_scaler_tsc_linux;

/* Set the scalers; returns l4_scaler_tsc_linux, or 0 on failure. */
L4_CV l4_uint32_t l4_tsc_init(int constraint, l4_kernel_info_t *kip) L4_NOTHROW;

/* TSC frequency in Hz, after l4_tsc_init(). */
L4_CV l4_uint32_t l4_get_hz(void) L4_NOTHROW;
L4_END_DECLS

L4_INLINE l4_uint32_t l4_calibrate_tsc(l4_kernel_info_t *kip) L4_NOTHROW
{ return l4_tsc_init(L4_TSC_INIT_AUTO, kip); }

L4_INLINE l4_cpu_time_t l4_rdtsc(void) L4_NOTHROW
{
  l4_uint32_t lo, hi;
  __asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
  return ((l4_cpu_time_t)hi << 32) | lo;
}

L4_INLINE l4_uint32_t l4_rdtsc_32(void) L4_NOTHROW
{ return (l4_uint32_t)l4_rdtsc(); }

L4_INLINE l4_cpu_time_t l4_rdpmc(int nr) L4_NOTHROW
{
  l4_uint32_t lo, hi;
  __asm__ __volatile__("rdpmc" : "=a"(lo), "=d"(hi) : "c"(nr));
  return ((l4_cpu_time_t)hi << 32) | lo;
}

L4_INLINE l4_uint32_t l4_rdpmc_32(int nr) L4_NOTHROW
{ return (l4_uint32_t)l4_rdpmc(nr); }

/* (value * scaler) >> shift without losing the upper bits. */
L4_INLINE l4_uint64_t l4util_scale_(l4_uint64_t value, l4_uint32_t scaler, unsigned shift) L4_NOTHROW
{
  __extension__ typedef unsigned __int128 wide_t;
  return (l4_uint64_t)(((wide_t)value * scaler) >> shift);
}

L4_INLINE l4_uint64_t l4_tsc_to_ns(l4_cpu_time_t tsc) L4_NOTHROW
{ return l4util_scale_(tsc, l4_scaler_tsc_to_ns, 27); }

L4_INLINE l4_uint64_t l4_tsc_to_us(l4_cpu_time_t tsc) L4_NOTHROW
{ return l4util_scale_(tsc, l4_scaler_tsc_to_us, 32); }

L4_INLINE void l4_tsc_to_s_and_ns(l4_cpu_time_t tsc, l4_uint32_t *s, l4_uint32_t *ns) L4_NOTHROW
{
  l4_uint64_t total = l4_tsc_to_ns(tsc);
  *s  = (l4_uint32_t)(total / 1000000000ULL);
  *ns = (l4_uint32_t)(total % 1000000000ULL);
}

L4_INLINE l4_cpu_time_t l4_ns_to_tsc(l4_uint64_t ns) L4_NOTHROW
{ return l4util_scale_(ns, l4_scaler_ns_to_tsc, 27); }

L4_INLINE void l4_busy_wait_ns(l4_uint64_t ns) L4_NOTHROW
{
  l4_cpu_time_t stop = l4_rdtsc() + l4_ns_to_tsc(ns);
  while (l4_rdtsc() < stop)
    __asm__ __volatile__("pause");
}

L4_INLINE void l4_busy_wait_us(l4_uint64_t us) L4_NOTHROW
{ l4_busy_wait_ns(us * 1000ULL); }

#endif
