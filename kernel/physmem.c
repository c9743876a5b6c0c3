/* Physical memory: the platform's memfd, [0, size) of it, all of which
 * sigma0 owns.  At boot the kernel plays boot loader: it places the root
 * task's image at the physical addresses equal to its link addresses (so
 * that sigma0 can page it 1:1), and everything else it must place (sigma0's
 * own image, stacks, heaps, the KIP copy, boot modules) from the top of
 * memory down.  Each placed block is recorded with its KIP memory type,
 * so that the KIP tells sigma0 what is not free. */
#include <errno.h>
#include <l4/sys/memdesc.h>
#include "kernel.h"

#define MAX_BLOCKS 64

static struct block {
	uint64_t start, end;          /* [start, end) */
	unsigned type, sub;
} blocks[MAX_BLOCKS];
static unsigned nblocks;
static uint64_t phys_size, top, low_end;
static int record(uint64_t start, uint64_t len, unsigned type, unsigned sub);

/* The first MiB is reserved, like a PC's BIOS area: a null-pointer
 * access of the root task (paged 1:1) faults instead of getting memory. */
#define LOW_RESERVED (1UL << 20)

int physmem_init(size_t size)
{
	phys_size = top = size;
	nblocks = 0;
	low_end = LOW_RESERVED;
	return record(0, LOW_RESERVED, l4_mem_type_reserved, 0);
}

size_t physmem_size(void) { return phys_size; }

static int record(uint64_t start, uint64_t len, unsigned type, unsigned sub)
{
	if (nblocks == MAX_BLOCKS)
		return -ENOMEM;
	blocks[nblocks++] = (struct block){ start, start + len, type, sub };
	return 0;
}

/* From the top down, aligned to the largest power of two not above len
 * (at most 1 GiB), so that the mapping database can describe the block
 * with few, large mappings; the memfd is sparse, so gaps cost nothing. */
int64_t physmem_alloc(size_t len, unsigned type, unsigned sub)
{
	len = (len + 0xfff) & ~0xfffUL;
	uint64_t align = 0x1000;
	while (align < (1UL << 30) && align * 2 <= len)
		align *= 2;
	if (!len || len > top)
		return -ENOMEM;
	uint64_t start = (top - len) & ~(align - 1);
	if (start < low_end || record(start, len, type, sub))
		return -ENOMEM;
	top = start;
	return (int64_t)start;
}

/* A block at a chosen address (the root task's 1:1 image); below
 * everything physmem_alloc has placed. */
int physmem_claim(uint64_t start, size_t len, unsigned type, unsigned sub)
{
	uint64_t end = (start + len + 0xfff) & ~0xfffUL;
	start &= ~0xfffUL;
	if (end > top || end < start)
		return -ENOMEM;
	for (unsigned i = 0; i < nblocks; i++)
		if (start < blocks[i].end && blocks[i].start < end)
			return -EEXIST;
	if (record(start, end - start, type, sub))
		return -ENOMEM;
	if (end > low_end)
		low_end = end;
	return 0;
}

/* The KIP's memory descriptors: all of RAM as conventional memory, then
 * every placed block with its type (later descriptors override earlier
 * ones, as on Fiasco). */
unsigned physmem_memdescs(l4_kernel_info_mem_desc_t *md, unsigned max)
{
	unsigned n = 0;
	if (max)
		l4_kernel_info_set_mem_desc(&md[n++], 0, phys_size - 1, l4_mem_type_conventional, 0, 0);
	for (unsigned i = 0; i < nblocks && n < max; i++)
		l4_kernel_info_set_mem_desc(&md[n++], blocks[i].start, blocks[i].end - 1, blocks[i].type, 0,
					    blocks[i].sub);
	return n;
}

void *physmem_kview(uint64_t off) { return (uint8_t *)plat_phys_base() + off; }
