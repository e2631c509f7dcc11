/*
 * A green thread's life: made, running and yielding, ended, joined.
 *
 *   uthread_create -> READY -> RUNNING -> (yield) READY ...
 *                               |  '----> (park) BLOCKED -> READY ...
 *                               '-> EXITED: its worker reaps it (stack
 *                                   freed, `finished`), joiner woken
 *
 * The handle outlives the thread: uthread_join (or, for a detached
 * thread, the reaping) frees it, after `finished`, so a joiner never reads
 * freed memory.
 */
#include "internal.h"

/* The power-up values of the x87 control word (FNINIT: all exceptions
 * masked, 64-bit precision, round to nearest) and of MXCSR (all masked,
 * round to nearest). Intel SDM vol. 1, 8.1.5 and 10.2.3. */
#define X87_CW_DEFAULT 0x037f
#define MXCSR_DEFAULT 0x1f80

/* The frame uthread_switch leaves, lowest address first (switch.S). */
struct switch_frame {
	uint32_t mxcsr;
	uint16_t x87_cw, pad;
	uint64_t r15, r14, r13, r12, rbx, rbp;
	void (*ret)(void);
};

/*
 * Makes a READY thread (on no queue yet) that will run fn(arg), and counts
 * it as live. Its stack starts with a hand-built switch frame whose return
 * address is the trampoline, placed so that popping it leaves rsp at
 * top - 16: 16-byte aligned, as the trampoline's call needs. Returns NULL
 * if out of memory.
 */
struct uthread *thread_new(void (*fn)(void *), void *arg)
{
	struct uthread *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->stack = stack_alloc();
	if (!t->stack) {
		free(t);
		return NULL;
	}
	t->magic = UTHREAD_MAGIC;
	t->state = UT_READY;
	list_node_init(&t->link);

	char *top = stack_top(t->stack);
	struct switch_frame *f = (struct switch_frame *)(top - 16 - sizeof(*f));
	*f = (struct switch_frame){
		.mxcsr = MXCSR_DEFAULT,
		.x87_cw = X87_CW_DEFAULT,
		.r12 = (uintptr_t)fn,
		.r13 = (uintptr_t)arg,
		.rbp = 0, /* the outermost frame: backtraces stop here */
		.ret = uthread_trampoline,
	};
	t->ctx.rsp = f;
	atomic_fetch_add(&uthread_rt.live, 1);
	atomic_fetch_add(&uthread_rt.created, 1);
	return t;
}

uthread_t *uthread_create(void (*fn)(void *), void *arg)
{
	struct worker *w = worker_self();
	UT_ASSERT(w && w->current);
	struct uthread *t = thread_new(fn, arg);
	if (t)
		worker_queue(w, t);
	return t;
}

void uthread_yield(void)
{
	struct worker *w = worker_self();
	UT_ASSERT(w && w->current);
	struct uthread *self = w->current;
	/* Still RUNNING: the worker's loop requeues it (sched.c). */
	uthread_switch(&self->ctx, &w->sched_ctx);
}

void uthread_exit(void)
{
	struct worker *w = worker_self();
	UT_ASSERT(w && w->current);
	struct uthread *self = w->current;
	self->state = UT_EXITED;
	uthread_switch(&self->ctx, &w->sched_ctx);
	UT_ASSERT(!"an ended thread was resumed");
	abort();
}

/*
 * Called by w's loop after t, EXITED, switched away for the last time:
 * frees its stack, marks it finished and wakes its joiner, or frees it
 * all if it was detached.
 */
void thread_reap(struct worker *w, struct uthread *t)
{
	UT_ASSERT(t->state == UT_EXITED && w->current == NULL);
	stack_free(t->stack);
	t->stack = NULL;
	spin_lock(&t->lock);
	t->finished = true;
	struct uthread *joiner = t->joiner;
	bool detached = t->detached;
	spin_unlock(&t->lock);
	if (joiner)
		make_ready(w, joiner);
	if (detached) {
		t->magic = 0;
		free(t);
	}
}

void uthread_join(uthread_t *t)
{
	UT_ASSERT(t->magic == UTHREAD_MAGIC);
	struct worker *w = worker_self();
	UT_ASSERT(w && w->current && w->current != t);
	spin_lock(&t->lock);
	UT_ASSERT(!t->detached && !t->joiner);
	if (t->finished) {
		spin_unlock(&t->lock);
	} else {
		t->joiner = w->current;
		park(w, &t->lock); /* thread_reap wakes us, after finished */
	}
	t->magic = 0;
	free(t);
}

void uthread_detach(uthread_t *t)
{
	UT_ASSERT(t->magic == UTHREAD_MAGIC);
	spin_lock(&t->lock);
	UT_ASSERT(!t->detached && !t->joiner);
	bool finished = t->finished;
	t->detached = true;
	spin_unlock(&t->lock);
	if (finished) {
		t->magic = 0;
		free(t);
	}
}
