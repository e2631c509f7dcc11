/* Shared by the files of aspace/ only: not part of its interface. */
#ifndef ASPACE_INTERNAL_H
#define ASPACE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

struct shmem;

/* The page-table flags of a region with protection prot (VMA_*). */
uint64_t pte_flags(unsigned prot);

/* A shmem of npages pages, none made yet (refs 1), or NULL. */
struct shmem *shm_create(size_t npages);
/* Drops a reference; the last one frees its pages. NULL is ignored. */
void shm_put(struct shmem *shm);
/* Page i of shm, allocated (zeroed) on first touch by any of its maps; its
 * physical address, or 0 if out of memory. */
uint64_t shm_page(struct shmem *shm, size_t i);

#endif
