/* Opening files; the flag values are Linux x86-64's. */
#ifndef _FCNTL_H
#define _FCNTL_H

#include <sys/types.h>

#include "freestanding/linux_abi.h" /* O_* and AT_FDCWD */

/* mode is read only with O_CREAT. */
int open(const char *path, int flags, ...);
int openat(int dirfd, const char *path, int flags, ...);

#endif
