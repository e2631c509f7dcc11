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

/* Named semaphores (lib/pthread/sem_named.c): a sem_t in the file
 * /dev/shm/sem.NAME, mapped shared by every process that opens it. With
 * O_CREAT, sem_open takes (mode_t mode, unsigned value) after flags. */
#define SEM_FAILED ((sem_t *)0)
sem_t *sem_open(const char *name, int flags, ...);
int sem_close(sem_t *s);
int sem_unlink(const char *name);

#endif
