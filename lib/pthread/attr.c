/* Thread attributes: stack size, guard size, detach state. */
#include <errno.h>

#include "internal.h"

#define DEFAULT_STACK (256 * 1024)
#define PAGE 4096

int pthread_attr_init(pthread_attr_t *attr)
{
	*attr = (pthread_attr_t){DEFAULT_STACK, PAGE, PTHREAD_CREATE_JOINABLE};
	return 0;
}

int pthread_attr_destroy(pthread_attr_t *attr)
{
	(void)attr;
	return 0;
}

int pthread_attr_setstacksize(pthread_attr_t *attr, size_t size)
{
	if (size < PTHREAD_STACK_MIN || size > (1ul << 40))
		return EINVAL;
	attr->stack_size = size;
	return 0;
}

int pthread_attr_getstacksize(const pthread_attr_t *attr, size_t *size)
{
	*size = attr->stack_size;
	return 0;
}

/* Rounded up to whole pages when the stack is mapped (getguardsize
 * still says what was set, as POSIX asks); 0: no guard. */
int pthread_attr_setguardsize(pthread_attr_t *attr, size_t size)
{
	if (size > (1ul << 30))
		return EINVAL;
	attr->guard_size = size;
	return 0;
}

int pthread_attr_getguardsize(const pthread_attr_t *attr, size_t *size)
{
	*size = attr->guard_size;
	return 0;
}

int pthread_attr_setdetachstate(pthread_attr_t *attr, int state)
{
	if (state != PTHREAD_CREATE_JOINABLE &&
	    state != PTHREAD_CREATE_DETACHED)
		return EINVAL;
	attr->detached = state;
	return 0;
}

int pthread_attr_getdetachstate(const pthread_attr_t *attr, int *state)
{
	*state = attr->detached;
	return 0;
}
