/*
 * Creating, running and joining threads.
 *
 * A thread's stack cannot be unmapped by the thread itself (it is running
 * on it), nor by anyone before the kernel is done with it. The kernel says
 * when: at exit it writes 0 to the thread's tid word (CLONE_CHILD_CLEARTID)
 * and wakes it. So pthread_join sleeps on that word and then unmaps; a
 * detached thread goes on a list when it is detached (whether it still
 * runs or not), and each pthread_create unmaps the entries whose tid is 0.
 */
#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include "c/syscall.h"
#include "freestanding/linux_abi.h"
#include "internal.h"

long raw_clone(unsigned long flags, void *stack, int *ptid, int *ctid,
	       unsigned long tls, int (*fn)(void *), void *arg);

static pthread_mutex_t dead_lock = PTHREAD_MUTEX_INITIALIZER;
static struct pthread *dead; /* dead_lock: detached threads that ended */

pthread_t pthread_self(void)
{
	struct pthread *self;
	__asm__("mov %%fs:0, %0" : "=r"(self));
	return self;
}

int pthread_equal(pthread_t a, pthread_t b)
{
	return a == b;
}

/* Unmaps detached threads the kernel has finished with. */
static void reap_dead(void)
{
	pthread_mutex_lock(&dead_lock);
	struct pthread **link = &dead;
	while (*link) {
		struct pthread *t = *link;
		if (t->tid == 0) {
			*link = t->next_dead;
			munmap(t->map, t->map_size);
		} else {
			link = &t->next_dead;
		}
	}
	pthread_mutex_unlock(&dead_lock);
}

static void list_detached(struct pthread *t)
{
	pthread_mutex_lock(&dead_lock);
	t->next_dead = dead;
	dead = t;
	pthread_mutex_unlock(&dead_lock);
}

static _Noreturn void finish(struct pthread *self, void *result)
{
	self->result = result;
	run_cleanup_handlers(self);
	run_key_destructors(self);
	for (;;)
		syscall1(SYS_exit, 0); /* this thread only */
}

/* An explicit policy is set twice: by the creator as soon as clone
 * returns (so a real-time thread takes the CPU from a lower creator at
 * once, as on Linux), and here, in case the thread got a CPU first: its
 * start function never runs with the creator's policy. */
static void set_explicit_sched(struct pthread *t, pid_t tid)
{
	if (t->explicit_sched)
		sched_setscheduler(tid, t->sched_policy, &t->sched_param);
}

static int thread_main(void *arg)
{
	struct pthread *self = arg;
	set_explicit_sched(self, 0);
	finish(self, self->start(self->arg));
}

/* EINVAL for an explicit policy and priority that do not go together. */
static int check_explicit_sched(const pthread_attr_t *attr)
{
	int prio = attr->sched_param.sched_priority;
	if (attr->inherit_sched != PTHREAD_EXPLICIT_SCHED)
		return 0;
	if (prio < sched_get_priority_min(attr->sched_policy) ||
	    prio > sched_get_priority_max(attr->sched_policy))
		return EINVAL;
	return 0;
}

void pthread_exit(void *result)
{
	struct pthread *self = pthread_self();
	if (self->map_size == 0) { /* main: the process ends with its last */
		run_cleanup_handlers(self);
		for (;;)
			syscall1(SYS_exit, 0);
	}
	finish(self, result);
}

/*
 * pthread_create - a new thread running start(arg).
 * Contract: on success *thread is set before start runs and 0 is returned;
 * EAGAIN if the stack or the thread cannot be made, EINVAL for bad attrs.
 */
int pthread_create(pthread_t *thread, const pthread_attr_t *attr,
		   void *(*start)(void *), void *arg)
{
	pthread_attr_t defaults;
	if (!attr) {
		pthread_attr_init(&defaults);
		attr = &defaults;
	}
	if (check_explicit_sched(attr))
		return EINVAL;
	reap_dead();
	size_t guard = (attr->guard_size + 4095) & ~4095ul;
	size_t size =
		(guard + attr->stack_size + tls_area_size() + 4095) & ~4095ul;
	char *map = mmap(NULL, size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED)
		return EAGAIN;
	if (guard) /* an overflow faults rather than corrupts */
		mprotect(map, guard, PROT_NONE);
	struct pthread *t = tls_place(map + size);
	t->canary = pthread_self()->canary;
	t->start = start;
	t->arg = arg;
	t->detached = attr->detached;
	t->explicit_sched = attr->inherit_sched == PTHREAD_EXPLICIT_SCHED;
	t->sched_policy = attr->sched_policy;
	t->sched_param = attr->sched_param;
	t->map = map;
	t->map_size = size;
	*thread = t;
	void *top = (void *)((uintptr_t)tls_bottom(t) & ~15ul);
	long r = raw_clone(CLONE_PTHREAD | CLONE_SETTLS, top, (int *)&t->tid,
			   (int *)&t->tid, (unsigned long)t, thread_main, t);
	if (r < 0) {
		munmap(map, size);
		return EAGAIN;
	}
	set_explicit_sched(t, (pid_t)r);
	if (t->detached)
		list_detached(t);
	return 0;
}

/*
 * pthread_join - wait for thread to end and collect its result.
 * Contract: sleeps (futex on the tid word, never spins) until the kernel
 * has cleared the word, then frees the thread's stack. EDEADLK for joining
 * oneself, EINVAL for a detached thread. A cancellation point: a caller
 * cancelled while it waits ends, and t stays joinable.
 */
int pthread_join(pthread_t t, void **result)
{
	/* LAB pthread: begin */
	if (t == pthread_self())
		return EDEADLK;
	if (t->detached || t->map_size == 0)
		return EINVAL;
	/* Shared, not private: the kernel's exit wake is a shared one, and
	 * the two kinds of operation do not meet (docs/futex.md). */
	int tid;
	while ((tid = t->tid) != 0)
		if (futex_wait_cancellable((uint32_t *)&t->tid, (uint32_t)tid,
					   CLOCK_MONOTONIC, NULL,
					   1) == ECANCELED)
			cancel_act();
	if (result)
		*result = t->result;
	munmap(t->map, t->map_size);
	return 0;
	/* LAB pthread: end */
}

int pthread_detach(pthread_t t)
{
	if (t->detached || t->map_size == 0)
		return EINVAL;
	t->detached = 1;
	list_detached(t); /* unmapped once the kernel has cleared its tid */
	return 0;
}

/* A thread that has ended has tid 0 (the kernel cleared it), and tid 0
 * would mean the caller to the kernel: ESRCH, as glibc says. Each call
 * below returns an error number, not -1 and errno. */
static int tid_of(pthread_t t)
{
	return __atomic_load_n(&t->tid, __ATOMIC_ACQUIRE);
}

static int error_of(int r)
{
	return r < 0 ? errno : 0;
}

int pthread_setaffinity_np(pthread_t t, size_t size, const cpu_set_t *set)
{
	int tid = tid_of(t);
	return tid ? error_of(sched_setaffinity(tid, size, set)) : ESRCH;
}

int pthread_getaffinity_np(pthread_t t, size_t size, cpu_set_t *set)
{
	int tid = tid_of(t);
	return tid ? error_of(sched_getaffinity(tid, size, set)) : ESRCH;
}

int pthread_setschedparam(pthread_t t, int policy,
			  const struct sched_param *param)
{
	int tid = tid_of(t);
	return tid ? error_of(sched_setscheduler(tid, policy, param)) : ESRCH;
}

int pthread_getschedparam(pthread_t t, int *policy, struct sched_param *param)
{
	int tid = tid_of(t);
	if (!tid)
		return ESRCH;
	int p = sched_getscheduler(tid);
	if (p < 0 || sched_getparam(tid, param) < 0)
		return errno;
	*policy = p & ~SCHED_RESET_ON_FORK;
	return 0;
}

int pthread_setschedprio(pthread_t t, int prio)
{
	int tid = tid_of(t);
	struct sched_param param = {prio};
	return tid ? error_of(sched_setparam(tid, &param)) : ESRCH;
}
