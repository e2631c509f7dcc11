/* Error numbers as words: strerror and perror. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char *const messages[] = {
	[0] = "Success",
	[EPERM] = "Operation not permitted",
	[ENOENT] = "No such file or directory",
	[ESRCH] = "No such process",
	[EINTR] = "Interrupted system call",
	[EIO] = "Input/output error",
	[E2BIG] = "Argument list too long",
	[ENOEXEC] = "Exec format error",
	[EBADF] = "Bad file descriptor",
	[ECHILD] = "No child processes",
	[EAGAIN] = "Resource temporarily unavailable",
	[ENOMEM] = "Cannot allocate memory",
	[EACCES] = "Permission denied",
	[EFAULT] = "Bad address",
	[EBUSY] = "Device or resource busy",
	[EEXIST] = "File exists",
	[ENODEV] = "No such device",
	[ENOTDIR] = "Not a directory",
	[EISDIR] = "Is a directory",
	[EINVAL] = "Invalid argument",
	[EMFILE] = "Too many open files",
	[ENOTTY] = "Inappropriate ioctl for device",
	[ENOSPC] = "No space left on device",
	[ESPIPE] = "Illegal seek",
	[EROFS] = "Read-only file system",
	[EPIPE] = "Broken pipe",
	[ERANGE] = "Numerical result out of range",
	[EDEADLK] = "Resource deadlock avoided",
	[ENAMETOOLONG] = "File name too long",
	[ENOSYS] = "Function not implemented",
	[EOVERFLOW] = "Value too large for defined data type",
	[ENOTSUP] = "Operation not supported",
	[ETIMEDOUT] = "Connection timed out",
	[ECANCELED] = "Operation canceled",
};

char *strerror(int err)
{
	if (err >= 0 && err < (int)(sizeof(messages) / sizeof(messages[0])) &&
	    messages[err])
		return (char *)messages[err];
	return "Unknown error";
}

/* "what: message" on stderr (just the message if what is NULL or ""). */
void perror(const char *what)
{
	const char *msg = strerror(errno);
	if (what && *what)
		fprintf(stderr, "%s: %s\n", what, msg);
	else
		fprintf(stderr, "%s\n", msg);
}
