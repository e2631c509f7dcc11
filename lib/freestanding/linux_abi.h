/*
 * Constants of the Linux x86-64 system-call ABI that both sides use: the
 * kernel implements them, lib/c and the tests pass them. Written once, so
 * the two cannot drift apart. (Error numbers: freestanding/errno.h.)
 */
#ifndef FREESTANDING_LINUX_ABI_H
#define FREESTANDING_LINUX_ABI_H

/* open(2) flags */
#define O_ACCMODE 03
#define O_RDONLY 00
#define O_WRONLY 01
#define O_RDWR 02
#define O_CREAT 0100
#define O_EXCL 0200
#define O_NOCTTY 0400
#define O_TRUNC 01000
#define O_APPEND 02000
#define O_NONBLOCK 04000
#define O_LARGEFILE 0100000
#define O_DIRECTORY 0200000
#define O_NOFOLLOW 0400000
#define O_CLOEXEC 02000000
#define AT_FDCWD (-100) /* openat: relative to the working directory */

/* ioctl(2) on a terminal (kernel/dev/tty.c) */
#define TCGETS 0x5401
#define TCSETS 0x5402
#define TCSETSW 0x5403
#define TCSETSF 0x5404
#define TIOCGPGRP 0x540f
#define TIOCSPGRP 0x5410
#define TIOCGWINSZ 0x5413

/* futex(2) operations */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256

#endif
