/* What the pthread files share. */
#ifndef PTHREAD_INTERNAL_H
#define PTHREAD_INTERNAL_H

#include <pthread.h>
#include <stdint.h>

/*
 * The thread control block, at the top of the thread's own mapping:
 *
 *   mapping: [guard page][........ stack grows down ........][struct pthread]
 *                                                             ^ FS base
 *
 * `self` first: the x86-64 TLS ABI has %fs:0 point at the block itself, so
 * pthread_self() is one load.
 */
struct pthread {
	struct pthread *self;
	void *(*start)(void *);
	void *arg;
	void *result;
	volatile int tid; /* the kernel writes 0 here and wakes it at exit */
	int detached;
	void *map;	 /* the mapping: stack, guard page, this block */
	size_t map_size; /* 0 for the main thread (the kernel's stack) */
	struct pthread *next_dead; /* detached and finished: to unmap */
};

void futex_wait_word(uint32_t *word, uint32_t seen);
void futex_wake_word(uint32_t *word, int n);

#endif
