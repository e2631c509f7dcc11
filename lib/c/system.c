/* What the system says about itself, and the limits it sets a process. */
#include <sys/reboot.h>
#include <sys/resource.h>
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

/* Linux refuses reboot(2) unless these two magic numbers come first: a
 * stray call with random arguments must not stop the machine. */
#define LINUX_REBOOT_MAGIC1 0xfee1dead
#define LINUX_REBOOT_MAGIC2 672274793

int reboot(int cmd)
{
	return (int)__syscall_ret(syscall4(SYS_reboot, LINUX_REBOOT_MAGIC1,
					   LINUX_REBOOT_MAGIC2, cmd, 0));
}

int getrlimit(int resource, struct rlimit *rlim)
{
	return (int)__syscall_ret(
		syscall2(SYS_getrlimit, resource, (long)rlim));
}

int setrlimit(int resource, const struct rlimit *rlim)
{
	return (int)__syscall_ret(
		syscall2(SYS_setrlimit, resource, (long)rlim));
}

int prlimit(pid_t pid, int resource, const struct rlimit *new,
	    struct rlimit *old)
{
	return (int)__syscall_ret(
		syscall4(SYS_prlimit64, pid, resource, (long)new, (long)old));
}
