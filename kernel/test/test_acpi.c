/* The ACPI tables and the MADT (kernel/arch/acpi.c). */
#include "arch/acpi.h"
#include "arch/cpu.h"
#include "base/kernel.h"
#include "boot/cmdline.h"
#include "freestanding/string.h"
#include "mm/kmalloc.h"
#include "test/ktest.h"

KTEST(acpi, checksum_catches_a_flipped_byte)
{
	const struct acpi_header *h = acpi_find_table("APIC");
	KASSERT_TRUE(h != NULL);
	KEXPECT_TRUE(acpi_checksum_ok(h, h->length));
	uint8_t *copy = kmalloc(h->length);
	memcpy(copy, h, h->length);
	copy[h->length / 2] ^= 0x10;
	KEXPECT_TRUE(!acpi_checksum_ok(copy, h->length));
	kfree(copy);
}

KTEST(acpi, unknown_table_is_absent)
{
	KEXPECT_TRUE(acpi_find_table("NOPE") == NULL);
}

KTEST(acpi, madt_lists_the_boot_cpu)
{
	uint32_t bsp_apic_id = cpuid(1, 0).ebx >> 24;
	bool found = false;
	for (size_t i = 0; i < madt.nr_cpus; i++)
		found |= madt.cpus[i].apic_id == bsp_apic_id;
	KEXPECT_TRUE(found);
	KEXPECT_EQ(madt.lapic_phys, 0xfee00000);
}

/* tools/test.py passes test_cpus=N, the -smp it gave QEMU. */
KTEST(acpi, madt_has_one_entry_per_cpu)
{
	long expected = cmdline_get_int("test_cpus", 0);
	KEXPECT_GE(madt.nr_cpus, 1);
	if (expected)
		KEXPECT_EQ(madt.nr_cpus, expected);
}

KTEST(acpi, madt_has_an_ioapic_and_the_timer_override)
{
	KASSERT_TRUE(madt.nr_ioapics >= 1);
	KEXPECT_EQ(madt.ioapics[0].gsi_base, 0);
	/* Every PC-compatible firmware routes the PIT (ISA IRQ 0) to
	 * IOAPIC input 2. */
	bool irq0_to_gsi2 = false;
	for (size_t i = 0; i < madt.nr_overrides; i++)
		irq0_to_gsi2 |= madt.overrides[i].irq == 0 &&
				madt.overrides[i].gsi == 2;
	KEXPECT_TRUE(irq0_to_gsi2);
}
