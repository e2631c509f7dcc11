/*
 * POSIX threads, 1:1: every pthread is a kernel thread made with clone(2),
 * and every wait sleeps in the kernel on a futex. lib/pthread/ has the
 * code, one object per file; docs/pthread.md the protocols.
 *
 * Supported: threads (create, join, detach, exit, self, equal, attributes:
 * stack size, guard size, detach state, scheduling policy and priority),
 * real-time scheduling of a running thread, keys with destructors, once,
 * mutexes (normal, recursive, error-checking; trylock, timedlock),
 * condition variables (CLOCK_REALTIME or CLOCK_MONOTONIC timed waits),
 * rwlocks (writers first), barriers, spinlocks, affinity, cancellation
 * (deferred and asynchronous, cleanup handlers; docs/pthread.md).
 * Process-shared (PTHREAD_PROCESS_SHARED) mutexes, condition variables,
 * barriers, semaphores and spinlocks; named semaphores (semaphore.h).
 * Not supported: process-shared rwlocks, priority inheritance, robust
 * mutexes.
 */
#ifndef _PTHREAD_H
#define _PTHREAD_H

#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

typedef struct pthread *pthread_t;

typedef struct {
	size_t stack_size;
	size_t guard_size;
	int detached;
	int inherit_sched; /* PTHREAD_INHERIT_SCHED or PTHREAD_EXPLICIT_SCHED */
	int sched_policy;  /* with EXPLICIT: the new thread's policy, */
	struct sched_param sched_param; /* and its priority */
} pthread_attr_t;

#define PTHREAD_PROCESS_PRIVATE 0
#define PTHREAD_PROCESS_SHARED 1

#define PTHREAD_CREATE_JOINABLE 0
#define PTHREAD_CREATE_DETACHED 1
#define PTHREAD_INHERIT_SCHED 0
#define PTHREAD_EXPLICIT_SCHED 1
#define PTHREAD_STACK_MIN 16384

/* One futex word (0 free, 1 locked, 2 locked with waiters), and for the
 * recursive and error-checking kinds, who holds it and how often. */
typedef struct {
	uint32_t state;
	int type;
	int owner; /* tid, for RECURSIVE and ERRORCHECK */
	unsigned count;
	int pshared; /* PTHREAD_PROCESS_SHARED: shared futex operations */
} pthread_mutex_t;
typedef struct {
	int type;
	int pshared;
} pthread_mutexattr_t;

#define PTHREAD_MUTEX_NORMAL 0
#define PTHREAD_MUTEX_RECURSIVE 1
#define PTHREAD_MUTEX_ERRORCHECK 2
#define PTHREAD_MUTEX_DEFAULT PTHREAD_MUTEX_NORMAL
#define PTHREAD_MUTEX_INITIALIZER                                              \
	{                                                                      \
		0, PTHREAD_MUTEX_NORMAL, 0, 0, PTHREAD_PROCESS_PRIVATE         \
	}

/* A sequence number that every signal bumps, and the clock of timed
 * waits. */
typedef struct {
	uint32_t seq;
	int clock;
	int pshared;
} pthread_cond_t;
typedef struct {
	int clock;
	int pshared;
} pthread_condattr_t;
#define PTHREAD_COND_INITIALIZER                                               \
	{                                                                      \
		0, CLOCK_REALTIME, PTHREAD_PROCESS_PRIVATE                     \
	}

/* Who holds it (the writer bit, or the number of readers), how many
 * writers wait (they go first), where readers and writers sleep. */
typedef struct {
	unsigned state, writers_waiting, rseq, wseq;
	int writer; /* tid of the writer holding it, or 0 */
} pthread_rwlock_t;
typedef struct {
	int unused;
} pthread_rwlockattr_t;
#define PTHREAD_RWLOCK_INITIALIZER                                             \
	{                                                                      \
		0, 0, 0, 0, 0                                                  \
	}

typedef struct {
	pthread_mutex_t lock;
	pthread_cond_t all_here;
	unsigned count, arrived, round;
} pthread_barrier_t;
typedef struct {
	int pshared;
} pthread_barrierattr_t;
#define PTHREAD_BARRIER_SERIAL_THREAD (-1)

typedef volatile int pthread_spinlock_t;

typedef unsigned pthread_key_t;
#define PTHREAD_KEYS_MAX 128
#define PTHREAD_DESTRUCTOR_ITERATIONS 4

typedef uint32_t pthread_once_t;
#define PTHREAD_ONCE_INIT 0

int pthread_attr_init(pthread_attr_t *attr);
int pthread_attr_destroy(pthread_attr_t *attr);
int pthread_attr_setstacksize(pthread_attr_t *attr, size_t size);
int pthread_attr_getstacksize(const pthread_attr_t *attr, size_t *size);
int pthread_attr_setguardsize(pthread_attr_t *attr, size_t size);
int pthread_attr_getguardsize(const pthread_attr_t *attr, size_t *size);
int pthread_attr_setdetachstate(pthread_attr_t *attr, int state);
int pthread_attr_getdetachstate(const pthread_attr_t *attr, int *state);
int pthread_attr_setinheritsched(pthread_attr_t *attr, int inherit);
int pthread_attr_getinheritsched(const pthread_attr_t *attr, int *inherit);
int pthread_attr_setschedpolicy(pthread_attr_t *attr, int policy);
int pthread_attr_getschedpolicy(const pthread_attr_t *attr, int *policy);
int pthread_attr_setschedparam(pthread_attr_t *attr,
			       const struct sched_param *param);
int pthread_attr_getschedparam(const pthread_attr_t *attr,
			       struct sched_param *param);

int pthread_create(pthread_t *thread, const pthread_attr_t *attr,
		   void *(*start)(void *), void *arg);
int pthread_join(pthread_t thread, void **result);
int pthread_detach(pthread_t thread);
_Noreturn void pthread_exit(void *result);
pthread_t pthread_self(void);
int pthread_equal(pthread_t a, pthread_t b);

int pthread_key_create(pthread_key_t *key, void (*destructor)(void *));
int pthread_key_delete(pthread_key_t key);
void *pthread_getspecific(pthread_key_t key);
int pthread_setspecific(pthread_key_t key, const void *value);
int pthread_once(pthread_once_t *once, void (*init)(void));

int pthread_mutexattr_init(pthread_mutexattr_t *attr);
int pthread_mutexattr_destroy(pthread_mutexattr_t *attr);
int pthread_mutexattr_settype(pthread_mutexattr_t *attr, int type);
int pthread_mutexattr_gettype(const pthread_mutexattr_t *attr, int *type);
/* PTHREAD_PROCESS_SHARED: the object may live in memory that processes
 * share (a MAP_SHARED mapping) and its futex operations are shared ones. */
int pthread_mutexattr_setpshared(pthread_mutexattr_t *attr, int pshared);
int pthread_mutexattr_getpshared(const pthread_mutexattr_t *attr, int *pshared);
int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *attr);
int pthread_mutex_destroy(pthread_mutex_t *m);
int pthread_mutex_lock(pthread_mutex_t *m);
int pthread_mutex_trylock(pthread_mutex_t *m);
int pthread_mutex_timedlock(pthread_mutex_t *m, const struct timespec *abstime);
int pthread_mutex_unlock(pthread_mutex_t *m);

int pthread_condattr_init(pthread_condattr_t *attr);
int pthread_condattr_destroy(pthread_condattr_t *attr);
int pthread_condattr_setclock(pthread_condattr_t *attr, clockid_t clock);
int pthread_condattr_getclock(const pthread_condattr_t *attr, clockid_t *clock);
int pthread_condattr_setpshared(pthread_condattr_t *attr, int pshared);
int pthread_condattr_getpshared(const pthread_condattr_t *attr, int *pshared);
int pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *attr);
int pthread_cond_destroy(pthread_cond_t *c);
int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m);
int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m,
			   const struct timespec *abstime);
int pthread_cond_signal(pthread_cond_t *c);
int pthread_cond_broadcast(pthread_cond_t *c);

int pthread_rwlock_init(pthread_rwlock_t *rw, const pthread_rwlockattr_t *attr);
int pthread_rwlock_destroy(pthread_rwlock_t *rw);
int pthread_rwlock_rdlock(pthread_rwlock_t *rw);
int pthread_rwlock_tryrdlock(pthread_rwlock_t *rw);
int pthread_rwlock_wrlock(pthread_rwlock_t *rw);
int pthread_rwlock_trywrlock(pthread_rwlock_t *rw);
int pthread_rwlock_unlock(pthread_rwlock_t *rw);

int pthread_barrierattr_init(pthread_barrierattr_t *attr);
int pthread_barrierattr_destroy(pthread_barrierattr_t *attr);
int pthread_barrierattr_setpshared(pthread_barrierattr_t *attr, int pshared);
int pthread_barrierattr_getpshared(const pthread_barrierattr_t *attr,
				   int *pshared);
int pthread_barrier_init(pthread_barrier_t *b,
			 const pthread_barrierattr_t *attr, unsigned count);
int pthread_barrier_destroy(pthread_barrier_t *b);
int pthread_barrier_wait(pthread_barrier_t *b);

int pthread_spin_init(pthread_spinlock_t *s, int pshared);
int pthread_spin_destroy(pthread_spinlock_t *s);
int pthread_spin_lock(pthread_spinlock_t *s);
int pthread_spin_trylock(pthread_spinlock_t *s);
int pthread_spin_unlock(pthread_spinlock_t *s);

/* Cancellation. A cancelled thread ends as if by pthread_exit(
 * PTHREAD_CANCELED), running its cleanup handlers innermost first. */
#define PTHREAD_CANCEL_ENABLE 0
#define PTHREAD_CANCEL_DISABLE 1
#define PTHREAD_CANCEL_DEFERRED 0
#define PTHREAD_CANCEL_ASYNCHRONOUS 1
#define PTHREAD_CANCELED ((void *)-1)

int pthread_cancel(pthread_t thread);
int pthread_setcancelstate(int state, int *old);
int pthread_setcanceltype(int type, int *old);
void pthread_testcancel(void);

/* A cleanup handler lives in the pushing function's frame; push and pop
 * are one block, so they must be paired in the same scope. */
struct __pthread_cleanup {
	void (*routine)(void *);
	void *arg;
	struct __pthread_cleanup *next;
};
void __pthread_cleanup_push(struct __pthread_cleanup *c,
			    void (*routine)(void *), void *arg);
void __pthread_cleanup_pop(struct __pthread_cleanup *c, int execute);
#define pthread_cleanup_push(routine, arg)                                     \
	do {                                                                   \
		struct __pthread_cleanup __cleanup;                            \
	__pthread_cleanup_push(&__cleanup, (routine), (arg))
#define pthread_cleanup_pop(execute)                                           \
	__pthread_cleanup_pop(&__cleanup, (execute));                          \
	}                                                                      \
	while (0)

int pthread_setaffinity_np(pthread_t thread, size_t size, const cpu_set_t *set);
int pthread_getaffinity_np(pthread_t thread, size_t size, cpu_set_t *set);
int pthread_setschedparam(pthread_t thread, int policy,
			  const struct sched_param *param);
int pthread_getschedparam(pthread_t thread, int *policy,
			  struct sched_param *param);
int pthread_setschedprio(pthread_t thread, int prio);

#endif
