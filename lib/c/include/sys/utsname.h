/* The system's name and version, as uname(1) prints them. */
#ifndef _SYS_UTSNAME_H
#define _SYS_UTSNAME_H

#define _UTSNAME_LENGTH 65 /* Linux's, NUL included */

struct utsname {
	char sysname[_UTSNAME_LENGTH]; /* "Linux", "Spindle" */
	char nodename[_UTSNAME_LENGTH];
	char release[_UTSNAME_LENGTH];
	char version[_UTSNAME_LENGTH];
	char machine[_UTSNAME_LENGTH]; /* "x86_64" */
	char domainname[_UTSNAME_LENGTH];
};

int uname(struct utsname *buf);

#endif
