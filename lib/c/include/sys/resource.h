/* Resource limits (Linux's calls; RLIMIT_* and RLIM_INFINITY come from
 * freestanding/linux_abi.h). */
#ifndef _SYS_RESOURCE_H
#define _SYS_RESOURCE_H

#include <sys/types.h>

#include "freestanding/linux_abi.h"

typedef unsigned long rlim_t;

struct rlimit {
	rlim_t rlim_cur; /* the soft limit: what applies */
	rlim_t rlim_max; /* the hard limit: how far rlim_cur may go */
};

int getrlimit(int resource, struct rlimit *rlim);
int setrlimit(int resource, const struct rlimit *rlim);
/* pid 0: the calling process; new or old may be NULL. */
int prlimit(pid_t pid, int resource, const struct rlimit *new,
	    struct rlimit *old);

#endif
