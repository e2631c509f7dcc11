/* Red-black trees (lib/freestanding/rbtree.c): the rules hold after every
 * insert and erase, and an augmented summary stays right. */
#include "base/kernel.h"
#include "freestanding/rbtree.h"
#include "mm/kmalloc.h"
#include "test/ktest.h"

struct item {
	struct rb_node node;
	unsigned key;
	unsigned max_key; /* the summary: the largest key in the subtree */
};

static struct item *item_of(struct rb_node *n)
{
	return rb_entry(n, struct item, node);
}

static void update_max(struct rb_node *n)
{
	unsigned m = item_of(n)->key;
	if (n->left)
		m = MAX(m, item_of(n->left)->max_key);
	if (n->right)
		m = MAX(m, item_of(n->right)->max_key);
	item_of(n)->max_key = m;
}

static void insert(struct rb_tree *t, struct item *it)
{
	struct rb_node **link = &t->root, *parent = NULL;
	while (*link) {
		parent = *link;
		link = it->key < item_of(parent)->key ? &parent->left
						      : &parent->right;
	}
	rb_insert(t, &it->node, parent, link, update_max);
}

/*
 * Checks the subtree at n: parent pointers, order (keys within [lo, hi]),
 * no red node with a red child, the summary; returns its black height,
 * or -1 (and counts a problem) if the two sides differ. *nodes counts.
 */
static int check(struct rb_node *n, struct rb_node *parent, unsigned lo,
		 unsigned hi, int *problems, int *nodes)
{
	if (!n)
		return 1;
	++*nodes;
	struct item *it = item_of(n);
	unsigned m = it->key;
	if (n->parent != parent || it->key < lo || it->key > hi ||
	    (n->red &&
	     ((n->left && n->left->red) || (n->right && n->right->red))))
		++*problems;
	int l = check(n->left, n, lo, it->key, problems, nodes);
	int r = check(n->right, n, it->key, hi, problems, nodes);
	if (n->left)
		m = MAX(m, item_of(n->left)->max_key);
	if (n->right)
		m = MAX(m, item_of(n->right)->max_key);
	if (m != it->max_key)
		++*problems;
	if (l != r)
		++*problems;
	return l + !n->red;
}

static unsigned next_random(unsigned *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

KTEST(rbtree, rules_and_summary_hold_through_inserts_and_erases)
{
	enum { N = 2000 };
	struct item *items = kmalloc(N * sizeof(*items));
	KASSERT_TRUE(items != NULL);
	struct rb_tree t = {NULL};
	unsigned seed = 12345;
	int problems = 0, nodes = 0;
	for (int i = 0; i < N; i++) {
		items[i].key = next_random(&seed) % 500; /* repeats too */
		insert(&t, &items[i]);
	}
	KEXPECT_TRUE(!t.root->red);
	check(t.root, NULL, 0, ~0u, &problems, &nodes);
	KEXPECT_EQ(problems, 0);
	KEXPECT_EQ(nodes, N);
	/* Erase every other one in a scrambled order, checking as we go. */
	for (int i = 0; i < N; i += 2) {
		int k = (int)((unsigned)i * 7919u % N); /* even, once each */
		rb_erase(&t, &items[k].node, update_max);
		if (i % 100 == 0) {
			nodes = 0;
			check(t.root, NULL, 0, ~0u, &problems, &nodes);
		}
	}
	nodes = 0;
	check(t.root, NULL, 0, ~0u, &problems, &nodes);
	KEXPECT_EQ(problems, 0);
	KEXPECT_EQ(nodes, N / 2);
	for (int i = 1; i < N; i += 2)
		rb_erase(&t, &items[i].node, update_max);
	KEXPECT_TRUE(t.root == NULL);
	kfree(items);
}
