/* The kernel info page: identification, memory descriptors, and the clock.  Each
 * task gets its own copy (a page of its kernel-user memory, read-only and
 * executable in the task). */
#include <string.h>
#include <time.h>
#include <x86intrin.h>
#include <l4/sys/kip.h>
#include <l4/sys/memdesc.h>
#include "kernel.h"

extern const unsigned char kip_clock_blob[], kip_clock_blob_end[];
static uint64_t tsc0, mult, ns0, khz, realtime_offset;

enum { KIP_MEMDESC_OFF = 0xa00 };

/* Measure the TSC against CLOCK_MONOTONIC once, over 5 ms: both clocks
 * are read back to back, so the error is the ~0.1 us between the reads,
 * 2e-5 of the interval; longer costs every boot that much more. */
void kip_calibrate(void)
{
	uint64_t n0 = now_ns(), t0 = __rdtsc();
	struct timespec d = { 0, 5000000 };
	nanosleep(&d, NULL);
	uint64_t n1 = now_ns(), t1 = __rdtsc();
	double ns_per_tick = (double)(n1 - n0) / (double)(t1 - t0);
	mult = (uint64_t)(ns_per_tick * 4294967296.0);
	khz = (uint64_t)(1e6 / ns_per_tick);
	tsc0 = t1;
	ns0 = n1;
	/* The wall clock for the POSIX personality: the host's, as an offset
	 * to the KIP clock taken once (a host clock step later is not seen). */
	struct timespec rt, mono;
	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	realtime_offset = (uint64_t)(rt.tv_sec - mono.tv_sec) * 1000000000u + (uint64_t)(rt.tv_nsec - mono.tv_nsec);
}

int kip_init(void *page)
{
	l4_kernel_info_t *kip = page;
	memset(page, 0, L4_PAGESIZE);
	kip->magic = L4_KERNEL_INFO_MAGIC;
	kip->version = L4_KIP_VERSION_FIASCO;
	kip->offset_version_strings = 0x400 >> 4;
	kip->frequency_cpu = khz;
	strcpy(kip->platform_info.name, "umol4");
	/* Version string, then feature strings, then an empty string. */
	static const char strings[] = "umol4 (user-mode L4 on Linux)\0multi_irq\0";
	memcpy((char *)page + 0x400, strings, sizeof strings);
	memcpy((char *)page + 0x800, kip_clock_blob, kip_clock_blob_end - kip_clock_blob);
	uint64_t *f = (uint64_t *)((char *)page + 0x800);
	f[0] = tsc0;
	f[1] = mult;
	f[2] = ns0;
	f[3] = realtime_offset;
	/* Memory descriptors after the clock code, to the end of the page. */
	kip->mem_descs = KIP_MEMDESC_OFF;
	kip->mem_descs_num = physmem_memdescs((l4_kernel_info_mem_desc_t *)((char *)page + KIP_MEMDESC_OFF),
					      (L4_PAGESIZE - KIP_MEMDESC_OFF) / sizeof(l4_kernel_info_mem_desc_t));
	kip->sigma0_ip = boot.sigma0_ip;
	kip->root_ip = boot.root_ip;
	kip->user_ptr = boot.bootinfo_phys;
	return 0;
}
