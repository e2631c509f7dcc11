/*
 * kmain: the C entry point, and the kernel's initialisation order.
 *
 * boot/entry.S arrives here on the boot CPU, in 64-bit mode, on the boot
 * stack, with the loader's early page tables (identity + direct map of the
 * first 4 GiB). Each step below may use only the steps above it. The other
 * CPUs start in ap_main. This file sits above every layer (see
 * docs/layers.md): it hands the lower ones what they need from higher ones,
 * such as memory for the other CPUs' stacks and mappings for the APICs.
 */
#include "arch/acpi.h"
#include "arch/cpu.h"
#include "arch/cpu_features.h"
#include "arch/gdt.h"
#include "arch/ioapic.h"
#include "arch/ipi.h"
#include "arch/lapic.h"
#include "arch/percpu.h"
#include "arch/pic.h"
#include "arch/smp.h"
#include "arch/time.h"
#include "arch/topology.h"
#include "arch/trap.h"
#include "base/kernel.h"
#include "base/layout.h"
#include "base/serial.h"
#include "boot/bootinfo.h"
#include "boot/cmdline.h"
#include "boot/trampoline.h"
#include "dev/console_input.h"
#include "dev/monitor.h"
#include "entry/idt.h"
#include "entry/user_entry.h"
#include "entry/user_fault.h"
#include "freestanding/string.h"
#include "fs/initrd.h"
#include "fs/vfs.h"
#include "futex/futex.h"
#include "mm/ioremap.h"
#include "mm/kstack.h"
#include "mm/pmm.h"
#include "mm/vmm.h"
#include "proc/proc.h"
#include "sched/kthread.h"
#include "sched/sched.h"
#include "sched/timer.h"
#include "test/ktest.h"

static void print_banner(void)
{
	uint64_t usable = 0;
	for (size_t i = 0; i < boot_info.nr_mem; i++)
		if (boot_info.mem[i].type == MEM_USABLE)
			usable += boot_info.mem[i].length;
	kprintf("Spindle: a teaching kernel about threads (x86-64)\n");
	kprintf("  loaded by    %s\n", boot_info.loader);
	uint64_t tenths_gib = (usable * 10 + GiB(1) / 2) / GiB(1);
	kprintf("  memory       %lu MiB usable (%lu.%lu GiB), %zu pages free\n",
		usable >> 20, tenths_gib / 10, tenths_gib % 10,
		pmm_free_pages());
	kprintf("  cpus         %u online (%zu in the ACPI MADT)\n", nr_cpus,
		madt.nr_cpus);
	kprintf("  command line '%s'\n", boot_info.cmdline);
}

static void print_memory_map(void)
{
	pr_debug("memory map (%zu regions):\n", boot_info.nr_mem);
	for (size_t i = 0; i < boot_info.nr_mem; i++)
		pr_debug("  %016lx-%016lx type %u\n", boot_info.mem[i].base,
			 boot_info.mem[i].base + boot_info.mem[i].length,
			 boot_info.mem[i].type);
}

extern char boot_stack_top[];

#define INIT_ARGS_MAX 32

/* Runs init=PATH as pid 1. Its arguments follow "--" on the command line
 * (as on Linux): `init=/bin/echo -- hello world`. */
static void start_init(const char *path)
{
	static char words[BOOT_CMDLINE_MAX];
	static const char *argv[INIT_ARGS_MAX];
	int argc = 0;
	argv[argc++] = path;
	strlcpy(words, boot_info.cmdline, sizeof(words));
	char *w = strstr(words, " --");
	if (w && w[3] != ' ' && w[3] != '\0')
		w = NULL; /* "--x" is not the separator */
	if (w)
		w += 3;
	while (w && argc < INIT_ARGS_MAX) {
		while (*w == ' ')
			*w++ = '\0';
		if (!*w)
			break;
		argv[argc++] = w;
		w = strchr(w, ' ');
	}
	proc_start_init(path, argv, argc);
}

/* This CPU's GDT and TSS, with the guarded stacks its IST entries name. */
static void cpu_tables_init(struct cpu *c)
{
	void *ist[IST_COUNT];
	for (int i = 0; i < IST_COUNT; i++)
		if (!(ist[i] = kstack_alloc()))
			panic("cpu %u: no memory for its IST stacks", c->id);
	gdt_init_cpu(&c->tables, ist);
}

/* Where every other CPU starts, on its boot stack, from the trampoline. */
static noreturn void ap_main(struct cpu *c)
{
	write_cr3(kernel_pml4);
	percpu_install(c);
	cpu_tables_init(c);
	idt_load();
	cpu_features_init_cpu();
	syscall_init_cpu();
	lapic_init_cpu();
	topology_detect(c);
	sched_init_cpu(c->boot_stack_top);
	atomic_store(&c->online, true);
	irq_enable();
	sched_idle_loop();
	panic("smp: cpu %u's idle loop returned", c->id);
}

/* Page tables for the trampoline: the kernel half, and the trampoline's
 * page mapped 1:1 so it survives turning paging on. */
static uint64_t trampoline_page_tables(void)
{
	uint64_t pml4 = vmm_create_address_space();
	if (!pml4 || vmm_map(pml4, TRAMPOLINE_PHYS, TRAMPOLINE_PHYS, PTE_WRITE))
		panic("smp: no memory for the trampoline's page tables");
	return pml4;
}

/* Every CPU the MADT lists, one at a time (arch/smp.c); afterwards
 * nr_cpus counts those online. */
static void start_other_cpus(void)
{
	smp_boot_cpu_online();
	uint64_t cr3 = trampoline_page_tables();
	for (size_t i = 0; i < madt.nr_cpus; i++) {
		if (madt.cpus[i].apic_id == cpus[0].apic_id)
			continue;
		struct cpu *c = &cpus[nr_cpus];
		c->id = nr_cpus;
		c->apic_id = madt.cpus[i].apic_id;
		c->boot_stack_top = kstack_alloc();
		if (!c->boot_stack_top) {
			pr_err("smp: no memory for cpu %u's stack\n", c->id);
			break;
		}
		if (smp_start_ap(c, cr3, ap_main))
			nr_cpus++;
	}
	vmm_destroy_address_space(cr3);
	pr_info("smp: %u of %zu CPUs online\n", nr_cpus, madt.nr_cpus);
}

void kmain(uint32_t loader_magic, uint64_t boot_info_phys)
{
	percpu_install(&cpus[0]); /* this_cpu() works from here on */
	console_init();
	idt_init(); /* from here on, an exception prints a report */
	bootinfo_init(loader_magic, boot_info_phys);
	cmdline_init(boot_info.cmdline);
	console_loglevel = (int)cmdline_get_int("loglevel", LOG_INFO);
	print_memory_map();

	pmm_init();
	vmm_init();
	cpu_tables_init(&cpus[0]);
	idt_use_ist();
	cpu_features_init_cpu();
	syscall_init_cpu();
	acpi_init();
	time_init();
	pic_disable();
	lapic_init_boot(ioremap(madt.lapic_phys, LAPIC_MMIO_SIZE));
	ipi_init();
	lapic_init_cpu();
	for (size_t i = 0; i < madt.nr_ioapics; i++)
		ioapic_add(ioremap(madt.ioapics[i].phys, IOAPIC_MMIO_SIZE),
			   madt.ioapics[i].gsi_base);
	cpus[0].apic_id = lapic_id();
	console_input_enable(cpus[0].apic_id);
	sched_init();
	sched_init_cpu(boot_stack_top);
	irq_enable();
	start_other_cpus();
	kthread_init();
	futex_init();
	proc_init();
	user_fault_init();
	initrd_init();
	vfs_mount_tmpfs();
	print_banner();

	const char *tests = cmdline_get("ktest");
	if (tests)
		ktest_main(tests);

	/* User space: init=PATH, else /bin/init from the initrd; the kernel
	 * monitor with `monitor` on the command line or when there is no
	 * init to run. */
	const char *init = cmdline_get("init");
	struct initrd_file f;
	if (!init && !cmdline_get("monitor") &&
	    initrd_lookup("/bin/init", &f) == 0)
		init = "/bin/init";
	if (!init)
		monitor_run();
	start_init(init);
	for (;;) /* init owns the machine now; it powers off when it ends */
		sleep_ns(3600 * 1000000000ull);
}
