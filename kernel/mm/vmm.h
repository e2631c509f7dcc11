/*
 * Page tables: 4 levels (PML4 -> PDPT -> PD -> PT), 4 KiB pages, and 2 MiB
 * pages for the direct map. Every table is reached through the direct map.
 */
#ifndef MM_VMM_H
#define MM_VMM_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PTE_PRESENT (1ul << 0)
#define PTE_WRITE (1ul << 1)
#define PTE_USER (1ul << 2)
#define PTE_PWT (1ul << 3)
#define PTE_PCD (1ul << 4)
#define PTE_HUGE (1ul << 7) /* in a PD entry: a 2 MiB page */
#define PTE_GLOBAL (1ul << 8)
#define PTE_SOFT_PROTNONE (1ul << 9) /* ignored by the CPU: see mm.c */
#define PTE_SOFT_SHARED (1ul << 10)  /* ignored by the CPU: see mm.c */
#define PTE_NX (1ul << 63)
#define PTE_ADDR_MASK 0x000ffffffffff000ul

/* The kernel's PML4 (physical); its upper half is in every address space. */
extern uint64_t kernel_pml4;

/*
 * What the CPU needs of a user address space: the root of its page tables,
 * and which CPUs have it loaded, so that a TLB shootdown reaches them all.
 * struct mm (aspace/mm.h) begins with one, so the scheduler can switch
 * address spaces knowing nothing else of them.
 */
struct vmm_space {
	uint64_t pml4;	       /* physical address of the top page table */
	_Atomic uint64_t cpus; /* CPUs that have it in CR3 */
};

/*
 * Makes `to` this CPU's address space, as the scheduler switches to a task
 * of it. NULL (a kernel thread) keeps the one that is loaded: a kernel
 * thread uses only the kernel half, which every space shares. So a CPU
 * that idles between two turns of the same process reloads nothing
 * (Linux's "lazy TLB"): loading CR3 empties the TLB, which costs every
 * page touched afterwards a page walk -- under QEMU's emulation, a CPU
 * that had gone idle and back paid about a third of a futex hand-off.
 * The borrowed space stays in CR3 and in its `cpus` set (shootdowns still
 * reach the CPU) until another space is loaded or vmm_release.
 */
void vmm_switch(struct vmm_space *to);
/* Loads the kernel's own page tables on this CPU now: the running task
 * gives up its address space (exit). */
void vmm_switch_kernel(void);
/* Before s is freed, when no task uses it any more: every CPU that still
 * has it loaded (a kernel thread borrowing it) loads the kernel's tables
 * instead. Waits for them (IPIs): call with interrupts on. */
void vmm_release(struct vmm_space *s);

/* PTE_NX if the CPU has NX, else 0: use instead of PTE_NX directly. */
uint64_t pte_nx(void);

/* Builds the kernel's page tables (direct map, image with W^X) and loads
 * them; the loader's identity mapping is gone afterwards. */
void vmm_init(void);

/* A new, empty user half sharing the kernel half; 0 if out of memory. */
uint64_t vmm_create_address_space(void);
/* Frees the page tables of pml4's user half and pml4 itself (not the pages
 * they map: their owner frees those). */
void vmm_destroy_address_space(uint64_t pml4);

/* Maps one 4 KiB page. Returns 0, -ENOMEM (no memory for a table), or
 * -EEXIST (va already mapped). */
int vmm_map(uint64_t pml4, uint64_t va, uint64_t pa, uint64_t flags);
/* Unmaps one 4 KiB page and flushes it from this CPU's TLB; returns the
 * physical address it mapped, or 0 if it was not mapped. */
uint64_t vmm_unmap(uint64_t pml4, uint64_t va);
/* The page-table entry for the 4 KiB page at va, creating the tables on the
 * way if create is set; NULL if a table is missing (or out of memory). For
 * code that manages its own leaf entries (user address spaces, mm.c). */
uint64_t *vmm_leaf(uint64_t pml4, uint64_t va, bool create);
/* Calls fn for every non-zero leaf entry in [start, end), skipping absent
 * tables quickly (a sparse 1 GiB range costs a few steps, not 262144). */
void vmm_for_each_leaf(uint64_t pml4, uint64_t start, uint64_t end,
		       void (*fn)(uint64_t va, uint64_t *pte, void *arg),
		       void *arg);
/* Looks va up; on success fills *pa (the byte's physical address) and
 * *flags (the leaf entry's flag bits) if non-NULL. */
bool vmm_translate(uint64_t pml4, uint64_t va, uint64_t *pa, uint64_t *flags);
/* Page-table pages the kernel half has grown (kept forever): leak checks
 * count them as still free. */
size_t vmm_kernel_table_pages(void);
/* Is every byte of [va, va + len) mapped in the current address space? */
bool vmm_kernel_mapped(uint64_t va, size_t len);

#endif
