/* Signal numbers (Linux x86-64), sending them, and ignoring them. Handlers
 * come later: signal() takes SIG_DFL or SIG_IGN only. */
#ifndef _SIGNAL_H
#define _SIGNAL_H

#include <sys/types.h>

#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGUSR1 10
#define SIGSEGV 11
#define SIGUSR2 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19

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
