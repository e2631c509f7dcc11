/* File status, as Linux x86-64 lays it out; and making directories. */
#ifndef _SYS_STAT_H
#define _SYS_STAT_H

#include <sys/types.h>
#include <time.h>

#include "freestanding/linux_abi.h" /* S_IF* */

struct stat {
	unsigned long st_dev, st_ino, st_nlink;
	mode_t st_mode;
	uid_t st_uid;
	gid_t st_gid;
	int pad0;
	unsigned long st_rdev;
	off_t st_size;
	long st_blksize, st_blocks;
	struct timespec st_atim, st_mtim, st_ctim;
	long unused[3];
};

#define S_ISREG(m) (((m)&S_IFMT) == S_IFREG)
#define S_ISDIR(m) (((m)&S_IFMT) == S_IFDIR)

int fstat(int fd, struct stat *st);
int stat(const char *path, struct stat *st);
int mkdir(const char *path, mode_t mode);

#endif
