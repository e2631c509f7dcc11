/*
 * COM1. Output is by polling: wait until the transmit holding register is
 * empty, then write the byte; that keeps output working in a panic, with
 * interrupts off, on any CPU. Input is read here a byte at a time
 * (serial_poll); the interrupt that says a byte is waiting is wired up by
 * the layer that wants the bytes (dev/console_input.c).
 */
#include "base/serial.h"

#include "arch/cpu.h"

/* 16550 register offsets from the base port, and their bits. */
#define UART_DATA 0	   /* THR (write) / RBR (read); divisor low if DLAB */
#define UART_IER 1	   /* interrupt enable; divisor high if DLAB */
#define UART_FCR 2	   /* FIFO control */
#define UART_LCR 3	   /* line control */
#define UART_MCR 4	   /* modem control */
#define UART_LSR 5	   /* line status */
#define UART_LCR_DLAB 0x80 /* divisor latch access */
#define UART_LCR_8N1 0x03
#define UART_FCR_ENABLE_CLEAR 0x07
#define UART_MCR_DTR_RTS_OUT2 0x0b
#define UART_LSR_DATA_READY 0x01
#define UART_LSR_THRE 0x20 /* transmit holding register empty */
#define UART_IER_RX 0x01   /* interrupt when a byte arrives */
#define UART_CLOCK 115200

void serial_init(void)
{
	const unsigned baud = 115200, divisor = UART_CLOCK / baud;
	outb(COM1_PORT + UART_IER, 0);
	outb(COM1_PORT + UART_LCR, UART_LCR_DLAB);
	outb(COM1_PORT + UART_DATA, divisor & 0xff);
	outb(COM1_PORT + UART_IER, divisor >> 8);
	outb(COM1_PORT + UART_LCR, UART_LCR_8N1);
	outb(COM1_PORT + UART_FCR, UART_FCR_ENABLE_CLEAR);
	outb(COM1_PORT + UART_MCR, UART_MCR_DTR_RTS_OUT2);
}

void serial_putc(char c)
{
	if (c == '\n')
		serial_putc('\r');
	while (!(inb(COM1_PORT + UART_LSR) & UART_LSR_THRE))
		cpu_relax();
	outb(COM1_PORT + UART_DATA, (uint8_t)c);
}

bool serial_poll(char *c)
{
	if (!(inb(COM1_PORT + UART_LSR) & UART_LSR_DATA_READY))
		return false;
	*c = (char)inb(COM1_PORT + UART_DATA);
	return true;
}

void serial_enable_rx_interrupt(void)
{
	outb(COM1_PORT + UART_IER, UART_IER_RX);
}
