#include "arch/power.h"

#include "arch/cpu.h"

noreturn void machine_exit(enum machine_status status)
{
	outl(DEBUG_EXIT_PORT, status);
	/* Not under the test runner (real hardware, plain QEMU): stop here. */
	for (;;) {
		irq_disable();
		halt();
	}
}
