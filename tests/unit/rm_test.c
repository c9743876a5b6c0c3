/* Host unit tests of the region-manager core (sdk/lib/l4re/rm_regions.c),
 * linked directly.  Every step is followed by rm_check(); the randomized test
 * also compares the whole map, page by page, with a plain per-page model.
 * Prints "ok N - ..." / "not ok N - ..." per test; exit 0 only if all pass.
 * Usage: rm_test [seed]  (the seed of the randomized test) */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "rm_regions.h"
#include "unit.h"

#define PAGE   RM_PAGE_SIZE
#define BASE   ((uintptr_t)0x40000000)
#define WINDOW_PAGES 512
#define TOP    (BASE + WINDOW_PAGES * PAGE - 1)


#define POOL_MAX 100000
static struct rm_node pool[POOL_MAX];
static struct rm_map map;

static void map_init(size_t nodes) { rm_init(&map, pool, nodes, BASE, TOP); }

/* The invariants hold; called after every operation. */
static void check(int line)
{
	const char *why = NULL;
	if (rm_check(&map, &why))
		fail("line %d: rm_check: %s", line, why);
}
#define CHECK() check(__LINE__)

static int attach(uintptr_t *start, uintptr_t size, uint32_t flags, uint64_t ds, uint64_t offset, unsigned align)
{
	int r = rm_attach(&map, start, size, flags, ds, offset, align);
	CHECK();
	return r;
}

static int detach(uintptr_t addr, uintptr_t size, unsigned flags, struct rm_region *removed)
{
	int r = rm_detach(&map, addr, size, flags, removed);
	CHECK();
	return r;
}

static int reserve(uintptr_t *start, uintptr_t size, uint32_t flags, unsigned align)
{
	int r = rm_reserve_area(&map, start, size, flags, align);
	CHECK();
	return r;
}

static int free_area(uintptr_t addr)
{
	int r = rm_free_area(&map, addr);
	CHECK();
	return r;
}

static bool region_is(const struct rm_region *r, uintptr_t start, uintptr_t end, uint64_t offset, uint64_t ds)
{
	return r->start == start && r->end == end && r->offset == offset && r->ds == ds;
}

/* ---- fixed cases --------------------------------------------------------------- */

static void test_attach(void)
{
	uintptr_t a = BASE + 0x10000;
	EXPECT(attach(&a, 0x3000, RM_F_RW, 7, 0x5000, 0) == 0 && a == BASE + 0x10000);
	uintptr_t b = BASE + 0x20123;   /* start rounded down, size up */
	EXPECT(attach(&b, 0x1001, RM_F_R | RM_F_EAGER_MAP, 8, 0, 0) == 0 && b == BASE + 0x20000);
	struct rm_region r;
	EXPECT(rm_find(&map, BASE + 0x21fff, 1, &r) == 0 && region_is(&r, BASE + 0x20000, BASE + 0x21fff, 0, 8));
	EXPECT(r.flags == RM_F_R);      /* attach flags are not kept */
	uintptr_t c = 0;                /* search from the bottom */
	EXPECT(attach(&c, PAGE, RM_F_RW | RM_F_SEARCH_ADDR, 9, 0, 0) == 0 && c == BASE);
	uintptr_t d = BASE + 0x10000;   /* search from a taken hint: next free page */
	EXPECT(attach(&d, PAGE, RM_F_RW | RM_F_SEARCH_ADDR, 10, 0, 0) == 0 && d == BASE + 0x13000);
	uintptr_t e = BASE + 0x11000;   /* 64K-aligned: past 0x13000 to 0x30000 (0x20000.. is taken) */
	EXPECT(attach(&e, 0x2000, RM_F_RW | RM_F_SEARCH_ADDR, 11, 0, 16) == 0 && e == BASE + 0x30000);
	uintptr_t f = BASE + 0x1000;    /* align below a page counts as a page */
	EXPECT(attach(&f, PAGE, RM_F_RW | RM_F_SEARCH_ADDR, 12, 0, 3) == 0 && f == BASE + 0x1000);
	uintptr_t g = 0x1234;           /* a hint below the window searches from its bottom */
	EXPECT(attach(&g, PAGE, RM_F_RW | RM_F_SEARCH_ADDR, 13, 0, 0) == 0 && g == BASE + 0x2000);
	uintptr_t h = BASE;             /* from the bottom past three taken pages */
	EXPECT(attach(&h, PAGE, RM_F_RW | RM_F_SEARCH_ADDR, 14, 0, 0) == 0 && h == BASE + 0x3000);
	uintptr_t t = TOP - PAGE + 1;
	EXPECT(attach(&t, PAGE, RM_F_RW, 15, 0, 0) == 0);
	EXPECT(map.regions.count == 9);
}

static void test_refused(void)
{
	uintptr_t a = BASE + 0x4000;
	EXPECT(attach(&a, 0x4000, RM_F_RW, 1, 0, 0) == 0);
	uintptr_t s;
	s = BASE + 0x3000; EXPECT(attach(&s, 0x2000, RM_F_RW, 2, 0, 0) == -EADDRNOTAVAIL);   /* head overlaps */
	s = BASE + 0x7000; EXPECT(attach(&s, 0x2000, RM_F_RW, 2, 0, 0) == -EADDRNOTAVAIL);   /* tail overlaps */
	s = BASE + 0x5000; EXPECT(attach(&s, 0x1000, RM_F_RW, 2, 0, 0) == -EADDRNOTAVAIL);   /* inside */
	s = BASE;          EXPECT(attach(&s, 0x10000, RM_F_RW, 2, 0, 0) == -EADDRNOTAVAIL);  /* covers */
	s = BASE - PAGE;   EXPECT(attach(&s, PAGE, RM_F_RW, 2, 0, 0) == -EADDRNOTAVAIL);     /* below window */
	s = TOP - PAGE + 1; EXPECT(attach(&s, 2 * PAGE, RM_F_RW, 2, 0, 0) == -EADDRNOTAVAIL); /* past the top */
	s = UINTPTR_MAX - PAGE + 1; EXPECT(attach(&s, PAGE, RM_F_RW, 2, 0, 0) == -EADDRNOTAVAIL);
	s = BASE; EXPECT(attach(&s, 0, RM_F_RW, 2, 0, 0) == -EINVAL);
	s = BASE; EXPECT(attach(&s, UINTPTR_MAX, RM_F_RW, 2, 0, 0) == -EINVAL);
	s = BASE; EXPECT(attach(&s, PAGE, RM_F_RW | RM_F_SEARCH_ADDR, 2, 0, 64) == -EINVAL);
	s = BASE; EXPECT(attach(&s, (WINDOW_PAGES + 1) * PAGE, RM_F_RW | RM_F_SEARCH_ADDR, 2, 0, 0) == -EADDRNOTAVAIL);
	s = BASE; EXPECT(attach(&s, PAGE, RM_F_RW | RM_F_SEARCH_ADDR, 2, 0, 40) == -EADDRNOTAVAIL); /* no 1T-aligned page */
	EXPECT(map.regions.count == 1 && rm_free_node_count(&map) == map.capacity - 1);
	EXPECT(s == BASE);   /* a failed attach leaves *start alone */
}

static void test_areas(void)
{
	uintptr_t area = BASE + 0x100000;
	EXPECT(reserve(&area, 0x10000, 0, 0) == 0 && area == BASE + 0x100000);
	uintptr_t s;
	s = BASE + 0x104000; EXPECT(attach(&s, 0x2000, RM_F_RW | RM_F_IN_AREA, 1, 0, 0) == 0);
	struct rm_region r;
	EXPECT(rm_lookup(&map, BASE + 0x105000, &r, NULL) == 0 && r.in_area);
	s = BASE + 0x10f000; EXPECT(attach(&s, 0x2000, RM_F_RW | RM_F_IN_AREA, 2, 0, 0) == -EADDRNOTAVAIL); /* sticks out */
	s = BASE + 0xff000;  EXPECT(attach(&s, 0x2000, RM_F_RW, 2, 0, 0) == -EADDRNOTAVAIL);  /* touches the area */
	s = BASE + 0x108000; EXPECT(attach(&s, 0x1000, RM_F_RW, 2, 0, 0) == -EADDRNOTAVAIL);  /* in it, no IN_AREA */
	s = BASE + 0x190000; EXPECT(attach(&s, 0x1000, RM_F_RW | RM_F_IN_AREA, 2, 0, 0) == -EADDRNOTAVAIL); /* no area */
	/* a search without IN_AREA jumps over the area */
	s = BASE + 0xfe000; EXPECT(attach(&s, 0x3000, RM_F_RW | RM_F_SEARCH_ADDR, 3, 0, 0) == 0 && s == BASE + 0x110000);
	/* a search in the area from its start skips the region in it */
	s = BASE + 0x100000;
	EXPECT(attach(&s, 0x5000, RM_F_RW | RM_F_SEARCH_ADDR | RM_F_IN_AREA, 4, 0, 0) == 0 && s == BASE + 0x106000);
	s = BASE + 0x100000;
	EXPECT(attach(&s, 0x6000, RM_F_RW | RM_F_SEARCH_ADDR | RM_F_IN_AREA, 5, 0, 0) == -EADDRNOTAVAIL); /* no room */
	s = BASE + 0x100000;
	EXPECT(attach(&s, 0x4000, RM_F_RW | RM_F_SEARCH_ADDR | RM_F_IN_AREA, 5, 0, 0) == 0 && s == BASE + 0x100000);
	/* areas may not overlap areas */
	uintptr_t a2 = BASE + 0x10f000; EXPECT(reserve(&a2, 0x2000, 0, 0) == -EADDRNOTAVAIL);
	/* a reserved area: no region may go in it, and it may not cover one */
	uintptr_t ra = BASE + 0x110000; EXPECT(reserve(&ra, 0x1000, RM_F_RESERVED, 0) == -EADDRNOTAVAIL);
	ra = BASE + 0x180000; EXPECT(reserve(&ra, 0x4000, RM_F_RESERVED, 0) == 0);
	s = BASE + 0x180000; EXPECT(attach(&s, 0x1000, RM_F_RW | RM_F_IN_AREA, 6, 0, 0) == -EADDRNOTAVAIL);
	/* a plain area may be laid over an existing region (L4Re allows it) */
	uintptr_t over = BASE + 0x110000; EXPECT(reserve(&over, 0x8000, 0, 0) == 0);
	EXPECT(rm_find(&map, BASE + 0x110000, 1, &r) == 0 && r.ds == 3 && !r.in_area);
	/* a searched area skips regions and areas */
	uintptr_t sa = BASE + 0x100000;
	EXPECT(reserve(&sa, 0x2000, RM_F_SEARCH_ADDR, 0) == 0 && sa == BASE + 0x118000);
	/* find: a region first, an area with IN_AREA otherwise */
	EXPECT(rm_find(&map, BASE + 0x10c000, 1, &r) == 0 && r.start == BASE + 0x100000 && r.end == BASE + 0x10ffff &&
	       r.flags == RM_F_IN_AREA);
	EXPECT(rm_find(&map, BASE + 0x181000, 0x1000, &r) == 0 && r.flags == (RM_F_RESERVED | RM_F_IN_AREA));
	EXPECT(rm_find(&map, BASE + 0x190000, 1, &r) == -ENOENT);
	/* free_area with regions inside succeeds; the regions stay, out of any area */
	size_t regions = map.regions.count;
	EXPECT(free_area(BASE + 0x10ffff) == 0);
	EXPECT(map.regions.count == regions);
	EXPECT(rm_lookup(&map, BASE + 0x104000, &r, NULL) == 0 && r.ds == 1 && !r.in_area);
	EXPECT(free_area(BASE + 0x10ffff) == -ENOENT);
	EXPECT(free_area(BASE + 0x180000) == 0 && free_area(BASE + 0x110000) == 0 && free_area(BASE + 0x118000) == 0);
	EXPECT(map.areas.count == 0);
	/* the area's space is usable without IN_AREA now */
	s = BASE + 0x10c000; EXPECT(attach(&s, 0x1000, RM_F_RW, 7, 0, 0) == 0);
	uintptr_t bad = BASE - PAGE; EXPECT(reserve(&bad, 0x2000, 0, 0) == -EADDRNOTAVAIL);
	bad = BASE; EXPECT(reserve(&bad, 0, 0, 0) == -EINVAL);
}

static void test_detach(void)
{
	struct rm_region r;
	uintptr_t s = BASE + 0x10000;
	EXPECT(attach(&s, 0x10000, RM_F_RW | RM_F_DETACH_FREE, 5, 0x100000, 0) == 0);
	/* a hole in the middle: split, the tail keeps its dataspace offset */
	EXPECT(detach(BASE + 0x14000, 0x2000, RM_DETACH_EXACT, &r) == RM_SPLIT_DS);
	EXPECT(region_is(&r, BASE + 0x14000, BASE + 0x15fff, 0x104000, 5) && (r.flags & RM_F_DETACH_FREE));
	EXPECT(rm_find(&map, BASE + 0x10000, 1, &r) == 0 && region_is(&r, BASE + 0x10000, BASE + 0x13fff, 0x100000, 5));
	EXPECT(rm_find(&map, BASE + 0x16000, 1, &r) == 0 && region_is(&r, BASE + 0x16000, BASE + 0x1ffff, 0x106000, 5));
	/* trim the head of the tail: offset moves with the start */
	EXPECT(detach(BASE + 0x15000, 0x2000, RM_DETACH_EXACT, &r) == RM_KEPT_DS);
	EXPECT(region_is(&r, BASE + 0x16000, BASE + 0x16fff, 0x106000, 5));
	EXPECT(rm_find(&map, BASE + 0x17000, 1, &r) == 0 && region_is(&r, BASE + 0x17000, BASE + 0x1ffff, 0x107000, 5));
	/* trim the tail of the head piece; one byte takes its whole page */
	EXPECT(detach(BASE + 0x13abc, 1, RM_DETACH_EXACT, &r) == RM_KEPT_DS);
	EXPECT(region_is(&r, BASE + 0x13000, BASE + 0x13fff, 0x103000, 5));
	uint64_t off;
	EXPECT(rm_lookup(&map, BASE + 0x12345, &r, &off) == 0 && off == 0x102345 && r.end == BASE + 0x12fff);
	/* a range over both pieces and the gap: one region per call, AGAIN while more overlap */
	EXPECT(detach(BASE + 0x11000, 0x8000, RM_DETACH_EXACT, &r) == (RM_KEPT_DS | RM_DETACH_AGAIN));
	EXPECT(region_is(&r, BASE + 0x11000, BASE + 0x12fff, 0x101000, 5));
	EXPECT(detach(BASE + 0x11000, 0x8000, RM_DETACH_EXACT, &r) == RM_KEPT_DS);
	EXPECT(region_is(&r, BASE + 0x17000, BASE + 0x18fff, 0x107000, 5));
	EXPECT(detach(BASE + 0x11000, 0x8000, RM_DETACH_EXACT, &r) == -ENOENT);
	/* OVERLAP (L4Re's single-address detach) takes whole regions */
	EXPECT(detach(BASE + 0x1a000, 1, RM_DETACH_OVERLAP, &r) == RM_DETACHED_DS);
	EXPECT(region_is(&r, BASE + 0x19000, BASE + 0x1ffff, 0x109000, 5));
	EXPECT(detach(BASE + 0x10000, 0x10000, RM_DETACH_EXACT, &r) == RM_DETACHED_DS);
	EXPECT(region_is(&r, BASE + 0x10000, BASE + 0x10fff, 0x100000, 5));
	EXPECT(map.regions.count == 0 && rm_free_node_count(&map) == map.capacity);
	/* several whole regions */
	for (int i = 0; i < 3; i++) {
		s = BASE + i * 0x2000;
		EXPECT(attach(&s, 0x1000, RM_F_R, 20 + i, 0, 0) == 0);
	}
	EXPECT(detach(BASE, 0x6000, RM_DETACH_EXACT, &r) == (RM_DETACHED_DS | RM_DETACH_AGAIN) && r.ds == 20);
	EXPECT(detach(BASE, 0x6000, RM_DETACH_EXACT, NULL) == (RM_DETACHED_DS | RM_DETACH_AGAIN));
	EXPECT(detach(BASE, 0x6000, RM_DETACH_EXACT, &r) == RM_DETACHED_DS && r.ds == 22);
	/* a range reaching past the top of the address space */
	s = TOP - PAGE + 1;
	EXPECT(attach(&s, PAGE, RM_F_R, 30, 0, 0) == 0);
	EXPECT(detach(TOP - 0x10, UINTPTR_MAX, RM_DETACH_EXACT, &r) == RM_DETACHED_DS && r.ds == 30);
}

static void test_lookup(void)
{
	uintptr_t s = BASE + 0x40000;
	EXPECT(attach(&s, 0x4000, RM_F_RX, 0x1234567890ULL, 0x7000, 0) == 0);
	struct rm_region r;
	uint64_t off = 0;
	EXPECT(rm_lookup(&map, BASE + 0x40000, &r, &off) == 0 && off == 0x7000);
	EXPECT(rm_lookup(&map, BASE + 0x43fff, &r, &off) == 0 && off == 0xafff && r.ds == 0x1234567890ULL &&
	       r.flags == RM_F_RX);
	EXPECT(rm_lookup(&map, BASE + 0x3ffff, &r, &off) == -ENOENT);
	EXPECT(rm_lookup(&map, BASE + 0x44000, &r, &off) == -ENOENT);
	/* find with a size: the lowest region the range touches */
	uintptr_t t = BASE + 0x50000;
	EXPECT(attach(&t, 0x1000, RM_F_R, 2, 0, 0) == 0);
	EXPECT(rm_find(&map, BASE + 0x30000, 0x30000, &r) == 0 && r.start == BASE + 0x40000);
	EXPECT(rm_find(&map, BASE + 0x44000, 0x10000, &r) == 0 && r.start == BASE + 0x50000);
	EXPECT(rm_find(&map, BASE + 0x44000, 0xc000, &r) == -ENOENT);
	/* areas do not count for page faults */
	uintptr_t a = BASE + 0x60000;
	EXPECT(reserve(&a, 0x1000, 0, 0) == 0);
	EXPECT(rm_lookup(&map, BASE + 0x60000, &r, &off) == -ENOENT);
	/* enumeration in pieces */
	struct rm_region list[2];
	EXPECT(rm_get_regions(&map, 0, list, 1) == 1 && list[0].start == BASE + 0x40000);
	EXPECT(rm_get_regions(&map, list[0].end + 1, list, 2) == 1 && list[0].start == BASE + 0x50000);
	EXPECT(rm_get_regions(&map, BASE + 0x41000, list, 2) == 2);   /* a region holding addr counts */
	EXPECT(rm_get_regions(&map, BASE + 0x51000, list, 2) == 0);
	EXPECT(rm_get_areas(&map, 0, list, 2) == 1 && list[0].start == BASE + 0x60000);
}

/* Everything the map holds, for before/after comparison. */
struct snapshot {
	size_t regions, areas, free_nodes;
	struct rm_region r[16], a[16];
};

static void snapshot_take(struct snapshot *s)
{
	s->regions = rm_get_regions(&map, 0, s->r, 16);
	s->areas = rm_get_areas(&map, 0, s->a, 16);
	s->free_nodes = rm_free_node_count(&map);
}

static bool region_eq(const struct rm_region *x, const struct rm_region *y)
{
	return region_is(x, y->start, y->end, y->offset, y->ds) && x->flags == y->flags && x->in_area == y->in_area;
}

static bool snapshot_same(const struct snapshot *x, const struct snapshot *y)
{
	if (x->regions != y->regions || x->areas != y->areas || x->free_nodes != y->free_nodes)
		return false;
	for (size_t i = 0; i < x->regions; i++)
		if (!region_eq(&x->r[i], &y->r[i]))
			return false;
	for (size_t i = 0; i < x->areas; i++)
		if (!region_eq(&x->a[i], &y->a[i]))
			return false;
	return true;
}

static void test_pool_exhaustion(void)
{
	map_init(4);
	uintptr_t s = BASE + 0x10000;
	EXPECT(reserve(&s, 0x10000, 0, 0) == 0);
	s = BASE + 0x10000;
	EXPECT(attach(&s, 0x8000, RM_F_RW | RM_F_IN_AREA, 1, 0, 0) == 0);
	for (int i = 0; i < 2; i++) {
		s = BASE;
		EXPECT(attach(&s, 0x1000, RM_F_RW | RM_F_SEARCH_ADDR, 2 + i, 0, 0) == 0);
	}
	EXPECT(rm_free_node_count(&map) == 0);
	struct snapshot before, after;
	snapshot_take(&before);
	s = BASE + 0x40000;
	EXPECT(attach(&s, 0x1000, RM_F_RW, 9, 0, 0) == -ENOMEM && s == BASE + 0x40000);
	s = BASE;
	EXPECT(attach(&s, 0x1000, RM_F_RW | RM_F_SEARCH_ADDR, 9, 0, 0) == -ENOMEM);
	s = BASE + 0x18000;
	EXPECT(attach(&s, 0x1000, RM_F_RW | RM_F_IN_AREA, 9, 0, 0) == -ENOMEM);
	s = BASE + 0x40000;
	EXPECT(reserve(&s, 0x1000, 0, 0) == -ENOMEM);
	/* placement is judged before the pool: a taken place is still EADDRNOTAVAIL */
	s = BASE + 0x10000;
	EXPECT(attach(&s, 0x1000, RM_F_RW | RM_F_IN_AREA, 9, 0, 0) == -EADDRNOTAVAIL);
	struct rm_region r;
	EXPECT(detach(BASE + 0x12000, 0x1000, RM_DETACH_EXACT, &r) == -ENOMEM);   /* a split */
	snapshot_take(&after);
	EXPECT(snapshot_same(&before, &after));
	/* a trim needs no node */
	EXPECT(detach(BASE + 0x17000, 0x1000, RM_DETACH_EXACT, &r) == RM_KEPT_DS);
	EXPECT(rm_free_area(&map, BASE + 0x10000) == 0);
	CHECK();
	EXPECT(detach(BASE + 0x12000, 0x1000, RM_DETACH_EXACT, &r) == RM_SPLIT_DS);
	EXPECT(rm_free_node_count(&map) == 0);
}

/* ---- randomized test against a per-page model ---------------------------------------------- */

#define STEPS 20000
#define RANDOM_POOL 64
#define MAX_IDS (4 * STEPS + 16)

static unsigned long stress_seed = 1;
static uint64_t rng_state;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static unsigned rnd_below(unsigned n) { return (unsigned)(rnd() % n); }

/* A page address from 8 pages below the window to 8 above it. */
static uintptr_t random_page(void) { return BASE + ((intptr_t)rnd_below(WINDOW_PAGES + 16) - 8) * (intptr_t)PAGE; }

/* Per page of the window: which region (0 none) and its ds offset there,
 * which area (0 none).  Per id: what the region or area carries. */
static struct {
	unsigned region[WINDOW_PAGES], area[WINDOW_PAGES];
	uint64_t offset[WINDOW_PAGES];
	uint64_t ds[MAX_IDS];
	uint32_t flags[MAX_IDS];
	unsigned in_area[MAX_IDS];   /* area id the region was attached into */
	unsigned next_id;
	size_t nodes;
} model;

static bool in_window(uintptr_t a) { return a >= BASE && a <= TOP; }
static unsigned page_index(uintptr_t a) { return (unsigned)((a - BASE) / PAGE); }
static uintptr_t page_address(unsigned p) { return BASE + p * PAGE; }

/* Pages p..q all free of regions and (if no_area) of areas. */
static bool model_free(unsigned p, unsigned q, bool no_area)
{
	for (unsigned i = p; i <= q; i++)
		if (model.region[i] || (no_area && model.area[i]))
			return false;
	return true;
}

static void model_run(const unsigned *ids, unsigned p, unsigned *first, unsigned *last)
{
	unsigned id = ids[p];
	*first = *last = p;
	while (*first > 0 && ids[*first - 1] == id)
		--*first;
	while (*last + 1 < WINDOW_PAGES && ids[*last + 1] == id)
		++*last;
}

/* The lowest aligned start >= from (page indexes, window-relative) with n
 * pages free up to page hi; -1 if none. */
static long model_search(uintptr_t from, unsigned hi, unsigned n, unsigned align, bool no_area)
{
	uintptr_t step = (uintptr_t)1 << align;
	for (uintptr_t c = (from + step - 1) & ~(step - 1); c <= page_address(hi); c += step) {
		unsigned p = page_index(c);
		if (p + n - 1 > hi)
			return -1;
		if (model_free(p, p + n - 1, no_area))
			return p;
	}
	return -1;
}

static int model_attach(uintptr_t hint, uintptr_t size, uint32_t flags, unsigned align, uintptr_t *start)
{
	if (size == 0 || align > 63)
		return -EINVAL;
	if (align < 12)
		align = 12;
	unsigned n = (unsigned)((size + PAGE - 1) / PAGE);
	uintptr_t s = hint & ~(PAGE - 1);
	unsigned lo = 0, hi = WINDOW_PAGES - 1;
	bool in_area = flags & RM_F_IN_AREA;
	unsigned area = 0;
	if (in_area) {
		if (!in_window(s) || !(area = model.area[page_index(s)]) || (model.flags[area] & RM_F_RESERVED))
			return -EADDRNOTAVAIL;
		model_run(model.area, page_index(s), &lo, &hi);
	}
	long p;
	if (flags & RM_F_SEARCH_ADDR) {
		uintptr_t from = s < page_address(lo) || s > page_address(hi) ? page_address(lo) : s;
		p = model_search(from, hi, n, align, !in_area);
	} else {
		p = in_window(s) && page_index(s) >= lo && page_index(s) + (uint64_t)n - 1 <= hi &&
				    model_free(page_index(s), page_index(s) + n - 1, !in_area)
			    ? (long)page_index(s)
			    : -1;
	}
	if (p < 0)
		return -EADDRNOTAVAIL;
	if (model.nodes == RANDOM_POOL)
		return -ENOMEM;
	*start = page_address((unsigned)p);
	return (int)p;
}

static void model_place(unsigned p, unsigned n, unsigned *ids, unsigned id)
{
	for (unsigned i = p; i < p + n; i++)
		ids[i] = id;
	model.nodes++;
}

static void step_attach(void)
{
	uintptr_t hint = random_page() + rnd_below(3) * 0x123;
	unsigned pages = rnd_below(8) ? 1 + rnd_below(rnd_below(4) ? 4 : 24) : 0;
	uintptr_t size = pages ? pages * PAGE - rnd_below(PAGE) : 0;
	static const unsigned aligns[] = { 0, 12, 13, 14, 16, 18 };
	unsigned align = aligns[rnd_below(6)];
	uint32_t flags = (1 + rnd_below(7)) | (rnd_below(4) ? 0 : RM_F_DETACH_FREE) | (rnd_below(3) ? 0 : RM_F_EAGER_MAP);
	if (rnd_below(2))
		flags |= RM_F_SEARCH_ADDR;
	if (rnd_below(3) == 0)
		flags |= RM_F_IN_AREA;
	uint64_t ds = rnd() | 1, offset = (uint64_t)rnd_below(1 << 20) * PAGE;
	uintptr_t expect_start = 0, got = hint;
	int expect = model_attach(hint, size, flags, align, &expect_start);
	int r = attach(&got, size, flags, ds, offset, align);
	if (r != (expect < 0 ? expect : 0) || (r == 0 && got != expect_start)) {
		fail("attach hint %#lx size %#lx flags %#x align %u: got %d at %#lx, model %d at %#lx", hint, size, flags,
		     align, r, got, expect, expect_start);
		return;
	}
	if (r == 0) {
		unsigned id = ++model.next_id, p = (unsigned)expect, n = (unsigned)((size + PAGE - 1) / PAGE);
		model_place(p, n, model.region, id);
		for (unsigned i = 0; i < n; i++)
			model.offset[p + i] = offset + i * PAGE;
		model.ds[id] = ds;
		model.flags[id] = flags & RM_F_REGION_MASK;
		model.in_area[id] = (flags & RM_F_IN_AREA) ? model.area[p] : 0;
	}
}

static void step_reserve(void)
{
	uintptr_t hint = random_page();
	unsigned n = 1 + rnd_below(rnd_below(3) ? 16 : 64);
	unsigned align = rnd_below(2) ? 0 : 14;
	uint32_t flags = (rnd_below(3) ? 0 : RM_F_RESERVED) | (rnd_below(2) ? RM_F_SEARCH_ADDR : 0);
	long p;
	if (flags & RM_F_SEARCH_ADDR) {
		p = model_search(in_window(hint) ? hint : BASE, WINDOW_PAGES - 1, n, align < 12 ? 12 : align, true);
	} else {
		bool ok = in_window(hint) && page_index(hint) + n - 1 < WINDOW_PAGES;
		for (unsigned i = 0; ok && i < n; i++)
			if (model.area[page_index(hint) + i] ||
			    ((flags & RM_F_RESERVED) && model.region[page_index(hint) + i]))
				ok = false;
		p = ok ? (long)page_index(hint) : -1;
	}
	int expect = p < 0 ? -EADDRNOTAVAIL : model.nodes == RANDOM_POOL ? -ENOMEM : 0;
	uintptr_t got = hint;
	int r = reserve(&got, n * PAGE, flags, align);
	if (r != expect || (r == 0 && got != page_address((unsigned)p))) {
		fail("reserve_area hint %#lx pages %u flags %#x: got %d at %#lx, model %d at page %ld", hint, n, flags, r,
		     got, expect, p);
		return;
	}
	if (r == 0) {
		unsigned id = ++model.next_id;
		model_place((unsigned)p, n, model.area, id);
		model.flags[id] = flags & RM_F_REGION_MASK;
	}
}

static void step_free_area(void)
{
	uintptr_t addr = random_page() + rnd_below(PAGE);
	unsigned id = in_window(addr) ? model.area[page_index(addr)] : 0;
	int r = free_area(addr);
	if (r != (id ? 0 : -ENOENT)) {
		fail("free_area %#lx: got %d, model area %u", addr, r, id);
		return;
	}
	if (!id)
		return;
	for (unsigned i = 0; i < WINDOW_PAGES; i++)
		if (model.area[i] == id)
			model.area[i] = 0;
	for (unsigned i = 0; i < WINDOW_PAGES; i++)
		if (model.in_area[model.region[i]] == id)
			model.in_area[model.region[i]] = 0;
	model.nodes--;
}

static void step_detach(void)
{
	uintptr_t addr = random_page() + rnd_below(PAGE);
	uintptr_t size = rnd_below(4) ? rnd_below(12) * PAGE + rnd_below(PAGE) : rnd_below(80) * PAGE;
	unsigned flags = rnd_below(5) ? RM_DETACH_EXACT : RM_DETACH_OVERLAP;
	/* the model, over whole pages */
	uintptr_t a = addr & ~(PAGE - 1), b = (size ? addr + size - 1 : addr) | (PAGE - 1);
	long first = -1;
	for (uintptr_t x = a; x <= b && x >= a; x += PAGE)
		if (in_window(x) && model.region[page_index(x)]) {
			first = page_index(x);
			break;
		}
	struct rm_region got;
	int r = detach(addr, size, flags, &got);
	if (first < 0) {
		if (r != -ENOENT)
			fail("detach %#lx+%#lx: got %d, model finds no region", addr, size, r);
		return;
	}
	unsigned g_first, g_last, id = model.region[first];
	model_run(model.region, (unsigned)first, &g_first, &g_last);
	unsigned ra = in_window(a) ? page_index(a) : 0;
	unsigned rb = in_window(b) ? page_index(b) : WINDOW_PAGES - 1;
	unsigned cut_first, cut_last;
	int expect;
	if ((flags & RM_DETACH_OVERLAP) || (ra <= g_first && rb >= g_last)) {
		cut_first = g_first, cut_last = g_last, expect = RM_DETACHED_DS;
	} else if (ra <= g_first) {
		cut_first = g_first, cut_last = rb, expect = RM_KEPT_DS;
	} else if (rb >= g_last) {
		cut_first = ra, cut_last = g_last, expect = RM_KEPT_DS;
	} else {
		cut_first = ra, cut_last = rb, expect = RM_SPLIT_DS;
		if (model.nodes == RANDOM_POOL)
			expect = -ENOMEM;
	}
	if (expect == -ENOMEM) {
		if (r != -ENOMEM)
			fail("detach %#lx+%#lx: got %d, model -ENOMEM", addr, size, r);
		return;
	}
	struct rm_region want = { .start = page_address(cut_first), .end = page_address(cut_last) + PAGE - 1,
				  .offset = model.offset[cut_first], .ds = model.ds[id], .flags = model.flags[id],
				  .in_area = model.in_area[id] != 0 };
	for (unsigned i = cut_first; i <= cut_last; i++)
		model.region[i] = 0;
	if (expect == RM_SPLIT_DS) {
		unsigned tail = ++model.next_id;
		model.ds[tail] = model.ds[id];
		model.flags[tail] = model.flags[id];
		model.in_area[tail] = model.in_area[id];
		for (unsigned i = cut_last + 1; i <= g_last; i++)
			model.region[i] = tail;
		model.nodes++;
	}
	if (expect == RM_DETACHED_DS)
		model.nodes--;
	for (uintptr_t x = a; x <= b && x >= a; x += PAGE)
		if (in_window(x) && model.region[page_index(x)]) {
			expect |= RM_DETACH_AGAIN;
			break;
		}
	if (r != expect || !region_eq(&got, &want))
		fail("detach %#lx+%#lx flags %u: got %d [%#lx,%#lx] off %#lx, model %d [%#lx,%#lx] off %#lx", addr, size,
		     flags, r, got.start, got.end, (unsigned long)got.offset, expect, want.start, want.end,
		     (unsigned long)want.offset);
}

static void step_find(void)
{
	uintptr_t addr = random_page() + rnd_below(PAGE);
	uintptr_t size = rnd_below(8) * PAGE + rnd_below(PAGE);
	uintptr_t last = (size ? addr + size - 1 : addr);
	long reg = -1, area = -1;
	for (uintptr_t x = addr & ~(PAGE - 1); x <= last; x += PAGE)
		if (in_window(x)) {
			if (reg < 0 && model.region[page_index(x)])
				reg = page_index(x);
			if (area < 0 && model.area[page_index(x)])
				area = page_index(x);
		}
	struct rm_region got;
	int r = rm_find(&map, addr, size, &got);
	long p = reg >= 0 ? reg : area;
	if (p < 0) {
		if (r != -ENOENT)
			fail("find %#lx+%#lx: got %d, model none", addr, size, r);
		return;
	}
	unsigned f, l;
	model_run(reg >= 0 ? model.region : model.area, (unsigned)p, &f, &l);
	bool ok = r == 0 && got.start == page_address(f) && got.end == page_address(l) + PAGE - 1;
	if (reg >= 0)
		ok = ok && got.offset == model.offset[f] && got.ds == model.ds[model.region[p]];
	else
		ok = ok && got.flags == (model.flags[model.area[p]] | RM_F_IN_AREA);
	if (!ok)
		fail("find %#lx+%#lx: got %d [%#lx,%#lx]", addr, size, r, got.start, got.end);
}

/* The whole map equals the model: regions page by page (each page's ds offset
 * = region offset + distance), areas, node count; lookups agree. */
static void compare_with_model(unsigned long step)
{
	struct rm_region chunk[7];
	size_t k = 0, n;
	uintptr_t from = 0;
	unsigned seen[WINDOW_PAGES] = { 0 }, seen_area[WINDOW_PAGES] = { 0 };
	size_t regions = 0, areas = 0;
	while ((n = rm_get_regions(&map, from, chunk, 7)) > 0) {
		for (k = 0; k < n; k++) {
			const struct rm_region *r = &chunk[k];
			regions++;
			if (!in_window(r->start) || !in_window(r->end)) {
				fail("step %lu: region [%#lx,%#lx] outside the window", step, r->start, r->end);
				return;
			}
			unsigned id = model.region[page_index(r->start)];
			for (unsigned p = page_index(r->start); p <= page_index(r->end); p++) {
				if (!id || model.region[p] != id || model.offset[p] != r->offset + (page_address(p) - r->start)) {
					fail("step %lu: page %#lx of region [%#lx,%#lx] differs from the model", step,
					     page_address(p), r->start, r->end);
					return;
				}
				seen[p] = 1;
			}
			if ((r->start > BASE && model.region[page_index(r->start) - 1] == id) ||
			    (r->end < TOP && model.region[page_index(r->end) + 1] == id) || r->ds != model.ds[id] ||
			    r->flags != model.flags[id] || r->in_area != (model.in_area[id] != 0)) {
				fail("step %lu: region [%#lx,%#lx] bounds or attributes differ from the model", step,
				     r->start, r->end);
				return;
			}
		}
		if (chunk[n - 1].end == UINTPTR_MAX)
			break;
		from = chunk[n - 1].end + 1;
	}
	from = 0;
	while ((n = rm_get_areas(&map, from, chunk, 7)) > 0) {
		for (k = 0; k < n; k++) {
			unsigned f, l, p = page_index(chunk[k].start);
			areas++;
			if (!model.area[p]) {
				fail("step %lu: area at %#lx not in the model", step, chunk[k].start);
				return;
			}
			model_run(model.area, p, &f, &l);
			if (f != p || page_address(l) + PAGE - 1 != chunk[k].end || chunk[k].flags != model.flags[model.area[p]]) {
				fail("step %lu: area [%#lx,%#lx] differs from the model", step, chunk[k].start, chunk[k].end);
				return;
			}
			for (unsigned i = f; i <= l; i++)
				seen_area[i] = 1;
		}
		from = chunk[n - 1].end + 1;
	}
	for (unsigned p = 0; p < WINDOW_PAGES; p++)
		if ((model.region[p] != 0) != seen[p] || (model.area[p] != 0) != seen_area[p]) {
			fail("step %lu: page %#lx is in the model but not in the map (or back)", step, page_address(p));
			return;
		}
	if (regions + areas != model.nodes || rm_free_node_count(&map) != RANDOM_POOL - model.nodes)
		fail("step %lu: %zu regions + %zu areas, model %zu nodes, %zu free", step, regions, areas, model.nodes,
		     rm_free_node_count(&map));
	for (int i = 0; i < 4; i++) {
		unsigned p = rnd_below(WINDOW_PAGES);
		uintptr_t addr = page_address(p) + rnd_below(PAGE);
		struct rm_region r;
		uint64_t off;
		int e = rm_lookup(&map, addr, &r, &off);
		if (model.region[p] ? e != 0 || off != model.offset[p] + (addr & (PAGE - 1)) || r.ds != model.ds[model.region[p]]
				    : e != -ENOENT)
			fail("step %lu: lookup %#lx: got %d off %#lx", step, addr, e, (unsigned long)off);
	}
}

static void test_stress(void)
{
	memset(&model, 0, sizeof model);
	rng_state = stress_seed * 0x9e3779b97f4a7c15ULL + 1;
	map_init(RANDOM_POOL);
	unsigned long counts[5] = { 0 }, nomem = 0, again = 0;
	printf("# randomized test, seed %lu, %d steps, %d-page window, pool of %d nodes\n", stress_seed, STEPS,
	       WINDOW_PAGES, RANDOM_POOL);
	for (unsigned long step = 0; step < STEPS && test_ok; step++) {
		unsigned op = rnd_below(20);
		size_t free_before = rm_free_node_count(&map);
		if (op < 6) {
			step_attach();
			counts[0]++;
		} else if (op < 13) {
			step_detach();
			counts[1]++;
		} else if (op < 15) {
			step_reserve();
			counts[2]++;
		} else if (op < 17) {
			step_free_area();
			counts[3]++;
		} else {
			step_find();
			counts[4]++;
		}
		if (free_before == 0)
			nomem++;
		compare_with_model(step);
		if (!test_ok)
			printf("#   failed at step %lu (seed %lu)\n", step, stress_seed);
	}
	/* a long run of detaches empties the map through AGAIN */
	for (;;) {
		int r = rm_detach(&map, BASE, WINDOW_PAGES * PAGE, RM_DETACH_EXACT, NULL);
		CHECK();
		if (r < 0)
			break;
		again += (r & RM_DETACH_AGAIN) != 0;
	}
	EXPECT(map.regions.count == 0);
	printf("# %lu attaches, %lu detaches, %lu reserves, %lu frees, %lu finds; %lu steps with the pool empty; "
	       "%lu AGAIN while emptying\n",
	       counts[0], counts[1], counts[2], counts[3], counts[4], nomem, again);
}

/* Many regions: lookups stay cheap (time printed, not asserted). */
static void test_many(void)
{
	enum { N = 50000 };
	rm_init(&map, pool, N, 0x100000, 0x100000 + (uintptr_t)2 * N * PAGE - 1);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	uintptr_t hint = 0;
	for (uintptr_t i = 0; i < N; i++) {
		/* from the last one: from the bottom would step over all before */
		uintptr_t s = hint;
		if (rm_attach(&map, &s, PAGE, RM_F_RW | RM_F_SEARCH_ADDR, i, i * PAGE, 13))
			fail("attach %lu", (unsigned long)i);
		hint = s;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double attach_ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
	CHECK();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	unsigned long hits = 0;
	for (uintptr_t i = 0; i < 2 * N; i++) {
		struct rm_region r;
		uint64_t off;
		if (rm_lookup(&map, 0x100000 + i * PAGE + 5, &r, &off) == 0 && off == (i / 2) * PAGE + 5 && r.ds == i / 2)
			hits++;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double lookup_ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
	EXPECT(hits == N);
	EXPECT(map.regions.root->height <= 23);   /* AVL bound: 1.44 log2(50000) */
	for (uintptr_t i = 0; i < N; i += 2)
		EXPECT(rm_detach(&map, 0x100000 + 2 * i * PAGE, 1, RM_DETACH_OVERLAP, NULL) == RM_DETACHED_DS);
	CHECK();
	EXPECT(map.regions.count == N / 2);
	printf("# %d searched attaches %.1f ms, %d lookups %.1f ms, tree height %d\n",
	       N, attach_ms, 2 * N, lookup_ms, map.regions.root->height);
}

/* ---- main ------------------------------------------------------------------------------- */

static void run(const char *name, void (*fn)(void))
{
	unit_begin();
	map_init(64);
	fn();
	CHECK();
	unit_end(name);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		stress_seed = strtoul(argv[1], NULL, 0);
	run("attach fixed, searched from a hint or the bottom, aligned; sizes rounded to pages", test_attach);
	run("overlaps, outside the window, size 0 and impossible alignment refused", test_refused);
	run("areas: in-area attach, outside refused, search in and around, reserved, free_area keeps regions",
	    test_areas);
	run("detach: split, trim head/tail with offsets, AGAIN over several, OVERLAP, ENOENT", test_detach);
	run("find and page-fault lookup (ds offset), enumeration in pieces", test_lookup);
	run("pool exhaustion: -ENOMEM from attach, reserve and split, nothing changed", test_pool_exhaustion);
	run("randomized attach/detach/areas/find against a per-page model", test_stress);
	run("50000 regions: searched attach, lookups, detach of every other", test_many);
	return unit_summary();
}
