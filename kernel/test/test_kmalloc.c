/* kmalloc/kfree (kernel/mm/kmalloc.c). */
#include "base/kernel.h"
#include "base/layout.h"
#include "freestanding/string.h"
#include "mm/kmalloc.h"
#include "mm/pmm.h"
#include "test/ktest.h"

KTEST(kmalloc, every_size_is_aligned_and_writable)
{
	static const size_t sizes[] = {1,    15,   16,	 17,   100,  512,
				       1000, 1024, 1025, 4096, 5000, 65536};
	void *p[ARRAY_SIZE(sizes)];
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		p[i] = kmalloc(sizes[i]);
		KASSERT_TRUE(p[i] != NULL);
		KEXPECT_EQ((uint64_t)p[i] % 16, 0);
		memset(p[i], (int)i, sizes[i]);
	}
	/* No allocation overlapped another: each still holds its pattern. */
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		uint8_t *b = p[i];
		KEXPECT_EQ(b[0], i);
		KEXPECT_EQ(b[sizes[i] - 1], i);
		kfree(p[i]);
	}
}

KTEST(kmalloc, kzalloc_zeroes)
{
	for (int round = 0; round < 2; round++) {
		uint8_t *p = kmalloc(200);
		memset(p, 0xff, 200);
		kfree(p);
		p = kzalloc(200);
		int nonzero = 0;
		for (int i = 0; i < 200; i++)
			nonzero += p[i] != 0;
		KEXPECT_EQ(nonzero, 0);
		kfree(p);
	}
}

KTEST(kmalloc, bytes_in_use_tracks_allocations)
{
	size_t before = kmalloc_bytes_in_use();
	void *a = kmalloc(24), *b = kmalloc(3000);
	KEXPECT_EQ(kmalloc_bytes_in_use(), before + 32 + PAGE_SIZE);
	kfree(a);
	kfree(b);
	KEXPECT_EQ(kmalloc_bytes_in_use(), before);
}

/* Many objects of mixed sizes, freed in a scrambled order: every slab page
 * must go back to the page allocator (the framework checks the counter). */
KTEST(kmalloc, mixed_churn_returns_every_page)
{
	enum { N = 2000 };
	void **ptrs = kmalloc(N * sizeof(void *));
	KASSERT_TRUE(ptrs != NULL);
	uint32_t seed = 12345;
	for (int i = 0; i < N; i++) {
		seed = seed * 1103515245 + 12345;
		size_t size = 1 + (seed >> 16) % 1500;
		ptrs[i] = kmalloc(size);
		KASSERT_TRUE(ptrs[i] != NULL);
		*(int *)ptrs[i] = i;
	}
	for (int i = 0; i < N; i++) {
		int j = (i * 7919) % N; /* 7919 is prime: a permutation */
		KEXPECT_EQ(*(int *)ptrs[j], j);
		kfree(ptrs[j]);
	}
	kfree(ptrs);
}

KTEST(kmalloc, absurd_size_returns_null)
{
	KEXPECT_TRUE(kmalloc((size_t)1 << 60) == NULL);
	KEXPECT_TRUE(kmalloc(pmm_total_pages() * PAGE_SIZE + 1) == NULL);
}

KTEST_DEATH(kmalloc, double_free_panics, "double free of a 64-byte object")
{
	void *p = kmalloc(64);
	void *keep = kmalloc(64); /* keeps the slab alive after the free */
	kfree(p);
	kfree(p);
	kfree(keep);
}

KTEST_DEATH(kmalloc, freeing_a_middle_pointer_panics,
	    "points into the middle of a 128-byte object")
{
	char *p = kmalloc(128);
	kfree(p + 8);
}

KTEST_DEATH(kmalloc, large_double_free_panics, "not a live kmalloc allocation")
{
	void *p = kmalloc(10000);
	kfree(p);
	kfree(p);
}
