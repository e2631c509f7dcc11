/*
 * Red-black trees (rbtree.h), after CLRS chapter 13, with parent pointers
 * and NULL for the empty leaves. The rules: every node is red or black,
 * the root is black, a red node has no red child, and every path from a
 * node down to an empty leaf passes the same number of black nodes. So
 * the longest path is at most twice the shortest.
 *
 * Inserting adds a red node (no black count changes) and repairs a red
 * parent by recolouring or by rotating; erasing a black node leaves a path
 * one black short, repaired the same way. A rotation turns an edge round:
 *
 *         x                      y
 *        / \    rotate_left     / \
 *       a   y   ----------->   x   c
 *          / \                / \
 *         b   c              a   b
 *
 * Only x's and y's subtrees change, so only their summaries (augmented
 * trees) are recomputed: x first, now below y.
 */
#include "freestanding/rbtree.h"

/* Puts `new` where `old` hangs from old's parent (or the root). */
static void replace_child(struct rb_tree *t, struct rb_node *old,
			  struct rb_node *new)
{
	struct rb_node *p = old->parent;
	if (!p)
		t->root = new;
	else if (p->left == old)
		p->left = new;
	else
		p->right = new;
	if (new)
		new->parent = p;
}

static void update_pair(struct rb_node *lower, struct rb_node *upper,
			rb_update_fn update)
{
	if (update) {
		update(lower);
		update(upper);
	}
}

static void rotate_left(struct rb_tree *t, struct rb_node *x,
			rb_update_fn update)
{
	struct rb_node *y = x->right;
	x->right = y->left;
	if (y->left)
		y->left->parent = x;
	replace_child(t, x, y);
	y->left = x;
	x->parent = y;
	update_pair(x, y, update);
}

static void rotate_right(struct rb_tree *t, struct rb_node *x,
			 rb_update_fn update)
{
	struct rb_node *y = x->left;
	x->left = y->right;
	if (y->right)
		y->right->parent = x;
	replace_child(t, x, y);
	y->right = x;
	x->parent = y;
	update_pair(x, y, update);
}

static bool is_red(const struct rb_node *n)
{
	return n && n->red;
}

void rb_propagate(struct rb_node *n, rb_update_fn update)
{
	if (update)
		for (; n; n = n->parent)
			update(n);
}

void rb_insert(struct rb_tree *t, struct rb_node *n, struct rb_node *parent,
	       struct rb_node **link, rb_update_fn update)
{
	n->parent = parent;
	n->left = n->right = NULL;
	n->red = true;
	*link = n;
	rb_propagate(n, update);
	/* A red n under a red parent breaks the rules; the grandparent g is
	 * black (the root is black and the tree was valid before). */
	struct rb_node *p;
	while ((p = n->parent) && p->red) {
		struct rb_node *g = p->parent;
		bool left = p == g->left;
		struct rb_node *uncle = left ? g->right : g->left;
		if (is_red(uncle)) { /* recolour, and look again higher up */
			p->red = uncle->red = false;
			g->red = true;
			n = g;
			continue;
		}
		if (n == (left ? p->right : p->left)) { /* bend: straighten */
			if (left)
				rotate_left(t, p, update);
			else
				rotate_right(t, p, update);
			n = p;
			p = n->parent;
		}
		p->red = false; /* a straight line: rotate g down */
		g->red = true;
		if (left)
			rotate_right(t, g, update);
		else
			rotate_left(t, g, update);
	}
	t->root->red = false;
}

/* After a black node left the path through x (x may be NULL: an empty
 * leaf under xp), that path is one black short: repair it. */
static void erase_fixup(struct rb_tree *t, struct rb_node *x,
			struct rb_node *xp, rb_update_fn update)
{
	while (x != t->root && !is_red(x)) {
		/* x's sibling w exists: its side has a black more than x's. */
		bool left = x == xp->left;
		struct rb_node *w = left ? xp->right : xp->left;
		if (w->red) { /* make the sibling black */
			w->red = false;
			xp->red = true;
			if (left)
				rotate_left(t, xp, update);
			else
				rotate_right(t, xp, update);
			w = left ? xp->right : xp->left;
		}
		if (!is_red(w->left) && !is_red(w->right)) {
			w->red = true; /* both sides short: move up */
			x = xp;
			xp = x->parent;
			continue;
		}
		if (!is_red(left ? w->right : w->left)) {
			/* the far nephew black: rotate the near one out */
			(left ? w->left : w->right)->red = false;
			w->red = true;
			if (left)
				rotate_right(t, w, update);
			else
				rotate_left(t, w, update);
			w = left ? xp->right : xp->left;
		}
		w->red = xp->red;
		xp->red = false;
		(left ? w->right : w->left)->red = false;
		if (left)
			rotate_left(t, xp, update);
		else
			rotate_right(t, xp, update);
		x = t->root;
	}
	if (x)
		x->red = false;
}

void rb_erase(struct rb_tree *t, struct rb_node *z, rb_update_fn update)
{
	struct rb_node *x, *xp;
	bool removed_red = z->red;
	if (!z->left || !z->right) {
		x = z->left ? z->left : z->right;
		xp = z->parent;
		replace_child(t, z, x);
	} else {
		/* Two children: z's successor y (leftmost on its right)
		 * takes z's place and colour; y's old spot loses a node. */
		struct rb_node *y = z->right;
		while (y->left)
			y = y->left;
		removed_red = y->red;
		x = y->right;
		if (y->parent == z) {
			xp = y;
		} else {
			xp = y->parent;
			replace_child(t, y, x);
			y->right = z->right;
			y->right->parent = y;
		}
		replace_child(t, z, y);
		y->left = z->left;
		y->left->parent = y;
		y->red = z->red;
	}
	rb_propagate(xp, update);
	if (!removed_red)
		erase_fixup(t, x, xp, update);
}
