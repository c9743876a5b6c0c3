/* The ownership list of sigma0 (see memmap.h).  Ranges are kept sorted,
 * contiguous and merged with equal neighbours, so that a system where
 * clients take memory in large pieces keeps few ranges; lookups are
 * linear, which is plenty for sigma0's few requests (moe takes memory in
 * large blocks and serves everyone else). */
#include <string.h>
#include "memmap.h"

void mm_init(struct memmap *m, uint64_t end)
{
	m->n = 1;
	m->r[0] = (struct mm_range){ 0, end, OWNER_NONE };
}

/* Index of the range holding addr; the list covers [0, end). */
static unsigned find(const struct memmap *m, uint64_t addr)
{
	unsigned lo = 0, hi = m->n;
	while (hi - lo > 1) {
		unsigned mid = (lo + hi) / 2;
		if (m->r[mid].start <= addr)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* Make a range boundary at addr; returns the index of the range that
 * starts there (m->n if addr is the end). */
static int split(struct memmap *m, uint64_t addr)
{
	if (addr >= m->r[m->n - 1].end)
		return (int)m->n;
	unsigned i = find(m, addr);
	if (m->r[i].start == addr)
		return (int)i;
	if (m->n == MM_MAX_RANGES)
		return -1;
	memmove(&m->r[i + 2], &m->r[i + 1], (m->n - i - 1) * sizeof m->r[0]);
	m->r[i + 1] = (struct mm_range){ addr, m->r[i].end, m->r[i].owner };
	m->r[i].end = addr;
	m->n++;
	return (int)i + 1;
}

static void merge(struct memmap *m)
{
	unsigned w = 0;
	for (unsigned i = 1; i < m->n; i++) {
		if (m->r[i].owner == m->r[w].owner)
			m->r[w].end = m->r[i].end;
		else
			m->r[++w] = m->r[i];
	}
	m->n = w + 1;
}

int mm_set(struct memmap *m, uint64_t start, uint64_t end, unsigned owner)
{
	uint64_t limit = m->r[m->n - 1].end;
	if (end > limit)
		end = limit;
	if (start >= end)
		return 0;
	/* Two splits need at most two free slots; check first so that a
	 * failure changes nothing. */
	if (m->n + 2 > MM_MAX_RANGES)
		return -1;
	int a = split(m, start), b = split(m, end);
	for (int i = a; i < b; i++)
		m->r[i].owner = owner;
	merge(m);
	return 0;
}

static bool allowed(unsigned have, unsigned owner, unsigned also)
{
	return have == owner || (have == OWNER_FREE && (also & MM_ALSO_FREE)) ||
	       (have == OWNER_BOOT && (also & MM_ALSO_BOOT));
}

bool mm_all(const struct memmap *m, uint64_t start, uint64_t end, unsigned owner, unsigned also)
{
	if (end > m->r[m->n - 1].end || start >= end)
		return false;
	for (unsigned i = find(m, start); i < m->n && m->r[i].start < end; i++)
		if (!allowed(m->r[i].owner, owner, also))
			return false;
	return true;
}

uint64_t mm_find_free(const struct memmap *m, unsigned order)
{
	uint64_t size = 1ULL << order;
	for (unsigned i = 0; i < m->n; i++) {
		if (m->r[i].owner != OWNER_FREE)
			continue;
		uint64_t a = (m->r[i].start + size - 1) & ~(size - 1);
		if (a >= m->r[i].start && a + size <= m->r[i].end)
			return a;
	}
	return ~0ULL;
}
