/* The 16550 UART at COM1: the console every test reads. */
#ifndef DEV_SERIAL_H
#define DEV_SERIAL_H

#include <stdint.h>

#define COM1_PORT 0x3f8

void serial_init(void);
void serial_putc(char c);
/* Turns on the receive interrupt, delivered to the CPU with apic_id. */
void serial_enable_input(uint32_t apic_id);

#endif
