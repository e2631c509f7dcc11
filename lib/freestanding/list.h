/*
 * An intrusive doubly-linked list: the links live inside the structures
 * being listed, so putting something on a list never allocates.
 *
 *   struct task {
 *           ...
 *           struct list_node rq_link;   // on a run queue, or unlinked
 *   };
 *
 *   struct list queue;
 *   list_init(&queue);
 *   list_push_back(&queue, &t->rq_link);
 *   struct task *first = list_entry(list_front(&queue), struct task, rq_link);
 *   list_for_each(node, &queue) { struct task *t = list_entry(node, ...); }
 *
 * A list is a circular ring around a sentinel node (list.head), so no
 * operation has a special case for empty lists or for the ends. A node not
 * on any list points at itself (list_node_init / list_remove leave it so),
 * which makes list_node_linked() a cheap check.
 */
#ifndef FREESTANDING_LIST_H
#define FREESTANDING_LIST_H

#include <stdbool.h>
#include <stddef.h>

struct list_node {
	struct list_node *prev, *next;
};

struct list {
	struct list_node head;
};

#define list_entry(node, type, member)                                         \
	((type *)((char *)(node)-offsetof(type, member)))

#define list_for_each(node, list)                                              \
	for (struct list_node *node = (list)->head.next;                       \
	     node != &(list)->head; node = node->next)

static inline void list_init(struct list *l)
{
	l->head.prev = l->head.next = &l->head;
}

static inline void list_node_init(struct list_node *n)
{
	n->prev = n->next = n;
}

static inline bool list_empty(const struct list *l)
{
	return l->head.next == &l->head;
}

static inline bool list_node_linked(const struct list_node *n)
{
	return n->next != n;
}

static inline void list_insert_before(struct list_node *pos,
				      struct list_node *n)
{
	n->prev = pos->prev;
	n->next = pos;
	pos->prev->next = n;
	pos->prev = n;
}

static inline void list_push_back(struct list *l, struct list_node *n)
{
	list_insert_before(&l->head, n);
}

static inline void list_push_front(struct list *l, struct list_node *n)
{
	list_insert_before(l->head.next, n);
}

static inline void list_remove(struct list_node *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	list_node_init(n);
}

/* The first node, or NULL if the list is empty. */
static inline struct list_node *list_front(const struct list *l)
{
	return list_empty(l) ? NULL : l->head.next;
}

static inline struct list_node *list_pop_front(struct list *l)
{
	struct list_node *n = list_front(l);
	if (n)
		list_remove(n);
	return n;
}

static inline size_t list_length(const struct list *l)
{
	size_t n = 0;
	list_for_each(node, l)
		n++;
	return n;
}

#endif
