/* eventfd: a 64-bit counter as a file, for one thread or process to wake
 * another (read takes it, write adds to it, poll waits for it). */
#ifndef FS_EVENTFD_H
#define FS_EVENTFD_H

#include "fs/file.h"

/* A new eventfd holding initval; flags are EFD_SEMAPHORE and
 * EFD_NONBLOCK (EFD_CLOEXEC belongs to the descriptor). NULL: -ENOMEM. */
struct file *eventfd_create(unsigned initval, int flags);

#endif
