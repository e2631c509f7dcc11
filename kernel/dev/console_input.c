/*
 * The console's input path:
 *
 *   COM1 byte -> IRQ 4 -> IOAPIC -> console_interrupt (boot CPU)
 *                  Ctrl-T: print every task (monitor_print_tasks)
 *                  else:   tty_input, when user space has the terminal
 *                  else:   the ring below, for console_getc (the monitor)
 */
#include "dev/console_input.h"

#include "arch/cpu.h"
#include "arch/ioapic.h"
#include "arch/lapic.h"
#include "arch/percpu.h"
#include "arch/trap.h"
#include "arch/vectors.h"
#include "base/kernel.h"
#include "base/serial.h"
#include "dev/monitor.h"
#include "dev/tty.h"
#include "sync/spinlock.h"

#define INPUT_SIZE 256
#define CTRL(c) ((c)&0x1f)

static struct spinlock input_lock = SPINLOCK_INIT("console_input");
static char input[INPUT_SIZE];		/* ring buffer (input_lock) */
static unsigned input_head, input_tail; /* read at head, write at tail */

static void console_input(char c)
{
	/* Ctrl-T (BSD's "status" key): every task and what it waits on,
	 * whatever is running -- the way to look at a program that hangs. */
	if (c == CTRL('T')) {
		monitor_print_tasks();
		return;
	}
	if (tty_input(c)) /* user space runs: the terminal takes it */
		return;
	spin_lock(&input_lock);
	if (input_tail - input_head < INPUT_SIZE) /* full: drop it */
		input[input_tail++ % INPUT_SIZE] = c;
	spin_unlock(&input_lock);
}

static void console_interrupt(struct trap_frame *frame)
{
	(void)frame;
	char c;
	while (serial_poll(&c))
		console_input(c);
	lapic_eoi();
}

void console_input_enable(uint32_t apic_id)
{
	trap_set_handler(VEC_IRQ_BASE + COM1_IRQ, console_interrupt);
	ioapic_route_isa_irq(COM1_IRQ, VEC_IRQ_BASE + COM1_IRQ, apic_id);
	serial_enable_rx_interrupt();
}

/*
 * Waiting without losing a wake-up: the buffer is checked with interrupts
 * off, and "sti; hlt" turns them on only for the hlt itself (sti takes
 * effect after the next instruction), so a byte that arrives after the
 * check still wakes the hlt. (The monitor runs before the scheduler's wait
 * queues are of use to it, so it does not sleep on one.)
 */
char console_getc(void)
{
	for (;;) {
		irq_push_off();
		spin_lock(&input_lock);
		bool have = input_head != input_tail;
		char c = have ? input[input_head++ % INPUT_SIZE] : 0;
		spin_unlock(&input_lock);
		if (!have)
			__asm__ volatile("sti; hlt; cli" ::: "memory");
		irq_pop_off();
		if (have)
			return c;
	}
}
