/* signal(): the dispositions that exist, SIG_DFL and SIG_IGN. */
#include <signal.h>

#include "c/syscall.h"

sighandler_t signal(int sig, sighandler_t handler)
{
	/* struct k_sigaction: handler, flags, restorer, mask */
	unsigned long act[4] = {(unsigned long)handler, 0, 0, 0}, old[4];
	long r = syscall4(SYS_rt_sigaction, sig, (long)act, (long)old, 8);
	return __syscall_ret(r) < 0 ? SIG_ERR : (sighandler_t)old[0];
}
