/*
 * Where every trap lands (trap_entry.S calls trap_dispatch). Exceptions in
 * the kernel are either expected (an instruction listed in the exception
 * table, see extable.h) or fatal: panic_trap prints the report and stops.
 * Interrupt vectors go to the handler registered for them.
 */
#include "arch/cpu.h"
#include "arch/extable.h"
#include "arch/percpu.h"
#include "arch/trap.h"
#include "base/kernel.h"
#include "base/layout.h"

static const char *const exception_names[32] = {
	[0] = "divide error (#DE)",
	[1] = "debug (#DB)",
	[2] = "non-maskable interrupt (NMI)",
	[3] = "breakpoint (#BP)",
	[4] = "overflow (#OF)",
	[5] = "bound range exceeded (#BR)",
	[6] = "invalid opcode (#UD)",
	[7] = "device not available (#NM)",
	[8] = "double fault (#DF)",
	[9] = "coprocessor segment overrun",
	[10] = "invalid TSS (#TS)",
	[11] = "segment not present (#NP)",
	[12] = "stack-segment fault (#SS)",
	[13] = "general protection fault (#GP)",
	[14] = "page fault (#PF)",
	[16] = "x87 floating-point error (#MF)",
	[17] = "alignment check (#AC)",
	[18] = "machine check (#MC)",
	[19] = "SIMD floating-point error (#XM)",
	[20] = "virtualization exception (#VE)",
	[21] = "control protection (#CP)",
	[28] = "hypervisor injection (#HV)",
	[29] = "VMM communication (#VC)",
	[30] = "security exception (#SX)",
};

static trap_handler_fn handlers[NR_VECTORS];
static void (*interrupt_exit_hook)(unsigned vector, bool interrupts_were_on);
static bool (*user_fault_hook)(struct trap_frame *frame, uint64_t cr2);

const char *trap_name(unsigned vector)
{
	if (vector < 32)
		return exception_names[vector] ? exception_names[vector]
					       : "reserved exception";
	return "interrupt";
}

void trap_set_interrupt_exit_hook(void (*hook)(unsigned vector,
					       bool interrupts_were_on))
{
	interrupt_exit_hook = hook;
}

void trap_set_user_fault_hook(bool (*hook)(struct trap_frame *frame,
					   uint64_t cr2))
{
	user_fault_hook = hook;
}

void trap_set_handler(unsigned vector, trap_handler_fn handler)
{
	kassert(vector >= VEC_FIRST_IRQ && vector < NR_VECTORS);
	handlers[vector] = handler;
}

static void exception(struct trap_frame *frame)
{
	if (frame->vector == VEC_NMI && panic_in_progress())
		panic_stop_this_cpu(); /* another CPU is reporting a panic */
	uint64_t cr2 = frame->vector == VEC_PAGE_FAULT ? read_cr2() : 0;
	bool from_user = frame->cs & 3;
	bool user_address = frame->vector == VEC_PAGE_FAULT && cr2 < USER_TOP;
	if ((from_user || user_address) && user_fault_hook &&
	    user_fault_hook(frame, cr2))
		return;
	if (from_user)
		panic_trap(frame, "exception in user mode with no process "
				  "layer to handle it");
	if (extable_fixup(frame, cr2))
		return;
	panic_trap(frame, trap_name(frame->vector));
}

void trap_dispatch(struct trap_frame *frame)
{
	if (frame->vector < VEC_FIRST_IRQ) {
		exception(frame);
		return;
	}
	if (handlers[frame->vector]) {
		struct cpu *c = this_cpu();
		c->in_interrupt++;
		handlers[frame->vector](frame);
		c->in_interrupt--;
		if (interrupt_exit_hook)
			interrupt_exit_hook((unsigned)frame->vector,
					    frame->rflags & RFLAGS_IF);
		return;
	}
	pr_warn("trap: unexpected interrupt on vector %lu, ignored\n",
		frame->vector);
}
