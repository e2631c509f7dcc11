/* The physical page allocator (kernel/mm/pmm.c). */
#include "base/kernel.h"
#include "base/layout.h"
#include "freestanding/string.h"
#include "mm/pmm.h"
#include "test/ktest.h"

KTEST(pmm, alloc_gives_aligned_ram_and_counts)
{
	size_t before = pmm_free_pages();
	uint64_t page = pmm_alloc();
	KASSERT_NE(page, 0);
	KEXPECT_EQ(page % PAGE_SIZE, 0);
	KEXPECT_LT(page, pmm_phys_end());
	KEXPECT_EQ(pmm_free_pages(), before - 1);
	/* The page is usable memory: write it all through the direct map. */
	memset(phys_to_virt(page), 0xa5, PAGE_SIZE);
	KEXPECT_EQ(((uint8_t *)phys_to_virt(page))[PAGE_SIZE - 1], 0xa5);
	pmm_free(page);
	KEXPECT_EQ(pmm_free_pages(), before);
}

KTEST(pmm, never_hands_out_kernel_or_low_memory)
{
	uint64_t pages[64];
	for (int i = 0; i < 64; i++) {
		pages[i] = pmm_alloc();
		KEXPECT_GE(pages[i], MiB(1));
		KEXPECT_TRUE(pages[i] >= (uint64_t)__kernel_phys_end ||
			     pages[i] + PAGE_SIZE <=
				     (uint64_t)__kernel_phys_start);
	}
	for (int i = 0; i < 64; i++)
		pmm_free(pages[i]);
}

/*
 * Allocates every free page, marking each in a bitmap of its own: a page
 * handed out twice would find its bit already set. Then frees them all and
 * checks the counter is back where it started.
 */
KTEST(pmm, alloc_all_memory_no_page_twice_then_free_all)
{
	size_t start = pmm_free_pages();
	size_t frames = pmm_phys_end() / PAGE_SIZE;
	size_t map_pages = ALIGN_UP(frames / 8 + 1, PAGE_SIZE) / PAGE_SIZE;
	uint64_t map_phys = pmm_alloc_contig(map_pages);
	KASSERT_NE(map_phys, 0);
	uint8_t *seen = phys_to_virt(map_phys);
	memset(seen, 0, map_pages * PAGE_SIZE);

	size_t got = 0, twice = 0;
	for (uint64_t pa; (pa = pmm_alloc()) != 0; got++) {
		size_t f = pa / PAGE_SIZE;
		if (seen[f / 8] & (1 << (f % 8)))
			twice++;
		seen[f / 8] |= 1 << (f % 8);
	}
	KEXPECT_EQ(twice, 0);
	KEXPECT_EQ(got, start - map_pages);
	KEXPECT_EQ(pmm_free_pages(), 0);
	KEXPECT_EQ(pmm_alloc_contig(1), 0);
	/* One frame free, the lowest: the next-fit search must wrap round
	 * to it from wherever it starts. */
	size_t low = 0;
	while (low < frames && !(seen[low / 8] & (1 << (low % 8))))
		low++;
	KASSERT_TRUE(low < frames);
	pmm_free(low * PAGE_SIZE);
	KEXPECT_EQ(pmm_alloc_contig(1), low * PAGE_SIZE);

	for (size_t f = 0; f < frames; f++)
		if (seen[f / 8] & (1 << (f % 8)))
			pmm_free(f * PAGE_SIZE);
	pmm_free_contig(map_phys, map_pages);
	KEXPECT_EQ(pmm_free_pages(), start);
	kprintf("    # alloc_all: %zu pages (%zu MiB) allocated and freed\n",
		got, got * PAGE_SIZE >> 20);
}

KTEST(pmm, contiguous_run_is_contiguous)
{
	size_t before = pmm_free_pages();
	uint64_t run = pmm_alloc_contig(16);
	KASSERT_NE(run, 0);
	KEXPECT_EQ(pmm_free_pages(), before - 16);
	/* None of the 16 can be handed out again while the run is held. */
	for (int i = 0; i < 32; i++) {
		uint64_t p = pmm_alloc();
		KEXPECT_TRUE(p < run || p >= run + 16 * PAGE_SIZE);
		pmm_free(p);
	}
	pmm_free_contig(run, 16);
	KEXPECT_EQ(pmm_free_pages(), before);
}

KTEST(pmm, impossible_request_fails_cleanly)
{
	KEXPECT_EQ(pmm_alloc_contig(pmm_total_pages() + 1), 0);
	KEXPECT_EQ(pmm_alloc_contig(0), 0);
}

KTEST_DEATH(pmm, double_free_panics, "pmm_free: double free of page")
{
	uint64_t page = pmm_alloc();
	pmm_free(page);
	pmm_free(page);
}

KTEST_DEATH(pmm, freeing_kernel_image_panics,
	    "is not a page this allocator handed out")
{
	pmm_free(virt_to_phys(__text_start));
}
