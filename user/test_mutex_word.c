/*
 * The kernel's sleeping mutex, its lock word (kernel/sched/mutex_word.h)
 * run here in user space on two CPUs: can an unlock miss a locker that
 * is about to sleep?
 *
 * Each trial is a litmus test of the two sides that race:
 *
 *   holder                          locker (found it held)
 *   woke = mutex_word_release(w)    if (!take_if_free(w))
 *                                       slept = !wait_or_take(w)
 *
 * A lost wake-up is a trial where the locker went to sleep (slept) and
 * the unlock woke nobody (!woke). The first kernel mutex kept the owner
 * and a count of waiters in two words; on this kind of x86-64 host that
 * version lost about 15 wake-ups in 2^18 trials, because a store followed
 * by a load of another word may be reordered (the store-buffer pattern).
 * The one-word protocol must lose none, whatever the host or the load.
 *
 * The two threads meet at a barrier before and after every trial (spin a
 * little, then yield, so a loaded host or a single CPU only slows it).
 * Natively the trials run on two real CPUs, where reordering happens;
 * under QEMU they run on two vCPUs, where it is rarer but seen.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>

#include "../kernel/sched/mutex_word.h"
#include "c/ktap.h"
#include "timing.h"

enum {
	MIN_TRIALS = 1000,    /* always, however slow the host */
	MAX_TRIALS = 1 << 18, /* at most */
	BUDGET_MS = 3000,     /* between the two: until this much time */
	SPINS_BEFORE_YIELD = 1000,
	STAGGER_MAX = 256, /* idle turns, about the time of a barrier */
};

static struct mutex_word word;
static atomic_uint arrived; /* barrier: arrivals so far, 2 a meeting */
static atomic_bool stop;    /* the holder's verdict: no more trials */
static bool slept, woke;    /* this trial's outcomes (barrier-ordered) */

/* Meeting number `n` (1, 2, ...) of the two threads. */
static void meet(unsigned n)
{
	atomic_fetch_add(&arrived, 1);
	for (unsigned spins = 0; atomic_load(&arrived) < 2 * n; spins++)
		if (spins >= SPINS_BEFORE_YIELD)
			sched_yield();
}

/* A few idle turns: trial n starts one side a little later than the
 * other, by an amount that sweeps back and forth, so that over many
 * trials the two sides' operations cross at every relative offset. */
static void stagger(unsigned n, bool holder)
{
	unsigned offset = n / 2 % (2 * STAGGER_MAX);
	if ((offset < STAGGER_MAX) == holder)
		for (volatile unsigned i = 0; i < offset % STAGGER_MAX; i++)
			;
}

static void *locker(void *arg)
{
	(void)arg;
	for (unsigned n = 1;; n += 2) {
		meet(n);
		if (atomic_load(&stop))
			return NULL;
		stagger(n, false);
		slept = !mutex_word_take_if_free(&word) &&
			!mutex_word_wait_or_take(&word);
		meet(n + 1);
	}
}

static void the_one_word_mutex_loses_no_wake_up(void)
{
	pthread_t t;
	atomic_init(&arrived, 0);
	atomic_init(&stop, false);
	KTAP_ASSERT_EQ(pthread_create(&t, NULL, locker, NULL), 0);
	long start = now_ms(), trials = 0, lost = 0, contended = 0;
	for (unsigned n = 1;; n += 2) {
		mutex_word_init(&word);
		mutex_word_take_if_free(&word); /* the holder holds it */
		atomic_store(&stop, trials >= MAX_TRIALS ||
					    (trials >= MIN_TRIALS &&
					     now_ms() - start > BUDGET_MS));
		meet(n);
		if (atomic_load(&stop))
			break;
		stagger(n, true);
		woke = mutex_word_release(&word);
		meet(n + 1);
		trials++;
		contended += slept;
		lost += slept && !woke;
	}
	pthread_join(t, NULL);
	/* How many trials the locker lost the race in is information: the
	 * test is about the lost ones. */
	printf("# %ld trials, the locker found it held in %ld, lost "
	       "wake-ups %ld\n",
	       trials, contended, lost);
	KTAP_EXPECT_GE(trials, MIN_TRIALS);
	KTAP_EXPECT_EQ(lost, 0);
}

static const struct ktap_test tests[] = {
	KTAP_TEST(the_one_word_mutex_loses_no_wake_up),
};

int main(void)
{
	return KTAP_RUN("mutex_word", tests);
}
