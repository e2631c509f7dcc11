/* Error numbers: Linux x86-64's values, so one binary runs on both. */
#ifndef FREESTANDING_ERRNO_H
#define FREESTANDING_ERRNO_H

#define EPERM 1
#define ENOENT 2
#define ESRCH 3
#define EINTR 4
#define EIO 5
#define E2BIG 7
#define ENOEXEC 8
#define EBADF 9
#define ECHILD 10
#define EAGAIN 11
#define ENOMEM 12
#define EACCES 13
#define EFAULT 14
#define EBUSY 16
#define EEXIST 17
#define EXDEV 18
#define ENODEV 19
#define ENOTDIR 20
#define EISDIR 21
#define EINVAL 22
#define EMFILE 24
#define ENOTTY 25
#define EFBIG 27
#define ENOSPC 28
#define ESPIPE 29
#define EROFS 30
#define EPIPE 32
#define ERANGE 34
#define EDEADLK 35
#define ENAMETOOLONG 36
#define ENOSYS 38
#define ENOTEMPTY 39
#define EOVERFLOW 75
#define ENOTSUP 95 /* = EOPNOTSUPP on Linux */
#define ETIMEDOUT 110
#define ECANCELED 125

/* Kernel-internal: a blocking call a signal interrupted. They never reach
 * user space: the return to user mode turns them into EINTR or a restart
 * of the call (kernel/entry/user_return.c). Linux's numbers
 * (include/linux/errno.h), so a trace reads the same. */
#define ERESTARTSYS 512	   /* restart if the handler has SA_RESTART */
#define ERESTARTNOINTR 513 /* always restart */
#define ERESTARTNOHAND 514 /* restart only if no handler ran */

#endif
