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

/* Aligned to the largest power of two not above len (at most 1 GiB), so
 * that the mapping database can describe the block with few, large
 * mappings; the memfd is sparse, so the gaps cost nothing. */
int64_t physmem_alloc(size_t len)
{
	len = (len + 0xfff) & ~0xfffUL;
	size_t align = 0x1000;
	while (align < (1UL << 30) && align * 2 <= len)
		align *= 2;
	size_t off = (phys_used + align - 1) & ~(align - 1);
	if (off > phys_size || len > phys_size - off)
		return -ENOMEM;
	phys_used = off + len;
	return (int64_t)off;
}

void *physmem_kview(uint64_t off) { return (uint8_t *)plat_phys_base() + off; }
