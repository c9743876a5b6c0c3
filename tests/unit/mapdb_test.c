/* Host unit tests of the mapping database (kernel/mapdb.c), linked directly.
 * After every operation they run mapdb_check() and compare, page by page,
 * a shadow page table fed by the apply() callback with mapdb_lookup(), so a
 * change the module made without telling the platform shows up at once.
 * Prints "ok N - ..." / "not ok N - ..." per test; exit 0 only if all pass.
 * Usage: mapdb_test [seed]  (the seed of the randomized test) */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "mapdb.h"
#include "unit.h"

#define PAGE 0x1000UL
#define MB   0x100000UL
#define GB   0x40000000UL
#define NSPACES 4

struct tspace {
	struct mspace ms;
	int id;
};
static struct tspace spaces[NSPACES];
#define A (&spaces[0].ms)
#define B (&spaces[1].ms)
#define C (&spaces[2].ms)
#define D (&spaces[3].ms)

static int space_id(const struct mspace *s) { return ((const struct tspace *)s->owner)->id; }


/* ---- shadow page table: what apply() reported, per 4 KiB page ----------------- */

struct shadow_entry {
	uint64_t key;   /* space id << 48 | page number; 0 = free slot */
	uint64_t phys;
	unsigned prot;
};
static struct shadow_entry *shadow;
static size_t shadow_cap, shadow_used;
static unsigned long apply_calls;

static uint64_t shadow_key(int id, uintptr_t va) { return (uint64_t)(id + 1) << 48 | va >> 12; }

static size_t shadow_hash(uint64_t key)
{
	key ^= key >> 33;
	key *= 0xff51afd7ed558ccdULL;
	key ^= key >> 33;
	return key & (shadow_cap - 1);
}

static struct shadow_entry *shadow_slot(uint64_t key)
{
	if (2 * (shadow_used + 1) > shadow_cap) {
		struct shadow_entry *old = shadow;
		size_t old_cap = shadow_cap;
		shadow_cap = shadow_cap ? 2 * shadow_cap : 4096;
		shadow = calloc(shadow_cap, sizeof *shadow);
		if (!shadow) {
			perror("calloc");
			exit(2);
		}
		for (size_t i = 0; i < old_cap; i++)
			if (old[i].key)
				*shadow_slot(old[i].key) = old[i];
		free(old);
	}
	size_t i = shadow_hash(key);
	while (shadow[i].key && shadow[i].key != key)
		i = (i + 1) & (shadow_cap - 1);
	if (!shadow[i].key) {
		shadow[i].key = key;
		shadow_used++;
	}
	return &shadow[i];
}

static void shadow_reset(void)
{
	free(shadow);
	shadow = NULL;
	shadow_cap = shadow_used = 0;
}

static void shadow_apply(struct mspace *s, uintptr_t va, unsigned order, uint64_t phys, unsigned prot)
{
	apply_calls++;
	for (uint64_t o = 0; o < 1ULL << order; o += PAGE) {
		struct shadow_entry *e = shadow_slot(shadow_key(space_id(s), va + o));
		e->phys = phys + o;
		e->prot = prot;
	}
}

static void count_pages(void *arg, uintptr_t va, unsigned order, uint64_t phys, unsigned rights)
{
	*(size_t *)arg += 1UL << (order - 12);
}

/* mapdb_check() finds nothing, and the shadow equals the database: every
 * page the shadow has matches a lookup, and the database maps no page more
 * than the shadow has mapped (equal counts, given the first part). */
static void verify(const char *after)
{
	int violations = mapdb_check();
	if (violations)
		fail("mapdb_check found %d violations after %s", violations, after);
	size_t mapped[NSPACES] = { 0 };
	for (size_t i = 0; i < shadow_cap; i++) {
		struct shadow_entry *e = &shadow[i];
		if (!e->key)
			continue;
		int id = (int)(e->key >> 48) - 1;
		uintptr_t va = (e->key & ((1ULL << 48) - 1)) << 12;
		uint64_t phys;
		unsigned rights;
		bool found = mapdb_lookup(&spaces[id].ms, va, &phys, &rights, NULL);
		if (e->prot)
			mapped[id]++;
		if (found != (e->prot != 0) || (found && (phys != e->phys || rights != e->prot)))
			fail("after %s: space %d va %#lx: shadow %#llx/%u, database %s %#llx/%u", after, id,
			     (unsigned long)va, (unsigned long long)e->phys, e->prot, found ? "has" : "lacks",
			     found ? (unsigned long long)phys : 0ULL, found ? rights : 0);
	}
	for (int id = 0; id < NSPACES; id++) {
		size_t pages = 0;
		mapdb_foreach(&spaces[id].ms, count_pages, &pages);
		if (pages != mapped[id])
			fail("after %s: space %d maps %zu pages, the shadow %zu", after, id, pages, mapped[id]);
	}
}

/* ---- operations that verify themselves ------------------------------------------ */

static int root(struct mspace *s, uintptr_t va, uint64_t phys, unsigned order, unsigned rights)
{
	int r = mapdb_insert_root(s, va, phys, order, rights);
	verify("insert_root");
	return r;
}

static int map(struct mspace *src, uintptr_t src_base, unsigned order, unsigned rights, struct mspace *dst,
	       uintptr_t dst_base)
{
	int r = mapdb_map(src, src_base, order, rights, dst, dst_base, false);
	verify("map");
	return r;
}

static int grant(struct mspace *src, uintptr_t src_base, unsigned order, unsigned rights, struct mspace *dst,
		 uintptr_t dst_base)
{
	int r = mapdb_map(src, src_base, order, rights, dst, dst_base, true);
	verify("grant");
	return r;
}

static int unmap(struct mspace *s, uintptr_t base, unsigned order, unsigned rights, bool self)
{
	int r = mapdb_unmap(s, base, order, rights, self);
	verify("unmap");
	return r;
}

/* Does s map va to phys with these rights, in a node of this order (0: any)? */
static bool maps(struct mspace *s, uintptr_t va, uint64_t phys, unsigned rights, unsigned order)
{
	uint64_t p;
	unsigned r, o;
	if (!mapdb_lookup(s, va, &p, &r, &o))
		return false;
	return p == phys && r == rights && (!order || o == order);
}

static bool unmapped(struct mspace *s, uintptr_t va) { return !mapdb_lookup(s, va, NULL, NULL, NULL); }

static bool derived_from(struct mspace *s, uintptr_t va, struct mspace *ps, uintptr_t pva)
{
	struct mspace *got;
	uintptr_t got_va;
	return mapdb_lookup_parent(s, va, &got, &got_va) && got == ps && got_va == pva;
}

#define RW (MAP_R | MAP_W)
#define RWX MAP_RWX

/* ---- tests ------------------------------------------------------------------------- */

static void test_root(void)
{
	EXPECT(root(A, 0x100000, 0x300000, 20, RW) == 0);
	EXPECT(maps(A, 0x100000, 0x300000, RW, 20) && maps(A, 0x1ff000, 0x3ff000, RW, 20));
	EXPECT(root(A, 0x140000, 0, 12, RW) == -EEXIST);
	EXPECT(root(A, 0, 0, 21, RW) == -EEXIST);
	EXPECT(root(A, 0xff000, 0, 12, RW) == 0);      /* adjacent below */
	EXPECT(root(A, 0x200000, 0x1000, 12, MAP_W) == 0); /* adjacent above; W implies R */
	EXPECT(maps(A, 0x200000, 0x1000, RW, 12));
	EXPECT(root(A, 0x1000, 0, 13, RW) == -EINVAL);  /* va misaligned */
	EXPECT(root(A, 0x2000, 0x1000, 13, RW) == -EINVAL); /* phys misaligned */
	EXPECT(root(A, 0x3000, 0x3000, 11, RW) == -EINVAL);
	EXPECT(root(A, 0, 0, 48, RW) == -EINVAL);
	EXPECT(root(A, 0x10000000, 0, 12, 0) == -EINVAL);
	EXPECT(root(A, MAPDB_VA_END, 0, 12, RW) == -EINVAL);
	EXPECT(root(A, 0x400000000000, 0, 46, RW) == -EINVAL); /* ends beyond MAPDB_VA_END */
	EXPECT(root(A, MAPDB_VA_END - PAGE, 0, 12, RW) == 0); /* ends exactly there */
	EXPECT(A->nodes == 4);
	EXPECT(unmapped(A, 0xfe000) && unmapped(A, 0x201000));
}

static void test_map_4k(void)
{
	EXPECT(root(A, 0x10000000, 0, 24, RW) == 0);
	EXPECT(map(A, 0x10001000, 12, RW, B, 0x40000000) == 0);
	EXPECT(maps(B, 0x40000000, 0x1000, RW, 12));
	EXPECT(derived_from(B, 0x40000000, A, 0x10001000));
	EXPECT(B->nodes == 1 && A->nodes == 1);
	EXPECT(unmapped(B, 0x40001000) && unmapped(B, 0x3ffff000));
}

static void test_map_2m(void)
{
	EXPECT(root(A, 0x200000, 0x400000, 21, RWX) == 0);
	EXPECT(map(A, 0x200000, 21, RWX, B, 0x600000) == 0);
	EXPECT(maps(B, 0x600000, 0x400000, RWX, 21) && maps(B, 0x7ff000, 0x5ff000, RWX, 21));
	EXPECT(B->nodes == 1);
}

static void test_map_4k_of_1g(void)
{
	EXPECT(root(A, GB, GB, 30, RW) == 0);
	EXPECT(map(A, GB + 0x5000, 12, RW, B, 0x1000) == 0);
	EXPECT(maps(B, 0x1000, GB + 0x5000, RW, 12));
	EXPECT(derived_from(B, 0x1000, A, GB + 0x5000));
	EXPECT(A->nodes == 1 && B->nodes == 1);
}

/* A has three mappings in a 1G range; all of it is mapped to B, with one
 * apply() call per mapping. */
static void map_sparse_1g(void)
{
	EXPECT(root(A, GB + 0x1000, 0x1000, 12, RW) == 0);
	EXPECT(root(A, GB + 0x200000, 0x200000, 21, RW) == 0);
	EXPECT(root(A, GB + 0x3ff00000, 0x5000, 12, RW) == 0);
	apply_calls = 0;
	EXPECT(map(A, GB, 30, RW, B, 2 * GB) == 0);
	EXPECT(apply_calls == 3);
}

static void test_map_sparse(void)
{
	map_sparse_1g();
	EXPECT(B->nodes == 3);
	EXPECT(maps(B, 2 * GB + 0x1000, 0x1000, RW, 12) && maps(B, 2 * GB + 0x3ff000, 0x3ff000, RW, 21) &&
	       maps(B, 2 * GB + 0x3ff00000, 0x5000, RW, 12));
	EXPECT(unmapped(B, 2 * GB) && unmapped(B, 2 * GB + 0x2000) && unmapped(B, 2 * GB + 0x400000));
}

static void test_map_reduced_rights(void)
{
	EXPECT(root(A, 0x10000, 0x10000, 16, RW) == 0);
	EXPECT(map(A, 0x10000, 16, MAP_R, B, 0x20000) == 0);
	EXPECT(maps(B, 0x20000, 0x10000, MAP_R, 16));
	/* asking for more than the source has gives what it has */
	EXPECT(map(A, 0x10000, 12, RWX, C, 0x30000) == 0);
	EXPECT(maps(C, 0x30000, 0x10000, RW, 12));
	/* a map that would give no R gives nothing */
	EXPECT(map(A, 0x10000, 12, MAP_X, D, 0x40000) == 0);
	EXPECT(unmapped(D, 0x40000));
}

static void test_raise_rights(void)
{
	EXPECT(root(A, 0x10000, 0x10000, 12, RWX) == 0);
	EXPECT(map(A, 0x10000, 12, MAP_R, B, 0x20000) == 0);
	EXPECT(map(B, 0x20000, 12, MAP_R, C, 0x30000) == 0);
	EXPECT(map(A, 0x10000, 12, RW, B, 0x20000) == 0);
	EXPECT(maps(B, 0x20000, 0x10000, RW, 12) && B->nodes == 1);
	EXPECT(maps(C, 0x30000, 0x10000, MAP_R, 12)); /* a raise does not reach derived mappings */
	/* the same frame from A into C: raised only as far as C's parent (B) has */
	EXPECT(map(A, 0x10000, 12, RWX, C, 0x30000) == 0);
	EXPECT(maps(C, 0x30000, 0x10000, RW, 12) && C->nodes == 1 && derived_from(C, 0x30000, B, 0x20000));
	/* the same frame within a larger node: only that part is raised */
	EXPECT(root(A, 0x200000, 0x200000, 21, RW) == 0);
	EXPECT(map(A, 0x200000, 21, MAP_R, B, 0x400000) == 0);
	EXPECT(map(A, 0x205000, 12, RW, B, 0x405000) == 0);
	EXPECT(maps(B, 0x405000, 0x205000, RW, 12) && maps(B, 0x404000, 0x204000, MAP_R, 0) &&
	       maps(B, 0x406000, 0x206000, MAP_R, 0));
	/* a larger piece over a smaller mapping of the same frames: that one
	 * is kept (and what was derived from it), the rest is mapped around it */
	EXPECT(root(A, 0x800000, 0x800000, 21, RWX) == 0);
	EXPECT(map(A, 0x805000, 12, RWX, B, 0xa05000) == 0);
	EXPECT(map(B, 0xa05000, 12, RWX, C, 0x1000) == 0);
	EXPECT(map(A, 0x800000, 21, MAP_R, B, 0xa00000) == 0);
	EXPECT(maps(B, 0xa05000, 0x805000, RWX, 12) && maps(C, 0x1000, 0x805000, RWX, 12));
	EXPECT(maps(B, 0xa00000, 0x800000, MAP_R, 0) && maps(B, 0xa04000, 0x804000, MAP_R, 0) &&
	       maps(B, 0xa06000, 0x806000, MAP_R, 0) && maps(B, 0xbff000, 0x9ff000, MAP_R, 0));
	EXPECT(derived_from(B, 0xa06000, A, 0x806000));
}

static void test_map_replaces(void)
{
	EXPECT(root(A, 0x10000, 0x10000, 12, RW) == 0);
	EXPECT(root(A, 0x20000, 0x20000, 12, RW) == 0);
	EXPECT(map(A, 0x10000, 12, RW, B, 0x50000) == 0);
	EXPECT(map(B, 0x50000, 12, RW, C, 0x60000) == 0);
	EXPECT(map(C, 0x60000, 12, RW, D, 0x70000) == 0);
	EXPECT(map(A, 0x20000, 12, MAP_R, B, 0x50000) == 0);
	EXPECT(maps(B, 0x50000, 0x20000, MAP_R, 12) && derived_from(B, 0x50000, A, 0x20000));
	EXPECT(unmapped(C, 0x60000) && unmapped(D, 0x70000));
	/* a 4K page over a part of a 2M mapping unmaps only that part */
	EXPECT(root(A, 0x200000, 0x200000, 21, RW) == 0);
	EXPECT(map(A, 0x200000, 21, RW, C, 0x400000) == 0);
	EXPECT(map(A, 0x10000, 12, RW, C, 0x401000) == 0);
	EXPECT(maps(C, 0x401000, 0x10000, RW, 12) && maps(C, 0x400000, 0x200000, RW, 12) &&
	       maps(C, 0x402000, 0x202000, RW, 0) && maps(C, 0x5ff000, 0x3ff000, RW, 0));
}

static void test_grant_keeps_children(void)
{
	EXPECT(root(A, 0x200000, 0x200000, 21, RW) == 0);
	EXPECT(map(A, 0x203000, 12, RW, B, 0x10000) == 0);
	EXPECT(map(B, 0x10000, 12, RW, C, 0x20000) == 0);
	EXPECT(grant(B, 0x10000, 12, RW, D, 0x30000) == 0);
	EXPECT(unmapped(B, 0x10000) && B->nodes == 0);
	EXPECT(maps(D, 0x30000, 0x203000, RW, 12) && derived_from(D, 0x30000, A, 0x203000));
	EXPECT(derived_from(C, 0x20000, D, 0x30000));
	EXPECT(unmap(D, 0x30000, 12, RWX, false) == 0);
	EXPECT(unmapped(C, 0x20000) && maps(D, 0x30000, 0x203000, RW, 12));
	/* grant with fewer rights takes them from what was derived, too */
	EXPECT(map(D, 0x30000, 12, RW, C, 0x20000) == 0);
	EXPECT(grant(D, 0x30000, 12, MAP_R, B, 0x40000) == 0);
	EXPECT(maps(B, 0x40000, 0x203000, MAP_R, 12) && maps(C, 0x20000, 0x203000, MAP_R, 12));
	/* granting to the very same place changes nothing */
	EXPECT(grant(B, 0x40000, 12, MAP_R, B, 0x40000) == 0);
	EXPECT(maps(B, 0x40000, 0x203000, MAP_R, 12) && maps(C, 0x20000, 0x203000, MAP_R, 12));
}

static void test_grant_splits(void)
{
	EXPECT(root(A, 0x200000, 0x200000, 21, RW) == 0);
	EXPECT(map(A, 0x200000, 21, RW, B, 0x400000) == 0);
	EXPECT(map(B, 0x400000, 21, RW, C, 0x600000) == 0);
	EXPECT(grant(B, 0x405000, 12, RW, D, 0x1000) == 0);
	EXPECT(maps(D, 0x1000, 0x205000, RW, 12) && derived_from(D, 0x1000, A, 0x205000));
	EXPECT(unmapped(B, 0x405000) && B->nodes == 9);
	EXPECT(maps(B, 0x404000, 0x204000, RW, 0) && maps(B, 0x406000, 0x206000, RW, 0));
	/* C's 2M was split along; its page of the granted frame now hangs under D */
	EXPECT(C->nodes == 10 && derived_from(C, 0x605000, D, 0x1000) && derived_from(C, 0x606000, B, 0x406000));
	EXPECT(unmap(D, 0x1000, 12, RWX, true) == 0);
	EXPECT(unmapped(C, 0x605000) && maps(C, 0x606000, 0x206000, RW, 0) && maps(C, 0x604000, 0x204000, RW, 0));
}

static void chain_abc(uintptr_t page, unsigned rights)
{
	EXPECT(map(A, page, 12, rights, B, page + 0x100000) == 0);
	EXPECT(map(B, page + 0x100000, 12, rights, C, page + 0x200000) == 0);
}

static void test_unmap_self_or_not(void)
{
	EXPECT(root(A, 0x10000, 0x10000, 12, RW) == 0);
	chain_abc(0x10000, RW);
	EXPECT(unmap(A, 0x10000, 12, RWX, false) == 0);
	EXPECT(maps(A, 0x10000, 0x10000, RW, 12) && unmapped(B, 0x110000) && unmapped(C, 0x210000));
	chain_abc(0x10000, RW);
	EXPECT(maps(C, 0x210000, 0x10000, RW, 12));
	EXPECT(unmap(A, 0, 20, RWX, true) == 0);
	EXPECT(unmapped(A, 0x10000) && unmapped(B, 0x110000) && unmapped(C, 0x210000));
	EXPECT(A->nodes + B->nodes + C->nodes == 0);
	EXPECT(mapdb_unmap(A, 0x1000, 13, RWX, true) == -EINVAL);
	EXPECT(mapdb_map(A, 0, 12, RW, B, 0x800, false) == -EINVAL);
	EXPECT(mapdb_map(A, 0, 48, RW, B, 0, false) == -EINVAL);
	EXPECT(mapdb_map(A, 0, 12, RW, B, MAPDB_VA_END, false) == -EINVAL);
}

static void test_unmap_w(void)
{
	EXPECT(root(A, 0x10000, 0x10000, 12, RWX) == 0);
	chain_abc(0x10000, RWX);
	EXPECT(unmap(A, 0x10000, 12, MAP_W, false) == 0);
	EXPECT(maps(A, 0x10000, 0x10000, RWX, 12) && maps(B, 0x110000, 0x10000, MAP_R | MAP_X, 12) &&
	       maps(C, 0x210000, 0x10000, MAP_R | MAP_X, 12));
	EXPECT(unmap(B, 0x110000, 12, MAP_X, true) == 0);
	EXPECT(maps(B, 0x110000, 0x10000, MAP_R, 12) && maps(C, 0x210000, 0x10000, MAP_R, 12));
	EXPECT(unmap(A, 0x10000, 12, MAP_R, false) == 0);
	EXPECT(maps(A, 0x10000, 0x10000, RWX, 12) && unmapped(B, 0x110000) && unmapped(C, 0x210000));
}

static void test_unmap_splits(void)
{
	EXPECT(root(A, 0x200000, 0x200000, 21, RW) == 0);
	EXPECT(map(A, 0x200000, 21, RW, B, 0x400000) == 0);
	EXPECT(map(B, 0x400000, 21, RW, C, 0x600000) == 0);
	EXPECT(unmap(B, 0x4a5000, 12, RWX, true) == 0);
	EXPECT(unmapped(B, 0x4a5000) && unmapped(C, 0x6a5000));
	EXPECT(B->nodes == 9 && C->nodes == 9 && A->nodes == 1);
	size_t pages = 0;
	mapdb_foreach(B, count_pages, &pages);
	EXPECT(pages == 511);
	pages = 0;
	mapdb_foreach(C, count_pages, &pages);
	EXPECT(pages == 511);
	EXPECT(maps(B, 0x4a4000, 0x2a4000, RW, 0) && maps(B, 0x4a6000, 0x2a6000, RW, 0) &&
	       maps(C, 0x600000, 0x200000, RW, 0) && maps(C, 0x7ff000, 0x3ff000, RW, 0));
	EXPECT(maps(A, 0x2a5000, 0x2a5000, RW, 21));
	/* what is left of C still derives from B, page by page */
	EXPECT(derived_from(C, 0x6a4000, B, 0x4a4000) && derived_from(C, 0x7ff000, B, 0x5ff000));
}

static void test_sparse_1g_cost(void)
{
	map_sparse_1g();
	apply_calls = 0;
	EXPECT(unmap(A, GB, 30, RWX, true) == 0);
	EXPECT(apply_calls == 6);
	/* one 1 GiB node: one call to map it, two to revoke it from both */
	EXPECT(root(A, 4 * GB, 0, 30, RW) == 0);
	apply_calls = 0;
	EXPECT(map(A, 4 * GB, 30, RW, B, 8 * GB) == 0);
	EXPECT(apply_calls == 1 && maps(B, 8 * GB + 0x3ffff000, 0x3ffff000, RW, 30));
	apply_calls = 0;
	EXPECT(unmap(A, 4 * GB, 30, RWX, true) == 0);
	EXPECT(apply_calls == 2);
}

static void test_clear_middle(void)
{
	EXPECT(root(A, 0x10000, 0x10000, 16, RW) == 0);
	chain_abc(0x10000, RW);
	EXPECT(map(B, 0x110000, 12, RW, D, 0x1000) == 0);
	EXPECT(map(A, 0x11000, 12, RW, D, 0x2000) == 0);
	EXPECT(map(A, 0x12000, 12, RW, B, 0x112000) == 0);
	mspace_clear(B);
	verify("mspace_clear");
	EXPECT(B->nodes == 0 && C->nodes == 0 && unmapped(D, 0x1000));
	EXPECT(maps(D, 0x2000, 0x11000, RW, 12) && maps(A, 0x10000, 0x10000, RW, 16));
}

/* ---- randomized test against a naive per-page model ------------------------------------
 * Each space has a 16 MiB window at va 0.  The model knows per page which
 * frame, which rights and which page it was derived from, and follows the
 * rules of mapdb.h page by page; the database works on nodes. */

#define MODEL_PAGES 4096
#define MODEL_FRAMES 8192

struct model_page {
	int32_t frame;          /* -1: not mapped */
	uint8_t rights;
	int8_t parent_space;    /* -1: a root */
	int32_t parent_page;
};
static struct model_page model[NSPACES][MODEL_PAGES];

/* Per frame, the pages that map it: where a page's children are found. */
struct frame_users {
	uint32_t *user;         /* space << 16 | page */
	size_t count, cap;
};
static struct frame_users frame_users[MODEL_FRAMES];

static uint64_t rng_state;
static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static unsigned rights_normalize(unsigned rights)
{
	rights &= RWX;
	return rights & (MAP_W | MAP_X) ? rights | MAP_R : rights;
}

static void model_set(int s, int p, int frame, unsigned rights, int ps, int pp)
{
	struct frame_users *f = &frame_users[frame];
	if (f->count == f->cap) {
		f->cap = f->cap ? 2 * f->cap : 4;
		f->user = realloc(f->user, f->cap * sizeof *f->user);
		if (!f->user)
			exit(2);
	}
	f->user[f->count++] = (uint32_t)s << 16 | (uint32_t)p;
	model[s][p] = (struct model_page){ frame, rights, ps, pp };
}

static void model_drop(int s, int p)
{
	struct frame_users *f = &frame_users[model[s][p].frame];
	for (size_t i = 0; i < f->count; i++)
		if (f->user[i] == ((uint32_t)s << 16 | (uint32_t)p)) {
			f->user[i] = f->user[--f->count];
			break;
		}
	model[s][p].frame = -1;
}

/* The pages derived from (s, p), copied out: the callers change the list. */
static size_t model_children(int s, int p, uint32_t **out)
{
	struct frame_users *f = &frame_users[model[s][p].frame];
	uint32_t *c = malloc((f->count + 1) * sizeof *c);
	size_t n = 0;
	if (!c)
		exit(2);
	for (size_t i = 0; i < f->count; i++) {
		struct model_page *m = &model[f->user[i] >> 16][f->user[i] & 0xffff];
		if (m->parent_space == s && m->parent_page == p)
			c[n++] = f->user[i];
	}
	*out = c;
	return n;
}

static void model_revoke(int s, int p)
{
	uint32_t *c;
	size_t n = model_children(s, p, &c);
	for (size_t i = 0; i < n; i++)
		model_revoke(c[i] >> 16, c[i] & 0xffff);
	free(c);
	model_drop(s, p);
}

static void model_reduce(int s, int p, unsigned rights, bool self);

static void model_reduce_children(int s, int p, unsigned rights)
{
	uint32_t *c;
	size_t n = model_children(s, p, &c);
	for (size_t i = 0; i < n; i++)
		model_reduce(c[i] >> 16, c[i] & 0xffff, rights, true);
	free(c);
}

static void model_reduce(int s, int p, unsigned rights, bool self)
{
	struct model_page *m = &model[s][p];
	if (!self) {
		model_reduce_children(s, p, rights);
		return;
	}
	unsigned left = m->rights & ~rights;
	if (!(left & MAP_R)) {
		model_revoke(s, p);
	} else if (left != m->rights) {
		m->rights = left;
		model_reduce_children(s, p, rights);
	}
}

static void model_map_page(int src, int sp, unsigned rights, int dst, int dp, bool is_grant)
{
	struct model_page *m = &model[src][sp], *d = &model[dst][dp];
	int frame = m->frame;
	if (frame < 0)
		return;
	unsigned want = rights_normalize(rights & m->rights);
	if (!(want & MAP_R))
		return;
	if (!is_grant && d->frame == frame) {
		unsigned raised = d->rights | want;
		if (d->parent_space >= 0)
			raised &= model[d->parent_space][d->parent_page].rights;
		d->rights = raised;
		return;
	}
	if (is_grant && src == dst && sp == dp)
		return;
	if (d->frame >= 0)
		model_revoke(dst, dp);
	if (m->frame != frame)
		return;         /* revoked along with what dst had there */
	if (!is_grant) {
		model_set(dst, dp, frame, want, src, sp);
		return;
	}
	unsigned had = m->rights;
	int ps = m->parent_space, pp = m->parent_page;
	uint32_t *c;
	size_t n = model_children(src, sp, &c);
	model_drop(src, sp);
	model_set(dst, dp, frame, want, ps, pp);
	for (size_t i = 0; i < n; i++) {
		model[c[i] >> 16][c[i] & 0xffff].parent_space = dst;
		model[c[i] >> 16][c[i] & 0xffff].parent_page = dp;
	}
	free(c);
	if (want != had)
		model_reduce_children(dst, dp, had & ~want);
}

static void model_insert_root(int s, int page, int frame, int pages, unsigned rights)
{
	for (int i = 0; i < pages; i++)
		model_set(s, page + i, frame + i, rights, -1, -1);
}

static bool model_range_empty(int s, int page, int pages)
{
	for (int i = 0; i < pages; i++)
		if (model[s][page + i].frame >= 0)
			return false;
	return true;
}

/* The database against the model, page by page: frame, rights, parent. */
static bool model_compare(const char *after, unsigned long step)
{
	bool same = true;
	for (int s = 0; s < NSPACES; s++) {
		size_t pages = 0, model_pages = 0;
		for (int p = 0; p < MODEL_PAGES; p++) {
			struct model_page *m = &model[s][p];
			uint64_t phys;
			unsigned rights;
			struct mspace *ps = NULL;
			uintptr_t pva = 0;
			bool found = mapdb_lookup(&spaces[s].ms, p * PAGE, &phys, &rights, NULL);
			bool has_parent = found && mapdb_lookup_parent(&spaces[s].ms, p * PAGE, &ps, &pva);
			model_pages += m->frame >= 0;
			if (found != (m->frame >= 0) ||
			    (found && (phys != m->frame * PAGE || rights != m->rights ||
				       has_parent != (m->parent_space >= 0) ||
				       (has_parent && (space_id(ps) != m->parent_space || pva != m->parent_page * PAGE))))) {
				fail("step %lu (%s): space %d page %#x: model frame %d rights %u parent %d/%#x; "
				     "database %s frame %lld rights %u parent %d/%#lx",
				     step, after, s, p, m->frame, m->rights, m->parent_space, m->parent_page,
				     found ? "has" : "lacks", found ? (long long)(phys / PAGE) : -1LL,
				     found ? rights : 0, ps ? space_id(ps) : -1, (unsigned long)(pva / PAGE));
				same = false;
			}
		}
		mapdb_foreach(&spaces[s].ms, count_pages, &pages);
		if (pages != model_pages) {
			fail("step %lu (%s): space %d: database maps %zu pages, model %zu", step, after, s, pages,
			     model_pages);
			same = false;
		}
	}
	return same;
}

struct root_region {
	int space, page, frame, order;
	unsigned rights;
};
static const struct root_region stress_roots[] = {
	{ 0, 0, 0, 24, RWX },           /* all of space 0's window */
	{ 1, 2048, 4096, 22, RW },
	{ 2, 1024, 5120, 12, MAP_R }, { 2, 1026, 5121, 12, MAP_R }, { 2, 1028, 5122, 12, RW },
	{ 2, 1030, 5123, 12, RW }, { 2, 3072, 5376, 16, MAP_R | MAP_X },
};

/* Give back the roots whose place is empty again, in model and database. */
static void stress_refill(unsigned long step)
{
	for (size_t i = 0; i < sizeof stress_roots / sizeof *stress_roots; i++) {
		const struct root_region *r = &stress_roots[i];
		int pages = 1 << (r->order - 12);
		int got = mapdb_insert_root(&spaces[r->space].ms, r->page * PAGE, r->frame * PAGE, r->order, r->rights);
		bool empty = model_range_empty(r->space, r->page, pages);
		if (got != (empty ? 0 : -EEXIST))
			fail("step %lu: insert_root gave %d, the model %s", step, got, empty ? "is empty" : "is not");
		if (got == 0)
			model_insert_root(r->space, r->page, r->frame, pages, r->rights);
	}
	verify("insert_root");
}

static unsigned long stress_seed = 1;

static void test_stress(void)
{
	enum { STEPS = 4000 };
	unsigned long counts[4] = { 0 };
	size_t most_nodes = 0;
	memset(model, 0xff, sizeof model);
	for (int f = 0; f < MODEL_FRAMES; f++)
		frame_users[f].count = 0;
	rng_state = stress_seed * 0x9e3779b97f4a7c15ULL + 1;
	printf("# randomized test, seed %lu, %d steps\n", stress_seed, STEPS);
	stress_refill(0);
	for (unsigned long step = 1; step <= STEPS && test_ok; step++) {
		unsigned kind = rng() % 100;
		unsigned order = 12 + (rng() % 2 ? rng() % 11 : rng() % 4);
		int pages = 1 << (order - 12);
		int src = rng() % NSPACES, dst = rng() % NSPACES;
		int sp = (int)(rng() % (MODEL_PAGES / pages)) * pages, dp = (int)(rng() % (MODEL_PAGES / pages)) * pages;
		unsigned rights = rng() % 2 ? RWX : 1 + rng() % 7;
		const char *what;
		int r;
		if (kind < 65) {
			bool is_grant = kind < 15;
			what = is_grant ? "grant" : "map";
			counts[is_grant]++;
			r = mapdb_map(&spaces[src].ms, sp * PAGE, order, rights, &spaces[dst].ms, dp * PAGE, is_grant);
			for (int i = 0; i < pages; i++)
				model_map_page(src, sp + i, rights, dst, dp + i, is_grant);
		} else if (kind < 99) {
			bool self = rng() % 2;
			what = "unmap";
			counts[2]++;
			r = mapdb_unmap(&spaces[src].ms, sp * PAGE, order, rights, self);
			for (int i = 0; i < pages; i++)
				if (model[src][sp + i].frame >= 0)
					model_reduce(src, sp + i, rights, self);
		} else {
			what = "clear";
			counts[3]++;
			r = 0;
			mspace_clear(&spaces[src].ms);
			for (int i = 0; i < MODEL_PAGES; i++)
				if (model[src][i].frame >= 0)
					model_revoke(src, i);
		}
		if (r)
			fail("step %lu: %s returned %d", step, what, r);
		verify(what);
		if (!model_compare(what, step))
			printf("#   step %lu: %s order %u from space %d page %#x to space %d page %#x rights %u\n",
			       step, what, order, src, sp, dst, dp, rights);
		if (step % 100 == 0)
			stress_refill(step);
		size_t nodes = 0;
		for (int i = 0; i < NSPACES; i++)
			nodes += spaces[i].ms.nodes;
		if (nodes > most_nodes)
			most_nodes = nodes;
	}
	size_t nodes = 0;
	for (int s = 0; s < NSPACES; s++)
		nodes += spaces[s].ms.nodes;
	printf("# %lu maps, %lu grants, %lu unmaps, %lu clears; %zu nodes at most, %zu at the end\n", counts[0],
	       counts[1], counts[2], counts[3], most_nodes, nodes);
}

/* ---- timing ---------------------------------------------------------------------------- */

static void count_apply(struct mspace *s, uintptr_t va, unsigned order, uint64_t phys, unsigned prot)
{
	apply_calls++;
}

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* A -> B -> C for 10,000 separate pages, then one unmap in A revokes all.
 * The time is printed, not asserted. */
static void test_revoke_timing(void)
{
	enum { PAGES = 10000 };
	mapdb_set_apply(count_apply);
	bool all = true;
	for (uintptr_t i = 0; i < PAGES; i++) {
		uintptr_t va = 2 * i * PAGE;
		all &= mapdb_insert_root(A, va, va, 12, RW) == 0;
		all &= mapdb_map(A, va, 12, RW, B, va, false) == 0;
		all &= mapdb_map(B, va, 12, RW, C, va, false) == 0;
	}
	EXPECT(all && A->nodes == PAGES && B->nodes == PAGES && C->nodes == PAGES);
	EXPECT(mapdb_check() == 0);
	apply_calls = 0;
	double t0 = now_ms();
	EXPECT(mapdb_unmap(A, 0, 27, RWX, true) == 0);
	double t1 = now_ms();
	printf("# revoking a three-level derivation of %d separate 4K pages (%lu nodes): %.2f ms\n", PAGES,
	       apply_calls, t1 - t0);
	EXPECT(A->nodes + B->nodes + C->nodes == 0 && apply_calls == 3 * PAGES);
	EXPECT(mapdb_check() == 0);
	mapdb_set_apply(shadow_apply);
}

/* A chain of CHAIN equally large mappings, A -> B -> A -> ..., split by an
 * unmap of 4K at its root and then revoked; on a thread with a small stack,
 * so an implementation that recursed along the chain would crash here. */
enum { CHAIN = 20000 };

static void *chain_split_revoke(void *arg)
{
	bool *all = arg;
	*all = mapdb_insert_root(A, 0, 0, 21, RW) == 0;
	for (uintptr_t i = 0; i < CHAIN; i++)
		*all &= mapdb_map(i % 2 ? B : A, i * 2 * MB, 21, RW, i % 2 ? A : B, (i + 1) * 2 * MB, false) == 0;
	*all &= A->nodes + B->nodes == CHAIN + 1;
	*all &= mapdb_unmap(A, 0x5000, 12, RWX, true) == 0;
	/* each 2M node is now 9 nodes (1M, 512K, ... 4K), minus the 4K revoked */
	*all &= A->nodes + B->nodes == 9 * (CHAIN + 1);
	*all &= mapdb_check() == 0;
	*all &= mapdb_unmap(A, 0, 21, RWX, true) == 0 && A->nodes + B->nodes == 0;
	return NULL;
}

static void test_long_chain(void)
{
	pthread_attr_t attr;
	pthread_t thread;
	bool all = false;
	mapdb_set_apply(count_apply);
	EXPECT(pthread_attr_init(&attr) == 0 && pthread_attr_setstacksize(&attr, 128 * 1024) == 0);
	EXPECT(pthread_create(&thread, &attr, chain_split_revoke, &all) == 0 && pthread_join(thread, NULL) == 0);
	EXPECT(all);
	mapdb_set_apply(shadow_apply);
}

/* ---- main ------------------------------------------------------------------------------- */

static void run(const char *name, void (*fn)(void))
{
	unit_begin();
	shadow_reset();
	for (int i = 0; i < NSPACES; i++) {
		spaces[i].id = i;
		mspace_init(&spaces[i].ms, &spaces[i]);
	}
	fn();
	verify("the test");
	for (int i = 0; i < NSPACES; i++)
		mspace_destroy(&spaces[i].ms);
	for (size_t i = 0; i < shadow_cap; i++)
		if (shadow[i].key && shadow[i].prot) {
			fail("mspace_destroy left pages mapped in the shadow");
			break;
		}
	if (mapdb_check())
		fail("mapdb_check after mspace_destroy");
	unit_end(name);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		stress_seed = strtoul(argv[1], NULL, 0);
	mapdb_set_apply(shadow_apply);
	run("root insert; overlaps, misalignment and the end of the address space refused", test_root);
	run("map one 4K page", test_map_4k);
	run("map a 2M flexpage from a 2M root", test_map_2m);
	run("map a 4K page out of a 1G root gives a 4K child", test_map_4k_of_1g);
	run("map a 1G range holding three mappings gives three children, holes skipped", test_map_sparse);
	run("map with reduced rights (RW -> R); rights limited to the source's", test_map_reduced_rights);
	run("map of the same frame to the same place raises rights, bounded by the parent", test_raise_rights);
	run("map over a different mapping unmaps it and what was derived from it", test_map_replaces);
	run("grant moves the mapping and keeps what was derived from it", test_grant_keeps_children);
	run("grant of 4K out of a 2M mapping splits it (and the 2M derived from it)", test_grant_splits);
	run("unmap without self revokes B and C, keeps A; with self A too", test_unmap_self_or_not);
	run("unmap of W reaches B and C, which keep R", test_unmap_w);
	run("unmap of 4K in a 2M mapping of B splits B and C, the rest stays", test_unmap_splits);
	run("1G sparse map/unmap: apply() calls per node, not per page", test_sparse_1g_cost);
	run("mspace_clear of a middle task removes its nodes and all derived from them", test_clear_middle);
	run("randomized map/grant/unmap/clear among 4 spaces against a per-page model", test_stress);
	run("revoke a three-level derivation of 10000 4K pages (time printed)", test_revoke_timing);
	run("split and revoke a chain of 20000 equally large mappings on a 128K stack", test_long_chain);
	return unit_summary();
}
