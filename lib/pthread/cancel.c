/*
 * Thread cancellation: pthread_cancel asks a thread to end; the thread
 * ends (as pthread_exit(PTHREAD_CANCELED), running its cleanup handlers)
 * at the next cancellation point, or at once if its type is asynchronous.
 *
 * The request travels as a flag and a signal, as in musl:
 *
 *   canceller                          target
 *   t->cancel_requested = 1
 *   tgkill(t, SIGCANCEL)  --------->   on_sigcancel (any instruction)
 *                                        asynchronous: pthread_exit
 *                                        rip in the syscall window:
 *                                          rip = cancel_syscall_cancelled
 *                                        else: leave it to the next point
 *
 * A cancellation point checks the flag and makes its system call in one
 * asm stub (cancel_syscall.S). The signal closes the race between the
 * check and the sleep: a request that lands after the check and before
 * or during the call finds rip inside the window (a blocked call that
 * the signal restarts has its rip back on `syscall`), and the handler
 * sends the thread out through the stub's cancelled exit instead. A
 * request that lands after the call has returned finds rip past the
 * window: the call's result stands, and the next point acts.
 *
 * On SMP the canceller's store to the flag comes before its tgkill, and
 * the target runs its handler only after the kernel has taken the signal
 * under the lock tgkill took: the handler sees the flag.
 */
#include <errno.h>
#include <signal.h>

#include "c/syscall.h"
#include "internal.h"

/* cancel_syscall.S: the stub and the labels of its window. */
long cancel_syscall_asm(volatile int *requested, long n, long a1, long a2,
			long a3, long a4, long a5, long a6);
extern const char cancel_syscall_begin[], cancel_syscall_end[],
	cancel_syscall_cancelled[];

/* The start of the ucontext a SA_SIGINFO handler is given: Linux's layout
 * (docs/signals.md, "The frame"). */
struct handler_context {
	unsigned long flags;
	void *link;
	stack_t stack;
	unsigned long mcontext[32]; /* struct sigcontext: r8 .. rsp, rip, ... */
	unsigned long sigmask;	    /* the mask rt_sigreturn restores */
};
#define MCONTEXT_RIP 16
_Static_assert(__builtin_offsetof(struct handler_context, sigmask) == 296,
	       "uc_sigmask follows the 256-byte uc_mcontext");

/*
 * on_sigcancel - SIGCANCEL's handler, with every signal blocked.
 * A request that is not to act now (cancellation disabled) waits for a
 * cancellation point. Otherwise SIGCANCEL stays blocked when the handler
 * returns, and is raised again: if this handler interrupted another
 * handler that interrupted a cancellable call, it arrives again when that
 * handler returns, with rip back in the window.
 */
static void on_sigcancel(int sig, siginfo_t *info, void *context)
{
	(void)sig;
	(void)info;
	struct pthread *self = pthread_self();
	struct handler_context *uc = context;
	if (!self->cancel_requested ||
	    self->cancel_state != PTHREAD_CANCEL_ENABLE)
		return;
	uc->sigmask |= SIGNAL_BIT(SIGCANCEL);
	if (self->cancel_type == PTHREAD_CANCEL_ASYNCHRONOUS) {
		syscall4(SYS_rt_sigprocmask, SIG_SETMASK, (long)&uc->sigmask, 0,
			 sizeof(uc->sigmask));
		cancel_act();
	}
	unsigned long rip = uc->mcontext[MCONTEXT_RIP];
	if (rip >= (unsigned long)cancel_syscall_begin &&
	    rip < (unsigned long)cancel_syscall_end) {
		uc->mcontext[MCONTEXT_RIP] =
			(unsigned long)cancel_syscall_cancelled;
		return;
	}
	syscall3(SYS_tgkill, syscall0(SYS_getpid), self->tid, SIGCANCEL);
}

/* SA_RESTART: a blocked call comes back to `syscall`, inside the window. */
static void install_handler(void)
{
	struct sigaction act = {.sa_flags = SA_SIGINFO | SA_RESTART};
	act.sa_sigaction = on_sigcancel;
	sigfillset(&act.sa_mask);
	sigaction_any(SIGCANCEL, &act, NULL);
}

/*
 * pthread_cancel - ask t to end at its next cancellation point.
 * Contract: 0 once asked (t acts when its state and type let it); ESRCH
 * when t has already ended. Cancelling oneself asynchronously ends at once.
 */
int pthread_cancel(pthread_t t)
{
	static pthread_once_t installed = PTHREAD_ONCE_INIT;
	pthread_once(&installed, install_handler);
	if (!__atomic_load_n(&t->tid, __ATOMIC_ACQUIRE))
		return ESRCH;
	__atomic_store_n(&t->cancel_requested, 1, __ATOMIC_SEQ_CST);
	if (t != pthread_self()) {
		/* The signal only wakes a thread asleep in a system call. One
		 * that saw the request at a cancellation point and ended before
		 * the signal went (its tid gone: ESRCH) was cancelled all the
		 * same, and the request was made: 0. */
		int r = pthread_kill(t, SIGCANCEL);
		return r == ESRCH ? 0 : r;
	}
	if (t->cancel_type == PTHREAD_CANCEL_ASYNCHRONOUS)
		pthread_testcancel();
	return 0;
}

void pthread_testcancel(void)
{
	struct pthread *self = pthread_self();
	if (self->cancel_requested &&
	    self->cancel_state == PTHREAD_CANCEL_ENABLE)
		cancel_act();
}

/* Enabling with the asynchronous type acts on a request already made. */
int pthread_setcancelstate(int state, int *old)
{
	if (state != PTHREAD_CANCEL_ENABLE && state != PTHREAD_CANCEL_DISABLE)
		return EINVAL;
	struct pthread *self = pthread_self();
	if (old)
		*old = self->cancel_state;
	self->cancel_state = state;
	if (self->cancel_type == PTHREAD_CANCEL_ASYNCHRONOUS)
		pthread_testcancel();
	return 0;
}

int pthread_setcanceltype(int type, int *old)
{
	if (type != PTHREAD_CANCEL_DEFERRED &&
	    type != PTHREAD_CANCEL_ASYNCHRONOUS)
		return EINVAL;
	struct pthread *self = pthread_self();
	if (old)
		*old = self->cancel_type;
	self->cancel_type = type;
	if (type == PTHREAD_CANCEL_ASYNCHRONOUS)
		pthread_testcancel();
	return 0;
}

/* Cleanup handlers run with cancellation disabled: one that reaches a
 * cancellation point carries on. */
_Noreturn void cancel_act(void)
{
	pthread_self()->cancel_state = PTHREAD_CANCEL_DISABLE;
	pthread_exit(PTHREAD_CANCELED);
}

int cancel_hold(void)
{
	struct pthread *self = pthread_self();
	int held = self->cancel_state;
	self->cancel_state = PTHREAD_CANCEL_DISABLE;
	return held;
}

void cancel_release(int held)
{
	pthread_self()->cancel_state = held;
}

/*
 * cancellable_syscall - system call n, as a cancellation point.
 * Contract: -ECANCELED when a request is to act, the call not made or cut
 * short; else the call's result. A call that the kernel ended with EINTR
 * rather than restarting (a timed wait, sigsuspend) had rip past the
 * window when SIGCANCEL's handler ran: the request is seen here.
 */
long cancellable_syscall(long n, long a1, long a2, long a3, long a4, long a5,
			 long a6)
{
	struct pthread *self = pthread_self();
	if (self->cancel_state != PTHREAD_CANCEL_ENABLE)
		return syscall6(n, a1, a2, a3, a4, a5, a6);
	long r = cancel_syscall_asm(&self->cancel_requested, n, a1, a2, a3, a4,
				    a5, a6);
	if (r == -EINTR && self->cancel_requested)
		return -ECANCELED;
	return r;
}

long syscall_cp(long n, long a1, long a2, long a3, long a4, long a5, long a6)
{
	long r = cancellable_syscall(n, a1, a2, a3, a4, a5, a6);
	if (r == -ECANCELED)
		cancel_act();
	return r;
}

/* Linked only once filled in: an asynchronous cancel may run the list
 * between any two instructions. */
void __pthread_cleanup_push(struct __pthread_cleanup *c,
			    void (*routine)(void *), void *arg)
{
	struct pthread *self = pthread_self();
	c->routine = routine;
	c->arg = arg;
	c->next = self->cleanup;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	self->cleanup = c;
}

void __pthread_cleanup_pop(struct __pthread_cleanup *c, int execute)
{
	pthread_self()->cleanup = c->next;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	if (execute)
		c->routine(c->arg);
}

void run_cleanup_handlers(struct pthread *self)
{
	struct __pthread_cleanup *c;
	while ((c = self->cleanup)) {
		self->cleanup = c->next;
		c->routine(c->arg);
	}
}
