/* Mapping device registers (MMIO) into the kernel's address space. */
#ifndef MM_IOREMAP_H
#define MM_IOREMAP_H

#include <stddef.h>
#include <stdint.h>

/*
 * Maps [phys, phys + size) uncached (PCD|PWT) at a fresh address in the
 * MMIO region and returns the address of phys there. Device mappings are
 * made at boot and last forever; there is no iounmap.
 */
volatile void *ioremap(uint64_t phys, size_t size);

#endif
