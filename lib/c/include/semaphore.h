/* POSIX unnamed semaphores (lib/pthread/sem.c). */
#ifndef _SEMAPHORE_H
#define _SEMAPHORE_H

#include <limits.h> /* SEM_VALUE_MAX */
#include <stdint.h>
#include <time.h>

/* The count is the futex word; `waiters` tells sem_post whether a wake
 * is needed. */
typedef struct {
	uint32_t value;
	uint32_t waiters;
	int shared;
} sem_t;

int sem_init(sem_t *s, int pshared, unsigned value);
int sem_destroy(sem_t *s);
int sem_wait(sem_t *s);
int sem_trywait(sem_t *s);
int sem_timedwait(sem_t *s, const struct timespec *abstime);
int sem_post(sem_t *s);
int sem_getvalue(sem_t *s, int *value);

#endif
