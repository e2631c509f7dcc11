/*
 * One lock serialises whole kprintf calls, so lines from different CPUs do
 * not interleave. A panic bypasses the lock (console_break_lock): the CPU
 * that held it may be the one that is stuck.
 */
#include "base/console.h"

#include "base/kernel.h"
#include "base/serial.h"
#include "base/vga.h"
#include "freestanding/format.h"
#include "sync/spinlock.h"

int console_loglevel = LOG_INFO;

static struct spinlock console_lock = SPINLOCK_INIT("console");

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
