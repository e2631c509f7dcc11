/* What the uthread files share. */
#ifndef UTHREAD_INTERNAL_H
#define UTHREAD_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "uthread.h"

/* Pintos' ASSERT: a broken invariant stops the program where it broke. */
#define UT_ASSERT(cond)                                                        \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: assertion failed: %s\n",       \
				__FILE__, __LINE__, #cond);                    \
			abort();                                               \
		}                                                              \
	} while (0)

#define UTHREAD_MAGIC                                                          \
	0x75746872u /* "uthr": a uthread_t that is not one,                    \
		       or is freed, does not have it */
#define MAX_WORKERS 64

/*
 * A saved context is one stack pointer: uthread_switch pushes everything
 * else onto the stack it leaves (switch.S has the picture).
 */
struct context {
	void *rsp;
};

enum uthread_state {
	UT_READY,   /* on a run queue */
	UT_RUNNING, /* a worker's current */
	UT_BLOCKED, /* parked: on a wait list, or switching away to be */
	UT_EXITED,  /* ended; its worker frees the stack after the switch */
};

/*
 * A green thread. Who may touch what:
 */
struct uthread {
	uint32_t magic;
	/* its worker while it runs; else the lock of the list it is on: */
	enum uthread_state state;
	struct list_node link; /* a run queue or one wait list, or none */
	struct context ctx;    /* valid while not running */
	void *stack;	       /* the mapping: guard page, then the stack */
	/* lock: */
	struct uthread_spinlock lock;
	bool finished; /* the worker is done with it; joinable */
	bool detached;
	struct uthread *joiner; /* parked in uthread_join */
};

/* A FIFO of READY uthreads, by link. */
struct runqueue {
	struct uthread_spinlock lock;
	struct list threads; /* lock */
	atomic_int length;   /* written under lock; read without it */
};

/*
 * A worker: one kernel thread running green threads. Only the worker's
 * own kernel thread touches its fields, except rq (any worker may steal)
 * and the counters, read after the runtime stopped.
 */
struct worker {
	int id;
	pthread_t kthread;
	struct runqueue rq;
	struct context sched_ctx;	 /* the worker loop, while green runs */
	struct uthread *current;	 /* the green thread it runs, or NULL */
	struct uthread_spinlock *unlock; /* park: release after the switch */
	long switches, steals;
};

/*
 * The runtime: one at a time. Workers that find nothing to run sleep on
 * idle_cond; whoever makes work for them wakes one (worker_wake_idle).
 */
struct runtime {
	int nworkers;
	struct worker worker[MAX_WORKERS];
	atomic_long live;    /* green threads not yet finished */
	atomic_long created; /* for the stats */
	pthread_mutex_t idle_lock;
	pthread_cond_t idle_cond; /* idle_lock */
	atomic_int sleepers;	  /* idle_lock to change */
	bool stopping;		  /* idle_lock: live reached 0 */
};

extern struct runtime uthread_rt;

/* switch.S: saves the caller's context in *old, resumes *new. */
void uthread_switch(struct context *old, struct context *new);
/* switch.S: a new thread's first switch returns here; it calls fn(arg)
 * (r12, r13) and then uthread_exit. */
void uthread_trampoline(void);

void spin_lock(struct uthread_spinlock *l);
void spin_unlock(struct uthread_spinlock *l);

/* sched.c */
struct worker *worker_self(void);
void worker_run(struct worker *w);
void worker_wake_idle(void);
void worker_queue(struct worker *w, struct uthread *t);
void park(struct worker *w, struct uthread_spinlock *guard);
void make_ready(struct worker *w, struct uthread *t);

/* runqueue.c */
void runqueue_init(struct runqueue *rq);
int runqueue_push(struct runqueue *rq, struct uthread *t);
struct uthread *runqueue_pop(struct runqueue *rq);
struct uthread *runqueue_steal(struct worker *thief, struct worker *victim);

/* stack.c */
void *stack_alloc(void);
void stack_free(void *stack);
void stack_cache_drain(void);
void *stack_top(void *stack);

/* thread.c */
struct uthread *thread_new(void (*fn)(void *), void *arg);
void thread_reap(struct worker *w, struct uthread *t);

#endif
