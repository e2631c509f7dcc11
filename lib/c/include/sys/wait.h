/* Waiting for children, and decoding their status word:
 *
 *   exited:  status = code << 8       (low 7 bits 0)
 *   killed:  status = signal | 0x80 if it dumped core
 */
#ifndef _SYS_WAIT_H
#define _SYS_WAIT_H

#include <sys/types.h>

#include "freestanding/linux_abi.h" /* WNOHANG, WUNTRACED */

#define WEXITSTATUS(s) (((s) >> 8) & 0xff)
#define WTERMSIG(s) ((s)&0x7f)
#define WIFEXITED(s) (WTERMSIG(s) == 0)
#define WIFSIGNALED(s) (WTERMSIG(s) != 0 && WTERMSIG(s) != 0x7f)

struct rusage;

pid_t wait4(pid_t pid, int *status, int options, struct rusage *usage);
pid_t waitpid(pid_t pid, int *status, int options);
pid_t wait(int *status); /* any child */

#endif
