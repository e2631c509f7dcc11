/*
 * What the boot loader told us, in one format whichever loader ran.
 *
 * GRUB passes a multiboot2 information structure; QEMU's -kernel passes a
 * PVH hvm_start_info. bootinfo_init() copies what the kernel needs out of
 * either one into struct boot_info, first thing in kmain, so that nothing
 * later depends on which loader it was (or on the loader's memory, which
 * the page allocator is free to reuse).
 */
#ifndef BOOT_BOOTINFO_H
#define BOOT_BOOTINFO_H

#include <stddef.h>
#include <stdint.h>

#define BOOT_CMDLINE_MAX 512
#define BOOT_MEM_REGIONS_MAX 64
#define BOOT_MODULES_MAX 8
#define BOOT_RSDP_MAX 36 /* ACPI 2.0+ RSDP; 1.0 uses the first 20 bytes */

/* Memory types, as in the BIOS E820 map (and multiboot2, and PVH). */
enum mem_type {
	MEM_USABLE = 1,
	MEM_RESERVED = 2,
	MEM_ACPI_RECLAIMABLE = 3,
	MEM_ACPI_NVS = 4,
	MEM_BAD = 5,
};

struct mem_region {
	uint64_t base, length;
	uint32_t type;
};

struct boot_module {
	uint64_t start, end; /* physical, end exclusive */
	char cmdline[64];
};

struct boot_info {
	char loader[64]; /* "GRUB 2.06 (multiboot2)", "QEMU -kernel (PVH)" */
	char cmdline[BOOT_CMDLINE_MAX];
	struct mem_region mem[BOOT_MEM_REGIONS_MAX];
	size_t nr_mem;
	struct boot_module modules[BOOT_MODULES_MAX];
	size_t nr_modules;
	uint8_t rsdp[BOOT_RSDP_MAX]; /* a copy of the ACPI RSDP, if given */
	size_t rsdp_length;	     /* 0 if the loader gave none */
};

extern struct boot_info boot_info;

/* Fills boot_info from the loader's structure at physical info_phys. */
void bootinfo_init(uint32_t loader_magic, uint64_t info_phys);

/* Helpers for the two parsers. */
void bootinfo_add_region(uint64_t base, uint64_t length, uint32_t type);
void multiboot2_parse(uint64_t info_phys);
void pvh_parse(uint64_t info_phys);

#endif
