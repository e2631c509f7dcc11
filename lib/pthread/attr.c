/* Thread attributes: stack size, guard size, detach state, scheduling. */
#include <errno.h>

#include "internal.h"

#define DEFAULT_STACK (256 * 1024)
#define PAGE 4096

int pthread_attr_init(pthread_attr_t *attr)
{
	*attr = (pthread_attr_t){
		DEFAULT_STACK,	       PAGE,	    PTHREAD_CREATE_JOINABLE,
		PTHREAD_INHERIT_SCHED, SCHED_OTHER, {0}};
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

/* Only with PTHREAD_EXPLICIT_SCHED does pthread_create use the policy and
 * priority below; by default a thread inherits its creator's. */
int pthread_attr_setinheritsched(pthread_attr_t *attr, int inherit)
{
	if (inherit != PTHREAD_INHERIT_SCHED &&
	    inherit != PTHREAD_EXPLICIT_SCHED)
		return EINVAL;
	attr->inherit_sched = inherit;
	return 0;
}

int pthread_attr_getinheritsched(const pthread_attr_t *attr, int *inherit)
{
	*inherit = attr->inherit_sched;
	return 0;
}

int pthread_attr_setschedpolicy(pthread_attr_t *attr, int policy)
{
	if (policy != SCHED_OTHER && policy != SCHED_FIFO && policy != SCHED_RR)
		return EINVAL;
	attr->sched_policy = policy;
	return 0;
}

int pthread_attr_getschedpolicy(const pthread_attr_t *attr, int *policy)
{
	*policy = attr->sched_policy;
	return 0;
}

/* Not checked against the policy here: pthread_create does, when the
 * kernel refuses the pair (EINVAL), as musl does. */
int pthread_attr_setschedparam(pthread_attr_t *attr,
			       const struct sched_param *param)
{
	attr->sched_param = *param;
	return 0;
}

int pthread_attr_getschedparam(const pthread_attr_t *attr,
			       struct sched_param *param)
{
	*param = attr->sched_param;
	return 0;
}
