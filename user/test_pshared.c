/*
 * Synchronisation between processes: named semaphores, shm_open, and
 * PTHREAD_PROCESS_SHARED mutexes, condition variables and barriers in
 * memory that processes share (a MAP_SHARED mapping of a /dev/shm file or
 * of anonymous memory, across fork). A shared object's futex operations
 * must meet across address spaces: were they private, a waiter in one
 * process would never be woken by the other, and the test would hang.
 * Standard headers only, so it also builds against glibc.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "c/ktap.h"

static char sem_name[64], shm_name[64];

/* Waits for child; its exit status, or -1. */
static int reap(pid_t child)
{
	int status;
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static void *shared_anon(size_t size)
{
	return mmap(NULL, size, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
}

static void named_semaphore_across_fork(void)
{
	sem_unlink(sem_name);
	sem_t *s = sem_open(sem_name, O_CREAT | O_EXCL, 0600, 0);
	KTAP_ASSERT_TRUE(s != SEM_FAILED);
	pid_t child = fork();
	if (child == 0) {
		/* opened again by name, in the child */
		sem_t *mine = sem_open(sem_name, 0);
		int ok = mine != SEM_FAILED && sem_post(mine) == 0 &&
			 sem_post(mine) == 0;
		_exit(ok ? 0 : 1);
	}
	KTAP_EXPECT_EQ(sem_wait(s), 0);
	KTAP_EXPECT_EQ(sem_wait(s), 0);
	KTAP_EXPECT_EQ(reap(child), 0);
	int value = -1;
	sem_getvalue(s, &value);
	KTAP_EXPECT_EQ(value, 0);
	KTAP_EXPECT_EQ(sem_close(s), 0);
	KTAP_EXPECT_EQ(sem_unlink(sem_name), 0);
}

static void named_semaphore_open_rules(void)
{
	sem_unlink(sem_name);
	errno = 0;
	KTAP_EXPECT_TRUE(sem_open(sem_name, 0) == SEM_FAILED);
	KTAP_EXPECT_EQ(errno, ENOENT);
	sem_t *a = sem_open(sem_name, O_CREAT, 0600, 3);
	KTAP_ASSERT_TRUE(a != SEM_FAILED);
	sem_t *b = sem_open(sem_name, O_CREAT, 0600, 0);
	KTAP_EXPECT_TRUE(a == b);
	int value = -1;
	sem_getvalue(b, &value);
	KTAP_EXPECT_EQ(value, 3); /* the existing one: value ignored */
	errno = 0;
	KTAP_EXPECT_TRUE(sem_open(sem_name, O_CREAT | O_EXCL, 0600, 0) ==
			 SEM_FAILED);
	KTAP_EXPECT_EQ(errno, EEXIST);
	KTAP_EXPECT_EQ(sem_close(a), 0);
	KTAP_EXPECT_EQ(sem_close(b), 0);
	KTAP_EXPECT_EQ(sem_unlink(sem_name), 0);
	errno = 0;
	KTAP_EXPECT_EQ(sem_unlink(sem_name), -1);
	KTAP_EXPECT_EQ(errno, ENOENT);
}

static void shm_open_maps_across_fork(void)
{
	shm_unlink(shm_name);
	int fd = shm_open(shm_name, O_CREAT | O_EXCL | O_RDWR, 0600);
	KTAP_ASSERT_TRUE(fd >= 0);
	KTAP_EXPECT_EQ(ftruncate(fd, 4096), 0);
	pid_t child = fork();
	if (child == 0) {
		int mine = shm_open(shm_name, O_RDWR, 0);
		int *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED,
			      mine, 0);
		if (p == MAP_FAILED)
			_exit(1);
		p[10] = 42;
		_exit(0);
	}
	KTAP_EXPECT_EQ(reap(child), 0);
	int *p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	KTAP_ASSERT_TRUE(p != MAP_FAILED);
	KTAP_EXPECT_EQ(p[10], 42);
	munmap(p, 4096);
	close(fd);
	KTAP_EXPECT_EQ(shm_unlink(shm_name), 0);
	errno = 0;
	KTAP_EXPECT_EQ(shm_open(shm_name, O_RDWR, 0), -1);
	KTAP_EXPECT_EQ(errno, ENOENT);
}

struct counted {
	pthread_mutex_t lock;
	long count;
};

static void shared_mutex_counts_exactly(void)
{
	enum { CHILDREN = 2, ROUNDS = 20000 };
	struct counted *c = shared_anon(sizeof(*c));
	KTAP_ASSERT_TRUE(c != MAP_FAILED);
	pthread_mutexattr_t attr;
	pthread_mutexattr_init(&attr);
	KTAP_EXPECT_EQ(
		pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED), 0);
	pthread_mutex_init(&c->lock, &attr);
	pid_t kids[CHILDREN];
	for (int k = 0; k < CHILDREN; k++) {
		if ((kids[k] = fork()) == 0) {
			for (int i = 0; i < ROUNDS; i++) {
				pthread_mutex_lock(&c->lock);
				c->count++;
				pthread_mutex_unlock(&c->lock);
			}
			_exit(0);
		}
	}
	for (int i = 0; i < ROUNDS; i++) {
		pthread_mutex_lock(&c->lock);
		c->count++;
		pthread_mutex_unlock(&c->lock);
	}
	for (int k = 0; k < CHILDREN; k++)
		KTAP_EXPECT_EQ(reap(kids[k]), 0);
	KTAP_EXPECT_EQ(c->count, (CHILDREN + 1) * ROUNDS);
	munmap(c, sizeof(*c));
}

struct ping_pong {
	pthread_mutex_t lock;
	pthread_cond_t changed;
	int turn; /* 0: the parent's, 1: the child's */
	int rounds;
};

/* Waits for my turn, then hands it over: every hand-over is a signal to
 * a waiter in the other process. */
static void play(struct ping_pong *g, int me, int rounds)
{
	for (int i = 0; i < rounds; i++) {
		pthread_mutex_lock(&g->lock);
		while (g->turn != me)
			pthread_cond_wait(&g->changed, &g->lock);
		g->turn = !me;
		g->rounds++;
		pthread_cond_signal(&g->changed);
		pthread_mutex_unlock(&g->lock);
	}
}

static void shared_condvar_in_a_shm_file(void)
{
	enum { ROUNDS = 200 };
	shm_unlink(shm_name);
	int fd = shm_open(shm_name, O_CREAT | O_RDWR, 0600);
	KTAP_ASSERT_TRUE(fd >= 0);
	ftruncate(fd, sizeof(struct ping_pong));
	struct ping_pong *g = mmap(NULL, sizeof(*g), PROT_READ | PROT_WRITE,
				   MAP_SHARED, fd, 0);
	close(fd);
	shm_unlink(shm_name);
	KTAP_ASSERT_TRUE(g != MAP_FAILED);
	pthread_mutexattr_t ma;
	pthread_condattr_t ca;
	pthread_mutexattr_init(&ma);
	pthread_condattr_init(&ca);
	pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
	KTAP_EXPECT_EQ(pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED),
		       0);
	int pshared = -1;
	pthread_condattr_getpshared(&ca, &pshared);
	KTAP_EXPECT_EQ(pshared, PTHREAD_PROCESS_SHARED);
	pthread_mutex_init(&g->lock, &ma);
	pthread_cond_init(&g->changed, &ca);
	pid_t child = fork();
	if (child == 0) {
		play(g, 1, ROUNDS);
		_exit(0);
	}
	play(g, 0, ROUNDS);
	KTAP_EXPECT_EQ(reap(child), 0);
	KTAP_EXPECT_EQ(g->rounds, 2 * ROUNDS);
	munmap(g, sizeof(*g));
}

struct rendezvous {
	pthread_barrier_t barrier;
	int arrived[64];
	int serial;
	int wrong;
};

static void meet(struct rendezvous *r, int n)
{
	for (int round = 0; round < 64; round++) {
		__atomic_fetch_add(&r->arrived[round], 1, __ATOMIC_SEQ_CST);
		if (pthread_barrier_wait(&r->barrier) ==
		    PTHREAD_BARRIER_SERIAL_THREAD)
			__atomic_fetch_add(&r->serial, 1, __ATOMIC_SEQ_CST);
		if (__atomic_load_n(&r->arrived[round], __ATOMIC_SEQ_CST) != n)
			__atomic_fetch_add(&r->wrong, 1, __ATOMIC_SEQ_CST);
	}
}

static void shared_barrier_holds_every_round(void)
{
	enum { PROCS = 3 };
	struct rendezvous *r = shared_anon(sizeof(*r));
	KTAP_ASSERT_TRUE(r != MAP_FAILED);
	pthread_barrierattr_t attr;
	pthread_barrierattr_init(&attr);
	KTAP_EXPECT_EQ(
		pthread_barrierattr_setpshared(&attr, PTHREAD_PROCESS_SHARED),
		0);
	pthread_barrier_init(&r->barrier, &attr, PROCS);
	pid_t kids[PROCS - 1];
	for (int k = 0; k < PROCS - 1; k++) {
		if ((kids[k] = fork()) == 0) {
			meet(r, PROCS);
			_exit(0);
		}
	}
	meet(r, PROCS);
	for (int k = 0; k < PROCS - 1; k++)
		KTAP_EXPECT_EQ(reap(kids[k]), 0);
	KTAP_EXPECT_EQ(r->serial, 64);
	KTAP_EXPECT_EQ(r->wrong, 0);
	munmap(r, sizeof(*r));
}

static void pshared_attributes_check_their_value(void)
{
	pthread_mutexattr_t ma;
	pthread_condattr_t ca;
	pthread_barrierattr_t ba;
	pthread_mutexattr_init(&ma);
	pthread_condattr_init(&ca);
	pthread_barrierattr_init(&ba);
	int v = -1;
	pthread_mutexattr_getpshared(&ma, &v);
	KTAP_EXPECT_EQ(v, PTHREAD_PROCESS_PRIVATE);
	KTAP_EXPECT_EQ(pthread_mutexattr_setpshared(&ma, 7), EINVAL);
	KTAP_EXPECT_EQ(pthread_condattr_setpshared(&ca, 7), EINVAL);
	KTAP_EXPECT_EQ(pthread_barrierattr_setpshared(&ba, 7), EINVAL);
	KTAP_EXPECT_EQ(
		pthread_barrierattr_setpshared(&ba, PTHREAD_PROCESS_SHARED), 0);
	pthread_barrierattr_getpshared(&ba, &v);
	KTAP_EXPECT_EQ(v, PTHREAD_PROCESS_SHARED);
}

static const struct ktap_test tests[] = {
	KTAP_TEST(named_semaphore_across_fork),
	KTAP_TEST(named_semaphore_open_rules),
	KTAP_TEST(shm_open_maps_across_fork),
	KTAP_TEST(shared_mutex_counts_exactly),
	KTAP_TEST(shared_condvar_in_a_shm_file),
	KTAP_TEST(shared_barrier_holds_every_round),
	KTAP_TEST(pshared_attributes_check_their_value),
};

int main(void)
{
	snprintf(sem_name, sizeof(sem_name), "/spindle-sem-%d", getpid());
	snprintf(shm_name, sizeof(shm_name), "/spindle-shm-%d", getpid());
	return KTAP_RUN("pshared", tests);
}
