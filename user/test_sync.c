/*
 * lib/pthread, the other synchronisation objects: reader-writer locks,
 * barriers, spinlocks, semaphores -- their errors, and each one under
 * load with an invariant checked. Builds against glibc too.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdio.h>

#include "c/ktap.h"
#include "timing.h"

static void *try_read(void *arg)
{
	int r = pthread_rwlock_tryrdlock(arg);
	if (r == 0)
		pthread_rwlock_unlock(arg);
	return (void *)(intptr_t)r;
}

static void *try_write(void *arg)
{
	int r = pthread_rwlock_trywrlock(arg);
	if (r == 0)
		pthread_rwlock_unlock(arg);
	return (void *)(intptr_t)r;
}

static intptr_t in_thread(void *(*fn)(void *), void *arg)
{
	pthread_t t;
	void *r = (void *)-1;
	if (pthread_create(&t, NULL, fn, arg) == 0)
		pthread_join(t, &r);
	return (intptr_t)r;
}

static void readers_share_an_rwlock(void)
{
	pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
	KTAP_EXPECT_EQ(pthread_rwlock_rdlock(&rw), 0);
	KTAP_EXPECT_EQ(in_thread(try_read, &rw), 0);
	KTAP_EXPECT_EQ(in_thread(try_write, &rw), EBUSY);
	KTAP_EXPECT_EQ(pthread_rwlock_unlock(&rw), 0);
	KTAP_EXPECT_EQ(in_thread(try_write, &rw), 0);
}

static void a_writer_excludes_everyone(void)
{
	pthread_rwlock_t rw;
	KTAP_ASSERT_EQ(pthread_rwlock_init(&rw, NULL), 0);
	KTAP_EXPECT_EQ(pthread_rwlock_wrlock(&rw), 0);
	KTAP_EXPECT_EQ(in_thread(try_read, &rw), EBUSY);
	KTAP_EXPECT_EQ(in_thread(try_write, &rw), EBUSY);
	KTAP_EXPECT_EQ(pthread_rwlock_unlock(&rw), 0);
	KTAP_EXPECT_EQ(in_thread(try_read, &rw), 0);
	KTAP_EXPECT_EQ(pthread_rwlock_destroy(&rw), 0);
}

static void relocking_a_held_write_lock_is_edeadlk(void)
{
	pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
	pthread_rwlock_wrlock(&rw);
	KTAP_EXPECT_EQ(pthread_rwlock_wrlock(&rw), EDEADLK);
	KTAP_EXPECT_EQ(pthread_rwlock_rdlock(&rw), EDEADLK);
	pthread_rwlock_unlock(&rw);
}

/* Writers first: while a writer waits, a new reader waits behind it,
 * so a stream of readers cannot starve writers. (glibc prefers readers
 * unless asked otherwise; the test asks.) */
static pthread_rwlock_t pref;
static volatile int writer_in;

static void *write_once(void *arg)
{
	pthread_rwlock_wrlock(&pref);
	writer_in = 1;
	pthread_rwlock_unlock(&pref);
	return arg;
}

static void a_waiting_writer_holds_off_new_readers(void)
{
	pthread_rwlockattr_t *attrp = NULL;
#ifdef __GLIBC__
	pthread_rwlockattr_t attr;
	pthread_rwlockattr_init(&attr);
	pthread_rwlockattr_setkind_np(
		&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	attrp = &attr;
#endif
	pthread_rwlock_init(&pref, attrp);
	writer_in = 0;
	pthread_rwlock_rdlock(&pref);
	pthread_t w;
	pthread_create(&w, NULL, write_once, NULL);
	struct timespec pause = {0, 100 * 1000000};
	nanosleep(&pause, NULL); /* the writer is queued by now */
	KTAP_EXPECT_EQ(in_thread(try_read, &pref), EBUSY);
	KTAP_EXPECT_EQ(writer_in, 0);
	pthread_rwlock_unlock(&pref);
	pthread_join(w, NULL);
	KTAP_EXPECT_EQ(writer_in, 1);
	pthread_rwlock_destroy(&pref);
}

/* The invariant checker: readers see a consistent pair and count
 * themselves in; a writer finds nobody inside. */
#define RW_ROUNDS 5000
static pthread_rwlock_t checked = PTHREAD_RWLOCK_INITIALIZER;
static long pair_a, pair_b;
static int readers_inside, writers_inside, violations;

static void *checked_reader(void *arg)
{
	(void)arg;
	for (int i = 0; i < RW_ROUNDS; i++) {
		pthread_rwlock_rdlock(&checked);
		__atomic_fetch_add(&readers_inside, 1, __ATOMIC_SEQ_CST);
		if (__atomic_load_n(&writers_inside, __ATOMIC_SEQ_CST) ||
		    pair_a != pair_b)
			__atomic_fetch_add(&violations, 1, __ATOMIC_SEQ_CST);
		__atomic_fetch_sub(&readers_inside, 1, __ATOMIC_SEQ_CST);
		pthread_rwlock_unlock(&checked);
	}
	return NULL;
}

/* arg: the writer's number; writer 0 prints progress for the harness (on
 * a loaded host the test went 33 s without a line). */
static void *checked_writer(void *arg)
{
	for (int i = 0; i < RW_ROUNDS / 5; i++) {
		if (arg == NULL && i > 0 && i % 250 == 0)
			printf("    # writer 0: %d rounds\n", i);
		pthread_rwlock_wrlock(&checked);
		if (__atomic_fetch_add(&writers_inside, 1, __ATOMIC_SEQ_CST) ||
		    __atomic_load_n(&readers_inside, __ATOMIC_SEQ_CST))
			__atomic_fetch_add(&violations, 1, __ATOMIC_SEQ_CST);
		pair_a++;
		sched_yield();
		pair_b++;
		__atomic_fetch_sub(&writers_inside, 1, __ATOMIC_SEQ_CST);
		pthread_rwlock_unlock(&checked);
	}
	return NULL;
}

static void rwlock_invariants_hold_under_six_readers_and_two_writers(void)
{
	pthread_t t[8];
	for (int i = 0; i < 8; i++)
		pthread_create(&t[i], NULL,
			       i < 2 ? checked_writer : checked_reader,
			       (void *)(long)i);
	for (int i = 0; i < 8; i++)
		pthread_join(t[i], NULL);
	KTAP_EXPECT_EQ(violations, 0);
	KTAP_EXPECT_EQ(pair_a, 2 * (RW_ROUNDS / 5));
	KTAP_EXPECT_EQ(pair_b, pair_a);
}

static void a_barrier_for_zero_threads_is_einval(void)
{
	pthread_barrier_t b;
	KTAP_EXPECT_EQ(pthread_barrier_init(&b, NULL, 0), EINVAL);
}

/* 8 threads, 1,000 rounds: in each round every thread adds its number
 * to the round's slot; after the barrier all 8 must be there, and
 * exactly one thread per round is told it is the serial one. */
#define BARRIER_THREADS 8
#define BARRIER_ROUNDS 1000
static pthread_barrier_t barrier;
static int round_sum[BARRIER_ROUNDS], serial_count[BARRIER_ROUNDS];
static int barrier_errors;

static void *barrier_rounds(void *arg)
{
	int me = (int)(intptr_t)arg;
	for (int r = 0; r < BARRIER_ROUNDS; r++) {
		__atomic_fetch_add(&round_sum[r], me, __ATOMIC_SEQ_CST);
		int w = pthread_barrier_wait(&barrier);
		if (w == PTHREAD_BARRIER_SERIAL_THREAD) {
			__atomic_fetch_add(&serial_count[r], 1,
					   __ATOMIC_SEQ_CST);
			if ((r + 1) % 100 == 0) /* progress, for the harness */
				printf("    # %d barrier rounds\n", r + 1);
		} else if (w != 0)
			__atomic_fetch_add(&barrier_errors, 1,
					   __ATOMIC_SEQ_CST);
		if (__atomic_load_n(&round_sum[r], __ATOMIC_SEQ_CST) !=
		    BARRIER_THREADS * (BARRIER_THREADS + 1) / 2)
			__atomic_fetch_add(&barrier_errors, 1,
					   __ATOMIC_SEQ_CST);
	}
	return NULL;
}

static void a_thousand_barrier_rounds_with_eight_threads(void)
{
	pthread_t t[BARRIER_THREADS];
	KTAP_ASSERT_EQ(pthread_barrier_init(&barrier, NULL, BARRIER_THREADS),
		       0);
	for (int i = 0; i < BARRIER_THREADS; i++)
		pthread_create(&t[i], NULL, barrier_rounds,
			       (void *)(intptr_t)(i + 1));
	for (int i = 0; i < BARRIER_THREADS; i++)
		pthread_join(t[i], NULL);
	KTAP_EXPECT_EQ(barrier_errors, 0);
	int one_serial = 0;
	for (int r = 0; r < BARRIER_ROUNDS; r++)
		one_serial += serial_count[r] == 1;
	KTAP_EXPECT_EQ(one_serial, BARRIER_ROUNDS);
	KTAP_EXPECT_EQ(pthread_barrier_destroy(&barrier), 0);
}

static void spin_trylock_on_a_held_lock_is_ebusy(void)
{
	pthread_spinlock_t s;
	KTAP_ASSERT_EQ(pthread_spin_init(&s, PTHREAD_PROCESS_PRIVATE), 0);
	KTAP_EXPECT_EQ(pthread_spin_trylock(&s), 0);
	KTAP_EXPECT_EQ(pthread_spin_trylock(&s), EBUSY);
	KTAP_EXPECT_EQ(pthread_spin_unlock(&s), 0);
	KTAP_EXPECT_EQ(pthread_spin_lock(&s), 0);
	KTAP_EXPECT_EQ(pthread_spin_unlock(&s), 0);
	KTAP_EXPECT_EQ(pthread_spin_destroy(&s), 0);
}

static pthread_spinlock_t spin;
static long spin_counter;

static void *add_under_spinlock(void *arg)
{
	(void)arg;
	for (int i = 0; i < 20000; i++) {
		pthread_spin_lock(&spin);
		spin_counter++;
		pthread_spin_unlock(&spin);
	}
	return NULL;
}

static void four_threads_count_exactly_under_a_spinlock(void)
{
	pthread_t t[4];
	pthread_spin_init(&spin, PTHREAD_PROCESS_PRIVATE);
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, add_under_spinlock, NULL);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	KTAP_EXPECT_EQ(spin_counter, 4 * 20000);
}

static void sem_counts_posts_and_waits(void)
{
	sem_t s;
	int v = -1;
	KTAP_ASSERT_EQ(sem_init(&s, 0, 2), 0);
	sem_getvalue(&s, &v);
	KTAP_EXPECT_EQ(v, 2);
	KTAP_EXPECT_EQ(sem_wait(&s), 0);
	KTAP_EXPECT_EQ(sem_trywait(&s), 0);
	KTAP_EXPECT_EQ(sem_trywait(&s), -1);
	KTAP_EXPECT_EQ(errno, EAGAIN);
	KTAP_EXPECT_EQ(sem_post(&s), 0);
	sem_getvalue(&s, &v);
	KTAP_EXPECT_EQ(v, 1);
	KTAP_EXPECT_EQ(sem_destroy(&s), 0);
}

static void sem_init_above_the_maximum_is_einval(void)
{
	sem_t s;
	KTAP_EXPECT_EQ(sem_init(&s, 0, (unsigned)SEM_VALUE_MAX + 1), -1);
	KTAP_EXPECT_EQ(errno, EINVAL);
}

static void sem_post_at_the_maximum_is_eoverflow(void)
{
	sem_t s;
	sem_init(&s, 0, SEM_VALUE_MAX);
	KTAP_EXPECT_EQ(sem_post(&s), -1);
	KTAP_EXPECT_EQ(errno, EOVERFLOW);
}

static void sem_timedwait_times_out(void)
{
	sem_t s;
	sem_init(&s, 0, 0);
	struct timespec start, at = deadline_in_ms(CLOCK_REALTIME, 100);
	clock_gettime(CLOCK_MONOTONIC, &start);
	KTAP_EXPECT_EQ(sem_timedwait(&s, &at), -1);
	KTAP_EXPECT_EQ(errno, ETIMEDOUT);
	KTAP_EXPECT_GE(ms_since(CLOCK_MONOTONIC, start), 90);
	struct timespec bad = {0, 2000000000};
	KTAP_EXPECT_EQ(sem_timedwait(&s, &bad), -1);
	KTAP_EXPECT_EQ(errno, EINVAL);
}

/* Producers post, consumers wait: every post is consumed exactly once. */
#define SEM_ITEMS 20000
static sem_t items;
static int consumed;

static void *post_items(void *arg)
{
	(void)arg;
	for (int i = 0; i < SEM_ITEMS / 2; i++)
		sem_post(&items);
	return NULL;
}

static void *take_items(void *arg)
{
	(void)arg;
	for (int i = 0; i < SEM_ITEMS / 2; i++) {
		sem_wait(&items);
		int n = __atomic_add_fetch(&consumed, 1, __ATOMIC_SEQ_CST);
		if (n % 5000 == 0) /* progress, for the harness */
			printf("    # %d posts taken\n", n);
	}
	return NULL;
}

static void sem_hands_20000_posts_to_waiters(void)
{
	pthread_t t[4];
	sem_init(&items, 0, 0);
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, i < 2 ? take_items : post_items,
			       NULL);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	int v = -1;
	sem_getvalue(&items, &v);
	KTAP_EXPECT_EQ(consumed, SEM_ITEMS);
	KTAP_EXPECT_EQ(v, 0);
}

static const struct ktap_test tests[] = {
	KTAP_TEST(readers_share_an_rwlock),
	KTAP_TEST(a_writer_excludes_everyone),
	KTAP_TEST(relocking_a_held_write_lock_is_edeadlk),
	KTAP_TEST(a_waiting_writer_holds_off_new_readers),
	KTAP_TEST(rwlock_invariants_hold_under_six_readers_and_two_writers),
	KTAP_TEST(a_barrier_for_zero_threads_is_einval),
	KTAP_TEST(a_thousand_barrier_rounds_with_eight_threads),
	KTAP_TEST(spin_trylock_on_a_held_lock_is_ebusy),
	KTAP_TEST(four_threads_count_exactly_under_a_spinlock),
	KTAP_TEST(sem_counts_posts_and_waits),
	KTAP_TEST(sem_init_above_the_maximum_is_einval),
	KTAP_TEST(sem_post_at_the_maximum_is_eoverflow),
	KTAP_TEST(sem_timedwait_times_out),
	KTAP_TEST(sem_hands_20000_posts_to_waiters),
};

int main(void)
{
	return KTAP_RUN("sync", tests);
}
