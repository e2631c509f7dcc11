/*
 * System-call numbers: Linux x86-64's (arch/x86/entry/syscalls/
 * syscall_64.tbl), so one binary runs on Linux and on Spindle. The list
 * holds what a libc and a pthread library need; Spindle implements a
 * subset and answers -ENOSYS for the rest (docs/usermode.md lists them).
 *
 * Raw calls go through syscall0..syscall6 in "c/syscall.h".
 */
#ifndef _SYS_SYSCALL_H
#define _SYS_SYSCALL_H

#include "freestanding/linux_abi.h" /* SYS_*: written once for both sides */

#endif
