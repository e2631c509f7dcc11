/*
 * Bringing up the other CPUs ("application processors", APs).
 *
 * At power-on every CPU but the boot CPU waits for a STARTUP IPI. For each
 * CPU in the MADT, the boot CPU:
 *
 *   1. copies the trampoline (boot/trampoline.S) to TRAMPOLINE_PHYS and
 *      fills in its parameters: page tables, a fresh kernel stack, and the
 *      CPU's struct cpu;
 *   2. sends INIT, waits 10 ms, then STARTUP twice with 200 us between
 *      (the sequence of Intel's manual, vol. 3, 8.4.4.1; a second STARTUP is
 *      ignored by a CPU the first one already started);
 *   3. waits, with a timeout, for the AP to set its `online` flag.
 *
 * One AP at a time, because they share the one trampoline page and its
 * parameters. The AP runs ap_main: the kernel's page tables, its per-CPU
 * area, its own GDT/TSS, the IDT, its local APIC and tick; then it idles.
 */
#include "arch/smp.h"
#include "entry/user_entry.h"

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
#include "mm/kstack.h"
#include "mm/pmm.h"
#include "mm/vmm.h"

#define EFER_LME (1u << 8)
#define AP_TIMEOUT_MS 2000 /* generous: emulated CPUs start slowly */

static void (*ap_init)(void *stack_top);
static void (*ap_idle)(void);

static noreturn void ap_main(struct cpu *c)
{
	write_cr3(kernel_pml4);
	percpu_install(c);
	gdt_init_cpu(&c->tables);
	idt_load();
	syscall_init_cpu();
	lapic_init_cpu();
	topology_detect(c);
	ap_init(c->boot_stack_top);
	atomic_store(&c->online, true);
	irq_enable();
	ap_idle();
	panic("smp: cpu %u's idle loop returned", c->id);
}

/* Page tables for the trampoline: the kernel half, and the trampoline's
 * page mapped 1:1 so it survives turning paging on. */
static uint64_t trampoline_page_tables(void)
{
	uint64_t pml4 = vmm_create_address_space();
	if (!pml4 || vmm_map(pml4, TRAMPOLINE_PHYS, TRAMPOLINE_PHYS, PTE_WRITE))
		panic("smp: no memory for the trampoline's page tables");
	kassert(pml4 < GiB(4)); /* CR3 is loaded in 32-bit mode */
	return pml4;
}

static void print_cpu(const struct cpu *c)
{
	pr_info("cpu %u online: apic id %u, package %u core %u thread %u\n",
		c->id, c->apic_id, c->package, c->core, c->thread);
}

static bool start_ap(struct cpu *c, uint64_t cr3)
{
	void *stack = kstack_alloc();
	if (!stack) {
		pr_err("smp: no memory for cpu %u's stack\n", c->id);
		return false;
	}
	c->boot_stack_top = stack;
	size_t size = trampoline_end - trampoline_start;
	memcpy(phys_to_virt(TRAMPOLINE_PHYS), trampoline_start, size);
	struct trampoline_params *p = phys_to_virt(
		TRAMPOLINE_PHYS + (trampoline_params - trampoline_start));
	*p = (struct trampoline_params){
		.cr3 = (uint32_t)cr3,
		.efer = EFER_LME | (pte_nx() ? EFER_NXE : 0),
		.stack = (uint64_t)stack,
		.entry = (uint64_t)ap_main,
		.cpu = (uint64_t)c,
	};

	lapic_send(c->apic_id,
		   LAPIC_ICR_INIT | LAPIC_ICR_ASSERT | LAPIC_ICR_LEVEL);
	mdelay(10);
	for (int i = 0; i < 2; i++) {
		lapic_send(c->apic_id,
			   LAPIC_ICR_STARTUP | (TRAMPOLINE_PHYS >> 12));
		udelay(200);
	}
	uint64_t deadline = clock_ns() + AP_TIMEOUT_MS * 1000000ull;
	while (!atomic_load(&c->online) && clock_ns() < deadline)
		cpu_relax();
	if (atomic_load(&c->online))
		return true;
	pr_err("smp: cpu %u (apic id %u) did not answer within %u ms\n", c->id,
	       c->apic_id, AP_TIMEOUT_MS);
	/* Its stack stays allocated: the CPU may yet wake up on it. */
	return false;
}

void smp_boot(void (*init)(void *stack_top), void (*idle)(void))
{
	ap_init = init;
	ap_idle = idle;
	struct cpu *bsp = &cpus[0];
	bsp->apic_id = lapic_id();
	topology_detect(bsp);
	atomic_store(&bsp->online, true);
	print_cpu(bsp);

	uint64_t cr3 = trampoline_page_tables();
	for (size_t i = 0; i < madt.nr_cpus; i++) {
		if (madt.cpus[i].apic_id == bsp->apic_id)
			continue;
		struct cpu *c = &cpus[nr_cpus];
		c->id = nr_cpus;
		c->apic_id = madt.cpus[i].apic_id;
		if (start_ap(c, cr3)) {
			print_cpu(c);
			nr_cpus++;
		}
	}
	vmm_destroy_address_space(cr3);
	pr_info("smp: %u of %zu CPUs online\n", nr_cpus, madt.nr_cpus);
}
