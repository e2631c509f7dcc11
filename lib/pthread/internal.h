/* What the pthread files share. */
#ifndef PTHREAD_INTERNAL_H
#define PTHREAD_INTERNAL_H

#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The thread control block, at the top of the thread's own mapping:
 *
 *   [guard page][.... stack grows down ....][TLS][struct pthread]
 *                                                 ^ FS base (tls.c)
 *
 * `self` first: the x86-64 TLS ABI has %fs:0 point at the block itself, so
 * pthread_self() is one load. The compiler's stack protector reads its
 * canary at %fs:0x28 (glibc's layout, which gcc and clang assume).
 */
struct pthread {
	struct pthread *self;
	void *unused[4];
	uint64_t canary; /* %fs:0x28 */
	void *(*start)(void *);
	void *arg;
	void *result;
	volatile int tid; /* the kernel writes 0 here and wakes it at exit */
	int detached;
	/* PTHREAD_EXPLICIT_SCHED: the policy and priority it starts with */
	int explicit_sched, sched_policy;
	struct sched_param sched_param;
	void *map;	 /* the mapping: stack, guard page, this block */
	size_t map_size; /* 0 for the main thread (the kernel's stack) */
	struct pthread *next_dead; /* detached and finished: to unmap */
	/* Cancellation (cancel.c). Any thread sets cancel_requested (once,
	 * never cleared); the rest is this thread's own, read by its
	 * SIGCANCEL handler too. */
	volatile int cancel_requested;
	volatile int cancel_state; /* PTHREAD_CANCEL_ENABLE or _DISABLE */
	volatile int cancel_type;  /* PTHREAD_CANCEL_DEFERRED or _ASYNC... */
	struct __pthread_cleanup *cleanup; /* the innermost handler pushed */
	struct specific {
		void *value;
		unsigned generation;  /* of the key it was set for */
	} specific[PTHREAD_KEYS_MAX]; /* key.c */
};

_Static_assert(__builtin_offsetof(struct pthread, canary) == 0x28,
	       "the stack protector reads %fs:0x28");

/* tls.c: the bytes a thread needs for its TLS and control block; and
 * laying them out below `end` (returns the control block). */
size_t tls_area_size(void);
struct pthread *tls_place(char *end);
char *tls_bottom(struct pthread *t);
void tls_init_main(const void *phdr, unsigned long phnum,
		   const uint64_t *random);

/* futex.c: sleep while *word == seen (until woken, or until abstime on
 * clock passes: ETIMEDOUT; NULL waits for ever) and wake. `shared`
 * operations meet across processes (sem_init's pshared). */
int futex_wait_until(uint32_t *word, uint32_t seen, clockid_t clock,
		     const struct timespec *abstime, int shared);
void futex_wait_word(uint32_t *word, uint32_t seen);
void futex_wake_word(uint32_t *word, int n);
void futex_wake_shared(uint32_t *word, int n, int shared);

/* The calling thread's id, from its control block: no system call. */
static inline int self_tid(void)
{
	return pthread_self()->tid;
}

/* mutex.c: what a condition wait does to its mutex (see there). */
unsigned mutex_release_for_wait(pthread_mutex_t *m, int *err);
void mutex_reacquire_after_wait(pthread_mutex_t *m, unsigned count);

/* futex_wait_until as a cancellation point: ECANCELED, without sleeping
 * or with the sleep cut short, when a cancel request is to act; the
 * caller tidies up and then calls cancel_act. */
int futex_wait_cancellable(uint32_t *word, uint32_t seen, clockid_t clock,
			   const struct timespec *abstime, int shared);

/* cancel.c: a system call that is a cancellation point (-ECANCELED as
 * above, or the call's result); ending the calling thread as cancelled;
 * and holding cancellation off around waits that are not cancellation
 * points (a rwlock's or barrier's condition wait). */
long cancellable_syscall(long n, long a1, long a2, long a3, long a4, long a5,
			 long a6);
_Noreturn void cancel_act(void);
int cancel_hold(void);
void cancel_release(int held);
/* pthread_exit: pops and runs the calling thread's cleanup handlers. */
void run_cleanup_handlers(struct pthread *self);

/* pthread_cond_wait that is not a cancellation point. */
int cond_wait_uncancellable(pthread_cond_t *c, pthread_mutex_t *m);

/* EINVAL unless pshared is PTHREAD_PROCESS_PRIVATE or _SHARED. */
static inline int check_pshared(int pshared)
{
	return pshared == PTHREAD_PROCESS_PRIVATE ||
			       pshared == PTHREAD_PROCESS_SHARED
		       ? 0
		       : EINVAL;
}

/* EINVAL unless abstime is a time (nanoseconds within 0..999999999). */
int check_abstime(const struct timespec *abstime);

/* key.c: runs the destructors of the calling thread's non-NULL values. */
void run_key_destructors(struct pthread *self);

#endif
