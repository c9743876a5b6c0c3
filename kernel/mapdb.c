/* The mapping database: a forest of mappings, each derived from the one it
 * was mapped from, indexed per address space.
 *
 * Design.  A node is one mapping (space, va, order, phys, rights).  Its
 * children are the mappings derived from it, in a doubly linked list so a
 * revoked node leaves its parent in O(1).  Each space indexes its nodes in
 * an AVL tree keyed by va, and threads the same nodes on a list in address
 * order.  The tree gives the node covering an address (predecessor search)
 * in O(log n) whatever the sizes of the mappings, which a radix tree like a
 * page table would not: a 1 GiB node is one entry here, and a 4 KiB lookup
 * next to it does not walk four levels of mostly empty tables.  The list
 * makes walking the nodes of a range cost one step per node found after
 * the first search, so work is proportional to nodes, never to bytes.
 * Nodes are intrusive (tree and list links live in the node), so lookups
 * and index changes allocate nothing.
 *
 * Flexpages are naturally aligned powers of two, so two of them are either
 * disjoint or one contains the other.  The code relies on that everywhere:
 * a range either lies inside one node or contains whole nodes.
 *
 * Where an operation needs only part of a node, the node is split into
 * aligned halves; the halves stay where the node was in the derivation
 * tree, and children follow the half that holds their frames.  A child as
 * large as the node it hangs under is split along with it.
 *
 * Derivation chains are walked with loops over the tree links, never by
 * recursion, so a task cannot exhaust the kernel's stack by building a long
 * one.  (The AVL code recurses, but only as deep as the tree is high.) */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include "mapdb.h"

struct mapping {
	struct mspace *space;
	uintptr_t va;
	uint64_t phys;
	unsigned char order;
	unsigned char rights;
	signed char height;                     /* of this node's AVL subtree */
	struct mapping *left, *right;           /* AVL tree of the space */
	struct mapping *prev, *next;            /* address-order list of the space */
	struct mapping *parent;                 /* derived from; NULL for a root */
	struct mapping *child;                  /* first mapping derived from this one */
	struct mapping *sibling_prev, *sibling_next;
};

static mapdb_apply_fn apply_fn;
static struct mspace *live_spaces;

/* Nodes set aside before an operation that must not fail half-way. */
static struct mapping *spare_nodes;
static size_t spare_count;

static inline uint64_t order_size(unsigned order) { return 1ULL << order; }
static inline uintptr_t node_end(const struct mapping *n) { return n->va + order_size(n->order); }

/* W or X without R cannot be expressed in an x86 page table. */
static unsigned rights_normalize(unsigned rights)
{
	rights &= MAP_RWX;
	if (rights & (MAP_W | MAP_X))
		rights |= MAP_R;
	return rights;
}

static void apply(struct mapping *n, unsigned prot)
{
	if (apply_fn)
		apply_fn(n->space, n->va, n->order, n->phys, prot);
}

void mapdb_set_apply(mapdb_apply_fn fn) { apply_fn = fn; }

/* ---- the per-space index: AVL tree plus address-order list ------------- */

static int height(const struct mapping *n) { return n ? n->height : 0; }

static void height_update(struct mapping *n)
{
	int l = height(n->left), r = height(n->right);
	n->height = (l > r ? l : r) + 1;
}

static struct mapping *rotate_right(struct mapping *n)
{
	struct mapping *l = n->left;
	n->left = l->right;
	l->right = n;
	height_update(n);
	height_update(l);
	return l;
}

static struct mapping *rotate_left(struct mapping *n)
{
	struct mapping *r = n->right;
	n->right = r->left;
	r->left = n;
	height_update(n);
	height_update(r);
	return r;
}

static struct mapping *avl_balance(struct mapping *n)
{
	height_update(n);
	int b = height(n->left) - height(n->right);
	if (b > 1) {
		if (height(n->left->left) < height(n->left->right))
			n->left = rotate_left(n->left);
		return rotate_right(n);
	}
	if (b < -1) {
		if (height(n->right->right) < height(n->right->left))
			n->right = rotate_right(n->right);
		return rotate_left(n);
	}
	return n;
}

/* Recursion depth is the tree height, at most about 1.44 log2(n). */
static struct mapping *avl_insert(struct mapping *t, struct mapping *n)
{
	if (!t)
		return n;
	if (n->va < t->va)
		t->left = avl_insert(t->left, n);
	else
		t->right = avl_insert(t->right, n);
	return avl_balance(t);
}

static struct mapping *avl_remove_min(struct mapping *t, struct mapping **min)
{
	if (!t->left) {
		*min = t;
		return t->right;
	}
	t->left = avl_remove_min(t->left, min);
	return avl_balance(t);
}

static struct mapping *avl_remove(struct mapping *t, struct mapping *n)
{
	if (t == n) {
		if (!t->right)
			return t->left;
		struct mapping *min;
		struct mapping *rest = avl_remove_min(t->right, &min);
		min->left = t->left;
		min->right = rest;
		return avl_balance(min);
	}
	if (n->va < t->va)
		t->left = avl_remove(t->left, n);
	else
		t->right = avl_remove(t->right, n);
	return avl_balance(t);
}

/* The node with the highest va <= va, covering va or not. */
static struct mapping *index_floor(const struct mspace *s, uintptr_t va)
{
	struct mapping *t = s->tree, *best = NULL;
	while (t) {
		if (t->va <= va) {
			best = t;
			t = t->right;
		} else {
			t = t->left;
		}
	}
	return best;
}

/* The first node (in address order) that overlaps [lo, hi). */
static struct mapping *index_first_in(const struct mspace *s, uintptr_t lo, uintptr_t hi)
{
	struct mapping *n = index_floor(s, lo);
	if (n && node_end(n) > lo)
		return n;
	n = n ? n->next : s->first;
	return n && n->va < hi ? n : NULL;
}

/* The caller has made sure n overlaps nothing in s. */
static void index_insert(struct mspace *s, struct mapping *n)
{
	struct mapping *pred = index_floor(s, n->va);
	n->space = s;
	n->left = n->right = NULL;
	n->height = 1;
	s->tree = avl_insert(s->tree, n);
	n->prev = pred;
	n->next = pred ? pred->next : s->first;
	if (n->next)
		n->next->prev = n;
	if (pred)
		pred->next = n;
	else
		s->first = n;
	s->nodes++;
}

static void index_remove(struct mspace *s, struct mapping *n)
{
	s->tree = avl_remove(s->tree, n);
	if (n->prev)
		n->prev->next = n->next;
	else
		s->first = n->next;
	if (n->next)
		n->next->prev = n->prev;
	s->nodes--;
}

/* ---- the derivation tree ------------------------------------------------ */

/* Put n into p's children right after `after` (or first if after is NULL). */
static void child_link(struct mapping *p, struct mapping *after, struct mapping *n)
{
	n->parent = p;
	if (!p) {
		n->sibling_prev = n->sibling_next = NULL;
		return;
	}
	n->sibling_prev = after;
	n->sibling_next = after ? after->sibling_next : p->child;
	if (n->sibling_next)
		n->sibling_next->sibling_prev = n;
	if (after)
		after->sibling_next = n;
	else
		p->child = n;
}

static void child_unlink(struct mapping *n)
{
	if (!n->parent)
		return;
	if (n->sibling_prev)
		n->sibling_prev->sibling_next = n->sibling_next;
	else
		n->parent->child = n->sibling_next;
	if (n->sibling_next)
		n->sibling_next->sibling_prev = n->sibling_prev;
	n->parent = NULL;
}

/* Make sure the next `count` node_new calls succeed. */
static int spare_reserve(size_t count)
{
	while (spare_count < count) {
		struct mapping *n = malloc(sizeof *n);
		if (!n)
			return -ENOMEM;
		n->next = spare_nodes;
		spare_nodes = n;
		spare_count++;
	}
	return 0;
}

/* Only after spare_reserve: takes a node set aside for this operation. */
static struct mapping *node_new(uintptr_t va, uint64_t phys, unsigned order, unsigned rights)
{
	struct mapping *n = spare_nodes;
	spare_nodes = n->next;
	spare_count--;
	*n = (struct mapping){ .va = va, .phys = phys, .order = order, .rights = rights };
	return n;
}

/* Remove a node without children from everything and tell the platform. */
static void node_destroy(struct mapping *n)
{
	apply(n, 0);
	index_remove(n->space, n);
	child_unlink(n);
	free(n);
}

/* Remove r and everything derived from it, leaves first.  A loop over the
 * links, because derivation chains can be as long as tasks make them. */
static void subtree_remove(struct mapping *r)
{
	struct mapping *n = r;
	for (;;) {
		while (n->child)
			n = n->child;
		struct mapping *p = n->parent;
		bool last = n == r;
		node_destroy(n);
		if (last)
			return;
		n = p;
	}
}

/* The node after n in a pre-order walk of r's subtree that skips n's own
 * descendants, or NULL when the walk is done. */
static struct mapping *walk_skip(struct mapping *n, struct mapping *r)
{
	while (n != r) {
		if (n->sibling_next)
			return n->sibling_next;
		n = n->parent;
	}
	return NULL;
}

/* Take `rights` away from r and everything derived from it.  A node whose
 * rights do not change needs no walk below it: derived rights are a subset. */
static void subtree_reduce(struct mapping *r, unsigned rights)
{
	struct mapping *n = r;
	while (n) {
		unsigned left = n->rights & ~rights;
		struct mapping *next;
		if (!(left & MAP_R)) {
			next = walk_skip(n, r);
			subtree_remove(n);
		} else if (left == n->rights) {
			next = walk_skip(n, r);
		} else {
			n->rights = left;
			apply(n, left);
			next = n->child ? n->child : walk_skip(n, r);
		}
		n = next;
	}
}

static void children_reduce(struct mapping *n, unsigned rights)
{
	struct mapping *c = n->child;
	while (c) {
		struct mapping *next = c->sibling_next;
		subtree_reduce(c, rights);
		c = next;
	}
}

/* A split of n splits with it every node derived from n that is as large
 * as n, and the ones as large derived from those: the set "equal" below.
 * They are walked in pre-order with loops, not recursion, because tasks
 * choose how long such chains get.  Nodes of the set not yet split have
 * the order n had; split ones and the rest have smaller orders. */
static struct mapping *equal_first_child(const struct mapping *x, unsigned order)
{
	for (struct mapping *c = x->child; c; c = c->sibling_next)
		if (c->order == order)
			return c;
	return NULL;
}

/* The next node of the equal set of n after x, in pre-order. */
static struct mapping *equal_next(const struct mapping *x, const struct mapping *n, unsigned order)
{
	struct mapping *c = equal_first_child(x, order);
	if (c)
		return c;
	for (; x != n; x = x->parent)
		for (c = x->sibling_next; c; c = c->sibling_next)
			if (c->order == order)
				return c;
	return NULL;
}

/* Nodes a split of n creates: one per node of its equal set. */
static size_t split_cost(const struct mapping *n)
{
	size_t count = 0;
	for (const struct mapping *x = n; x; x = equal_next(x, n, n->order))
		count++;
	return count;
}

static void child_move(struct mapping *c, struct mapping *p)
{
	child_unlink(c);
	child_link(p, NULL, c);
}

/* Split x, one node of an equal set, into halves: x keeps the lower one.
 * The upper half goes under the upper half of x's parent (found in the
 * index: it was split just before) or, for the first node, next to it.
 * Children that are not in the set follow the half holding their frames;
 * those in the set stay for now and are split in their turn. */
static struct mapping *node_split_one(struct mapping *x, bool first)
{
	unsigned half = x->order - 1;
	struct mapping *upper = node_new(x->va + order_size(half), x->phys + order_size(half), half, x->rights);
	x->order = half;
	if (first) {
		child_link(x->parent, x, upper);
	} else {
		struct mapping *p = x->parent;
		child_link(index_floor(p->space, node_end(p)), NULL, upper);
	}
	index_insert(x->space, upper);
	struct mapping *c = x->child;
	while (c) {
		struct mapping *next = c->sibling_next;
		if (c->order <= half && c->phys >= upper->phys)
			child_move(c, upper);
		c = next;
	}
	return upper;
}

/* Split n into halves; n keeps the lower one, the upper one is returned.
 * Nothing changes in any page table: the same frames stay mapped.
 * Only after spare_reserve(split_cost(n)). */
static struct mapping *node_split(struct mapping *n)
{
	unsigned order = n->order;
	struct mapping *upper = node_split_one(n, true);
	for (struct mapping *x = equal_next(n, n, order); x; x = equal_next(x, n, order))
		node_split_one(x, false);
	return upper;
}

/* Split n until the node covering va has the given order; returns it. */
static int split_down(struct mapping **np, uintptr_t va, unsigned order)
{
	struct mapping *n = *np;
	while (n->order > order) {
		if (spare_reserve(split_cost(n)))
			return -ENOMEM;
		struct mapping *upper = node_split(n);
		if (va >= upper->va)
			n = upper;
	}
	*np = n;
	return 0;
}

/* ---- spaces --------------------------------------------------------------- */

void mspace_init(struct mspace *s, void *owner)
{
	*s = (struct mspace){ .owner = owner };
	s->live_next = live_spaces;
	if (live_spaces)
		live_spaces->live_prev = s;
	live_spaces = s;
}

void mspace_clear(struct mspace *s)
{
	/* Removing a subtree can remove any node of s, so start over each time. */
	while (s->first)
		subtree_remove(s->first);
}

void mspace_destroy(struct mspace *s)
{
	mspace_clear(s);
	if (s->live_prev)
		s->live_prev->live_next = s->live_next;
	else
		live_spaces = s->live_next;
	if (s->live_next)
		s->live_next->live_prev = s->live_prev;
	s->live_prev = s->live_next = NULL;
}

/* ---- operations ------------------------------------------------------------ */

static bool range_valid(uintptr_t va, unsigned order)
{
	if (order < MAPDB_ORDER_MIN || order > MAPDB_ORDER_MAX)
		return false;
	return !(va & (order_size(order) - 1)) && va < MAPDB_VA_END && order_size(order) <= MAPDB_VA_END - va;
}

int mapdb_insert_root(struct mspace *s, uintptr_t va, uint64_t phys, unsigned order, unsigned rights)
{
	rights = rights_normalize(rights);
	if (!range_valid(va, order) || (phys & (order_size(order) - 1)) || phys + order_size(order) < phys || !rights)
		return -EINVAL;
	if (index_first_in(s, va, va + order_size(order)))
		return -EEXIST;
	if (spare_reserve(1))
		return -ENOMEM;
	struct mapping *n = node_new(va, phys, order, rights);
	child_link(NULL, NULL, n);
	index_insert(s, n);
	apply(n, rights);
	return 0;
}

bool mapdb_lookup(struct mspace *s, uintptr_t va, uint64_t *phys, unsigned *rights, unsigned *order)
{
	struct mapping *n = index_floor(s, va);
	if (!n || node_end(n) <= va)
		return false;
	if (phys)
		*phys = n->phys + (va - n->va);
	if (rights)
		*rights = n->rights;
	if (order)
		*order = n->order;
	return true;
}

bool mapdb_lookup_parent(struct mspace *s, uintptr_t va, struct mspace **parent_space, uintptr_t *parent_va)
{
	struct mapping *n = index_floor(s, va);
	if (!n || node_end(n) <= va || !n->parent)
		return false;
	struct mapping *p = n->parent;
	*parent_space = p->space;
	*parent_va = p->va + (n->phys + (va - n->va) - p->phys);
	return true;
}

/* Does n map phys at va (n covers va)? */
static bool maps_frame_at(const struct mapping *n, uintptr_t va, uint64_t phys)
{
	return n->phys + (va - n->va) == phys;
}

/* The node of s that still maps phys at va with at least the given order:
 * the source of a map, looked up again after anything that may have
 * revoked or split it. */
static struct mapping *source_find(struct mspace *s, uintptr_t va, uint64_t phys, unsigned order)
{
	struct mapping *n = index_floor(s, va);
	if (!n || node_end(n) <= va || n->order < order || !maps_frame_at(n, va, phys))
		return NULL;
	return n;
}

/* Is any node of s in [va, va+2^order) mapping the same frames as a
 * mapping of phys at va would? */
static bool range_maps_some_frame(const struct mspace *s, uintptr_t va, unsigned order, uint64_t phys)
{
	uintptr_t end = va + order_size(order);
	for (struct mapping *n = index_first_in(s, va, end); n && n->va < end; n = n->next)
		if (maps_frame_at(n, n->va, phys + (n->va - va)))
			return true;
	return false;
}

/* dst already maps the frame at the place: raise its rights there, bounded
 * by what its parent has. */
static int rights_raise(struct mapping *d, uintptr_t va, unsigned order, unsigned want)
{
	unsigned raised = d->rights | want;
	if (d->parent)
		raised &= d->parent->rights;
	if (raised == d->rights)
		return 0;
	int r = split_down(&d, va, order);
	if (r)
		return r;
	d->rights = raised;
	apply(d, raised);
	return 0;
}

static int unmap_range(struct mspace *s, uintptr_t base, unsigned order, unsigned rights, bool self);

/* Move n, a node of src of exactly the piece's size, to dst at va. */
static void node_grant(struct mapping *n, struct mspace *dst, uintptr_t va, unsigned want)
{
	if (want != n->rights) {
		unsigned taken = n->rights & ~want;
		n->rights = want;
		children_reduce(n, taken);
	}
	apply(n, 0);
	index_remove(n->space, n);
	n->va = va;
	index_insert(dst, n);
	apply(n, n->rights);
}

/* Map or grant one piece: [src_va, +2^order) lies within one node of src
 * that maps it to phys.  Sequenced so that whatever the unmapping in dst
 * revokes or splits, the source is looked up again rather than trusted. */
static int map_piece(struct mspace *src, uintptr_t src_va, uint64_t phys, unsigned order, unsigned rights,
		     struct mspace *dst, uintptr_t dst_va, bool grant)
{
	struct mapping *n = source_find(src, src_va, phys, order);
	if (!n)
		return 0;
	unsigned want = rights_normalize(rights & n->rights);
	if (!(want & MAP_R))
		return 0;
	uintptr_t dst_end = dst_va + order_size(order);
	struct mapping *d = index_first_in(dst, dst_va, dst_end);
	if (grant && d == n && src_va == dst_va)
		return 0;
	if (d && !grant) {
		if (d->order >= order && maps_frame_at(d, dst_va, phys))
			return rights_raise(d, dst_va, order, want);
		/* Keep what already maps the same frames, replace the rest:
		 * decide per half until each part is one or the other. */
		if (d->order < order && range_maps_some_frame(dst, dst_va, order, phys)) {
			uint64_t half = order_size(order - 1);
			int r = map_piece(src, src_va, phys, order - 1, rights, dst, dst_va, grant);
			if (!r)
				r = map_piece(src, src_va + half, phys + half, order - 1, rights, dst, dst_va + half, grant);
			return r;
		}
	}
	if (d) {
		int r = unmap_range(dst, dst_va, order, MAP_RWX, true);
		if (r)
			return r;
		n = source_find(src, src_va, phys, order);
		if (!n)
			return 0;
	}
	if (grant) {
		int r = split_down(&n, src_va, order);
		if (r)
			return r;
		node_grant(n, dst, dst_va, want);
		return 0;
	}
	if (spare_reserve(1))
		return -ENOMEM;
	struct mapping *c = node_new(dst_va, phys, order, want);
	child_link(n, NULL, c);
	index_insert(dst, c);
	apply(c, want);
	return 0;
}

int mapdb_map(struct mspace *src, uintptr_t src_base, unsigned order, unsigned rights,
	      struct mspace *dst, uintptr_t dst_base, bool grant)
{
	if (!range_valid(src_base, order) || !range_valid(dst_base, order))
		return -EINVAL;
	uintptr_t end = src_base + order_size(order), cursor = src_base;
	/* One piece per source node; each search starts afresh because the
	 * previous piece may have changed src (src == dst, or revocation). */
	while (cursor < end) {
		struct mapping *n = index_first_in(src, cursor, end);
		if (!n)
			break;
		uintptr_t va = n->order >= order ? src_base : n->va;
		unsigned piece = n->order >= order ? order : n->order;
		int r = map_piece(src, va, n->phys + (va - n->va), piece, rights, dst, dst_base + (va - src_base), grant);
		if (r)
			return r;
		cursor = va + order_size(piece);
	}
	return 0;
}

static int unmap_range(struct mspace *s, uintptr_t base, unsigned order, unsigned rights, bool self)
{
	uintptr_t end = base + order_size(order), cursor = base;
	while (cursor < end) {
		struct mapping *n = index_first_in(s, cursor, end);
		if (!n)
			break;
		if (n->order > order) {
			int r = split_down(&n, base, order);
			if (r)
				return r;
		}
		cursor = node_end(n);
		if (self)
			subtree_reduce(n, rights);
		else
			children_reduce(n, rights);
	}
	return 0;
}

int mapdb_unmap(struct mspace *s, uintptr_t base, unsigned order, unsigned rights, bool self)
{
	if (!range_valid(base, order))
		return -EINVAL;
	rights &= MAP_RWX;
	if (!rights)
		return 0;
	return unmap_range(s, base, order, rights, self);
}

void mapdb_foreach(struct mspace *s,
		   void (*fn)(void *arg, uintptr_t va, unsigned order, uint64_t phys, unsigned rights), void *arg)
{
	for (struct mapping *n = s->first; n; n = n->next)
		fn(arg, n->va, n->order, n->phys, n->rights);
}

/* ---- the integrity walker ------------------------------------------------- */

#define CHECK(cond, ...)                                                \
	do {                                                            \
		if (!(cond)) {                                          \
			fprintf(stderr, "mapdb: " __VA_ARGS__);         \
			fputc('\n', stderr);                            \
			bad++;                                          \
		}                                                       \
	} while (0)

static bool space_live(const struct mspace *s)
{
	for (struct mspace *l = live_spaces; l; l = l->live_next)
		if (l == s)
			return true;
	return false;
}

/* In-order walk of the AVL tree against the address-order list; returns
 * the subtree's height, or -1 after a violation. */
static int check_tree(const struct mapping *t, const struct mapping **list, int *badp)
{
	int bad = 0;
	if (!t)
		return 0;
	int l = check_tree(t->left, list, badp);
	CHECK(*list == t, "tree and list of space %p disagree at va %#lx", (void *)t->space, (unsigned long)t->va);
	*list = *list ? (*list)->next : NULL;
	int r = check_tree(t->right, list, badp);
	if (l >= 0 && r >= 0) {
		CHECK(t->height == (l > r ? l : r) + 1, "wrong AVL height at va %#lx", (unsigned long)t->va);
		CHECK(l - r <= 1 && r - l <= 1, "AVL tree unbalanced at va %#lx", (unsigned long)t->va);
	}
	*badp += bad;
	return bad || l < 0 || r < 0 ? -1 : (l > r ? l : r) + 1;
}

/* Checks of one node against itself, its neighbour in the space and its parent. */
static int check_node(const struct mspace *s, const struct mapping *n, const struct mapping *prev)
{
	int bad = 0;
	unsigned long va = n->va;
	CHECK(n->space == s, "node at %#lx is listed in a space it does not belong to", va);
	CHECK(n->order >= MAPDB_ORDER_MIN && n->order <= MAPDB_ORDER_MAX, "order %u at %#lx", n->order, va);
	if (n->order < MAPDB_ORDER_MIN || n->order > MAPDB_ORDER_MAX)
		return bad;
	uint64_t size = order_size(n->order);
	CHECK(!(n->va & (size - 1)) && !(n->phys & (size - 1)), "misaligned node at %#lx order %u phys %#llx", va,
	      n->order, (unsigned long long)n->phys);
	CHECK(n->va < MAPDB_VA_END && size <= MAPDB_VA_END - n->va, "node at %#lx beyond the end", va);
	CHECK(n->rights == rights_normalize(n->rights) && (n->rights & MAP_R), "rights %#x at %#lx", n->rights, va);
	CHECK(n->prev == prev, "broken list link before %#lx", va);
	if (prev)
		CHECK(node_end(prev) <= n->va, "node at %#lx overlaps the one at %#lx", va, (unsigned long)prev->va);
	const struct mapping *p = n->parent;
	if (!p)
		return bad;
	if (!space_live(p->space)) {
		CHECK(false, "parent of %#lx is in a space that is not live", va);
		return bad;
	}
	CHECK(index_floor(p->space, p->va) == p, "parent of %#lx is not in its space's index", va);
	CHECK(n->phys >= p->phys && n->phys - p->phys <= order_size(p->order) - size,
	      "frames of %#lx are not within its parent's", va);
	CHECK(n->order <= p->order, "node at %#lx larger than its parent", va);
	CHECK(!(n->rights & ~p->rights), "node at %#lx has rights its parent lacks", va);
	return bad;
}

int mapdb_check(void)
{
	int bad = 0;
	size_t total = 0, derived = 0, listed = 0, reached = 0;
	for (struct mspace *s = live_spaces; s; s = s->live_next)
		total += s->nodes;
	for (struct mspace *s = live_spaces; s; s = s->live_next) {
		size_t count = 0;
		const struct mapping *prev = NULL;
		for (const struct mapping *n = s->first; n && count <= s->nodes; prev = n, n = n->next) {
			count++;
			bad += check_node(s, n, prev);
			derived += n->parent != NULL;
			const struct mapping *before = NULL;
			for (const struct mapping *c = n->child; c && listed <= total; before = c, c = c->sibling_next) {
				listed++;
				CHECK(c->parent == n && c->sibling_prev == before, "broken child links under %#lx",
				      (unsigned long)n->va);
			}
		}
		CHECK(count == s->nodes, "space %p counts %zu nodes, its list has %zu", (void *)s, s->nodes, count);
		const struct mapping *list = s->first;
		check_tree(s->tree, &list, &bad);
		CHECK(list == NULL, "space %p: list has nodes the tree lacks", (void *)s);
	}
	CHECK(listed == derived, "%zu derived nodes, %zu in children lists", derived, listed);
	/* Every node must hang in a tree under a root: no cycles of derivation. */
	for (struct mspace *s = live_spaces; s; s = s->live_next)
		for (struct mapping *r = s->first; r; r = r->next) {
			if (r->parent)
				continue;
			for (struct mapping *n = r; n && reached <= total; n = n->child ? n->child : walk_skip(n, r))
				reached++;
		}
	CHECK(reached == total, "%zu nodes, %zu reachable from roots", total, reached);
	return bad;
}
