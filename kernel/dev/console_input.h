/*
 * Bytes typed on the console (COM1), and where each goes: Ctrl-T to the
 * task list, the rest to the terminal once user space reads it, before
 * that to a small buffer the kernel monitor reads.
 */
#ifndef DEV_CONSOLE_INPUT_H
#define DEV_CONSOLE_INPUT_H

#include <stdint.h>

/* Routes COM1's receive interrupt to the CPU with apic_id and turns it on. */
void console_input_enable(uint32_t apic_id);
/* The next byte typed that the terminal did not take; waits (halted)
 * until there is one. For the kernel monitor. */
char console_getc(void);

#endif
