/* Opening files; the flag values are Linux x86-64's. */
#ifndef _FCNTL_H
#define _FCNTL_H

#include <sys/types.h>

#define O_RDONLY 00
#define O_WRONLY 01
#define O_RDWR 02
#define O_CREAT 0100
#define O_EXCL 0200
#define O_NOCTTY 0400
#define O_TRUNC 01000
#define O_APPEND 02000
#define O_NONBLOCK 04000
#define O_DIRECTORY 0200000
#define O_CLOEXEC 02000000

#define AT_FDCWD (-100) /* openat: relative to the working directory */

/* mode is read only with O_CREAT. */
int open(const char *path, int flags, ...);
int openat(int dirfd, const char *path, int flags, ...);

#endif
