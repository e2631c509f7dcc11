/* Signal numbers (Linux x86-64), sending them, and ignoring them. Handlers
 * come later: signal() takes SIG_DFL or SIG_IGN only. */
#ifndef _SIGNAL_H
#define _SIGNAL_H

#include <sys/types.h>

#include "freestanding/linux_abi.h" /* SIG* numbers */

typedef void (*sighandler_t)(int);
#define SIG_DFL ((sighandler_t)0)
#define SIG_IGN ((sighandler_t)1)
#define SIG_ERR ((sighandler_t)-1)

/* SIG_DFL or SIG_IGN for sig; returns the previous one, or SIG_ERR. */
sighandler_t signal(int sig, sighandler_t handler);

int kill(pid_t pid, int sig);
/* Sends sig to the calling thread. */
int raise(int sig);

#endif
