/*
 * Green stacks: mmap'd, with a guard page below, and kept for reuse.
 *
 *   [guard page, PROT_NONE][......... UTHREAD_STACK_SIZE .........]
 *   ^ the pointer handed out                  stack grows down <- ^ top
 *
 * Making a stack costs two system calls (mmap, then mprotect for the
 * guard) and freeing one (munmap), and each mapping is two regions for
 * the kernel to search on every fault. A program that runs 10,000 short
 * green threads would pay that 10,000 times, so a finished thread's stack
 * goes on a free list instead, up to CACHE_MAX of them, and the next
 * uthread_create takes it from there.
 *
 * A stack is freed only by a worker, after it switched away from the
 * thread that ended on it (thread_reap): never by the thread itself.
 */
#include <sys/mman.h>

#include "internal.h"

#define GUARD_SIZE 4096
#define MAPPING_SIZE (GUARD_SIZE + UTHREAD_STACK_SIZE)
#define CACHE_MAX 256

struct free_stack {
	struct free_stack *next;
};

static struct uthread_spinlock cache_lock;
static struct free_stack *cache; /* cache_lock */
static int cached;		 /* cache_lock */

/* Returns the mapping (guard page first), or NULL. */
void *stack_alloc(void)
{
	spin_lock(&cache_lock);
	struct free_stack *s = cache;
	if (s) {
		cache = s->next;
		cached--;
	}
	spin_unlock(&cache_lock);
	if (s)
		return (char *)s - GUARD_SIZE;

	char *map = mmap(NULL, MAPPING_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (map == MAP_FAILED)
		return NULL;
	if (mprotect(map, GUARD_SIZE, PROT_NONE) != 0) {
		munmap(map, MAPPING_SIZE);
		return NULL;
	}
	return map;
}

/* The free-list link lives in the lowest word above the guard: the one
 * word of a finished stack nobody will read again. */
void stack_free(void *stack)
{
	struct free_stack *s = (void *)((char *)stack + GUARD_SIZE);
	spin_lock(&cache_lock);
	bool keep = cached < CACHE_MAX;
	if (keep) {
		s->next = cache;
		cache = s;
		cached++;
	}
	spin_unlock(&cache_lock);
	if (!keep)
		munmap(stack, MAPPING_SIZE);
}

/* Unmaps every cached stack: the runtime has stopped. */
void stack_cache_drain(void)
{
	spin_lock(&cache_lock);
	struct free_stack *s = cache;
	cache = NULL;
	cached = 0;
	spin_unlock(&cache_lock);
	while (s) {
		struct free_stack *next = s->next;
		munmap((char *)s - GUARD_SIZE, MAPPING_SIZE);
		s = next;
	}
}

/* The address just above the stack: where a new thread's frames start. */
void *stack_top(void *stack)
{
	return (char *)stack + MAPPING_SIZE;
}
