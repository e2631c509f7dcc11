/*
 * The PVH boot ABI (Xen's public arch-x86/hvm/start_info.h), which QEMU
 * uses to enter an ELF kernel given with -kernel: EBX points at an
 * hvm_start_info. Version 1 adds the memory map.
 */
#include "base/kernel.h"
#include "base/layout.h"
#include "boot/bootinfo.h"
#include "freestanding/string.h"

#define PVH_START_MAGIC 0x336ec578

struct hvm_start_info {
	uint32_t magic;
	uint32_t version;
	uint32_t flags;
	uint32_t nr_modules;
	uint64_t modlist_paddr;
	uint64_t cmdline_paddr;
	uint64_t rsdp_paddr;
	uint64_t memmap_paddr; /* version >= 1 */
	uint32_t memmap_entries;
	uint32_t reserved;
};

struct hvm_modlist_entry {
	uint64_t paddr, size, cmdline_paddr, reserved;
};

struct hvm_memmap_entry {
	uint64_t addr, size;
	uint32_t type, reserved;
};

void pvh_parse(uint64_t info_phys)
{
	const struct hvm_start_info *si = phys_to_virt(info_phys);
	if (si->magic != PVH_START_MAGIC)
		panic("boot: bad hvm_start_info magic 0x%x", si->magic);
	if (si->version < 1)
		panic("boot: hvm_start_info version %u has no memory map",
		      si->version);
	strlcpy(boot_info.loader, "QEMU -kernel (PVH)",
		sizeof(boot_info.loader));
	if (si->cmdline_paddr)
		strlcpy(boot_info.cmdline, phys_to_virt(si->cmdline_paddr),
			sizeof(boot_info.cmdline));

	const struct hvm_memmap_entry *map = phys_to_virt(si->memmap_paddr);
	for (uint32_t i = 0; i < si->memmap_entries; i++)
		bootinfo_add_region(map[i].addr, map[i].size, map[i].type);

	const struct hvm_modlist_entry *mods = phys_to_virt(si->modlist_paddr);
	for (uint32_t i = 0; i < si->nr_modules && i < BOOT_MODULES_MAX; i++) {
		struct boot_module *m = &boot_info.modules[i];
		m->start = mods[i].paddr;
		m->end = mods[i].paddr + mods[i].size;
		if (mods[i].cmdline_paddr)
			strlcpy(m->cmdline, phys_to_virt(mods[i].cmdline_paddr),
				sizeof(m->cmdline));
		boot_info.nr_modules++;
	}

	if (si->rsdp_paddr) {
		boot_info.rsdp_length = BOOT_RSDP_MAX;
		memcpy(boot_info.rsdp, phys_to_virt(si->rsdp_paddr),
		       BOOT_RSDP_MAX);
	}
}
