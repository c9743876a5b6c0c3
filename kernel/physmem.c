/* Physical memory: the platform's memfd, handed out page-aligned by a bump
 * allocator.  Until sigma0 owns memory (memory issue), the kernel itself
 * places the root task's image, stack and heap here. */
#include <errno.h>
#include "kernel.h"

static size_t phys_size, phys_used;

int physmem_init(size_t size)
{
	phys_size = size;
	phys_used = 0;
	return 0;
}

int64_t physmem_alloc(size_t len)
{
	len = (len + 0xfff) & ~0xfffUL;
	if (len > phys_size - phys_used)
		return -ENOMEM;
	int64_t off = phys_used;
	phys_used += len;
	return off;
}

void *physmem_kview(uint64_t off) { return (uint8_t *)plat_phys_base() + off; }
