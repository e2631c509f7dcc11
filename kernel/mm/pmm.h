/*
 * The physical page allocator: hands out 4 KiB pages of RAM by physical
 * address. Built from the boot memory map; every usable page not holding the
 * kernel, a boot module or the allocator's own bitmap starts free.
 * Page 0 is never usable, so 0 means "no memory".
 */
#ifndef MM_PMM_H
#define MM_PMM_H

#include <stddef.h>
#include <stdint.h>

void pmm_init(void);

/* One page / n contiguous pages; 0 when memory is exhausted. */
uint64_t pmm_alloc(void);
uint64_t pmm_alloc_contig(size_t n);
/* Panics on a page that is free already or was never RAM. */
void pmm_free(uint64_t phys);
void pmm_free_contig(uint64_t phys, size_t n);

size_t pmm_free_pages(void);  /* the counter that leak tests compare */
size_t pmm_total_pages(void); /* usable pages the allocator manages */
uint64_t pmm_phys_end(void);  /* end of the highest usable RAM region */

#endif
