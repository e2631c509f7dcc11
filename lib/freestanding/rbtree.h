/*
 * Red-black trees, intrusive like list.h: embed a struct rb_node in your
 * structure, find where a new node goes with your own comparison, then
 * rb_insert it there; rb_erase takes it out. Lookups, inserts and erases
 * cost O(log n): the tree keeps every path from the root to a leaf within
 * a factor of two of every other.
 *
 *   struct rb_node **link = &tree.root, *parent = NULL;
 *   while (*link) {                     // descend to the empty spot
 *           parent = *link;
 *           link = key < item_of(parent)->key ? &parent->left
 *                                             : &parent->right;
 *   }
 *   rb_insert(&tree, &item->node, parent, link, NULL);
 *
 * Augmented trees keep a summary of each subtree in its top node (the
 * largest gap in it, say), so a search can skip subtrees without a match:
 * pass `update`, which recomputes one node's summary from the node and
 * its two children. The tree calls it bottom-up on every node whose
 * subtree it changes; when a node's own value changes, call
 * rb_propagate(node, update) to bring it and its ancestors up to date.
 */
#ifndef FREESTANDING_RBTREE_H
#define FREESTANDING_RBTREE_H

#include <stdbool.h>
#include <stddef.h>

struct rb_node {
	struct rb_node *parent, *left, *right;
	bool red;
};

struct rb_tree {
	struct rb_node *root;
};

typedef void (*rb_update_fn)(struct rb_node *n);

/* Links n in at *link, a NULL child pointer of parent (or the root of an
 * empty tree, parent NULL), then rebalances. update may be NULL. */
void rb_insert(struct rb_tree *t, struct rb_node *n, struct rb_node *parent,
	       struct rb_node **link, rb_update_fn update);
/* Takes n out of the tree and rebalances. */
void rb_erase(struct rb_tree *t, struct rb_node *n, rb_update_fn update);
/* Recomputes the summaries of n and every ancestor of n. */
void rb_propagate(struct rb_node *n, rb_update_fn update);

#define rb_entry(node, type, member)                                           \
	((type *)((char *)(node)-offsetof(type, member)))

#endif
