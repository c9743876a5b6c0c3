/* Region-manager core (internal): the regions and areas of one address space,
 * with L4Re Rm semantics, as a pure library that makes no L4 calls.
 *
 * Used by the in-task region manager (page faults -> region + dataspace
 * offset) and possibly by moe.  Builds on the host (unit tests) and with
 * umol4-cc.  All memory comes from a node pool the caller hands to rm_init().
 *
 * Addresses are inclusive ranges [start, end] so a window may reach the top
 * of the address space.  Results are 0 or a negative errno value; the values
 * used (ENOENT 2, ENOMEM 12, EINVAL 22, EADDRNOTAVAIL 99) equal L4_E*. */
#ifndef UMOL4_RM_REGIONS_H
#define UMOL4_RM_REGIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RM_PAGE_SHIFT 12
#define RM_PAGE_SIZE  ((uintptr_t)1 << RM_PAGE_SHIFT)

/* The values of L4RE_RM_F_* / L4Re::Rm::F, so flags pass through unchanged.
 * Rights are the flexpage rights bits (R = 4, W = 2, X = 1). */
enum rm_flags {
	RM_F_X            = 0x1,
	RM_F_W            = 0x2,
	RM_F_R            = 0x4,
	RM_F_RW           = 0x6,
	RM_F_RX           = 0x5,
	RM_F_RWX          = 0x7,
	RM_F_RIGHTS_MASK  = 0x0f,
	RM_F_CACHING_MASK = 0x30,
	RM_F_KERNEL       = 0x100,
	RM_F_DETACH_FREE  = 0x200,
	RM_F_PAGER        = 0x400,
	RM_F_RESERVED     = 0x800,
	RM_F_REGION_MASK  = 0xffff,     /* what a region or area keeps */
	RM_F_SEARCH_ADDR  = 0x20000,
	RM_F_IN_AREA      = 0x40000,
	RM_F_EAGER_MAP    = 0x80000,
	RM_F_NO_EAGER_MAP = 0x100000,
	RM_F_ATTACH_MASK  = 0x1f0000,   /* what only steers one attach */
};

/* L4Re::Rm::Detach_flags. */
enum rm_detach_flags {
	RM_DETACH_EXACT   = 1,  /* remove exactly [addr, addr + size) */
	RM_DETACH_OVERLAP = 2,  /* remove every region the range touches, whole */
	RM_DETACH_KEEP    = 4,  /* do not release even if RM_F_DETACH_FREE */
};

/* L4Re::Rm::Detach_result. */
enum rm_detach_result {
	RM_DETACHED_DS        = 0,  /* a whole region went */
	RM_KEPT_DS            = 1,  /* a region lost its head or tail */
	RM_SPLIT_DS           = 2,  /* a hole was cut out of a region */
	RM_DETACH_RESULT_MASK = 3,
	RM_DETACH_AGAIN       = 4,  /* another region still overlaps the range */
};

/* One region or area.  Members are private to rm_regions.c; the definition is
 * here only so callers can size and place the pool. */
struct rm_node {
	uintptr_t start, end;
	uint64_t offset, ds;
	uint32_t flags;
	bool in_area;
	signed char height;
	struct rm_node *left, *right;   /* AVL tree keyed by start */
	struct rm_node *prev, *next;    /* address order; next links the free pool */
};

struct rm_tree {
	struct rm_node *root, *first;
	size_t count;
};

struct rm_map {
	struct rm_tree regions, areas;
	struct rm_node *free_nodes;
	size_t capacity, free_count;
	uintptr_t min, max;             /* the managed window, inclusive */
};

/* What find, lookup, enumeration and detach report.  For an area, offset and
 * ds are 0.  in_area: the region was attached with RM_F_IN_AREA and its area
 * still exists. */
struct rm_region {
	uintptr_t start, end;
	uint64_t offset, ds;
	uint32_t flags;
	bool in_area;
};

/* Manage [min, max] (page-aligned start, max one below a page boundary) with
 * the count nodes at pool.  Each region and each area takes one node. */
void rm_init(struct rm_map *map, struct rm_node *pool, size_t count, uintptr_t min, uintptr_t max);

/* Attach [*start, *start + size) of ds at offset.  size is rounded up to
 * pages, *start down.  RM_F_SEARCH_ADDR: the lowest free 2^align-aligned
 * place at or above *start (align at least a page; a start outside the window
 * searches from its bottom).  RM_F_IN_AREA: inside the non-reserved area that
 * holds *start; otherwise the region must not touch any area.  On success
 * *start is the region's start.  -EINVAL (size 0, align > 63),
 * -EADDRNOTAVAIL (no room, overlap, outside window/area), -ENOMEM (pool
 * empty; nothing changed). */
int rm_attach(struct rm_map *map, uintptr_t *start, uintptr_t size, uint32_t flags, uint64_t ds,
	      uint64_t offset, unsigned align);

/* Detach the lowest region overlapping [addr, addr + size) (rounded out to
 * pages; size 0 counts as 1): whole if RM_DETACH_OVERLAP or covered, else
 * trimmed or split; the rest keeps its dataspace offsets.  *removed (may be
 * NULL) is the piece that went, with its own ds offset: the caller unmaps it
 * and, if removed->flags has RM_F_DETACH_FREE and RM_DETACH_KEEP was not
 * given, releases that part of the dataspace.  Returns an rm_detach_result,
 * with RM_DETACH_AGAIN if the range still overlaps a region; -ENOENT if it
 * overlaps none, -ENOMEM if a split needs a node and the pool is empty
 * (nothing changed). */
int rm_detach(struct rm_map *map, uintptr_t addr, uintptr_t size, unsigned flags, struct rm_region *removed);

/* Reserve an area (L4Re reserve_area).  RM_F_SEARCH_ADDR searches as attach
 * does, skipping regions and areas.  A fixed area must not overlap an area;
 * with RM_F_RESERVED it must not overlap a region either (without, it may lie
 * over existing regions, as in L4Re).  Errors as rm_attach. */
int rm_reserve_area(struct rm_map *map, uintptr_t *start, uintptr_t size, uint32_t flags, unsigned align);

/* Free the area holding addr; regions in it stay (L4Re).  -ENOENT if none. */
int rm_free_area(struct rm_map *map, uintptr_t addr);

/* The lowest region overlapping [addr, addr + size) (size 0 counts as 1);
 * failing that the lowest such area, with RM_F_IN_AREA added to its flags.
 * -ENOENT if neither. */
int rm_find(const struct rm_map *map, uintptr_t addr, uintptr_t size, struct rm_region *out);

/* Page-fault lookup: the region holding addr and the dataspace offset of
 * addr in it.  Areas do not count.  -ENOENT if no region holds addr. */
int rm_lookup(const struct rm_map *map, uintptr_t addr, struct rm_region *out, uint64_t *ds_offset);

/* Up to max regions (areas) ending at or above addr, in address order (the
 * Get_regions/Get_areas shape: call again from the last end + 1). */
size_t rm_get_regions(const struct rm_map *map, uintptr_t addr, struct rm_region *out, size_t max);
size_t rm_get_areas(const struct rm_map *map, uintptr_t addr, struct rm_region *out, size_t max);

size_t rm_free_node_count(const struct rm_map *map);

/* Verify every invariant (trees balanced and ordered, lists matching, no
 * overlaps, all inside the window and page-aligned, no region in a reserved
 * area, in-area regions inside their area, pool count).  0 if sound, else
 * -EINVAL with *why (may be NULL) naming the first broken rule. */
int rm_check(const struct rm_map *map, const char **why);

#endif
