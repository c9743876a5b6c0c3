/* The mapping database: which task maps which physical frames where, and
 * from which mapping each one was derived, so that unmap can revoke
 * recursively.  Depends on libc only; see mapdb.c for the design. */
#ifndef UMOL4_MAPDB_H
#define UMOL4_MAPDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* First virtual address a task cannot use; the kernel replaces this with
 * its own constant when it integrates the module. */
#ifndef MAPDB_VA_END
#define MAPDB_VA_END 0x7e0000000000UL
#endif
#define MAPDB_ORDER_MIN 12
#define MAPDB_ORDER_MAX 47

/* Rights of a mapping, as the platform uses them.  W or X imply R on x86;
 * the module keeps R set whenever W or X is. */
enum { MAP_R = 1, MAP_W = 2, MAP_X = 4 };
#define MAP_RWX (MAP_R | MAP_W | MAP_X)

struct mapping;

/* One address space, embedded in each task. */
struct mspace {
	struct mapping *tree;   /* AVL tree of the nodes, keyed by va */
	struct mapping *first;  /* the same nodes as a list in address order */
	struct mspace *live_prev, *live_next; /* all spaces, for mapdb_check */
	size_t nodes;           /* number of mappings in this space */
	void *owner;            /* the task; passed back to apply() */
};

/* Called for every change the database makes to a space, right after it
 * made it: prot == 0 means [va, va+2^order) is now unmapped; otherwise it
 * is now mapped to phys with prot (MAP_*).  Calls for one space come in
 * order; the caller batches them and makes them effective afterwards. */
typedef void (*mapdb_apply_fn)(struct mspace *s, uintptr_t va, unsigned order, uint64_t phys, unsigned prot);
void mapdb_set_apply(mapdb_apply_fn fn);

void mspace_init(struct mspace *s, void *owner);
/* Remove every mapping of s and everything derived from them. */
void mspace_clear(struct mspace *s);
/* mspace_clear, then forget s: the task is about to free it. */
void mspace_destroy(struct mspace *s);

/* A root mapping made by the kernel: [va, va+2^order) -> phys.  Fails with
 * -EEXIST if it overlaps a mapping in s, -EINVAL if misaligned, out of
 * range or without rights, -ENOMEM. */
int mapdb_insert_root(struct mspace *s, uintptr_t va, uint64_t phys, unsigned order, unsigned rights);

/* The mapping of s that covers va, or false; with the phys address for va,
 * the mapping's rights and order.  Any out pointer may be NULL. */
bool mapdb_lookup(struct mspace *s, uintptr_t va, uint64_t *phys, unsigned *rights, unsigned *order);

/* The mapping the one covering va was derived from: its space and the
 * address there that maps the same frame as va.  False for a root mapping
 * or when nothing covers va. */
bool mapdb_lookup_parent(struct mspace *s, uintptr_t va, struct mspace **parent_space, uintptr_t *parent_va);

/* Map (or grant) the part of src's [src_base, src_base+2^order) that src
 * has into dst at dst_base, with rights limited to `rights` and to what src
 * has.  Holes in src are skipped, and dst is left alone where src has a
 * hole.  Per page of the source: if dst maps the very same frame there,
 * map raises its rights (bounded by its parent's), grant changes nothing
 * if it is the very same mapping and otherwise replaces it; whatever else
 * dst had there is unmapped first (recursively).  Grant moves the source
 * mapping with its derived mappings; src loses it.  src == dst is allowed.
 * Returns 0, -EINVAL (misaligned, order out of range, beyond MAPDB_VA_END)
 * or -ENOMEM (the database stays consistent; the map is then partial). */
int mapdb_map(struct mspace *src, uintptr_t src_base, unsigned order, unsigned rights,
	      struct mspace *dst, uintptr_t dst_base, bool grant);

/* Revoke in s's [base, base+2^order): remove `rights` from every mapping
 * derived from the mappings there, recursively in every space; if self,
 * also from the mappings of s themselves.  A mapping left without R is
 * removed with everything derived from it.  Returns 0, -EINVAL or -ENOMEM
 * (splitting a larger mapping needs memory; the database stays consistent,
 * the revocation is then partial). */
int mapdb_unmap(struct mspace *s, uintptr_t base, unsigned order, unsigned rights, bool self);

/* Verify every invariant over all spaces from mspace_init; returns the
 * number of violations, each printed as "mapdb: ..." on stderr. */
int mapdb_check(void);

/* Visit the mappings of s in address order (for debugging and tests). */
void mapdb_foreach(struct mspace *s,
		   void (*fn)(void *arg, uintptr_t va, unsigned order, uint64_t phys, unsigned rights), void *arg);

#endif
