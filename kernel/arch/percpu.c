#include "arch/percpu.h"

#include "arch/cpu.h"
#include "base/kernel.h"

struct cpu cpus[MAX_CPUS];
unsigned nr_cpus = 1;

void percpu_install(struct cpu *c)
{
	c->self = c;
	wrmsr(MSR_GS_BASE, (uint64_t)c);
	/* swapgs exchanges GS base with this: in the kernel it holds the
	 * user's GS base, which Spindle keeps at 0 (user code uses FS). */
	wrmsr(MSR_KERNEL_GS_BASE, 0);
}

void irq_push_off(void)
{
	bool was_enabled = irq_enabled();
	irq_disable();
	struct cpu *c = this_cpu();
	if (c->irq_off_depth++ == 0)
		c->irq_were_enabled = was_enabled;
}

void irq_pop_off(void)
{
	struct cpu *c = this_cpu();
	if (irq_enabled())
		panic("irq_pop_off: interrupts are on inside a push_off");
	if (c->irq_off_depth <= 0)
		panic("irq_pop_off: not matched by an irq_push_off");
	if (--c->irq_off_depth == 0 && c->irq_were_enabled)
		irq_enable();
}
