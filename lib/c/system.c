/* What the system says about itself. */
#include <sys/sysinfo.h>
#include <sys/utsname.h>

#include "c/libc.h"
#include "c/syscall.h"

int uname(struct utsname *buf)
{
	return (int)__syscall_ret(syscall1(SYS_uname, (long)buf));
}

int sysinfo(struct sysinfo *info)
{
	return (int)__syscall_ret(syscall1(SYS_sysinfo, (long)info));
}

long free_memory(void)
{
	struct sysinfo info;
	if (sysinfo(&info) < 0)
		return -1;
	return (long)(info.freeram * info.mem_unit);
}
