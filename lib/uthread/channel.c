/*
 * The channel: a bounded FIFO of pointers between green threads.
 *
 * The ring buffer is the classic one; what is green about it is how it
 * waits. A sender finding it full goes on `senders` and parks; a receiver
 * that takes an item makes the first parked sender READY, and the same
 * the other way round. The woken thread takes the guard again and looks
 * again (Mesa semantics, a `while`, not an `if`): another sender may have
 * filled the slot first. That is still no lost wake-up: each slot freed
 * wakes one sender, which either fills a slot or finds them all full, in
 * which case someone else did, and parks again.
 */
#include "internal.h"

int uthread_channel_init(struct uthread_channel *c, int capacity)
{
	if (capacity < 1)
		return -1;
	c->slot = calloc((size_t)capacity, sizeof(*c->slot));
	if (!c->slot)
		return -1;
	c->guard = (struct uthread_spinlock){0};
	c->capacity = capacity;
	c->head = c->count = 0;
	list_init(&c->senders);
	list_init(&c->receivers);
	return 0;
}

void uthread_channel_destroy(struct uthread_channel *c)
{
	UT_ASSERT(list_empty(&c->senders) && list_empty(&c->receivers));
	free(c->slot);
	c->slot = NULL;
}

/* With c->guard held: takes the first thread off `waiters`, or NULL. The
 * caller makes it READY after dropping the guard, which then is not held
 * across a wake-up of an idle worker (a system call). */
static struct uthread *first_waiter(struct list *waiters)
{
	struct list_node *first = list_pop_front(waiters);
	return first ? list_entry(first, struct uthread, link) : NULL;
}

/* Puts item at the back of c; parks the caller while c is full. */
void uthread_channel_send(struct uthread_channel *c, void *item)
{
	struct worker *w = worker_self();
	UT_ASSERT(w && w->current);
	spin_lock(&c->guard);
	while (c->count == c->capacity) {
		list_push_back(&c->senders, &w->current->link);
		park(w, &c->guard);
		w = worker_self(); /* it may wake on another worker */
		spin_lock(&c->guard);
	}
	c->slot[(c->head + c->count) % c->capacity] = item;
	c->count++;
	struct uthread *waiter = first_waiter(&c->receivers);
	spin_unlock(&c->guard);
	if (waiter)
		make_ready(w, waiter);
}

/* Takes the item at the front of c; parks the caller while c is empty. */
void *uthread_channel_recv(struct uthread_channel *c)
{
	struct worker *w = worker_self();
	UT_ASSERT(w && w->current);
	spin_lock(&c->guard);
	while (c->count == 0) {
		list_push_back(&c->receivers, &w->current->link);
		park(w, &c->guard);
		w = worker_self();
		spin_lock(&c->guard);
	}
	void *item = c->slot[c->head];
	c->head = (c->head + 1) % c->capacity;
	c->count--;
	struct uthread *waiter = first_waiter(&c->senders);
	spin_unlock(&c->guard);
	if (waiter)
		make_ready(w, waiter);
	return item;
}
