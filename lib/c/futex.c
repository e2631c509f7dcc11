/* futex(2): there is no POSIX wrapper, so this is Linux's signature. */
#include "c/libc.h"
#include "c/syscall.h"

long futex(uint32_t *uaddr, int op, uint32_t val,
	   const struct timespec *timeout, uint32_t *uaddr2, uint32_t val3)
{
	return __syscall_ret(syscall6(SYS_futex, (long)uaddr, op, val,
				      (long)timeout, (long)uaddr2, val3));
}
