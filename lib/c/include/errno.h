/*
 * errno: set by every wrapper that fails, with Linux's numbers. It is
 * defined once, in lib/c/errno.c, and is per-thread: each thread's
 * write is its own (lib/pthread/tls.c).
 */
#ifndef _ERRNO_H
#define _ERRNO_H

#include "freestanding/errno.h"

extern __thread int errno;

#endif
