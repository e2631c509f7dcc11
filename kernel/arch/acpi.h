/*
 * ACPI: the firmware's tables describing the machine. Spindle reads the
 * MADT ("APIC" table) to learn the CPUs (their local APIC ids), the
 * IOAPICs, and how legacy IRQs map onto IOAPIC inputs (overrides). It never
 * uses the older MP tables: QEMU and SeaBIOS list one CPU per socket there.
 *
 *   RSDP --> RSDT (32-bit pointers) or XSDT (64-bit) --> "APIC", "HPET", ...
 */
#ifndef ARCH_ACPI_H
#define ARCH_ACPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MAX_CPUS 64
#define MAX_IOAPICS 8
#define MAX_IRQ_OVERRIDES 24

struct acpi_header {
	char signature[4];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	uint32_t creator_id;
	uint32_t creator_revision;
} __attribute__((packed));

struct madt_cpu {
	uint32_t apic_id;
	uint32_t acpi_uid;
};

struct madt_ioapic {
	uint32_t id;
	uint64_t phys;	   /* MMIO base */
	uint32_t gsi_base; /* first global system interrupt it serves */
};

struct madt_override {
	uint8_t irq;	/* ISA IRQ (bus-relative) */
	uint32_t gsi;	/* where it really arrives */
	uint16_t flags; /* polarity (bits 0-1), trigger mode (bits 2-3) */
};

struct madt_info {
	uint64_t lapic_phys;
	size_t nr_cpus; /* enabled (or online-capable) CPUs only */
	struct madt_cpu cpus[MAX_CPUS];
	size_t nr_ioapics;
	struct madt_ioapic ioapics[MAX_IOAPICS];
	size_t nr_overrides;
	struct madt_override overrides[MAX_IRQ_OVERRIDES];
	bool has_8259; /* PCAT_COMPAT: legacy PICs present (to be masked) */
};

extern struct madt_info madt;

/* Finds the tables and parses the MADT; panics if there is no MADT. */
void acpi_init(void);
/* The table with this signature (e.g. "HPET"), or NULL. */
const struct acpi_header *acpi_find_table(const char *signature);
/* Do len bytes at p sum to 0 (mod 256), as every ACPI table must? */
bool acpi_checksum_ok(const void *p, size_t len);

#endif
