/* TSC scalers and their set-up (l4_tsc_init), from the KIP's frequency or a measurement. */
#include <l4/util/rdtsc.h>

l4_uint32_t l4_scaler_tsc_to_ns;
l4_uint32_t l4_scaler_tsc_to_us;
l4_uint32_t l4_scaler_ns_to_tsc;
l4_uint32_t l4_scaler_tsc_linux;

static l4_uint64_t tsc_hz;

/* Derive all scalers from the TSC frequency in Hz. */
static l4_uint32_t set_scalers(l4_uint64_t hz)
{
  if (hz < 32000000)       /* below ~32 MHz tsc_to_ns overflows 32 bits */
    return 0;
  tsc_hz = hz;
  l4_scaler_tsc_to_ns = (l4_uint32_t)((1000000000ULL << 27) / hz);
  l4_scaler_tsc_to_us = (l4_uint32_t)((1000000ULL << 32) / hz);
  l4_scaler_ns_to_tsc = (l4_uint32_t)((hz << 27) / 1000000000ULL);
  l4_scaler_tsc_linux = l4_scaler_tsc_to_us;
  return l4_scaler_tsc_linux;
}

/* Count TSC ticks over about 20 ms of KIP clock. There is no PIT in
 * umol4, but the KIP clock is derived from the host's clock. */
static l4_uint64_t measure_hz(l4_kernel_info_t const *kip)
{
  l4_uint64_t us0, us1, tsc0, tsc1;

  us0 = l4_kip_clock(kip);
  while ((us1 = l4_kip_clock(kip)) == us0)  /* start on a clock edge */
    ;
  tsc0 = l4_rdtsc();
  us0 = us1;
  while ((us1 = l4_kip_clock(kip)) - us0 < 20000)
    ;
  tsc1 = l4_rdtsc();
  return (tsc1 - tsc0) * 1000000ULL / (us1 - us0);
}

L4_CV l4_uint32_t l4_tsc_init(int constraint, l4_kernel_info_t *kip) L4_NOTHROW
{
  if (!kip)
    kip = l4_kip();

  /* frequency_cpu is in kHz; 0 means the kernel did not say. */
  if (constraint != L4_TSC_INIT_CALIBRATE && kip->frequency_cpu)
    return set_scalers(kip->frequency_cpu * 1000ULL);
  if (constraint == L4_TSC_INIT_KERNEL)
    return 0;
  return set_scalers(measure_hz(kip));
}

L4_CV l4_uint32_t l4_get_hz(void) L4_NOTHROW
{
  return (l4_uint32_t)tsc_hz;
}
