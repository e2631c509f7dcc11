/*
 * The pages of a shmem (shmem.h): a MAP_SHARED anonymous region's or a
 * tmpfs file's. Pages and the tables that list them are made on first
 * touch, so a large shared mapping or a sparse file costs nothing until
 * used.
 */
#include "aspace/shmem.h"
#include "base/kernel.h"
#include "base/layout.h"
#include "freestanding/string.h"
#include "mm/kmalloc.h"
#include "mm/pmm.h"

bool quota_take(struct page_quota *q, long n)
{
	long left = atomic_load(&q->left);
	do {
		if (left < n)
			return false;
	} while (!atomic_compare_exchange_weak(&q->left, &left, left - n));
	return true;
}

void quota_give(struct page_quota *q, long n)
{
	atomic_fetch_add(&q->left, n);
}

static size_t shm_tables(size_t npages)
{
	return (npages + SHMEM_PER_TABLE - 1) / SHMEM_PER_TABLE;
}

struct shmem *shm_create(size_t npages, struct page_quota *quota)
{
	if (npages > SHMEM_MAX / PAGE_SIZE)
		return NULL;
	struct shmem *shm = kzalloc(sizeof(*shm));
	uint64_t **tables =
		shm ? kzalloc(shm_tables(npages) * sizeof(*tables)) : NULL;
	if (!tables) {
		kfree(shm);
		return NULL;
	}
	atomic_init(&shm->refs, 1);
	spin_init(&shm->lock, "shmem");
	shm->npages = npages;
	shm->quota = quota;
	shm->tables = tables;
	return shm;
}

void shm_get(struct shmem *shm)
{
	atomic_fetch_add(&shm->refs, 1);
}

/* Frees the page in *slot (if any) and clears it. Lock held, or the last
 * reference. */
static void free_slot(struct shmem *shm, uint64_t *slot)
{
	if (!*slot)
		return;
	pmm_free(*slot);
	*slot = 0;
	if (shm->quota)
		quota_give(shm->quota, 1);
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
			free_slot(shm, &shm->tables[t][i]);
		pmm_free(virt_to_phys(shm->tables[t]));
	}
	kfree(shm->tables);
	kfree(shm);
}

/* The slot of page i, making its table if make; NULL if there is none.
 * Lock held. */
static uint64_t *slot_of(struct shmem *shm, size_t i, bool make)
{
	uint64_t **table = &shm->tables[i / SHMEM_PER_TABLE];
	if (!*table && make) {
		uint64_t t = pmm_alloc();
		if (t) {
			*table = phys_to_virt(t);
			memset(*table, 0, PAGE_SIZE);
		}
	}
	return *table ? &(*table)[i % SHMEM_PER_TABLE] : NULL;
}

uint64_t shm_page(struct shmem *shm, size_t i)
{
	if (i >= shm->npages)
		return 0;
	spin_lock(&shm->lock);
	uint64_t *slot = slot_of(shm, i, true);
	if (slot && !*slot && (!shm->quota || quota_take(shm->quota, 1))) {
		uint64_t pa = pmm_alloc();
		if (pa)
			memset(phys_to_virt(pa), 0, PAGE_SIZE);
		else if (shm->quota)
			quota_give(shm->quota, 1);
		*slot = pa;
	}
	uint64_t pa = slot ? *slot : 0;
	spin_unlock(&shm->lock);
	return pa;
}

uint64_t shm_peek(struct shmem *shm, size_t i)
{
	if (i >= shm->npages)
		return 0;
	spin_lock(&shm->lock);
	uint64_t *slot = slot_of(shm, i, false);
	uint64_t pa = slot ? *slot : 0;
	spin_unlock(&shm->lock);
	return pa;
}

/*
 * Whether a region maps shm is read under the lock: a region takes its
 * reference before any of its page-table entries can exist, and drops it
 * only after clearing them, so with refs == 1 (the file's own) no page
 * table holds a page of shm, and one made later faults in after this.
 */
void shm_truncate(struct shmem *shm, uint64_t size)
{
	size_t first = (size_t)(ALIGN_UP(size, PAGE_SIZE) / PAGE_SIZE);
	spin_lock(&shm->lock);
	bool mapped = atomic_load(&shm->refs) > 1;
	if (size % PAGE_SIZE) {
		uint64_t *slot = slot_of(shm, size / PAGE_SIZE, false);
		if (slot && *slot)
			memset(phys_to_virt(*slot + size % PAGE_SIZE), 0,
			       PAGE_SIZE - size % PAGE_SIZE);
	}
	for (size_t i = first; i < shm->npages; i++) {
		uint64_t *slot = slot_of(shm, i, false);
		if (!slot) {
			i = ALIGN_UP(i + 1, SHMEM_PER_TABLE) - 1;
			continue;
		}
		if (mapped && *slot)
			memset(phys_to_virt(*slot), 0, PAGE_SIZE);
		else
			free_slot(shm, slot);
	}
	spin_unlock(&shm->lock);
}
