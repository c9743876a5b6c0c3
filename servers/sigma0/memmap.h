/* sigma0's record of who owns which physical memory: a sorted list of
 * ranges, each with one owner.  Pure C, no L4 calls. */
#ifndef SIGMA0_MEMMAP_H
#define SIGMA0_MEMMAP_H

#include <stdbool.h>
#include <stdint.h>

enum {
	OWNER_FREE = 0,        /* conventional RAM nobody has */
	OWNER_BOOT = 0xfffe,   /* boot-loader memory (root image, boot modules): first fault takes it */
	OWNER_NONE = 0xffff,   /* reserved, or not RAM at all: never handed out */
};

struct mm_range {
	uint64_t start, end;   /* [start, end), page aligned */
	unsigned owner;
};

#define MM_MAX_RANGES 4096

struct memmap {
	struct mm_range r[MM_MAX_RANGES];
	unsigned n;
};

/* Start with [0, end) not RAM. */
void mm_init(struct memmap *m, uint64_t end);
/* Set the owner of [start, end) (page aligned); 0 or -1 when out of slots. */
int  mm_set(struct memmap *m, uint64_t start, uint64_t end, unsigned owner);
/* True if every page of [start, end) is owned by one of: owner, or an
 * owner in 'also' (a bit set over OWNER_FREE/OWNER_BOOT: 1 = free, 2 = boot). */
bool mm_all(const struct memmap *m, uint64_t start, uint64_t end, unsigned owner, unsigned also);
/* Find a free, size-aligned block of 2^order bytes; the lowest address, or
 * ~0 if there is none. */
uint64_t mm_find_free(const struct memmap *m, unsigned order);
enum { MM_ALSO_FREE = 1, MM_ALSO_BOOT = 2 };

#endif
