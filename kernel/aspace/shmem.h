/*
 * Pages that belong to no one address space: a MAP_SHARED anonymous
 * region's, and a tmpfs file's (fs/tmpfs.c). Every region that maps a
 * shmem maps these same pages, so two processes that map it see each
 * other's stores, and a futex on one is keyed by its physical address.
 * Their physical addresses are kept in two levels, so an untouched
 * mapping costs one small directory, not a table for every page (1 GiB:
 * 4 KiB, not 2 MiB of contiguous memory):
 *
 *   tables[i / SHMEM_PER_TABLE] -> page of SHMEM_PER_TABLE addresses
 *
 * A page is made (zeroed) on first touch, by a fault in any mapping or by
 * a write to the file, and freed with the last reference.
 */
#ifndef ASPACE_SHMEM_H
#define ASPACE_SHMEM_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sync/spinlock.h"

#define SHMEM_MAX (1ul << 30) /* the largest shmem: region or file */
#define SHMEM_PER_TABLE (4096 / sizeof(uint64_t))

/* A limit on the pages a group of shmems holds together (one tmpfs's
 * size): a page is taken from `left` before it is made. */
struct page_quota {
	atomic_long left;
};

/* Takes n pages from q: false (and nothing taken) if fewer are left. */
bool quota_take(struct page_quota *q, long n);
void quota_give(struct page_quota *q, long n);

struct shmem {
	atomic_int refs;	  /* the regions that map it, its file */
	struct spinlock lock;	  /* tables[] and what they hold */
	size_t npages;		  /* capacity */
	struct page_quota *quota; /* NULL: only memory limits it */
	uint64_t **tables;	  /* NULL: none of its pages touched yet; in a
				     table, 0: that page not touched yet */
};

/* A shmem of npages pages (at most SHMEM_MAX bytes), none made yet (refs
 * 1), or NULL. Its pages count against quota, if not NULL. */
struct shmem *shm_create(size_t npages, struct page_quota *quota);
void shm_get(struct shmem *shm);
/* Drops a reference; the last one frees its pages. NULL is ignored. */
void shm_put(struct shmem *shm);
/* Page i of shm, made (zeroed) if it is not there yet; its physical
 * address, or 0 if out of memory, over quota, or i is past the end. */
uint64_t shm_page(struct shmem *shm, size_t i);
/* Page i if it has been made, else 0 (nothing is allocated). */
uint64_t shm_peek(struct shmem *shm, size_t i);
/* A file shrank to size bytes: zeroes the bytes past it; pages wholly
 * past it are freed, unless a region maps shm (its page tables may hold
 * them: they are kept, zeroed, until the last reference goes). */
void shm_truncate(struct shmem *shm, uint64_t size);

#endif
