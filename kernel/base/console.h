/*
 * The kernel console: kprintf and leveled logging, written to COM1 and to
 * the VGA screen. Messages above the current level (loglevel= on the
 * command line) are dropped.
 */
#ifndef BASE_CONSOLE_H
#define BASE_CONSOLE_H

#include <stdarg.h>
#include <stddef.h>

enum log_level {
	LOG_ERR = 3,
	LOG_WARN = 4,
	LOG_INFO = 6,
	LOG_DEBUG = 7,
};

extern int console_loglevel;

void console_init(void);
void console_putc(char c);
/* n bytes at once: not interleaved with other console output. */
void console_write(const char *buf, size_t n);

int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vkprintf(const char *fmt, va_list ap);
void klog(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define pr_err(...) klog(LOG_ERR, __VA_ARGS__)
#define pr_warn(...) klog(LOG_WARN, __VA_ARGS__)
#define pr_info(...) klog(LOG_INFO, __VA_ARGS__)
#define pr_debug(...) klog(LOG_DEBUG, __VA_ARGS__)

#endif
