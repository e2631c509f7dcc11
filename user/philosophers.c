/*
 * philosophers [MEALS]: the dining philosophers, a deadlock and its fix.
 *
 * Five philosophers sit around a table with one fork (a pthread mutex)
 * between each two; philosopher i needs forks i and i+1 (mod 5) to eat.
 *
 *          P0
 *      f0      f1            round 1, naive: each takes their left fork
 *   P4            P1         (fork i), pauses, then reaches for their
 *     f4        f2           right one (i+1), which their neighbour
 *       P3  f3  P2           holds: a cycle of waits, nobody eats again.
 *
 * Round 2 orders the resources: everyone takes the lower-numbered of
 * their two forks first. P4 now reaches for f0 before f4, so the wait
 * cycle cannot close, and every philosopher eats MEALS meals (default 3).
 *
 * How the demo ends a deadlock instead of hanging: a thread blocked in
 * pthread_mutex_lock cannot be called back, so a philosopher waits for a
 * fork with pthread_mutex_trylock and a 1 ms sleep in a loop, checking a
 * give-up flag each time. The wait is the same as lock's (a fork is never
 * let go while waiting), so the deadlock is as real; but when the main
 * thread, the watchdog, sees no meal eaten for 1 s, it reports the
 * deadlock, raises the flag, and every philosopher puts its fork down
 * and leaves. The watchdog watches round 2 the same way.
 *
 * Exits 0 if round 1 deadlocked and round 2 served every meal.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "timing.h"

#define PHILOSOPHERS 5
#define PICK_PAUSE_MS 100 /* between the two forks: makes round 1 deadlock */
#define EAT_MS 10
#define NO_PROGRESS_MS 1000 /* the watchdog's patience */
#define NOTHING (-1)

static pthread_mutex_t forks[PHILOSOPHERS];

/* A round's shared state. Philosophers write their own slots and read
 * give_up; the watchdog reads the slots and writes give_up: all through
 * __atomic, since no lock guards them. */
static struct {
	bool ordered; /* round 2: the lower-numbered fork first */
	int meals_wanted;
	int meals[PHILOSOPHERS];
	int holding[PHILOSOPHERS];     /* a fork held while... */
	int waiting_for[PHILOSOPHERS]; /* ...waiting for this one */
	int give_up;
} table;

/* The start line: philosophers wait here until all five exist. */
static pthread_mutex_t start_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t start_line = PTHREAD_COND_INITIALIZER;
static bool started;

static int load(int *p)
{
	return __atomic_load_n(p, __ATOMIC_SEQ_CST);
}

static void store(int *p, int value)
{
	__atomic_store_n(p, value, __ATOMIC_SEQ_CST);
}

/*
 * Waits until fork f is ours, like pthread_mutex_lock, except that it
 * returns false, without the fork, once the watchdog says give up. The
 * flag is checked again after a successful trylock: a fork comes free in
 * a deadlock only because its holder gave up, so the flag is already
 * set, and nobody eats after the watchdog's verdict.
 */
static bool take_fork(int f)
{
	for (;;) {
		if (load(&table.give_up))
			return false;
		if (pthread_mutex_trylock(&forks[f]) == 0)
			break;
		sleep_ms(1);
	}
	if (load(&table.give_up)) {
		pthread_mutex_unlock(&forks[f]);
		return false;
	}
	return true;
}

static void *philosopher(void *arg)
{
	int me = (int)(long)arg;
	int left = me, right = (me + 1) % PHILOSOPHERS;
	int first = left, second = right;
	if (table.ordered && right < left)
		first = right, second = left;

	pthread_mutex_lock(&start_lock);
	while (!started)
		pthread_cond_wait(&start_line, &start_lock);
	pthread_mutex_unlock(&start_lock);

	for (int meal = 0; meal < table.meals_wanted; meal++) {
		if (!take_fork(first))
			return NULL;
		store(&table.holding[me], first);
		store(&table.waiting_for[me], second);
		sleep_ms(PICK_PAUSE_MS);
		if (!take_fork(second)) {
			pthread_mutex_unlock(&forks[first]);
			return NULL;
		}
		store(&table.waiting_for[me], NOTHING);
		sleep_ms(EAT_MS);
		__atomic_fetch_add(&table.meals[me], 1, __ATOMIC_SEQ_CST);
		store(&table.holding[me], NOTHING);
		pthread_mutex_unlock(&forks[second]);
		pthread_mutex_unlock(&forks[first]);
	}
	return NULL;
}

static int meals_eaten(void)
{
	int total = 0;
	for (int i = 0; i < PHILOSOPHERS; i++)
		total += load(&table.meals[i]);
	return total;
}

/* True if every philosopher holds one fork and waits for the one its
 * neighbour holds: the cycle of waits that is a deadlock. */
static bool wait_cycle(void)
{
	for (int i = 0; i < PHILOSOPHERS; i++) {
		int wanted = load(&table.waiting_for[i]);
		if (load(&table.holding[i]) == NOTHING || wanted == NOTHING)
			return false;
		bool held = false;
		for (int j = 0; j < PHILOSOPHERS; j++)
			held |= j != i && load(&table.holding[j]) == wanted;
		if (!held)
			return false;
	}
	return true;
}

/*
 * Runs one round and watches it. Returns true if every meal was eaten;
 * false if no meal was eaten for NO_PROGRESS_MS, after reporting it and
 * making the philosophers give up. *deadlocked tells whether it was a
 * cycle of waits.
 */
static bool run_round(bool ordered, int meals, bool *deadlocked)
{
	pthread_t t[PHILOSOPHERS];
	table.ordered = ordered;
	table.meals_wanted = meals;
	table.give_up = 0;
	started = false;
	for (int i = 0; i < PHILOSOPHERS; i++) {
		table.meals[i] = 0;
		table.holding[i] = table.waiting_for[i] = NOTHING;
		pthread_mutex_init(&forks[i], NULL);
	}
	for (int i = 0; i < PHILOSOPHERS; i++) {
		if (pthread_create(&t[i], NULL, philosopher, (void *)(long)i)) {
			fprintf(stderr,
				"philosophers: pthread_create failed\n");
			exit(2);
		}
	}
	pthread_mutex_lock(&start_lock);
	started = true;
	pthread_cond_broadcast(&start_line);
	pthread_mutex_unlock(&start_lock);

	long start = now_ms(), last_progress = start;
	int last_meals = 0;
	bool finished = false;
	*deadlocked = false;
	while (!finished) {
		sleep_ms(50);
		int eaten = meals_eaten();
		finished = eaten == PHILOSOPHERS * meals;
		if (eaten != last_meals) {
			last_meals = eaten, last_progress = now_ms();
		} else if (!finished &&
			   now_ms() - last_progress >= NO_PROGRESS_MS) {
			*deadlocked = wait_cycle();
			break;
		}
	}
	if (!finished) {
		printf("  no meal for %d ms, %d of %d eaten.\n", NO_PROGRESS_MS,
		       meals_eaten(), PHILOSOPHERS * meals);
		if (*deadlocked) {
			printf("  deadlock: every philosopher holds one fork "
			       "and waits for the next\n");
			for (int i = 0; i < PHILOSOPHERS; i++)
				printf("    philosopher %d holds fork %d, "
				       "waits for fork %d\n",
				       i, load(&table.holding[i]),
				       load(&table.waiting_for[i]));
		}
		printf("  the watchdog tells them to give up.\n");
		store(&table.give_up, 1);
	}
	for (int i = 0; i < PHILOSOPHERS; i++)
		pthread_join(t[i], NULL);
	printf("  meals:");
	for (int i = 0; i < PHILOSOPHERS; i++)
		printf(" P%d %d", i, table.meals[i]);
	printf(" (%ld ms)\n", now_ms() - start);
	return finished;
}

int main(int argc, char **argv)
{
	int meals = argc > 1 ? atoi(argv[1]) : 3;
	if (meals < 1) {
		fprintf(stderr, "usage: philosophers [MEALS]\n");
		return 2;
	}
	printf("philosophers: 5 philosophers, 5 forks (mutexes); each needs "
	       "the\n"
	       "forks on both sides to eat, and wants %d meals. Each pauses "
	       "%d ms\n"
	       "between picking up the two forks. A watchdog (the main "
	       "thread)\n"
	       "ends a round in which no meal is eaten for %d ms.\n\n",
	       meals, PICK_PAUSE_MS, NO_PROGRESS_MS);

	bool deadlocked;
	printf("round 1, naive: everyone takes the left fork, then the "
	       "right.\n");
	bool naive_finished = run_round(false, meals, &deadlocked);
	if (naive_finished)
		printf("  no deadlock this time (a philosopher was late)\n");

	bool ordered_deadlocked;
	printf("\nround 2, resource ordering: everyone takes the "
	       "lower-numbered\n"
	       "fork first (philosopher 4 takes fork 0, then fork 4), so no "
	       "cycle\n"
	       "of waits can form.\n");
	bool ordered_finished = run_round(true, meals, &ordered_deadlocked);
	if (ordered_finished)
		printf("  every philosopher ate %d meals: no deadlock.\n",
		       meals);
	return deadlocked && ordered_finished ? 0 : 1;
}
