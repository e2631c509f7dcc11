/*
 * Green threads: many user-level threads on a few kernel threads.
 * docs/uthread.md tells how and why; this header is the whole interface.
 *
 * A green thread is a stack and a saved context. Switching between two of
 * them is a function call (switch.S), not a system call: no kernel entry,
 * no kernel scheduler. The price is that scheduling is cooperative: a
 * green thread runs until it yields, blocks on a green primitive or ends.
 *
 *   uthread_run(1, main_fn, arg, NULL)   M:1, one kernel thread (the caller)
 *   uthread_run(4, main_fn, arg, &stats) M:N, the caller and 3 pthreads
 *
 *   static void hello(void *arg) { printf("%s\n", (char *)arg); }
 *   static void main_fn(void *arg)
 *   {
 *           uthread_t *t = uthread_create(hello, "hi");
 *           uthread_yield();           // hello runs (on M:1, now)
 *           uthread_join(t);
 *   }
 *
 * Everything below except uthread_run must be called from a green thread.
 *
 * A green thread must not make a blocking system call it cares to be
 * quick about: read(2) on an empty pipe, nanosleep, pthread_mutex_lock
 * put the *kernel* thread to sleep, and with it the worker and every green
 * thread queued on it. Use the green primitives (mutex, channel) instead.
 */
#ifndef UTHREAD_UTHREAD_H
#define UTHREAD_UTHREAD_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "freestanding/list.h"

/* Each green thread's stack, with one more page below as a guard. */
#define UTHREAD_STACK_SIZE (64 * 1024)

typedef struct uthread uthread_t;

/* What a runtime did, summed over its workers. */
struct uthread_stats {
	long threads;  /* green threads created, the main one included */
	long switches; /* green threads dispatched by a worker */
	long steals;   /* green threads moved by one worker's stealing */
};

/*
 * Starts a runtime of `workers` (>= 1) kernel threads, the calling thread
 * being worker 0 and the rest new pthreads; runs main_fn(arg) as the first
 * green thread, on worker 0; returns when every green thread has ended,
 * after joining the pthreads it made. With workers == 1 this is M:1: one
 * kernel thread, no pthreads at all. Fills *stats when not NULL. Returns
 * 0, or -1 if a worker or the main thread could not be created. One runtime
 * at a time, and not from inside a green thread.
 */
int uthread_run(int workers, void (*main_fn)(void *), void *arg,
		struct uthread_stats *stats);

/*
 * Makes a green thread that will run fn(arg), and queues it at the back of
 * the calling worker's run queue; the caller keeps running. Returns its
 * handle, which must be given to uthread_join or uthread_detach exactly
 * once; NULL if memory ran out.
 */
uthread_t *uthread_create(void (*fn)(void *), void *arg);

/* Puts the caller at the back of its worker's run queue and runs the
 * next green thread; returns when the caller is picked again (perhaps on
 * another worker: M:N moves green threads between kernel threads). */
void uthread_yield(void);

/* Ends the calling green thread (returning from fn does the same). Its
 * stack is freed by the worker, after the switch away from it. */
_Noreturn void uthread_exit(void);

/* Parks the caller until t has ended, then frees t. */
void uthread_join(uthread_t *t);

/* t will free itself when it ends (at once, if it already has). */
void uthread_detach(uthread_t *t);

/* The number (0 .. workers-1) of the worker running the caller. */
int uthread_worker_id(void);

/*
 * A spinlock: held for a few instructions, never while a green thread
 * waits, so spinning is cheap. The green primitives below guard their
 * state with one, and a kernel thread holds it across at most one switch
 * (see park in internal.h). Zero is unlocked.
 */
struct uthread_spinlock {
	atomic_int locked;
};

/*
 * A green mutex. A green thread that finds it locked is put on `waiters`
 * and parked: its worker runs other green threads meanwhile. Unlock hands
 * the mutex straight to the first waiter (FIFO, no barging).
 */
struct uthread_mutex {
	struct uthread_spinlock guard;
	bool locked;	     /* guard */
	struct list waiters; /* guard: parked uthreads, by link */
};

void uthread_mutex_init(struct uthread_mutex *m);
/* Returns holding m; parks the green thread (never the kernel thread)
 * while another holds it. Not recursive. */
void uthread_mutex_lock(struct uthread_mutex *m);
/* The caller must hold m. Wakes the first waiter, which then holds it. */
void uthread_mutex_unlock(struct uthread_mutex *m);

/*
 * A bounded channel of pointers, FIFO. send parks while it is full, recv
 * while it is empty.
 */
struct uthread_channel {
	struct uthread_spinlock guard;
	void **slot;	       /* capacity entries, a ring */
	int capacity;	       /* fixed at init */
	int head, count;       /* guard */
	struct list senders;   /* guard: parked on a full channel */
	struct list receivers; /* guard: parked on an empty one */
};

/* Returns 0, or -1 if capacity < 1 or memory ran out. */
int uthread_channel_init(struct uthread_channel *c, int capacity);
/* No green thread may be parked on c. */
void uthread_channel_destroy(struct uthread_channel *c);
void uthread_channel_send(struct uthread_channel *c, void *item);
void *uthread_channel_recv(struct uthread_channel *c);

#endif
