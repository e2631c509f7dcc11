/*
 * Building and walking x86-64 page tables.
 *
 *   virtual address:  | 16 sign | 9 PML4 | 9 PDPT | 9 PD | 9 PT | 12 offset |
 *
 * vmm_init() replaces the loader-time tables (boot/entry.S) with:
 *   - the direct map of all memory regions, 2 MiB pages, RW + NX, except the
 *     kernel image's own frames, which are read-only there too;
 *   - the kernel image at KERNEL_VMA in 4 KiB pages with W^X: text RX,
 *     rodata R, data and bss RW + NX, the boot stack's guard page absent;
 *   - a PDPT for every slot of the upper half, allocated now, so the kernel
 *     half of the PML4 never changes and can be copied into every address
 *     space later.
 */
#include "mm/vmm.h"

#include <stdatomic.h>

#include "arch/cpu.h"
#include "arch/ipi.h"
#include "arch/percpu.h"
#include "base/kernel.h"
#include "base/layout.h"
#include "boot/bootinfo.h"
#include "freestanding/errno.h"
#include "freestanding/string.h"
#include "mm/pmm.h"

uint64_t kernel_pml4;
/* Page-table pages grown for the kernel half since boot. They are never
 * freed: the kernel half is shared by every address space. */
static atomic_size_t kernel_table_pages;

size_t vmm_kernel_table_pages(void)
{
	return atomic_load(&kernel_table_pages);
}
static uint64_t nx_bit;

extern const char boot_stack_guard[];

uint64_t pte_nx(void)
{
	return nx_bit;
}

static unsigned pt_index(uint64_t va, int level)
{
	return (va >> (PAGE_SHIFT + 9 * level)) & 511;
}

static uint64_t *table_at(uint64_t phys)
{
	return phys_to_virt(phys);
}

static uint64_t alloc_table(void)
{
	uint64_t pa = pmm_alloc();
	if (pa)
		memset(table_at(pa), 0, PAGE_SIZE);
	return pa;
}

/*
 * Returns the entry for va at level (0 = PT, 1 = PD), creating the tables
 * on the way if create is set; NULL if a table is missing (or could not be
 * allocated), or if a huge page sits above the requested level.
 */
static uint64_t *walk(uint64_t pml4, uint64_t va, int level, bool create)
{
	uint64_t *table = table_at(pml4);
	for (int l = 3; l > level; l--) {
		uint64_t *entry = &table[pt_index(va, l)];
		if (!(*entry & PTE_PRESENT)) {
			if (!create)
				return NULL;
			uint64_t pa = alloc_table();
			if (!pa)
				return NULL;
			if (va >= KERNEL_HALF_START)
				atomic_fetch_add(&kernel_table_pages, 1);
			/* Permissions are decided at the leaf; the upper levels
			 * allow everything (user bit only for user halves). */
			*entry = pa | PTE_PRESENT | PTE_WRITE |
				 (va < KERNEL_HALF_START ? PTE_USER : 0);
		} else if (*entry & PTE_HUGE) {
			return NULL;
		}
		table = table_at(*entry & PTE_ADDR_MASK);
	}
	return &table[pt_index(va, level)];
}

uint64_t *vmm_leaf(uint64_t pml4, uint64_t va, bool create)
{
	return walk(pml4, va, 0, create);
}

/* One table of the given level (3 = PML4) covering [base, ...). */
static void leaves_in(uint64_t table_phys, int level, uint64_t base,
		      uint64_t start, uint64_t end,
		      void (*fn)(uint64_t va, uint64_t *pte, void *arg),
		      void *arg)
{
	uint64_t *table = table_at(table_phys);
	uint64_t span = 1ul << (PAGE_SHIFT + 9 * level);
	for (unsigned i = 0; i < 512; i++) {
		uint64_t lo = base + i * span, hi = lo + span;
		if (hi <= start || lo >= end || !table[i])
			continue;
		if (level == 0)
			fn(lo, &table[i], arg);
		else if ((table[i] & PTE_PRESENT) && !(table[i] & PTE_HUGE))
			leaves_in(table[i] & PTE_ADDR_MASK, level - 1, lo,
				  start, end, fn, arg);
	}
}

void vmm_for_each_leaf(uint64_t pml4, uint64_t start, uint64_t end,
		       void (*fn)(uint64_t va, uint64_t *pte, void *arg),
		       void *arg)
{
	kassert(end <= KERNEL_HALF_START);
	leaves_in(pml4, 3, 0, start, end, fn, arg);
}

int vmm_map(uint64_t pml4, uint64_t va, uint64_t pa, uint64_t flags)
{
	uint64_t *pte = walk(pml4, va, 0, true);
	if (!pte)
		return -ENOMEM;
	if (*pte & PTE_PRESENT)
		return -EEXIST;
	*pte = (pa & PTE_ADDR_MASK) | flags | PTE_PRESENT;
	return 0;
}

static void map_huge(uint64_t pml4, uint64_t va, uint64_t pa, uint64_t flags)
{
	uint64_t *pde = walk(pml4, va, 1, true);
	if (!pde)
		panic("vmm: out of memory building the direct map");
	*pde = pa | flags | PTE_HUGE | PTE_PRESENT;
}

uint64_t vmm_unmap(uint64_t pml4, uint64_t va)
{
	uint64_t *pte = walk(pml4, va, 0, false);
	if (!pte || !(*pte & PTE_PRESENT))
		return 0;
	uint64_t pa = *pte & PTE_ADDR_MASK;
	*pte = 0;
	invlpg(va);
	return pa;
}

bool vmm_translate(uint64_t pml4, uint64_t va, uint64_t *pa, uint64_t *flags)
{
	uint64_t *table = table_at(pml4);
	for (int l = 3; l >= 0; l--) {
		uint64_t entry = table[pt_index(va, l)];
		if (!(entry & PTE_PRESENT))
			return false;
		uint64_t page_mask = (1ul << (PAGE_SHIFT + 9 * l)) - 1;
		if (l == 0 || (l <= 2 && (entry & PTE_HUGE))) {
			if (pa)
				*pa = (entry & PTE_ADDR_MASK & ~page_mask) |
				      (va & page_mask);
			if (flags)
				*flags = entry & ~PTE_ADDR_MASK;
			return true;
		}
		table = table_at(entry & PTE_ADDR_MASK);
	}
	return false;
}

bool vmm_kernel_mapped(uint64_t va, size_t len)
{
	uint64_t pml4 = read_cr3() & PTE_ADDR_MASK;
	for (uint64_t p = ALIGN_DOWN(va, PAGE_SIZE); p < va + len;
	     p += PAGE_SIZE)
		if (!vmm_translate(pml4, p, NULL, NULL))
			return false;
	return true;
}

/* Does [pa, pa + len) overlap the frames of the kernel image? */
uint64_t vmm_create_address_space(void)
{
	uint64_t pml4 = alloc_table();
	if (pml4)
		memcpy(table_at(pml4) + 256, table_at(kernel_pml4) + 256,
		       256 * sizeof(uint64_t));
	return pml4;
}

/* Frees the tables below entry (a table of the given level) recursively. */
static void free_table(uint64_t table_phys, int level)
{
	uint64_t *table = table_at(table_phys);
	for (unsigned i = 0; level > 0 && i < 512; i++)
		if ((table[i] & PTE_PRESENT) && !(table[i] & PTE_HUGE))
			free_table(table[i] & PTE_ADDR_MASK, level - 1);
	pmm_free(table_phys);
}

void vmm_destroy_address_space(uint64_t pml4)
{
	kassert(pml4 != kernel_pml4);
	uint64_t *top = table_at(pml4);
	for (unsigned i = 0; i < 256; i++)
		if (top[i] & PTE_PRESENT)
			free_table(top[i] & PTE_ADDR_MASK, 2);
	pmm_free(pml4);
}

static bool in_image(uint64_t pa, uint64_t len)
{
	return pa < ALIGN_UP((uint64_t)__kernel_phys_end, PAGE_SIZE) &&
	       (uint64_t)__kernel_phys_start < pa + len;
}

static bool chunk_has_memory(uint64_t pa)
{
	for (size_t i = 0; i < boot_info.nr_mem; i++) {
		const struct mem_region *r = &boot_info.mem[i];
		if (r->base < pa + HUGE_PAGE_SIZE && pa < r->base + r->length)
			return true;
	}
	return false;
}

static void map_direct(void)
{
	uint64_t rw = PTE_WRITE | PTE_GLOBAL | nx_bit;
	for (uint64_t pa = 0; pa < pmm_phys_end(); pa += HUGE_PAGE_SIZE) {
		if (!chunk_has_memory(pa))
			continue;
		uint64_t va = DIRECT_MAP_BASE + pa;
		if (!in_image(pa, HUGE_PAGE_SIZE)) {
			map_huge(kernel_pml4, va, pa, rw);
			continue;
		}
		/* The chunk holding the kernel: 4 KiB pages, image read-only.
		 */
		for (uint64_t p = pa; p < pa + HUGE_PAGE_SIZE; p += PAGE_SIZE)
			if (vmm_map(kernel_pml4, DIRECT_MAP_BASE + p, p,
				    in_image(p, PAGE_SIZE) ? PTE_GLOBAL | nx_bit
							   : rw))
				panic("vmm: cannot map the direct map");
	}
}

static void map_image_range(const char *start, const char *end, uint64_t flags)
{
	for (uint64_t va = (uint64_t)start; va < (uint64_t)end;
	     va += PAGE_SIZE) {
		if (va == (uint64_t)boot_stack_guard)
			continue;
		if (vmm_map(kernel_pml4, va, va - KERNEL_VMA,
			    flags | PTE_GLOBAL))
			panic("vmm: cannot map the kernel image");
	}
}

void vmm_init(void)
{
	if (rdmsr(MSR_EFER) & EFER_NXE)
		nx_bit = PTE_NX;
	kernel_pml4 = alloc_table();
	if (!kernel_pml4)
		panic("vmm: no memory for the kernel page tables");
	uint64_t *pml4 = table_at(kernel_pml4);
	for (unsigned i = 256; i < 512; i++) {
		uint64_t pdpt = alloc_table();
		if (!pdpt)
			panic("vmm: no memory for the kernel page tables");
		pml4[i] = pdpt | PTE_PRESENT | PTE_WRITE;
	}

	map_direct();
	map_image_range(__text_start, __text_end, 0);
	map_image_range(__rodata_start, __rodata_end, nx_bit);
	map_image_range(__data_start, __data_end, PTE_WRITE | nx_bit);

	write_cr4(read_cr4() | CR4_PGE);
	write_cr3(kernel_pml4);
}

/* Loads `to` (NULL: the kernel's tables) on this CPU; interrupts are off,
 * so that an IPI (vmm_release) sees c->space and the sets agree. */
static void load(struct cpu *c, struct vmm_space *to)
{
	struct vmm_space *from = c->space;
	uint64_t bit = 1ul << c->id;
	/* Join `to`'s CPU set before loading it, so a shootdown that
	 * changes it from now on includes this CPU. */
	if (to)
		atomic_fetch_or(&to->cpus, bit);
	write_cr3(to ? to->pml4 : kernel_pml4);
	c->space = to;
	if (from)
		atomic_fetch_and(&from->cpus, ~bit);
}

void vmm_switch(struct vmm_space *to)
{
	if (!to || to == this_cpu()->space)
		return;
	bool irq_was_on = irq_save();
	load(this_cpu(), to);
	irq_restore(irq_was_on);
}

void vmm_switch_kernel(void)
{
	bool irq_was_on = irq_save();
	if (this_cpu()->space)
		load(this_cpu(), NULL);
	irq_restore(irq_was_on);
}

static long drop_space(void *space)
{
	if (this_cpu()->space == space)
		load(this_cpu(), NULL);
	return 0;
}

void vmm_release(struct vmm_space *s)
{
	/* Nobody can load s any more (no task uses it), so the set only
	 * shrinks: the CPUs in it now are all there is to ask. */
	uint64_t cpus = atomic_load(&s->cpus);
	if (cpus)
		smp_call_mask(cpus, drop_space, s, NULL);
	kassert(atomic_load(&s->cpus) == 0);
}
