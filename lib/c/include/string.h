/* <string.h> is the freestanding one the kernel compiles too, and
 * strerror (lib/c/strerror.c). */
#ifndef _STRING_H
#define _STRING_H

#include "freestanding/string.h"

/* The message for an error number ("Invalid argument" for EINVAL). */
char *strerror(int err);

#endif
