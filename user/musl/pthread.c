/*
 * musl's pthreads on the kernel's clone, futex and exit: 4 threads, one
 * mutex, one condition variable, pthread_join.
 *
 *   count   every thread adds 1 to a shared counter 20,000 times under the
 *           mutex: the total must be exact (no lost update).
 *   relay   the threads take turns, 0 1 2 3 0 1 ..., 50 rounds each: a
 *           thread waits on the condition variable until the turn is its
 *           own, writes its number, passes the turn on and broadcasts. The
 *           order is fixed by the protocol, not by the scheduler, so it
 *           prints the same everywhere; a lost wake-up hangs it.
 *   join    each thread's return value comes back through pthread_join.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define THREADS 4
#define INCREMENTS 20000
#define ROUNDS 50

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t turn_changed = PTHREAD_COND_INITIALIZER;
/* lock protects these: */
static long counter;
static int turn;
static char relay[THREADS * ROUNDS + 1];

static void *worker(void *arg)
{
	int me = (int)(intptr_t)arg;
	for (int i = 0; i < INCREMENTS; i++) {
		pthread_mutex_lock(&lock);
		counter++;
		pthread_mutex_unlock(&lock);
	}
	for (int round = 0; round < ROUNDS; round++) {
		pthread_mutex_lock(&lock);
		while (turn % THREADS != me)
			pthread_cond_wait(&turn_changed, &lock);
		relay[turn++] = (char)('0' + me);
		pthread_cond_broadcast(&turn_changed);
		pthread_mutex_unlock(&lock);
	}
	return (void *)(intptr_t)(100 + me);
}

int main(void)
{
	pthread_t threads[THREADS];
	int failures = 0;
	for (int i = 0; i < THREADS; i++) {
		int e = pthread_create(&threads[i], NULL, worker,
				       (void *)(intptr_t)i);
		if (e) {
			printf("pthread_create: %s\n", strerror(e));
			return 2;
		}
	}
	for (int i = 0; i < THREADS; i++) {
		void *ret;
		int e = pthread_join(threads[i], &ret);
		printf("join %d: %s, returned %ld\n", i, e ? strerror(e) : "ok",
		       (long)(intptr_t)ret);
		failures += e != 0 || (intptr_t)ret != 100 + i;
	}
	printf("count: %ld (expected %d)\n", counter, THREADS * INCREMENTS);
	failures += counter != THREADS * INCREMENTS;
	for (int i = 0; i < THREADS * ROUNDS; i++)
		failures += relay[i] != '0' + i % THREADS;
	printf("relay: %d turns, %.12s...%s\n", turn, relay,
	       relay + THREADS * ROUNDS - 12);
	printf("%s\n", failures ? "FAILED" : "all threads agree");
	return failures ? 1 : 0;
}
