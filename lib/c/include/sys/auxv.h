/*
 * The auxiliary vector: (type, value) pairs the kernel puts on the
 * initial stack after the environment, telling a program about itself
 * and the machine (lib/c/start.c finds them).
 */
#ifndef _SYS_AUXV_H
#define _SYS_AUXV_H

#include "freestanding/linux_abi.h" /* AT_* */

/* The value of entry `type`, or 0 with errno ENOENT if there is none. */
unsigned long getauxval(unsigned long type);

#endif
