/* l4_global_kip: the KIP's address as a variable, for code that reads it directly. */
#include <l4/sys/kip.h>

/* umol4 maps the KIP at a fixed address in every task, so the value is
 * known at link time and needs no start-up code to fill it in. */
l4_kernel_info_t const *l4_global_kip = (l4_kernel_info_t const *)UMOL4_KIP_ADDR;
