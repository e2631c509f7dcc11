/*
 * Ending the machine. Under QEMU the runner adds an isa-debug-exit device at
 * port 0xf4: writing v makes QEMU exit with status (v << 1) | 1. QEMU's own
 * errors exit 1, and a triple fault (with -no-reboot) exits 0, so neither
 * value may mean success: the statuses below are what tools/qemu.py decodes.
 */
#ifndef ARCH_POWER_H
#define ARCH_POWER_H

#include "base/kernel.h"

#define DEBUG_EXIT_PORT 0xf4

enum machine_status {
	MACHINE_SUCCESS = 0x10, /* QEMU exits 33 */
	MACHINE_FAILURE = 0x11, /* QEMU exits 35: tests failed */
	MACHINE_PANIC = 0x12,	/* QEMU exits 37: kernel panic */
};

/* Exits QEMU with status; on a machine without the device, halts forever. */
noreturn void machine_exit(enum machine_status status);

#endif
