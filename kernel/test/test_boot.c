/* What the loader told us (kernel/boot/), whichever loader it was. */
#include "base/kernel.h"
#include "base/layout.h"
#include "boot/bootinfo.h"
#include "freestanding/string.h"
#include "mm/pmm.h"
#include "test/ktest.h"

KTEST(boot, loader_is_named)
{
	KEXPECT_TRUE(strstr(boot_info.loader, "multiboot2") ||
		     strstr(boot_info.loader, "PVH"));
}

KTEST(boot, memory_map_has_ram_above_1mib)
{
	uint64_t usable = 0;
	for (size_t i = 0; i < boot_info.nr_mem; i++)
		if (boot_info.mem[i].type == MEM_USABLE &&
		    boot_info.mem[i].base >= MiB(1))
			usable += boot_info.mem[i].length;
	KEXPECT_GE(usable, MiB(64));
	/* Nearly all of it is the allocator's: only the kernel image, the
	 * bitmaps and the boot modules (the initrd, read in place) are
	 * missing. */
	uint64_t modules = 0;
	for (size_t i = 0; i < boot_info.nr_modules; i++)
		modules +=
			boot_info.modules[i].end - boot_info.modules[i].start;
	KEXPECT_GE(pmm_total_pages() * PAGE_SIZE, usable - modules - MiB(8));
}

KTEST(boot, acpi_rsdp_was_found)
{
	KASSERT_TRUE(boot_info.rsdp_length >= 20);
	KEXPECT_EQ(memcmp(boot_info.rsdp, "RSD PTR ", 8), 0);
}
