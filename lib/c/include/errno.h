/*
 * errno: set by every wrapper that fails, with Linux's numbers. It is
 * defined once, in lib/c/errno.c; when threads arrive it becomes
 * per-thread there and here, and nothing else changes.
 */
#ifndef _ERRNO_H
#define _ERRNO_H

#include "freestanding/errno.h"

extern int errno;

#endif
