/*
 * POSIX threads, 1:1: every pthread is a kernel thread made with clone(2),
 * and every wait sleeps in the kernel on a futex. lib/pthread/ has the
 * code; docs/pthread.md the protocols. So far: create, join, detach,
 * exit, self, equal; normal mutexes; condition variables.
 */
#ifndef _PTHREAD_H
#define _PTHREAD_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

typedef struct pthread *pthread_t;

typedef struct {
	size_t stack_size;
	int detached;
} pthread_attr_t;

#define PTHREAD_CREATE_JOINABLE 0
#define PTHREAD_CREATE_DETACHED 1

/* A mutex is one futex word: 0 free, 1 locked, 2 locked with waiters. */
typedef struct {
	uint32_t state;
} pthread_mutex_t;
typedef struct {
	int type;
} pthread_mutexattr_t;
#define PTHREAD_MUTEX_INITIALIZER                                              \
	{                                                                      \
		0                                                              \
	}

/* A condition variable is a sequence number that every signal bumps. */
typedef struct {
	uint32_t seq;
} pthread_cond_t;
typedef struct {
	int clock;
} pthread_condattr_t;
#define PTHREAD_COND_INITIALIZER                                               \
	{                                                                      \
		0                                                              \
	}

int pthread_attr_init(pthread_attr_t *attr);
int pthread_attr_destroy(pthread_attr_t *attr);
int pthread_attr_setstacksize(pthread_attr_t *attr, size_t size);
int pthread_attr_setdetachstate(pthread_attr_t *attr, int state);

int pthread_create(pthread_t *thread, const pthread_attr_t *attr,
		   void *(*start)(void *), void *arg);
int pthread_join(pthread_t thread, void **result);
int pthread_detach(pthread_t thread);
_Noreturn void pthread_exit(void *result);
pthread_t pthread_self(void);
int pthread_equal(pthread_t a, pthread_t b);

int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *attr);
int pthread_mutex_destroy(pthread_mutex_t *m);
int pthread_mutex_lock(pthread_mutex_t *m);
int pthread_mutex_trylock(pthread_mutex_t *m);
int pthread_mutex_unlock(pthread_mutex_t *m);

int pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *attr);
int pthread_cond_destroy(pthread_cond_t *c);
int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m);
int pthread_cond_signal(pthread_cond_t *c);
int pthread_cond_broadcast(pthread_cond_t *c);

#endif
