/*
 * The multiboot2 information structure: a size, then a list of tags, each
 * {u32 type, u32 size, payload}, each starting on an 8-byte boundary, ended
 * by a tag of type 0. We keep the tags Spindle uses and skip the rest.
 */
#include "base/kernel.h"
#include "base/layout.h"
#include "boot/bootinfo.h"
#include "freestanding/format.h"
#include "freestanding/string.h"

enum {
	MB2_TAG_END = 0,
	MB2_TAG_CMDLINE = 1,
	MB2_TAG_LOADER_NAME = 2,
	MB2_TAG_MODULE = 3,
	MB2_TAG_MMAP = 6,
	MB2_TAG_ACPI_OLD = 14,
	MB2_TAG_ACPI_NEW = 15,
};

struct mb2_tag {
	uint32_t type, size;
};

struct mb2_module {
	struct mb2_tag tag;
	uint32_t start, end;
	char cmdline[];
};

struct mb2_mmap {
	struct mb2_tag tag;
	uint32_t entry_size, entry_version;
	/* entries follow */
};

struct mb2_mmap_entry {
	uint64_t base, length;
	uint32_t type, reserved;
};

static void take_mmap(const struct mb2_mmap *m)
{
	const char *p = (const char *)(m + 1);
	const char *end = (const char *)m + m->tag.size;
	for (; p + sizeof(struct mb2_mmap_entry) <= end; p += m->entry_size) {
		const struct mb2_mmap_entry *e = (const void *)p;
		bootinfo_add_region(e->base, e->length, e->type);
	}
}

static void take_module(const struct mb2_module *mod)
{
	if (boot_info.nr_modules == BOOT_MODULES_MAX) {
		pr_warn("boot: more than %d modules; ignoring '%s'\n",
			BOOT_MODULES_MAX, mod->cmdline);
		return;
	}
	struct boot_module *m = &boot_info.modules[boot_info.nr_modules++];
	m->start = mod->start;
	m->end = mod->end;
	strlcpy(m->cmdline, mod->cmdline, sizeof(m->cmdline));
}

void multiboot2_parse(uint64_t info_phys)
{
	const char *info = phys_to_virt(info_phys);
	uint32_t total = *(const uint32_t *)info;
	const char *loader_name = "unknown loader";
	for (const char *p = info + 8; p < info + total;
	     p += ALIGN_UP(((const struct mb2_tag *)p)->size, 8)) {
		const struct mb2_tag *tag = (const void *)p;
		const char *payload = p + sizeof(*tag);
		size_t payload_size = tag->size - sizeof(*tag);
		if (tag->type == MB2_TAG_END)
			break;
		switch (tag->type) {
		case MB2_TAG_CMDLINE:
			strlcpy(boot_info.cmdline, payload,
				sizeof(boot_info.cmdline));
			break;
		case MB2_TAG_LOADER_NAME:
			loader_name = payload;
			break;
		case MB2_TAG_MODULE:
			take_module((const void *)tag);
			break;
		case MB2_TAG_MMAP:
			take_mmap((const void *)tag);
			break;
		case MB2_TAG_ACPI_OLD:
		case MB2_TAG_ACPI_NEW:
			boot_info.rsdp_length =
				MIN(payload_size, BOOT_RSDP_MAX);
			memcpy(boot_info.rsdp, payload, boot_info.rsdp_length);
			break;
		}
	}
	snprintf(boot_info.loader, sizeof(boot_info.loader), "%s (multiboot2)",
		 loader_name);
}
