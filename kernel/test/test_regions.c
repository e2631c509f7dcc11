/* An address space's regions (kernel/aspace/regions.c): the tree finds
 * what a walk of the sorted list finds. */
#include "aspace/mm.h"
#include "base/kernel.h"
#include "base/layout.h"
#include "test/ktest.h"

/* The highest free range of len bytes below MMAP_TOP and above the heap,
 * by walking the list down from the top: the answer mmap must give. */
static uint64_t gap_by_walking(struct mm *mm, uint64_t len)
{
	uint64_t floor = MAX(USER_MIN, ALIGN_UP(mm->brk, PAGE_SIZE));
	uint64_t top = MMAP_TOP;
	for (struct list_node *n = mm->vmas.head.prev; n != &mm->vmas.head;
	     n = n->prev) {
		if (top < floor || top - floor < len)
			return 0;
		struct vma *v = list_entry(n, struct vma, link);
		if (v->start >= top)
			continue;
		if (v->end <= top - len)
			break;
		top = v->start;
	}
	return top >= floor && top - floor >= len ? top - len : 0;
}

static unsigned next_random(unsigned *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

KTEST(regions, mmap_finds_the_gap_a_walk_of_the_list_finds)
{
	struct mm *mm = mm_create();
	KASSERT_TRUE(mm != NULL);
	enum { N = 600 };
	static uint64_t at[N], size[N];
	unsigned seed = 777;
	int mismatches = 0;
	for (int i = 0; i < N; i++) {
		size[i] = (1 + next_random(&seed) % 16) * PAGE_SIZE;
		uint64_t expect = gap_by_walking(mm, size[i]);
		long got = mm_mmap(mm, 0, size[i], VMA_READ, MMAP_HINT, "anon");
		mismatches += got != (long)expect;
		at[i] = got > 0 ? (uint64_t)got : 0;
		/* Free a random earlier one now and then: holes of every
		 * size appear below the top. */
		if (i % 3 == 2) {
			int k = (int)(next_random(&seed) % (unsigned)i);
			if (at[k]) {
				KEXPECT_EQ(mm_unmap(mm, at[k], size[k]), 0);
				at[k] = 0;
			}
		}
	}
	KEXPECT_EQ(mismatches, 0);
	/* The lookup: every address of a region finds it, a hole nothing. */
	int wrong = 0;
	for (int i = 0; i < N; i++)
		if (at[i]) {
			struct vma *v = mm_find(mm, at[i] + size[i] - 1);
			wrong += !v || v->start > at[i] ||
				 v->end < at[i] + size[i];
		}
	KEXPECT_EQ(wrong, 0);
	mm_put(mm);
}
