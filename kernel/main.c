/*
 * kmain: the C entry point, and the kernel's initialisation order.
 *
 * boot/entry.S arrives here on the boot CPU, in 64-bit mode, on the boot
 * stack, with the loader's early page tables (identity + direct map of the
 * first 4 GiB). Each step below may use only the steps above it.
 */
#include "arch/acpi.h"
#include "arch/cpu.h"
#include "arch/gdt.h"
#include "arch/ioapic.h"
#include "arch/ipi.h"
#include "arch/lapic.h"
#include "arch/percpu.h"
#include "arch/pic.h"
#include "arch/smp.h"
#include "arch/time.h"
#include "arch/trap.h"
#include "base/kernel.h"
#include "base/layout.h"
#include "base/serial.h"
#include "boot/bootinfo.h"
#include "boot/cmdline.h"
#include "dev/monitor.h"
#include "entry/user_entry.h"
#include "freestanding/string.h"
#include "fs/initrd.h"
#include "futex/futex.h"
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
	gdt_init_cpu(&cpus[0].tables);
	idt_use_ist();
	syscall_init_cpu();
	acpi_init();
	time_init();
	pic_disable();
	lapic_init_boot(madt.lapic_phys);
	ipi_init();
	lapic_init_cpu();
	ioapic_init();
	cpus[0].apic_id = lapic_id();
	serial_enable_input(cpus[0].apic_id);
	sched_init();
	sched_init_cpu(boot_stack_top);
	irq_enable();
	smp_boot(sched_init_cpu, sched_idle_loop);
	kthread_init();
	futex_init();
	proc_init();
	initrd_init();
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
