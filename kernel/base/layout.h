/*
 * The kernel's virtual address space (the upper half, shared by every
 * address space):
 *
 *   0xffff800000000000  direct map: all physical memory, RW, NX
 *   0xffffc00000000000  kernel stacks, each with unmapped guard pages
 *   0xffffd00000000000  device memory (MMIO), uncached
 *   0xffffffff80000000  the kernel image (KERNEL_VMA + physical address)
 *
 * The lower half (0 - 0x00007fffffffffff) belongs to user space; nothing
 * is mapped at 0, so a NULL dereference always faults.
 */
#ifndef BASE_LAYOUT_H
#define BASE_LAYOUT_H

#include <stdint.h>

#define PAGE_SIZE 4096ul
#define PAGE_SHIFT 12
#define HUGE_PAGE_SIZE (2ul << 20)

#define USER_MIN 0x10000ul	      /* Linux's default mmap_min_addr */
#define USER_TOP 0x00007ffffffff000ul /* user space is [0, USER_TOP) */
#define KERNEL_HALF_START 0xffff800000000000ul
#define DIRECT_MAP_BASE 0xffff800000000000ul
#define KSTACK_REGION_BASE 0xffffc00000000000ul
#define MMIO_REGION_BASE 0xffffd00000000000ul
#define KERNEL_VMA 0xffffffff80000000ul

static inline void *phys_to_virt(uint64_t phys)
{
	return (void *)(phys + DIRECT_MAP_BASE);
}

/* For addresses in the direct map or the kernel image only. */
static inline uint64_t virt_to_phys(const void *virt)
{
	uint64_t va = (uint64_t)virt;
	return va >= KERNEL_VMA ? va - KERNEL_VMA : va - DIRECT_MAP_BASE;
}

/* Linker-script symbols: the kernel image's bounds and sections. */
extern const char __kernel_phys_start[], __kernel_phys_end[];
extern const char __text_start[], __text_end[];
extern const char __rodata_start[], __rodata_end[];
extern char __data_start[], __data_end[];

#endif
