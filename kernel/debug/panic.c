/*
 * Stopping the kernel with a report.
 *
 * The first CPU to panic wins: it turns interrupts off, stops every other
 * CPU with an NMI (so nothing else prints, and nothing changes under the
 * report), takes over the console without its lock (the holder may be the
 * reason we are here), prints, and exits QEMU. A second CPU that panics
 * meanwhile just stops. A fault while printing the report re-enters panic
 * on the same CPU, which then exits at once: a panic never loops or hangs.
 */
#include "base/panic.h"

#include <stdarg.h>
#include <stdatomic.h>

#include "arch/cpu.h"
#include "arch/ipi.h"
#include "arch/percpu.h"
#include "arch/power.h"
#include "arch/trap.h"
#include "base/backtrace.h"
#include "base/kernel.h"
#include "mm/kstack.h"
#include "sched/trace.h"

#define PANIC_TRACE_EVENTS 8 /* per CPU */

static atomic_int panic_cpu = -1; /* the CPU reporting, or -1 */

bool panic_in_progress(void)
{
	return atomic_load(&panic_cpu) >= 0;
}

noreturn void panic_stop_this_cpu(void)
{
	for (;;) {
		irq_disable();
		halt();
	}
}

static void panic_enter(void)
{
	irq_disable();
	int me = (int)this_cpu()->id, none = -1;
	if (!atomic_compare_exchange_strong(&panic_cpu, &none, me)) {
		if (none != me)
			panic_stop_this_cpu();
		kprintf("\n[panic while panicking: stopping now]\n");
		machine_exit(MACHINE_PANIC);
	}
	ipi_stop_others();
	if (nr_cpus > 1)
		kprintf("\n[cpu %d panicked; the other CPUs are stopped]", me);
}

static noreturn void panic_exit(void)
{
	trace_dump(PANIC_TRACE_EVENTS);
	kprintf("System halted: kernel panic.\n");
	machine_exit(MACHINE_PANIC);
}

noreturn void panic(const char *fmt, ...)
{
	panic_enter();
	kprintf("\nKERNEL PANIC: ");
	va_list ap;
	va_start(ap, fmt);
	vkprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
	/* Start at our caller: its rbp is the one our frame saved. */
	const uint64_t *frame = __builtin_frame_address(0);
	backtrace_print((uint64_t)__builtin_return_address(0), frame[0]);
	panic_exit();
}

static void print_page_fault_cause(uint64_t error)
{
	kprintf("  cause: %s of %s page, %s mode%s\n",
		error & PF_FETCH   ? "instruction fetch"
		: error & PF_WRITE ? "write"
				   : "read",
		error & PF_PRESENT ? "a present (protection violation)"
				   : "a not-present",
		error & PF_USER ? "user" : "kernel",
		error & PF_RESERVED ? ", reserved bit set" : "");
}

noreturn void panic_trap(const struct trap_frame *f, const char *what)
{
	panic_enter();
	kprintf("\nKERNEL PANIC: %s, vector %lu, in %s mode\n", what, f->vector,
		(f->cs & 3) ? "user" : "kernel");
	kprintf("  error code 0x%lx\n", f->error_code);
	if (f->vector == VEC_PAGE_FAULT) {
		kprintf("  CR2 0x%016lx (the address that faulted)\n",
			read_cr2());
		print_page_fault_cause(f->error_code);
	}
	if (kstack_is_guard(f->rsp) || kstack_is_guard(read_cr2()))
		kprintf("  kernel stack overflow: the stack pointer reached "
			"the guard page below a kernel stack\n");
	kprintf("  RIP ");
	print_symbolized(f->rip);
	kprintf("\n");
	kprintf("  RAX %016lx  RBX %016lx  RCX %016lx\n", f->rax, f->rbx,
		f->rcx);
	kprintf("  RDX %016lx  RSI %016lx  RDI %016lx\n", f->rdx, f->rsi,
		f->rdi);
	kprintf("  RBP %016lx  RSP %016lx  R8  %016lx\n", f->rbp, f->rsp,
		f->r8);
	kprintf("  R9  %016lx  R10 %016lx  R11 %016lx\n", f->r9, f->r10,
		f->r11);
	kprintf("  R12 %016lx  R13 %016lx  R14 %016lx\n", f->r12, f->r13,
		f->r14);
	kprintf("  R15 %016lx  RFLAGS %08lx  CS %04lx  SS %04lx\n", f->r15,
		f->rflags, f->cs, f->ss);
	kprintf("  CR0 %016lx  CR3 %016lx  CR4 %016lx\n", read_cr0(),
		read_cr3(), read_cr4());
	backtrace_print_trap(f->rip, f->rbp, f->rsp);
	panic_exit();
}
