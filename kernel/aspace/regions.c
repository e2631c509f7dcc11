/*
 * The regions of an address space, found fast. An mm keeps its regions
 * twice: on a list sorted by address (walking them in order is the
 * common need) and in a red-black tree by address (lib/freestanding/
 * rbtree.h), so that finding the region at an address -- every page fault
 * does -- costs O(log n), not a walk past every region below it. A
 * process with 10,000 threads has 20,000 regions (a stack and its guard
 * each).
 *
 * The tree is augmented, as Linux's was before its maple tree: each
 * region records the free gap below it (down to the region before), and
 * each node the largest gap anywhere in its subtree. mmap's search for a
 * free range of len bytes, highest first, then skips every subtree whose
 * largest gap is too small: O(log n) instead of a walk down from the top.
 *
 *   addresses:  |--A--|   gap   |--B--|gap|--C--|
 *   B.gap = B.start - A.end;  C.gap = C.start - B.end;  A.gap = A.start
 *
 * Every function here runs under mm->lock.
 */
#include "aspace/internal.h"
#include "aspace/mm.h"
#include "base/kernel.h"

static struct vma *vma_of(struct rb_node *n)
{
	return rb_entry(n, struct vma, node);
}

static void update_max_gap(struct rb_node *n)
{
	uint64_t m = vma_of(n)->gap;
	if (n->left)
		m = MAX(m, vma_of(n->left)->max_gap);
	if (n->right)
		m = MAX(m, vma_of(n->right)->max_gap);
	vma_of(n)->max_gap = m;
}

struct vma *vma_next(struct mm *mm, struct vma *v)
{
	struct list_node *n = v->link.next;
	return n == &mm->vmas.head ? NULL : list_entry(n, struct vma, link);
}

/* v's region below changed (or v is new): its gap, and the summaries. */
static void gap_changed(struct mm *mm, struct vma *v)
{
	struct list_node *p = v->link.prev;
	uint64_t below =
		p == &mm->vmas.head ? 0 : list_entry(p, struct vma, link)->end;
	v->gap = v->start - below;
	rb_propagate(&v->node, update_max_gap);
}

void vma_link(struct mm *mm, struct vma *v)
{
	struct rb_node **link = &mm->vma_tree.root, *parent = NULL;
	struct vma *above = NULL; /* the first region above v */
	while (*link) {
		parent = *link;
		if (v->start < vma_of(parent)->start) {
			above = vma_of(parent);
			link = &parent->left;
		} else {
			link = &parent->right;
		}
	}
	list_insert_before(above ? &above->link : &mm->vmas.head, &v->link);
	v->gap = v->max_gap = 0; /* set by gap_changed, once it is linked */
	rb_insert(&mm->vma_tree, &v->node, parent, link, update_max_gap);
	gap_changed(mm, v);
	if (above)
		gap_changed(mm, above);
}

void vma_unlink(struct mm *mm, struct vma *v)
{
	struct vma *above = vma_next(mm, v);
	rb_erase(&mm->vma_tree, &v->node, update_max_gap);
	list_remove(&v->link);
	if (above)
		gap_changed(mm, above);
}

void vma_end_changed(struct mm *mm, struct vma *v)
{
	struct vma *above = vma_next(mm, v);
	if (above)
		gap_changed(mm, above);
}

struct vma *vma_first_ending_after(struct mm *mm, uint64_t addr)
{
	struct vma *best = NULL;
	for (struct rb_node *n = mm->vma_tree.root; n;) {
		if (vma_of(n)->end > addr) {
			best = vma_of(n);
			n = n->left;
		} else {
			n = n->right;
		}
	}
	return best;
}

struct vma *mm_find(struct mm *mm, uint64_t va)
{
	struct vma *v = vma_first_ending_after(mm, va);
	return v && v->start <= va ? v : NULL;
}

/* The highest free range of len bytes inside [floor, top) that lies in
 * the gap below some region of the subtree at n; 0 if none. */
static uint64_t gap_in(struct rb_node *n, uint64_t len, uint64_t floor,
		       uint64_t top)
{
	if (!n || vma_of(n)->max_gap < len)
		return 0;
	uint64_t addr = gap_in(n->right, len, floor, top);
	if (addr)
		return addr;
	struct vma *v = vma_of(n);
	uint64_t below = v->start - v->gap; /* the end of the region below */
	uint64_t lo = MAX(below, floor), hi = MIN(v->start, top);
	if (hi > lo && hi - lo >= len)
		return hi - len;
	if (below <= floor)
		return 0; /* every gap further left lies under floor */
	return gap_in(n->left, len, floor, top);
}

uint64_t vma_find_gap(struct mm *mm, uint64_t len, uint64_t floor, uint64_t top)
{
	if (top < floor || top - floor < len)
		return 0;
	/* The gap above the last region first: it is below no region. */
	struct list_node *last = mm->vmas.head.prev;
	uint64_t lo =
		last == &mm->vmas.head
			? floor
			: MAX(list_entry(last, struct vma, link)->end, floor);
	if (top > lo && top - lo >= len)
		return top - len;
	return gap_in(mm->vma_tree.root, len, floor, top);
}
