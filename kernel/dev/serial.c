/*
 * COM1. Output is by polling: wait until the transmit holding register is
 * empty, then write the byte; that keeps output working in a panic, with
 * interrupts off, on any CPU. Input is interrupt-driven: the UART raises
 * ISA IRQ 4 when a byte arrives, the IOAPIC delivers it to the boot CPU, and
 * the handler moves every waiting byte into the console's input buffer.
 */
#include "base/serial.h"

#include "arch/cpu.h"
#include "arch/ioapic.h"
#include "arch/lapic.h"
#include "arch/trap.h"
#include "arch/vectors.h"
#include "base/console.h"

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
#define COM1_IRQ 4
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

static void serial_interrupt(struct trap_frame *frame)
{
	(void)frame;
	while (inb(COM1_PORT + UART_LSR) & UART_LSR_DATA_READY)
		console_input((char)inb(COM1_PORT + UART_DATA));
	lapic_eoi();
}

void serial_enable_input(uint32_t apic_id)
{
	trap_set_handler(VEC_IRQ_BASE + COM1_IRQ, serial_interrupt);
	ioapic_route_isa_irq(COM1_IRQ, VEC_IRQ_BASE + COM1_IRQ, apic_id);
	outb(COM1_PORT + UART_IER, UART_IER_RX);
}
