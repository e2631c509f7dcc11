/*
 * Walking the ACPI tables (ACPI spec 6.x, chapter 5.2).
 *
 * The RSDP comes from the loader (multiboot2 and PVH both hand it over; see
 * boot_info.rsdp); if it did not, we scan the BIOS areas for "RSD PTR " as
 * the spec describes. Every table is checksummed before it is believed.
 */
#include "arch/acpi.h"

#include "base/kernel.h"
#include "base/layout.h"
#include "boot/bootinfo.h"
#include "freestanding/string.h"

struct rsdp {
	char signature[8]; /* "RSD PTR " */
	uint8_t checksum;  /* of the first 20 bytes */
	char oem_id[6];
	uint8_t revision; /* 0: ACPI 1.0 (RSDT only); 2+: XSDT too */
	uint32_t rsdt_phys;
	uint32_t length; /* revision 2+ from here */
	uint64_t xsdt_phys;
	uint8_t extended_checksum;
	uint8_t reserved[3];
} __attribute__((packed));

/* MADT entry types. */
enum {
	MADT_LAPIC = 0,
	MADT_IOAPIC = 1,
	MADT_OVERRIDE = 2,
	MADT_LAPIC_ADDRESS_OVERRIDE = 5,
	MADT_X2APIC = 9,
};
#define MADT_CPU_ENABLED 1
#define MADT_CPU_ONLINE_CAPABLE 2
#define MADT_FLAG_PCAT_COMPAT 1

#define BIOS_AREA_START 0xe0000
#define BIOS_AREA_END 0x100000
#define EBDA_SEGMENT_PTR 0x40e

struct madt_info madt;
static const struct acpi_header *root; /* RSDT or XSDT */
static bool root_is_xsdt;

bool acpi_checksum_ok(const void *p, size_t len)
{
	uint8_t sum = 0;
	for (size_t i = 0; i < len; i++)
		sum += ((const uint8_t *)p)[i];
	return sum == 0;
}

static const struct rsdp *rsdp_scan(uint64_t start, uint64_t end)
{
	for (uint64_t pa = start; pa + 20 <= end; pa += 16) {
		const struct rsdp *r = phys_to_virt(pa);
		if (memcmp(r->signature, "RSD PTR ", 8) == 0 &&
		    acpi_checksum_ok(r, 20))
			return r;
	}
	return NULL;
}

static const struct rsdp *rsdp_find(void)
{
	if (boot_info.rsdp_length >= 20) {
		const struct rsdp *r = (const void *)boot_info.rsdp;
		if (acpi_checksum_ok(r, 20))
			return r;
		pr_warn("acpi: the loader's RSDP fails its checksum; "
			"scanning\n");
	}
	uint64_t ebda =
		(uint64_t) * (const uint16_t *)phys_to_virt(EBDA_SEGMENT_PTR)
		<< 4;
	const struct rsdp *r = ebda ? rsdp_scan(ebda, ebda + 1024) : NULL;
	return r ? r : rsdp_scan(BIOS_AREA_START, BIOS_AREA_END);
}

static const struct acpi_header *table_at(uint64_t phys)
{
	const struct acpi_header *h = phys_to_virt(phys);
	if (!acpi_checksum_ok(h, h->length)) {
		pr_warn("acpi: table %.4s at 0x%lx fails its checksum; "
			"ignored\n",
			h->signature, phys);
		return NULL;
	}
	return h;
}

const struct acpi_header *acpi_find_table(const char *signature)
{
	if (!root)
		return NULL;
	size_t width = root_is_xsdt ? 8 : 4;
	size_t n = (root->length - sizeof(*root)) / width;
	const uint8_t *entries = (const uint8_t *)(root + 1);
	for (size_t i = 0; i < n; i++) {
		uint64_t phys = 0;
		memcpy(&phys, entries + i * width, width);
		const struct acpi_header *h = phys_to_virt(phys);
		if (memcmp(h->signature, signature, 4) == 0)
			return table_at(phys);
	}
	return NULL;
}

static void madt_add_cpu(uint32_t apic_id, uint32_t uid, uint32_t flags)
{
	if (!(flags & (MADT_CPU_ENABLED | MADT_CPU_ONLINE_CAPABLE)))
		return;
	for (size_t i = 0; i < madt.nr_cpus; i++)
		if (madt.cpus[i].apic_id == apic_id)
			return; /* listed as both LAPIC and x2APIC */
	if (madt.nr_cpus == MAX_CPUS) {
		pr_warn("acpi: more than %d CPUs; using the first %d\n",
			MAX_CPUS, MAX_CPUS);
		return;
	}
	madt.cpus[madt.nr_cpus++] = (struct madt_cpu){apic_id, uid};
}

static void madt_parse(const struct acpi_header *h)
{
	const uint8_t *p = (const uint8_t *)h + sizeof(*h);
	madt.lapic_phys = *(const uint32_t *)p;
	madt.has_8259 = *(const uint32_t *)(p + 4) & MADT_FLAG_PCAT_COMPAT;
	const uint8_t *end = (const uint8_t *)h + h->length;
	for (p += 8; p + 2 <= end && p[1] >= 2; p += p[1]) {
		switch (p[0]) {
		case MADT_LAPIC: /* uid u8, apic id u8, flags u32 */
			madt_add_cpu(p[3], p[2], *(const uint32_t *)(p + 4));
			break;
		case MADT_X2APIC: /* reserved u16, id u32, flags, uid */
			madt_add_cpu(*(const uint32_t *)(p + 4),
				     *(const uint32_t *)(p + 12),
				     *(const uint32_t *)(p + 8));
			break;
		case MADT_IOAPIC: /* id u8, reserved, address u32, gsi u32 */
			if (madt.nr_ioapics < MAX_IOAPICS)
				madt.ioapics[madt.nr_ioapics++] =
					(struct madt_ioapic){
						p[2],
						*(const uint32_t *)(p + 4),
						*(const uint32_t *)(p + 8)};
			break;
		case MADT_OVERRIDE: /* bus, irq u8, gsi u32, flags u16 */
			if (madt.nr_overrides < MAX_IRQ_OVERRIDES)
				madt.overrides[madt.nr_overrides++] =
					(struct madt_override){
						p[3],
						*(const uint32_t *)(p + 4),
						*(const uint16_t *)(p + 8)};
			break;
		case MADT_LAPIC_ADDRESS_OVERRIDE:
			madt.lapic_phys = *(const uint64_t *)(p + 4);
			break;
		}
	}
}

void acpi_init(void)
{
	const struct rsdp *r = rsdp_find();
	if (!r)
		panic("acpi: no RSDP: Spindle needs ACPI to find the CPUs");
	root_is_xsdt = r->revision >= 2 && r->xsdt_phys &&
		       acpi_checksum_ok(r, r->length);
	root = table_at(root_is_xsdt ? r->xsdt_phys : r->rsdt_phys);
	if (!root)
		panic("acpi: the %s is damaged",
		      root_is_xsdt ? "XSDT" : "RSDT");
	const struct acpi_header *h = acpi_find_table("APIC");
	if (!h)
		panic("acpi: no MADT (APIC table): cannot find the CPUs");
	madt_parse(h);
	pr_info("acpi: %.6s %s, %zu CPUs, %zu IOAPICs, %zu IRQ overrides\n",
		r->oem_id, root_is_xsdt ? "XSDT" : "RSDT", madt.nr_cpus,
		madt.nr_ioapics, madt.nr_overrides);
}
