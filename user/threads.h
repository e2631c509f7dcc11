/*
 * Raw threads for the kernel tests (the pthread library comes later):
 * clone with the flags a pthread library uses, a stack from mmap, and
 * the kernel's clear-tid word to join on.
 */
#ifndef USER_THREADS_H
#define USER_THREADS_H

#include "c/libc.h"
#include "freestanding/linux_abi.h"

#define THREAD_STACK (64 * 1024)

struct thread {
	volatile int tid; /* the kernel zeroes it and wakes it at exit */
	void *stack;
};

static inline int thread_start_tls(struct thread *t, int (*fn)(void *),
				   void *arg, unsigned long tls)
{
	t->stack = mmap(NULL, THREAD_STACK, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (t->stack == MAP_FAILED)
		return -1;
	long r = raw_clone(CLONE_PTHREAD | (tls ? CLONE_SETTLS : 0),
			   (char *)t->stack + THREAD_STACK, (int *)&t->tid,
			   (int *)&t->tid, tls, fn, arg);
	return r < 0 ? -1 : 0;
}

static inline int thread_start(struct thread *t, int (*fn)(void *), void *arg)
{
	return thread_start_tls(t, fn, arg, 0);
}

/* Sleeps until the thread has exited (its tid word is 0), then frees its
 * stack: the kernel wrote 0 after the thread left user space for good. */
static inline void thread_join(struct thread *t)
{
	int tid;
	while ((tid = t->tid) != 0)
		futex((uint32_t *)&t->tid, FUTEX_WAIT, (uint32_t)tid, NULL,
		      NULL, 0);
	munmap(t->stack, THREAD_STACK);
}

/*
 * A turn-passing hand-off through one futex word (the ping-pong of
 * test_futex and bench): wait until *turn == mine, then give it to next and
 * wake whoever waits for it. A lost wake-up would leave both asleep.
 */
static inline void futex_pass_turn(uint32_t *turn, uint32_t mine, uint32_t next)
{
	while (__atomic_load_n(turn, __ATOMIC_ACQUIRE) != mine)
		futex(turn, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, next, NULL, NULL,
		      0);
	__atomic_store_n(turn, next, __ATOMIC_RELEASE);
	futex(turn, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, NULL, NULL, 0);
}

#endif
