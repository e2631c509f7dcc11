/* The 16550 UART at COM1: the console every test reads. */
#ifndef BASE_SERIAL_H
#define BASE_SERIAL_H

#include <stdbool.h>
#include <stdint.h>

#define COM1_PORT 0x3f8
#define COM1_IRQ 4 /* the ISA IRQ line of COM1's interrupt */

void serial_init(void);
void serial_putc(char c);
/* Reads a received byte into *c if one is waiting; false if none. */
bool serial_poll(char *c);
/* Makes the UART raise COM1_IRQ whenever a byte arrives. */
void serial_enable_rx_interrupt(void);

#endif
