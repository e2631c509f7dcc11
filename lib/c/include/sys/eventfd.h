#ifndef _SYS_EVENTFD_H
#define _SYS_EVENTFD_H

#include <stdint.h>

#include "freestanding/linux_abi.h" /* EFD_CLOEXEC, EFD_NONBLOCK */

typedef uint64_t eventfd_t;

/* A descriptor holding a 64-bit counter: write adds to it, read returns
 * it and resets it to 0 (blocking while it is 0); poll sees it readable
 * while it is not 0. */
int eventfd(unsigned int initval, int flags);

#endif
