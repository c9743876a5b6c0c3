/* Region-manager core: regions and areas of one address space (L4Re Rm
 * semantics), no L4 calls.
 *
 * Memory.  Every node comes from a fixed pool the caller gives rm_init(), not
 * from malloc.  The in-task region manager is the pager of its own task: if
 * its bookkeeping lived in a heap that grows through the region manager, a
 * page fault could need the very structure it is updating.  A pool also
 * keeps the library free of any allocator, makes exhaustion a plain -ENOMEM
 * that is checked before anything changes, and lets a server such as moe
 * bound what each client's region map may hold.
 *
 * Index.  Regions and areas each sit in an AVL tree keyed by start, so the
 * region holding a faulting address is found in O(log n) whatever the mix of
 * attach and detach, and in a list in address order so enumeration and the
 * free-space search step from node to node.  A sorted array with binary
 * search would also look up in O(log n), but every attach and detach would
 * move O(n) entries, and it would need one contiguous block sized for the
 * worst case; a tree of pool nodes needs neither.  Regions never overlap, so
 * trimming a region's head changes its key without changing the order: no
 * re-insert is needed.  The AVL code recurses only as deep as the tree is
 * high (about 1.44 log2 n). */
#include <errno.h>
#include "rm_regions.h"

static inline uintptr_t page_trunc(uintptr_t a) { return a & ~(RM_PAGE_SIZE - 1); }

/* The last byte of [addr, addr + size); size 0 counts as 1 (L4Re's detach of
 * one address), a range past the top ends at the top. */
static uintptr_t range_last(uintptr_t addr, uintptr_t size)
{
	if (size == 0)
		return addr;
	return addr > UINTPTR_MAX - (size - 1) ? UINTPTR_MAX : addr + (size - 1);
}

/* Round a up to a multiple of 2^shift; false if that passes the top. */
static bool align_up(uintptr_t a, unsigned shift, uintptr_t *out)
{
	uintptr_t mask = ((uintptr_t)1 << shift) - 1;
	if (a > UINTPTR_MAX - mask)
		return false;
	*out = (a + mask) & ~mask;
	return true;
}

/* ---- pool ------------------------------------------------------------------ */

static struct rm_node *node_take(struct rm_map *map)
{
	struct rm_node *n = map->free_nodes;
	map->free_nodes = n->next;
	map->free_count--;
	return n;
}

static void node_give(struct rm_map *map, struct rm_node *n)
{
	n->next = map->free_nodes;
	map->free_nodes = n;
	map->free_count++;
}

/* ---- AVL tree with an address-order list ----------------------------------- */

static int height(const struct rm_node *n) { return n ? n->height : 0; }

static void height_update(struct rm_node *n)
{
	int l = height(n->left), r = height(n->right);
	n->height = (signed char)((l > r ? l : r) + 1);
}

static struct rm_node *rotate_right(struct rm_node *n)
{
	struct rm_node *l = n->left;
	n->left = l->right;
	l->right = n;
	height_update(n);
	height_update(l);
	return l;
}

static struct rm_node *rotate_left(struct rm_node *n)
{
	struct rm_node *r = n->right;
	n->right = r->left;
	r->left = n;
	height_update(n);
	height_update(r);
	return r;
}

static struct rm_node *rebalance(struct rm_node *n)
{
	height_update(n);
	int balance = height(n->left) - height(n->right);
	if (balance > 1) {
		if (height(n->left->left) < height(n->left->right))
			n->left = rotate_left(n->left);
		return rotate_right(n);
	}
	if (balance < -1) {
		if (height(n->right->right) < height(n->right->left))
			n->right = rotate_right(n->right);
		return rotate_left(n);
	}
	return n;
}

static struct rm_node *subtree_insert(struct rm_node *root, struct rm_node *n)
{
	if (!root)
		return n;
	if (n->start < root->start)
		root->left = subtree_insert(root->left, n);
	else
		root->right = subtree_insert(root->right, n);
	return rebalance(root);
}

static struct rm_node *subtree_remove_min(struct rm_node *root, struct rm_node **min)
{
	if (!root->left) {
		*min = root;
		return root->right;
	}
	root->left = subtree_remove_min(root->left, min);
	return rebalance(root);
}

static struct rm_node *subtree_remove(struct rm_node *root, const struct rm_node *n)
{
	if (n->start < root->start) {
		root->left = subtree_remove(root->left, n);
		return rebalance(root);
	}
	if (n->start > root->start) {
		root->right = subtree_remove(root->right, n);
		return rebalance(root);
	}
	if (!root->left || !root->right)
		return root->left ? root->left : root->right;
	struct rm_node *min;
	struct rm_node *right = subtree_remove_min(root->right, &min);
	min->left = root->left;
	min->right = right;
	return rebalance(min);
}

/* The node with the largest start <= a, or NULL. */
static struct rm_node *tree_floor(const struct rm_tree *t, uintptr_t a)
{
	struct rm_node *n = t->root, *best = NULL;
	while (n) {
		if (n->start <= a) {
			best = n;
			n = n->right;
		} else {
			n = n->left;
		}
	}
	return best;
}

/* The lowest node ending at or above a. */
static struct rm_node *tree_from(const struct rm_tree *t, uintptr_t a)
{
	struct rm_node *f = tree_floor(t, a);
	if (f && f->end >= a)
		return f;
	return f ? f->next : t->first;
}

/* The lowest node overlapping [a, b]. */
static struct rm_node *tree_overlap(const struct rm_tree *t, uintptr_t a, uintptr_t b)
{
	struct rm_node *n = tree_from(t, a);
	return n && n->start <= b ? n : NULL;
}

/* n must not overlap a node of t. */
static void tree_insert(struct rm_tree *t, struct rm_node *n)
{
	struct rm_node *prev = tree_floor(t, n->start);
	n->left = n->right = NULL;
	n->height = 1;
	n->prev = prev;
	n->next = prev ? prev->next : t->first;
	if (n->next)
		n->next->prev = n;
	if (prev)
		prev->next = n;
	else
		t->first = n;
	t->root = subtree_insert(t->root, n);
	t->count++;
}

static void tree_remove(struct rm_tree *t, struct rm_node *n)
{
	t->root = subtree_remove(t->root, n);
	if (n->prev)
		n->prev->next = n->next;
	else
		t->first = n->next;
	if (n->next)
		n->next->prev = n->prev;
	t->count--;
}

/* ---- operations -------------------------------------------------------------- */

void rm_init(struct rm_map *map, struct rm_node *pool, size_t count, uintptr_t min, uintptr_t max)
{
	*map = (struct rm_map){ .capacity = count, .min = min, .max = max };
	for (size_t i = count; i-- > 0;)
		node_give(map, &pool[i]);
}

static void region_out(const struct rm_node *n, struct rm_region *out)
{
	if (out)
		*out = (struct rm_region){ .start = n->start, .end = n->end, .offset = n->offset,
					   .ds = n->ds, .flags = n->flags, .in_area = n->in_area };
}

/* Common argument handling of attach and reserve_area: page-round size and
 * start, lift align to a page.  *span is the distance to the last byte. */
static int range_args(uintptr_t *start, uintptr_t size, unsigned *align, uintptr_t *span)
{
	uintptr_t rounded;
	if (size == 0 || *align > 8 * sizeof(uintptr_t) - 1 || !align_up(size, RM_PAGE_SHIFT, &rounded))
		return -EINVAL;
	if (*align < RM_PAGE_SHIFT)
		*align = RM_PAGE_SHIFT;
	*start = page_trunc(*start);
	*span = rounded - 1;
	return 0;
}

/* The lowest 2^align-aligned s >= from with [s, s + span] inside [.., hi],
 * clear of regions and, if skip_areas, of areas.  Any valid s lies past the
 * end of every node the candidate overlaps, so jumping there skips nothing. */
static bool find_free(const struct rm_map *map, uintptr_t from, uintptr_t hi, uintptr_t span,
		      unsigned align, bool skip_areas, uintptr_t *out)
{
	uintptr_t s;
	if (!align_up(from, align, &s))
		return false;
	for (;;) {
		if (s > hi || hi - s < span)
			return false;
		const struct rm_node *n = tree_overlap(&map->regions, s, s + span);
		if (!n && skip_areas)
			n = tree_overlap(&map->areas, s, s + span);
		if (!n) {
			*out = s;
			return true;
		}
		if (n->end == UINTPTR_MAX || !align_up(n->end + 1, align, &s))
			return false;
	}
}

/* Where a search starts: the hint, or the bottom if the hint is outside. */
static uintptr_t search_from(uintptr_t hint, uintptr_t lo, uintptr_t hi)
{
	return hint < lo || hint > hi ? lo : hint;
}

static bool inside(uintptr_t s, uintptr_t span, uintptr_t lo, uintptr_t hi)
{
	return s >= lo && s <= hi && hi - s >= span;
}

int rm_attach(struct rm_map *map, uintptr_t *start, uintptr_t size, uint32_t flags, uint64_t ds,
	      uint64_t offset, unsigned align)
{
	uintptr_t s = *start, span, lo = map->min, hi = map->max;
	int err = range_args(&s, size, &align, &span);
	if (err)
		return err;
	bool in_area = flags & RM_F_IN_AREA;
	/* L4Re's header promises -ENOENT for a missing area, but its server
	 * answers every failed placement, this one included, -EADDRNOTAVAIL;
	 * callers see the latter. */
	if (in_area) {
		const struct rm_node *a = tree_overlap(&map->areas, s, s);
		if (!a || (a->flags & RM_F_RESERVED))
			return -EADDRNOTAVAIL;
		lo = a->start;
		hi = a->end;
	}
	if (flags & RM_F_SEARCH_ADDR) {
		if (!find_free(map, search_from(s, lo, hi), hi, span, align, !in_area, &s))
			return -EADDRNOTAVAIL;
	} else {
		if (!inside(s, span, lo, hi) || tree_overlap(&map->regions, s, s + span) ||
		    (!in_area && tree_overlap(&map->areas, s, s + span)))
			return -EADDRNOTAVAIL;
	}
	if (!map->free_count)
		return -ENOMEM;
	struct rm_node *n = node_take(map);
	*n = (struct rm_node){ .start = s, .end = s + span, .offset = offset, .ds = ds,
			       .flags = flags & RM_F_REGION_MASK, .in_area = in_area };
	tree_insert(&map->regions, n);
	*start = s;
	return 0;
}

int rm_detach(struct rm_map *map, uintptr_t addr, uintptr_t size, unsigned flags, struct rm_region *removed)
{
	/* Whole pages only, so regions stay page-aligned; the caller unmaps
	 * whole pages anyway. */
	uintptr_t a = page_trunc(addr);
	uintptr_t b = range_last(addr, size) | (RM_PAGE_SIZE - 1);
	struct rm_node *g = tree_overlap(&map->regions, a, b);
	if (!g)
		return -ENOENT;
	int result;
	if ((flags & RM_DETACH_OVERLAP) || (a <= g->start && b >= g->end)) {
		region_out(g, removed);
		tree_remove(&map->regions, g);
		node_give(map, g);
		result = RM_DETACHED_DS;
	} else if (a <= g->start) {
		uintptr_t cut = b + 1 - g->start;
		region_out(g, removed);
		if (removed)
			removed->end = b;
		g->start = b + 1;
		g->offset += cut;
		result = RM_KEPT_DS;
	} else if (b >= g->end) {
		region_out(g, removed);
		if (removed) {
			removed->start = a;
			removed->offset += a - g->start;
		}
		g->end = a - 1;
		result = RM_KEPT_DS;
	} else {
		/* L4Re shortens the region before it inserts the tail, so a
		 * failed insert loses the tail; take the node first instead. */
		if (!map->free_count)
			return -ENOMEM;
		struct rm_node *tail = node_take(map);
		*tail = *g;
		tail->start = b + 1;
		tail->offset = g->offset + (b + 1 - g->start);
		region_out(g, removed);
		if (removed) {
			removed->start = a;
			removed->end = b;
			removed->offset += a - g->start;
		}
		g->end = a - 1;
		tree_insert(&map->regions, tail);
		return RM_SPLIT_DS;
	}
	if (tree_overlap(&map->regions, a, b))
		result |= RM_DETACH_AGAIN;
	return result;
}

int rm_reserve_area(struct rm_map *map, uintptr_t *start, uintptr_t size, uint32_t flags, unsigned align)
{
	uintptr_t s = *start, span;
	int err = range_args(&s, size, &align, &span);
	if (err)
		return err;
	if (flags & RM_F_SEARCH_ADDR) {
		if (!find_free(map, search_from(s, map->min, map->max), map->max, span, align, true, &s))
			return -EADDRNOTAVAIL;
	} else {
		/* Unlike L4Re, also keep a fixed area inside the window: the
		 * window is all this map manages. */
		if (!inside(s, span, map->min, map->max) || tree_overlap(&map->areas, s, s + span) ||
		    ((flags & RM_F_RESERVED) && tree_overlap(&map->regions, s, s + span)))
			return -EADDRNOTAVAIL;
	}
	if (!map->free_count)
		return -ENOMEM;
	struct rm_node *n = node_take(map);
	*n = (struct rm_node){ .start = s, .end = s + span, .flags = flags & RM_F_REGION_MASK };
	tree_insert(&map->areas, n);
	*start = s;
	return 0;
}

int rm_free_area(struct rm_map *map, uintptr_t addr)
{
	struct rm_node *a = tree_overlap(&map->areas, addr, addr);
	if (!a)
		return -ENOENT;
	/* The regions stay; they are no longer in an area. */
	for (struct rm_node *r = tree_from(&map->regions, a->start); r && r->start <= a->end; r = r->next)
		if (r->end <= a->end)
			r->in_area = false;
	tree_remove(&map->areas, a);
	node_give(map, a);
	return 0;
}

int rm_find(const struct rm_map *map, uintptr_t addr, uintptr_t size, struct rm_region *out)
{
	uintptr_t last = range_last(addr, size);
	const struct rm_node *n = tree_overlap(&map->regions, addr, last);
	if (n) {
		region_out(n, out);
		return 0;
	}
	n = tree_overlap(&map->areas, addr, last);
	if (!n)
		return -ENOENT;
	region_out(n, out);
	if (out)
		out->flags |= RM_F_IN_AREA;
	return 0;
}

int rm_lookup(const struct rm_map *map, uintptr_t addr, struct rm_region *out, uint64_t *ds_offset)
{
	const struct rm_node *n = tree_overlap(&map->regions, addr, addr);
	if (!n)
		return -ENOENT;
	region_out(n, out);
	if (ds_offset)
		*ds_offset = n->offset + (addr - n->start);
	return 0;
}

static size_t tree_get(const struct rm_tree *t, uintptr_t addr, struct rm_region *out, size_t max)
{
	size_t i = 0;
	for (const struct rm_node *n = tree_from(t, addr); n && i < max; n = n->next)
		region_out(n, &out[i++]);
	return i;
}

size_t rm_get_regions(const struct rm_map *map, uintptr_t addr, struct rm_region *out, size_t max)
{
	return tree_get(&map->regions, addr, out, max);
}

size_t rm_get_areas(const struct rm_map *map, uintptr_t addr, struct rm_region *out, size_t max)
{
	return tree_get(&map->areas, addr, out, max);
}

size_t rm_free_node_count(const struct rm_map *map) { return map->free_count; }

/* ---- consistency check ----------------------------------------------------------- */

/* Walks the subtree in order, matching each node with *cursor on the list.
 * Returns the height, or -1 if a rule is broken. */
static int subtree_check(const struct rm_node *n, const struct rm_node **cursor, size_t *count, const char **why)
{
	if (!n)
		return 0;
	int l = subtree_check(n->left, cursor, count, why);
	if (l < 0)
		return -1;
	if (*cursor != n) {
		*why = "tree order differs from the list";
		return -1;
	}
	*cursor = n->next;
	++*count;
	int r = subtree_check(n->right, cursor, count, why);
	if (r < 0)
		return -1;
	if (l - r > 1 || r - l > 1) {
		*why = "tree out of balance";
		return -1;
	}
	if (n->height != (l > r ? l : r) + 1) {
		*why = "stale height";
		return -1;
	}
	return n->height;
}

static bool tree_check(const struct rm_map *map, const struct rm_tree *t, const char **why)
{
	const struct rm_node *cursor = t->first;
	size_t count = 0;
	if (subtree_check(t->root, &cursor, &count, why) < 0)
		return false;
	if (cursor || count != t->count) {
		*why = "list longer than tree or count wrong";
		return false;
	}
	for (const struct rm_node *n = t->first; n; n = n->next) {
		if (n->start > n->end || n->start != page_trunc(n->start) ||
		    (n->end & (RM_PAGE_SIZE - 1)) != RM_PAGE_SIZE - 1) {
			*why = "range empty or not whole pages";
			return false;
		}
		if (n->start < map->min || n->end > map->max) {
			*why = "range outside the window";
			return false;
		}
		if (n->next && (n->next->prev != n || n->end >= n->next->start)) {
			*why = "list unsorted, overlapping or badly linked";
			return false;
		}
	}
	if (t->first && t->first->prev) {
		*why = "first node has a predecessor";
		return false;
	}
	return true;
}

int rm_check(const struct rm_map *map, const char **why)
{
	const char *reason = NULL;
	if (!tree_check(map, &map->regions, &reason) || !tree_check(map, &map->areas, &reason))
		goto bad;
	for (const struct rm_node *r = map->regions.first; r; r = r->next) {
		for (const struct rm_node *a = tree_from(&map->areas, r->start); a && a->start <= r->end; a = a->next)
			if (a->flags & RM_F_RESERVED) {
				reason = "region in a reserved area";
				goto bad;
			}
		if (r->in_area) {
			const struct rm_node *a = tree_overlap(&map->areas, r->start, r->start);
			if (!a || a->end < r->end || (a->flags & RM_F_RESERVED)) {
				reason = "in-area region not inside a usable area";
				goto bad;
			}
		}
		if (r->flags & ~(uint32_t)RM_F_REGION_MASK) {
			reason = "region keeps attach flags";
			goto bad;
		}
	}
	size_t pooled = 0;
	for (const struct rm_node *n = map->free_nodes; n && pooled <= map->capacity; n = n->next)
		pooled++;
	if (pooled != map->free_count || pooled + map->regions.count + map->areas.count != map->capacity) {
		reason = "node pool count wrong";
		goto bad;
	}
	return 0;
bad:
	if (why)
		*why = reason;
	return -EINVAL;
}
