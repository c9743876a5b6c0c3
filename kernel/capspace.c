/* Per-task object spaces and the capability derivation tree.
 *
 * A slot holds an object pointer and rights (L4_CAP_FPAGE_R/W/S/D).  A
 * capability mapped from another is linked as its child; unmapping revokes
 * the whole subtree in every task, and a rights reduction walks the same
 * subtree.  Granting moves a capability: the new slot takes the old one's
 * place in the tree. */
#include <stdlib.h>
#include "kernel.h"

struct cap *cap_slot(struct task *t, unsigned long index, bool create)
{
	if (index >= CAP_SPACE_SLOTS)
		return NULL;
	struct cap **page = &t->caps.pages[index / CAP_PAGE_SLOTS];
	if (!*page) {
		if (!create || !(*page = calloc(CAP_PAGE_SLOTS, sizeof **page)))
			return NULL;
		for (unsigned i = 0; i < CAP_PAGE_SLOTS; i++) {
			(*page)[i].owner = t;
			(*page)[i].index = index / CAP_PAGE_SLOTS * CAP_PAGE_SLOTS + i;
		}
	}
	return &(*page)[index % CAP_PAGE_SLOTS];
}

struct cap *cap_lookup(struct task *t, l4_cap_idx_t sel)
{
	if (!t || (sel & L4_INVALID_CAP_BIT))
		return NULL;
	struct cap *c = cap_slot(t, sel >> L4_CAP_SHIFT, false);
	if (!c || !c->obj || c->obj->deleted)
		return NULL;
	return c;
}

static void tree_link(struct cap *c, struct cap *parent)
{
	c->parent = parent;
	c->prev_sibling = NULL;
	c->next_sibling = parent ? parent->first_child : NULL;
	if (c->next_sibling)
		c->next_sibling->prev_sibling = c;
	if (parent)
		parent->first_child = c;
}

static void tree_unlink(struct cap *c)
{
	if (c->prev_sibling)
		c->prev_sibling->next_sibling = c->next_sibling;
	else if (c->parent)
		c->parent->first_child = c->next_sibling;
	if (c->next_sibling)
		c->next_sibling->prev_sibling = c->prev_sibling;
	c->parent = c->prev_sibling = c->next_sibling = NULL;
}

/* Empty a slot whose subtree is already gone. */
static void slot_clear(struct cap *c)
{
	struct kobj *o = c->obj;
	tree_unlink(c);
	c->obj = NULL;
	c->rights = 0;
	if (o)
		kobj_put_cap(o);
}

void cap_unmap(struct cap *c, bool self, unsigned rights_to_remove)
{
	bool full = (rights_to_remove & L4_CAP_FPAGE_RWSD) == L4_CAP_FPAGE_RWSD;
	while (c->first_child) {
		struct cap *ch = c->first_child;
		if (full) {
			cap_unmap(ch, true, rights_to_remove);
		} else {
			/* A reduction keeps the children, so walk them without
			 * looping on the first one. */
			for (; ch; ch = ch->next_sibling)
				cap_unmap(ch, true, rights_to_remove);
			break;
		}
	}
	if (!self)
		return;
	if (full)
		slot_clear(c);
	else
		c->rights &= ~rights_to_remove;
}

int cap_install(struct task *t, unsigned long index, struct kobj *o, unsigned rights, struct cap *parent)
{
	struct cap *c = cap_slot(t, index, true);
	if (!c)
		return -L4_ERANGE;
	if (c->obj)
		cap_unmap(c, true, L4_CAP_FPAGE_RWSD);
	c->obj = o;
	c->rights = rights & L4_CAP_FPAGE_RWSD;
	o->caps++;
	tree_link(c, parent);
	return 0;
}

int cap_map(struct task *src, unsigned long src_index, struct task *dst, unsigned long dst_index,
	    unsigned rights, bool grant)
{
	struct cap *s = cap_slot(src, src_index, false);
	if (!s || !s->obj || s->obj->deleted)
		return -L4_ENOENT;
	struct cap *d = cap_slot(dst, dst_index, true);
	if (!d)
		return -L4_ERANGE;
	if (d == s)
		return 0;
	unsigned r = s->rights & rights;
	if (d->obj == s->obj && d->parent == s) {
		d->rights |= r;          /* mapping again only adds rights */
		return 0;
	}
	if (!grant)
		return cap_install(dst, dst_index, s->obj, r, s);

	/* Grant: the destination takes the source's place in the tree. */
	struct kobj *o = s->obj;
	struct cap *parent = s->parent;
	int err = cap_install(dst, dst_index, o, r, parent);
	if (err)
		return err;
	while (s->first_child) {
		struct cap *ch = s->first_child;
		tree_unlink(ch);
		tree_link(ch, d);
	}
	slot_clear(s);
	return 0;
}

void capspace_clear(struct task *t)
{
	for (unsigned p = 0; p < CAP_SPACE_SLOTS / CAP_PAGE_SLOTS; p++) {
		struct cap *page = t->caps.pages[p];
		if (!page)
			continue;
		for (unsigned i = 0; i < CAP_PAGE_SLOTS; i++)
			if (page[i].obj)
				cap_unmap(&page[i], true, L4_CAP_FPAGE_RWSD);
	}
}

/* Every used slot: its children point back at it, its siblings are
 * doubly linked, a child never has more rights than its parent. */
int capspace_check(struct task *t)
{
	int bad = 0;
	for (unsigned p = 0; p < CAP_SPACE_SLOTS / CAP_PAGE_SLOTS; p++) {
		struct cap *page = t->caps.pages[p];
		if (!page)
			continue;
		for (unsigned i = 0; i < CAP_PAGE_SLOTS; i++) {
			struct cap *c = &page[i];
			if (!c->obj) {
				bad += c->first_child != NULL || c->parent != NULL;
				continue;
			}
			for (struct cap *ch = c->first_child; ch; ch = ch->next_sibling) {
				bad += ch->parent != c;
				bad += ch->next_sibling && ch->next_sibling->prev_sibling != ch;
				bad += (ch->rights & ~c->rights) != 0;
				bad += ch->obj != c->obj;
			}
		}
	}
	return bad;
}
