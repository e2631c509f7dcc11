/*
 * Futex wait queues, hashed by key:
 *
 *   private futex (FUTEX_PRIVATE_FLAG): key = (address space, user address)
 *   shared futex:                       key = (0, physical address)
 *
 * so the threads of one process meet on the same private key, and two
 * processes that map the same page meet on the same shared one.
 *
 *   buckets[hash(key)] --lock--> waiter -> waiter -> waiter
 *                                 (key, bitset, task, state)
 *
 * Each waiter lives on its own kernel stack while it sleeps. A waker takes
 * it off the list under the bucket lock (TAKEN), and wakes its task after
 * unlocking, then lets go of it (RELEASED):
 *
 *   waker:  lock, take w1 w2 w3 onto a local list, unlock,
 *           wake_up(w1->task), w1 RELEASED, wake_up(w2->task), ...,
 *           then the IPIs to the woken tasks' CPUs
 *   waiter: woken, sees TAKEN or RELEASED: no lock needed to leave;
 *           returns only once RELEASED (its waiter is on its stack)
 *
 * So neither the waker's walk nor the woken tasks hold the bucket lock
 * while tasks are woken: 10,000 threads woken from one word (a released
 * read lock) no longer queue on that lock one by one. Only a waiter that
 * was not taken (a timeout, a signal) takes the lock to leave.
 */
#include "futex/futex.h"
#include "arch/time.h"
#include "arch/uaccess.h"
#include "aspace/mm.h"
#include "base/kernel.h"
#include "freestanding/errno.h"
#include "freestanding/list.h"
#include "mm/vmm.h"
#include "sched/sched.h"
#include "sched/timer.h"
#include "sched/waitq.h"
#include "sync/spinlock.h"

#define FUTEX_BUCKETS 256

struct futex_key {
	uint64_t space; /* the mm (| 1 for a shared op); 0: a MAP_SHARED page */
	uint64_t addr;	/* user address (private) or physical (shared) */
};

struct futex_bucket {
	struct spinlock lock;
	struct list waiters; /* lock: struct futex_waiter, by link */
};

enum { QUEUED, TAKEN, RELEASED }; /* struct futex_waiter's state */

struct futex_waiter {
	struct futex_key key;	     /* bucket lock */
	uint32_t bitset;	     /* const */
	struct task *task;	     /* const */
	struct futex_bucket *bucket; /* bucket lock: requeue moves it */
	atomic_int state;      /* QUEUED -> TAKEN (bucket lock) -> RELEASED */
	struct list_node link; /* on the bucket; once TAKEN, the waker's */
};

static struct futex_bucket buckets[FUTEX_BUCKETS];

void futex_init(void)
{
	for (unsigned i = 0; i < FUTEX_BUCKETS; i++) {
		spin_init(&buckets[i].lock, "futex bucket");
		list_init(&buckets[i].waiters);
	}
}

static struct futex_bucket *bucket_of(const struct futex_key *k)
{
	uint64_t h = (k->space ^ k->addr) * 0x9e3779b97f4a7c15ul;
	return &buckets[h >> 56 & (FUTEX_BUCKETS - 1)];
}

static bool key_eq(const struct futex_key *a, const struct futex_key *b)
{
	return a->space == b->space && a->addr == b->addr;
}

/*
 * The key of the futex word at uaddr. As on Linux, a private operation
 * and a shared one on the same private page do not meet: a shared
 * operation on a private page gets (mm | 1, address), a private one
 * (mm, address) -- Linux marks the first with FUT_OFF_MMSHARED. Only a
 * page two address spaces can really share (a MAP_SHARED region) is keyed
 * by its physical address. So a thread's clear-tid word, which the kernel
 * wakes with a shared wake, must be waited on with a shared wait (glibc's
 * and musl's pthread_join do).
 */
static int get_key(uint64_t uaddr, bool shared, struct futex_key *key)
{
	if (uaddr % sizeof(uint32_t))
		return -EINVAL;
	/* A private key is made without touching the word (so waking one on
	 * an unmapped user page is 0, as on Linux), but it must still be a
	 * user address: a kernel or non-canonical one is -EFAULT, and no
	 * waiter may ever be requeued onto it. */
	if (!user_range_ok(uaddr, sizeof(uint32_t)))
		return -EFAULT;
	struct mm *mm = current()->mm;
	*key = (struct futex_key){(uint64_t)mm | (shared ? 1 : 0), uaddr};
	if (!shared)
		return 0;
	/* Which kind of page it is, from its page-table entry and without
	 * mm->lock: every thread's exit makes a shared wake on its clear-tid
	 * word, and ten thousand threads exiting at once would otherwise
	 * queue up on the lock behind each other and behind munmap. The walk
	 * is safe unlocked: page tables are freed only with the address
	 * space, which this task is using. A racing munmap can only make the
	 * key stale, as if the call had come a moment earlier. */
	for (;;) {
		uint32_t v;
		if (copy_from_user(&v, uaddr, sizeof(v)) < 0)
			return -EFAULT; /* this also faults the page in */
		uint64_t pa, flags;
		if (!vmm_translate(mm->space.pml4, uaddr, &pa, &flags))
			continue; /* unmapped meanwhile: touch it again */
		if (flags & PTE_SOFT_SHARED)
			*key = (struct futex_key){0, pa};
		return 0;
	}
}

/* Reads the futex word with a bucket lock held: no page fault may sleep
 * here, so a missing page is an error the caller retries unlocked. */
static int read_word_locked(uint64_t uaddr, uint32_t *val)
{
	struct task *t = current();
	t->pagefault_disabled++;
	int r = copy_from_user(val, uaddr, sizeof(*val));
	t->pagefault_disabled--;
	return r;
}

/* Locks the bucket the waiter is on now (requeue may move it). */
static struct futex_bucket *lock_waiter_bucket(struct futex_waiter *w)
{
	for (;;) {
		struct futex_bucket *b = w->bucket;
		spin_lock(&b->lock);
		if (w->bucket == b)
			return b;
		spin_unlock(&b->lock);
	}
}

/* Takes w off its bucket onto the waker's list `taken`. Bucket lock held.
 * Until wake_taken releases w, its waker cannot be preempted: a waiter
 * that sees TAKEN waits for it (waiter_woken), and if the waiter ran on
 * the waker's CPU at a higher priority, the waker would never run again
 * to release it. (It happened: a FIFO thread in pthread_join, woken by a
 * lower-priority thread's exit on one CPU, waited forever.) */
static void take_waiter(struct futex_waiter *w, struct list *taken)
{
	preempt_disable(); /* one per waiter: wake_taken enables it again */
	list_remove(&w->link);
	atomic_store(&w->state, TAKEN);
	list_push_back(taken, &w->link);
}

/* Wakes every waiter on `taken` and lets go of it; no lock held. The
 * IPIs to the woken tasks' CPUs go out last: a woken task that ran
 * before its waiter was RELEASED would wait for it (waiter_woken), and a
 * waker can take long to send an IPI -- under QEMU it is a trip through
 * the emulator's global lock, which with a busy host took milliseconds. */
static void wake_taken(struct list *taken)
{
	sched_hold_kicks();
	struct list_node *n = taken->head.next;
	while (n != &taken->head) {
		struct futex_waiter *w =
			list_entry(n, struct futex_waiter, link);
		n = n->next; /* w may be gone once RELEASED */
		wake_up(w->task);
		atomic_store(&w->state, RELEASED);
		preempt_enable(); /* take_waiter's */
	}
	sched_send_kicks();
}

/* Whether w was woken, once its waker has let go of it. A waiter sees
 * TAKEN only while its waker, on another CPU, is between take_waiter and
 * the RELEASED store -- not preemptible there, so only for a moment,
 * unless the host has stopped that virtual CPU: so it yields, not spins. */
static bool waiter_woken(struct futex_waiter *w)
{
	int state;
	while ((state = atomic_load(&w->state)) == TAKEN)
		yield();
	return state == RELEASED;
}

/*
 * futex_wait - the kernel half of every blocking user-space lock.
 * Contract: returns -EAGAIN at once if *uaddr != val when checked under
 * the bucket lock; otherwise the caller is queued before that lock is
 * released (so a futex_wake that follows a change of *uaddr finds it)
 * and sleeps until woken (0), the deadline passes (-ETIMEDOUT) or a
 * signal is to be handled (-EINTR with a deadline, else -ERESTARTSYS). Spurious
 * wake-ups of the task are absorbed.
 */
int futex_wait(uint64_t uaddr, uint32_t val, uint64_t deadline_ns,
	       uint32_t bitset, bool shared)
{
	/* LAB futex: begin */
	if (!bitset)
		return -EINVAL;
	struct task *self = current();
	struct futex_waiter w = {.bitset = bitset, .task = self};
	int r = get_key(uaddr, shared, &w.key);
	if (r)
		return r;
	struct futex_bucket *b = bucket_of(&w.key);
	uint32_t seen;
	for (;;) {
		spin_lock(&b->lock);
		if (read_word_locked(uaddr, &seen) == 0)
			break;
		spin_unlock(&b->lock);
		if (copy_from_user(&seen, uaddr, sizeof(seen)) < 0)
			return -EFAULT; /* really bad, not just absent */
	}
	if (seen != val) {
		spin_unlock(&b->lock);
		return -EAGAIN;
	}
	w.bucket = b;
	list_push_back(&b->waiters, &w.link);
	spin_unlock(&b->lock);
	self->wait_what = "futex";
	self->wait_addr = uaddr;

	struct timer timer;
	if (deadline_ns)
		timer_arm_wakeup(&timer, deadline_ns, self);
	for (;;) {
		sched_block_current();
		if (atomic_load(&w.state) != QUEUED ||
		    task_signal_pending(self) ||
		    (deadline_ns && clock_ns() >= deadline_ns))
			break;
		schedule();
	}
	sched_unblock_current();
	self->wait_what = NULL;
	self->wait_addr = 0;
	if (deadline_ns)
		timer_cancel(&timer);

	if (atomic_load(&w.state) == QUEUED) { /* not woken: leave */
		b = lock_waiter_bucket(&w);
		if (atomic_load(&w.state) == QUEUED)
			list_remove(&w.link);
		spin_unlock(&b->lock);
	}
	if (waiter_woken(&w))
		return 0;
	if (!task_signal_pending(self))
		return -ETIMEDOUT;
	/* A restart would start a relative timeout again: interrupted timed
	 * waits end with EINTR, as Linux's do once a handler has run. */
	return deadline_ns ? -EINTR : -ERESTARTSYS;
	/* LAB futex: end */
}

/*
 * futex_wake - wake up to nr waiters on uaddr whose bitset shares a bit
 * with bitset, longest waiting first. Contract: returns the number woken;
 * like Linux, nr <= 1 wakes one.
 */
int futex_wake(uint64_t uaddr, int nr, uint32_t bitset, bool shared)
{
	/* LAB futex: begin */
	if (!bitset)
		return -EINVAL;
	struct futex_key key;
	int r = get_key(uaddr, shared, &key);
	if (r)
		return r;
	struct futex_bucket *b = bucket_of(&key);
	int woken = 0;
	struct list taken;
	list_init(&taken);
	spin_lock(&b->lock);
	struct list_node *n = b->waiters.head.next;
	while (n != &b->waiters.head) {
		struct futex_waiter *w =
			list_entry(n, struct futex_waiter, link);
		n = n->next;
		if (!key_eq(&w->key, &key) || !(w->bitset & bitset))
			continue;
		take_waiter(w, &taken);
		if (++woken >= nr)
			break;
	}
	spin_unlock(&b->lock);
	wake_taken(&taken);
	return woken;
	/* LAB futex: end */
}

static void lock_two(struct futex_bucket *a, struct futex_bucket *b)
{
	if (a == b) {
		spin_lock(&a->lock);
	} else if (a < b) {
		spin_lock(&a->lock);
		spin_lock(&b->lock);
	} else {
		spin_lock(&b->lock);
		spin_lock(&a->lock);
	}
}

static void unlock_two(struct futex_bucket *a, struct futex_bucket *b)
{
	spin_unlock(&a->lock);
	if (a != b)
		spin_unlock(&b->lock);
}

int futex_requeue(uint64_t uaddr, int nr_wake, int nr_requeue, uint64_t uaddr2,
		  bool cmp, uint32_t val, bool shared)
{
	/* LAB futex: begin */
	if (nr_wake < 0 || nr_requeue < 0)
		return -EINVAL;
	struct futex_key k1, k2;
	int r = get_key(uaddr, shared, &k1);
	if (!r)
		r = get_key(uaddr2, shared, &k2);
	if (r)
		return r;
	struct futex_bucket *b1 = bucket_of(&k1), *b2 = bucket_of(&k2);
	for (;;) {
		lock_two(b1, b2);
		uint32_t seen;
		if (!cmp || read_word_locked(uaddr, &seen) == 0) {
			if (cmp && seen != val) {
				unlock_two(b1, b2);
				return -EAGAIN;
			}
			break;
		}
		unlock_two(b1, b2);
		if (copy_from_user(&seen, uaddr, sizeof(seen)) < 0)
			return -EFAULT;
	}
	int woken = 0, moved = 0;
	struct list taken;
	list_init(&taken);
	struct list_node *n = b1->waiters.head.next;
	while (n != &b1->waiters.head) {
		struct futex_waiter *w =
			list_entry(n, struct futex_waiter, link);
		n = n->next;
		if (!key_eq(&w->key, &k1))
			continue;
		if (woken < nr_wake) {
			take_waiter(w, &taken);
			woken++;
		} else if (moved < nr_requeue) {
			list_remove(&w->link);
			w->key = k2;
			w->bucket = b2;
			list_push_back(&b2->waiters, &w->link);
			moved++;
		} else {
			break;
		}
	}
	unlock_two(b1, b2);
	wake_taken(&taken);
	return woken + moved;
	/* LAB futex: end */
}
