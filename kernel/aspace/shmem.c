/*
 * The pages of a MAP_SHARED anonymous region: they belong to its struct
 * shmem, not to any one address space, so every mapping of it (a fork's
 * too) sees the same pages. Pages and the tables that list them are made
 * on first touch, so a large shared mapping costs nothing until used.
 */
#include "aspace/internal.h"
#include "aspace/mm.h"
#include "base/kernel.h"
#include "base/layout.h"
#include "freestanding/string.h"
#include "mm/kmalloc.h"
#include "mm/pmm.h"

static size_t shm_tables(size_t npages)
{
	return (npages + SHMEM_PER_TABLE - 1) / SHMEM_PER_TABLE;
}

struct shmem *shm_create(size_t npages)
{
	size_t ntables = shm_tables(npages);
	struct shmem *shm =
		kzalloc(sizeof(*shm) + ntables * sizeof(shm->tables[0]));
	if (!shm)
		return NULL;
	atomic_init(&shm->refs, 1);
	spin_init(&shm->lock, "shmem");
	shm->npages = npages;
	return shm;
}

void shm_put(struct shmem *shm)
{
	if (!shm || atomic_fetch_sub(&shm->refs, 1) != 1)
		return;
	size_t ntables = shm_tables(shm->npages);
	for (size_t t = 0; t < ntables; t++) {
		if (!shm->tables[t])
			continue;
		for (size_t i = 0; i < SHMEM_PER_TABLE; i++)
			if (shm->tables[t][i])
				pmm_free(shm->tables[t][i]);
		pmm_free(virt_to_phys(shm->tables[t]));
	}
	kfree(shm);
}

uint64_t shm_page(struct shmem *shm, size_t i)
{
	kassert(i < shm->npages);
	uint64_t **table = &shm->tables[i / SHMEM_PER_TABLE];
	uint64_t pa = 0;
	spin_lock(&shm->lock);
	if (!*table) {
		uint64_t t = pmm_alloc();
		if (t) {
			*table = phys_to_virt(t);
			memset(*table, 0, PAGE_SIZE);
		}
	}
	if (*table) {
		uint64_t *slot = &(*table)[i % SHMEM_PER_TABLE];
		if (!*slot && (pa = pmm_alloc()) != 0) {
			memset(phys_to_virt(pa), 0, PAGE_SIZE);
			*slot = pa;
		}
		pa = *slot;
	}
	spin_unlock(&shm->lock);
	return pa;
}
