/*
 * malloc: power-of-two size classes on mmap, one lock.
 *
 * Every block starts with a 16-byte header, so the pointer handed out is
 * 16-byte aligned and free() knows the block's size without being told:
 *
 *   small (class 0..CLASSES-1, blocks of 32 B .. 4 KiB):
 *
 *     chunk (64 KiB, from mmap):
 *     [hdr|  data  ][hdr|  data  ][hdr|  data  ] ...   all the same class
 *      ^ free blocks of a class are a list threaded through their data
 *
 *   large (more than 4 KiB - 16): a mapping of its own, unmapped by free
 *
 *     [hdr|  data ............................ ]
 *
 * Small blocks are never given back to the kernel, only reused; a chunk
 * is carved all at once, so a class costs one system call per 64 KiB.
 * One mutex guards the lists: simple, and enough for a teaching libc (a
 * production allocator keeps per-thread caches to avoid the contention).
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define MIN_SHIFT 5 /* the smallest block: 32 bytes, header included */
#define CLASSES 8   /* 32, 64, ... 4096 */
#define CHUNK (64 * 1024)
#define MAGIC                                                                  \
	0x6d616c6cu /* "mall": a pointer malloc did not hand out               \
		       does not have it */
#define LARGE CLASSES

struct header {
	uint32_t magic;
	uint32_t class; /* 0..CLASSES-1, or LARGE */
	size_t size;	/* the whole block or mapping, header included */
};

struct free_block {
	struct free_block *next;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct free_block *free_lists[CLASSES]; /* lock */

static struct header *header_of(void *p)
{
	struct header *h = (struct header *)p - 1;
	if (h->magic != MAGIC || h->class > LARGE) {
		fprintf(stderr,
			"malloc: %p was not returned by malloc "
			"(or its header was overwritten)\n",
			p);
		abort();
	}
	return h;
}

/* Carves a new chunk into blocks of class c. Caller holds lock. */
static int refill(unsigned c)
{
	size_t size = (size_t)1 << (c + MIN_SHIFT);
	char *chunk = mmap(NULL, CHUNK, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (chunk == MAP_FAILED)
		return -1;
	for (char *b = chunk + CHUNK - size; b >= chunk; b -= size) {
		struct free_block *f =
			(struct free_block *)((struct header *)b + 1);
		f->next = free_lists[c];
		free_lists[c] = f;
	}
	return 0;
}

static void *large_alloc(size_t n)
{
	if (n > SIZE_MAX - sizeof(struct header) - 4095) {
		errno = ENOMEM;
		return NULL;
	}
	size_t size = (n + sizeof(struct header) + 4095) & ~(size_t)4095;
	struct header *h = mmap(NULL, size, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (h == MAP_FAILED)
		return NULL; /* mmap set errno */
	*h = (struct header){MAGIC, LARGE, size};
	return h + 1;
}

void *malloc(size_t n)
{
	unsigned c = 0;
	while (c < CLASSES &&
	       ((size_t)1 << (c + MIN_SHIFT)) - sizeof(struct header) < n)
		c++;
	if (c == CLASSES)
		return large_alloc(n);
	pthread_mutex_lock(&lock);
	if (!free_lists[c] && refill(c) < 0) {
		pthread_mutex_unlock(&lock);
		errno = ENOMEM;
		return NULL;
	}
	struct free_block *f = free_lists[c];
	free_lists[c] = f->next;
	pthread_mutex_unlock(&lock);
	struct header *h = (struct header *)f - 1;
	*h = (struct header){MAGIC, c, (size_t)1 << (c + MIN_SHIFT)};
	return f;
}

void free(void *p)
{
	if (!p)
		return;
	struct header *h = header_of(p);
	if (h->class == LARGE) {
		h->magic = 0;
		munmap(h, h->size);
		return;
	}
	h->magic = 0; /* a second free() of p is caught by header_of */
	struct free_block *f = p;
	pthread_mutex_lock(&lock);
	f->next = free_lists[h->class];
	free_lists[h->class] = f;
	pthread_mutex_unlock(&lock);
}

void *calloc(size_t count, size_t size)
{
	if (size && count > SIZE_MAX / size) {
		errno = ENOMEM;
		return NULL;
	}
	void *p = malloc(count * size);
	if (p)
		memset(p, 0, count * size);
	return p;
}

void *realloc(void *p, size_t n)
{
	if (!p)
		return malloc(n);
	if (n == 0) {
		free(p);
		return NULL;
	}
	size_t room = header_of(p)->size - sizeof(struct header);
	if (n <= room)
		return p;
	void *q = malloc(n);
	if (q) {
		memcpy(q, p, room);
		free(p);
	}
	return q;
}
