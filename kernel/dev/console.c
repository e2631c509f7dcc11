/*
 * One lock serialises whole kprintf calls, so lines from different CPUs do
 * not interleave. A panic bypasses the lock (console_break_lock): the CPU
 * that held it may be the one that is stuck.
 */
#include "base/console.h"

#include "arch/percpu.h"
#include "base/kernel.h"
#include "base/serial.h"
#include "base/vga.h"
#include "dev/monitor.h"
#include "dev/tty.h"
#include "freestanding/format.h"
#include "sync/spinlock.h"

int console_loglevel = LOG_INFO;

static struct spinlock console_lock = SPINLOCK_INIT("console");

#define INPUT_SIZE 256
static struct spinlock input_lock = SPINLOCK_INIT("console_input");
static char input[INPUT_SIZE];		/* ring buffer (input_lock) */
static unsigned input_head, input_tail; /* read at head, write at tail */

void console_init(void)
{
	serial_init();
	vga_init();
}

void console_putc(char c)
{
	serial_putc(c);
	vga_putc(c);
}

static void console_put(char c, void *ctx)
{
	(void)ctx;
	console_putc(c);
}

int vkprintf(const char *fmt, va_list ap)
{
	if (panic_in_progress())
		return vformat(console_put, NULL, fmt, ap);
	spin_lock(&console_lock);
	int n = vformat(console_put, NULL, fmt, ap);
	spin_unlock(&console_lock);
	return n;
}

void console_write(const char *buf, size_t n)
{
	spin_lock(&console_lock);
	for (size_t i = 0; i < n; i++)
		console_putc(buf[i]);
	spin_unlock(&console_lock);
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vkprintf(fmt, ap);
	va_end(ap);
	return n;
}

void klog(int level, const char *fmt, ...)
{
	if (level > console_loglevel)
		return;
	va_list ap;
	va_start(ap, fmt);
	vkprintf(fmt, ap);
	va_end(ap);
}

#define CTRL(c) ((c)&0x1f)

void console_input(char c)
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

/*
 * Waiting without losing a wake-up: the buffer is checked with interrupts
 * off, and "sti; hlt" turns them on only for the hlt itself (sti takes
 * effect after the next instruction), so a byte that arrives after the
 * check still wakes the hlt. (The scheduler's wait queues replace this.)
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
