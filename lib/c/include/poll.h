#ifndef _POLL_H
#define _POLL_H

#include "freestanding/linux_abi.h" /* POLLIN, POLLOUT... */

typedef unsigned long nfds_t;

struct pollfd {
	int fd;
	short events;  /* what to wait for: POLLIN, POLLOUT */
	short revents; /* what happened, set by poll */
};

/* Waits until one of fds is ready or timeout ms passed (-1: no limit);
 * returns how many have revents set, 0 on timeout. */
int poll(struct pollfd *fds, nfds_t nfds, int timeout);

#endif
