#include "boot/bootinfo.h"

#include "base/kernel.h"
#include "boot/boot.h"

struct boot_info boot_info;

void bootinfo_add_region(uint64_t base, uint64_t length, uint32_t type)
{
	if (boot_info.nr_mem == BOOT_MEM_REGIONS_MAX) {
		pr_warn("boot: more than %d memory regions; ignoring the "
			"rest\n",
			BOOT_MEM_REGIONS_MAX);
		return;
	}
	boot_info.mem[boot_info.nr_mem++] =
		(struct mem_region){base, length, type};
}

void bootinfo_init(uint32_t loader_magic, uint64_t info_phys)
{
	switch (loader_magic) {
	case MB2_BOOT_MAGIC:
		multiboot2_parse(info_phys);
		break;
	case BOOT_MAGIC_PVH:
		pvh_parse(info_phys);
		break;
	default:
		panic("boot: unknown loader (magic 0x%x); Spindle boots with "
		      "GRUB (multiboot2) or QEMU -kernel (PVH)",
		      loader_magic);
	}
}
