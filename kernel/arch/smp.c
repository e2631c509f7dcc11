/*
 * Bringing up the other CPUs ("application processors", APs).
 *
 * At power-on every CPU but the boot CPU waits for a STARTUP IPI. For each
 * CPU in the MADT, the boot CPU:
 *
 *   1. copies the trampoline (boot/trampoline.S) to TRAMPOLINE_PHYS and
 *      fills in its parameters: page tables, a fresh kernel stack, and the
 *      CPU's struct cpu (the caller, kernel/main.c, allocates them: this
 *      file knows the protocol, not the memory allocators);
 *   2. sends INIT, waits 10 ms, then STARTUP twice with 200 us between
 *      (the sequence of Intel's manual, vol. 3, 8.4.4.1; a second STARTUP is
 *      ignored by a CPU the first one already started). The 10 ms are for
 *      old processors: as Linux does, CPUs of Intel's family 6 and later
 *      and of any vendor's family 0xF and later (every 64-bit CPU but a
 *      few early ones) go on at once, which saves 10 ms a CPU at boot;
 *   3. waits, with a timeout, for the AP to set its `online` flag.
 *
 * One AP at a time, because they share the one trampoline page and its
 * parameters. The AP runs the entry it is given (ap_main in kernel/main.c):
 * the kernel's page tables, its per-CPU area, its own GDT/TSS, the IDT,
 * its local APIC and tick; then it idles.
 */
#include "arch/smp.h"

#include "arch/acpi.h"
#include "arch/cpu.h"
#include "arch/lapic.h"
#include "arch/percpu.h"
#include "arch/time.h"
#include "arch/topology.h"
#include "arch/trap.h"
#include "base/kernel.h"
#include "base/layout.h"
#include "boot/trampoline.h"
#include "freestanding/string.h"

#define EFER_LME (1u << 8)
#define AP_TIMEOUT_MS 2000 /* generous: emulated CPUs start slowly */

/* How long to wait after INIT (see above): 10 ms, or none on a CPU
 * recent enough not to need it. */
static unsigned init_wait_us(void)
{
	struct cpuid_regs vendor = cpuid(0, 0), version = cpuid(1, 0);
	unsigned family = (version.eax >> 8) & 0xf;
	if (family == 0xf)
		family += (version.eax >> 20) & 0xff;
	bool intel = vendor.ebx == 0x756e6547 && vendor.edx == 0x49656e69 &&
		     vendor.ecx == 0x6c65746e; /* "GenuineIntel" */
	return (intel && family >= 6) || family >= 0xf ? 0 : 10000;
}

static void print_cpu(const struct cpu *c)
{
	pr_info("cpu %u online: apic id %u, package %u core %u thread %u\n",
		c->id, c->apic_id, c->package, c->core, c->thread);
}

void smp_boot_cpu_online(void)
{
	struct cpu *bsp = &cpus[0];
	bsp->apic_id = lapic_id();
	topology_detect(bsp);
	atomic_store(&bsp->online, true);
	print_cpu(bsp);
}

bool smp_start_ap(struct cpu *c, uint64_t cr3, void (*entry)(struct cpu *))
{
	kassert(cr3 < GiB(4)); /* CR3 is loaded in 32-bit mode */
	size_t size = trampoline_end - trampoline_start;
	memcpy(phys_to_virt(TRAMPOLINE_PHYS), trampoline_start, size);
	struct trampoline_params *p = phys_to_virt(
		TRAMPOLINE_PHYS + (trampoline_params - trampoline_start));
	*p = (struct trampoline_params){
		.cr3 = (uint32_t)cr3,
		.efer = EFER_LME | (rdmsr(MSR_EFER) & EFER_NXE),
		.stack = (uint64_t)c->boot_stack_top,
		.entry = (uint64_t)entry,
		.cpu = (uint64_t)c,
	};

	lapic_send(c->apic_id,
		   LAPIC_ICR_INIT | LAPIC_ICR_ASSERT | LAPIC_ICR_LEVEL);
	udelay(init_wait_us());
	for (int i = 0; i < 2; i++) {
		lapic_send(c->apic_id,
			   LAPIC_ICR_STARTUP | (TRAMPOLINE_PHYS >> 12));
		udelay(200);
	}
	uint64_t deadline = clock_ns() + AP_TIMEOUT_MS * 1000000ull;
	while (!atomic_load(&c->online) && clock_ns() < deadline)
		cpu_relax();
	if (atomic_load(&c->online)) {
		print_cpu(c);
		return true;
	}
	pr_err("smp: cpu %u (apic id %u) did not answer within %u ms\n", c->id,
	       c->apic_id, AP_TIMEOUT_MS);
	/* Its stack stays allocated: the CPU may yet wake up on it. */
	return false;
}
