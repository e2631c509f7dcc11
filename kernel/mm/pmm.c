/*
 * A bitmap allocator: one bit per physical page frame up to the end of RAM,
 * set when the page is free. Allocation is next-fit: scan 64 pages at a time
 * from where the last allocation left off, so runs of allocations are O(1)
 * amortized. A second bitmap says which frames are RAM the allocator manages,
 * so freeing a frame that never came from here is caught, like a double free.
 *
 * Memory cost: 2 bits per 4 KiB page, 64 KiB per GiB of address space.
 */
#include "mm/pmm.h"

#include "base/kernel.h"
#include "base/layout.h"
#include "boot/bootinfo.h"
#include "freestanding/string.h"
#include "sync/spinlock.h"

#define LOW_MEMORY_RESERVED MiB(1) /* BIOS data, AP trampoline */

static struct spinlock pmm_lock = SPINLOCK_INIT("pmm");
static uint64_t *free_map;    /* bit set: frame is free (pmm_lock) */
static uint64_t *managed_map; /* bit set: frame is RAM we manage */
static size_t nr_frames;      /* frames covered by the bitmaps */
static size_t nr_free;	      /* pmm_lock */
static size_t nr_managed;
static size_t next_word;   /* next-fit hint (pmm_lock) */
static size_t next_contig; /* where pmm_alloc_contig looks first (pmm_lock) */
static uint64_t phys_end;

static bool bit_test(const uint64_t *map, size_t i)
{
	return map[i / 64] >> (i % 64) & 1;
}
static void bit_set(uint64_t *map, size_t i)
{
	map[i / 64] |= 1ul << (i % 64);
}
static void bit_clear(uint64_t *map, size_t i)
{
	map[i / 64] &= ~(1ul << (i % 64));
}

static bool overlaps(uint64_t a, uint64_t a_end, uint64_t b, uint64_t b_end)
{
	return a < b_end && b < a_end;
}

/* Is [start, end) free of the kernel image and every boot module? */
static bool range_unclaimed(uint64_t start, uint64_t end)
{
	if (overlaps(start, end, (uint64_t)__kernel_phys_start,
		     (uint64_t)__kernel_phys_end))
		return false;
	for (size_t i = 0; i < boot_info.nr_modules; i++)
		if (overlaps(start, end, boot_info.modules[i].start,
			     boot_info.modules[i].end))
			return false;
	return true;
}

/* The bitmaps go in the first usable, unclaimed stretch below 4 GiB (the
 * early page tables map only that much). */
static uint64_t place_bitmaps(size_t bytes)
{
	for (size_t i = 0; i < boot_info.nr_mem; i++) {
		const struct mem_region *r = &boot_info.mem[i];
		if (r->type != MEM_USABLE)
			continue;
		uint64_t start =
			ALIGN_UP(MAX(r->base, LOW_MEMORY_RESERVED), PAGE_SIZE);
		uint64_t end = MIN(r->base + r->length, GiB(4));
		for (; start + bytes <= end; start += PAGE_SIZE)
			if (range_unclaimed(start, start + bytes))
				return start;
	}
	panic("pmm: no room below 4 GiB for %zu bytes of page bitmaps", bytes);
}

void pmm_init(void)
{
	/* Only RAM counts: reserved ranges can sit far above it (QEMU's q35
	 * reserves 1012-1024 GiB), and would size the bitmaps for nothing. */
	for (size_t i = 0; i < boot_info.nr_mem; i++)
		if (boot_info.mem[i].type == MEM_USABLE)
			phys_end =
				MAX(phys_end, boot_info.mem[i].base +
						      boot_info.mem[i].length);
	nr_frames = ALIGN_UP(phys_end, PAGE_SIZE) / PAGE_SIZE;
	size_t map_bytes = ALIGN_UP(nr_frames, 64) / 8;
	uint64_t maps_phys = place_bitmaps(2 * map_bytes);
	uint64_t maps_end = ALIGN_UP(maps_phys + 2 * map_bytes, PAGE_SIZE);
	free_map = phys_to_virt(maps_phys);
	managed_map = phys_to_virt(maps_phys + map_bytes);
	memset(free_map, 0, 2 * map_bytes);

	for (size_t i = 0; i < boot_info.nr_mem; i++) {
		const struct mem_region *r = &boot_info.mem[i];
		if (r->type != MEM_USABLE)
			continue;
		uint64_t start = ALIGN_UP(r->base, PAGE_SIZE);
		uint64_t end = ALIGN_DOWN(r->base + r->length, PAGE_SIZE);
		for (uint64_t pa = start; pa < end; pa += PAGE_SIZE) {
			size_t frame = pa / PAGE_SIZE;
			if (pa < LOW_MEMORY_RESERVED ||
			    overlaps(pa, pa + PAGE_SIZE, maps_phys, maps_end) ||
			    !range_unclaimed(pa, pa + PAGE_SIZE) ||
			    bit_test(managed_map, frame))
				continue;
			bit_set(managed_map, frame);
			bit_set(free_map, frame);
			nr_managed++;
			nr_free++;
		}
	}
}

uint64_t pmm_alloc(void)
{
	spin_lock(&pmm_lock);
	size_t words = nr_frames / 64 + 1;
	for (size_t n = 0; n < words; n++) {
		size_t w = (next_word + n) % words;
		if (!free_map[w])
			continue;
		size_t frame = w * 64 + __builtin_ctzl(free_map[w]);
		bit_clear(free_map, frame);
		nr_free--;
		next_word = w;
		spin_unlock(&pmm_lock);
		return frame * PAGE_SIZE;
	}
	spin_unlock(&pmm_lock);
	return 0;
}

/* The first run of n free frames in [from, to), taken; SIZE_MAX if none.
 * pmm_lock held. */
static size_t take_run(size_t from, size_t to, size_t n)
{
	size_t run = 0;
	for (size_t frame = from; frame < to; frame++) {
		run = bit_test(free_map, frame) ? run + 1 : 0;
		if (run < n)
			continue;
		size_t first = frame + 1 - n;
		for (size_t f = first; f <= frame; f++)
			bit_clear(free_map, f);
		nr_free -= n;
		return first;
	}
	return SIZE_MAX;
}

/* Next fit: the search starts after the last run handed out and wraps
 * around. First fit rescanned the used part of memory every time, and a
 * run is what every task struct is (a large kmalloc): with 10,000 threads
 * alive each new one scanned past all of theirs. */
uint64_t pmm_alloc_contig(size_t n)
{
	if (n == 0)
		return 0;
	spin_lock(&pmm_lock);
	size_t start = MIN(next_contig, nr_frames);
	size_t first = take_run(start, nr_frames, n);
	if (first == SIZE_MAX)
		first = take_run(0, MIN(start + n, nr_frames), n);
	if (first != SIZE_MAX)
		next_contig = first + n;
	spin_unlock(&pmm_lock);
	return first == SIZE_MAX ? 0 : first * PAGE_SIZE;
}

void pmm_free_contig(uint64_t phys, size_t n)
{
	spin_lock(&pmm_lock);
	for (size_t i = 0; i < n; i++) {
		uint64_t pa = phys + i * PAGE_SIZE;
		size_t frame = pa / PAGE_SIZE;
		if (pa % PAGE_SIZE || frame >= nr_frames ||
		    !bit_test(managed_map, frame))
			panic("pmm_free: 0x%lx is not a page this allocator "
			      "handed out",
			      pa);
		if (bit_test(free_map, frame))
			panic("pmm_free: double free of page 0x%lx", pa);
		bit_set(free_map, frame);
	}
	nr_free += n;
	spin_unlock(&pmm_lock);
}

void pmm_free(uint64_t phys)
{
	pmm_free_contig(phys, 1);
}

size_t pmm_free_pages(void)
{
	return nr_free;
}
size_t pmm_total_pages(void)
{
	return nr_managed;
}
uint64_t pmm_phys_end(void)
{
	return phys_end;
}
