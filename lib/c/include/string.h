/* <string.h> is the freestanding one the kernel compiles too. */
#ifndef _STRING_H
#define _STRING_H

#include "freestanding/string.h"

#endif
