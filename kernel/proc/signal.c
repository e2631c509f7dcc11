/*
 * Signals: sending, dispositions, masks, and choosing what to deliver.
 *
 * A signal is pending either for one thread (tgkill, tkill, a fault) in
 * its task's sig_pending, or for the whole process (kill, kill to a
 * group, Ctrl-C, SIGPIPE) in the process's; any thread that does not
 * block it may take a process-wide one. Standard signals do not queue: a
 * second SIGUSR1 while one is pending is the same pending SIGUSR1.
 *
 *   send_locked ---> pending bit + record ---> sig_wake of a thread that
 *                                              does not block it, wake_up
 *   return to user mode (entry/user_return.c):
 *     signal_dequeue -> the lowest pending unblocked signal:
 *        SIG_IGN / default "ignore": dropped
 *        SIG_DFL that kills:        the process ends here
 *        a handler:                 signal_setup_frame (signal_frame.c)
 *
 * sig_wake is the one bit the rest of the kernel looks at: it is true
 * exactly when the task has a pending signal it does not block (kept so
 * by recalc_locked after every change), and interruptible sleeps
 * (sched/waitq.h: task_signal_pending) end when it is.
 *
 * A signal whose action is to kill (SIG_DFL, not ignored by default)
 * kills at once when some thread does not block it, as Linux does: no
 * handler can run, so there is nothing to wait for.
 *
 * Init is protected, as on Linux: a signal sent to it that it has no
 * handler for is dropped (SIGKILL included), or, if init blocks it,
 * dropped when it is unblocked. Were init to die, the
 * machine would power off: a child's kill(1, SIGKILL) must not do that.
 * Init still dies of its own faults.
 *
 * Locking: proc_lock guards every action, mask, pending set and record.
 */
#include "arch/time.h"
#include "base/kernel.h"
#include "dev/tty.h"
#include "freestanding/errno.h"
#include "freestanding/string.h"
#include "fs/pipe.h"
#include "proc/internal.h"
#include "proc/pid.h"
#include "proc/proc.h"
#include "sched/sched.h"
#include "sched/timer.h"
#include "sched/waitq.h"
#include "sync/spinlock.h"

#define UNBLOCKABLE (SIGNAL_BIT(SIGKILL) | SIGNAL_BIT(SIGSTOP))
#define FOREVER_NS (1ull << 62) /* a timeout this long never ends */

/* Sleepers in rt_sigsuspend and rt_sigtimedwait: woken one by one
 * (wake_up), the queue only gives them a name in `tasks`. */
static struct waitq signal_waiters = WAITQ_INIT(signal_waiters, "signal");

static bool valid_signal(int sig)
{
	return sig >= 1 && sig <= 64;
}

static bool has_handler(const struct k_sigaction *ka)
{
	return ka->handler != SIG_DFL_HANDLER && ka->handler != SIG_IGN_HANDLER;
}

/* Would sig be dropped on arrival (SIG_IGN, or SIG_DFL doing nothing)? */
static bool ignored_locked(struct process *p, int sig)
{
	const struct k_sigaction *ka = &p->sig_action[sig - 1];
	return ka->handler == SIG_IGN_HANDLER ||
	       (ka->handler == SIG_DFL_HANDLER &&
		(SIGNALS_DEFAULT_IGNORED & SIGNAL_BIT(sig)));
}

/* Makes t's sig_wake say whether it has a signal to act on, and wakes it
 * if so (an interruptible sleep ends; any other absorbs the wake-up).
 * proc_lock held. */
static void recalc_locked(struct task *t)
{
	uint64_t ready =
		(t->sig_pending | t->proc->sig_pending) & ~t->sig_blocked;
	atomic_store(&t->sig_wake, ready != 0);
	if (ready)
		wake_up(t);
}

static void recalc_all_locked(struct process *p)
{
	list_for_each(node, &p->threads) {
		recalc_locked(list_entry(node, struct task, proc_link));
	}
}

/*
 * Sends sig to process p, or to its thread t (t != NULL). proc_lock held.
 */
static void send_locked(struct process *p, struct task *t, int sig,
			struct signal_record rec)
{
	if (sig == 0 || p->zombie || p->group_exiting)
		return;
	uint64_t bit = SIGNAL_BIT(sig);
	const struct k_sigaction *ka = &p->sig_action[sig - 1];
	bool someone_takes_it = t && !(t->sig_blocked & bit);
	list_for_each(node, &p->threads) {
		struct task *u = list_entry(node, struct task, proc_link);
		someone_takes_it |= !t && !(u->sig_blocked & bit);
	}
	/* A blocked signal is kept whatever its action now: the action may
	 * change before it is unblocked (and rt_sigtimedwait may take it). */
	if (someone_takes_it && p == init_process && !has_handler(ka))
		return;
	if (sig == SIGKILL) {
		if (p != init_process)
			kill_threads_locked(p, SIGKILL);
		return;
	}
	if (someone_takes_it && ignored_locked(p, sig))
		return;
	if (someone_takes_it && ka->handler == SIG_DFL_HANDLER) {
		kill_threads_locked(p, sig);
		return;
	}
	uint64_t *pending = t ? &t->sig_pending : &p->sig_pending;
	struct signal_record *info = t ? t->sig_info : p->sig_info;
	if (!(*pending & bit))
		info[sig - 1] = rec;
	*pending |= bit;
	if (t) {
		recalc_locked(t);
		return;
	}
	/* One thread that does not block it: it need not wake them all. */
	list_for_each(node, &p->threads) {
		struct task *u = list_entry(node, struct task, proc_link);
		if (!(u->sig_blocked & bit)) {
			recalc_locked(u);
			return;
		}
	}
}

/* The record a signal from the calling context carries. */
static struct signal_record sender_record(int code)
{
	struct process *self = current_process();
	return (struct signal_record){.code = self ? code : SI_KERNEL,
				      .pid = self ? self->pid : 0};
}

int proc_kill_thread(int tgid, int tid, int sig)
{
	if (sig < 0 || sig > 64)
		return -EINVAL;
	struct signal_record rec = sender_record(SI_TKILL);
	spin_lock(&proc_lock);
	struct task *t = pid_find_thread(tid);
	if (t && tgid > 0 && t->proc->pid != tgid)
		t = NULL;
	if (t)
		send_locked(t->proc, t, sig, rec);
	spin_unlock(&proc_lock);
	return t ? 0 : -ESRCH;
}

/* A loop over the pid table's list, not the tree: the tree's depth is
 * the user's to choose, the kernel stack's is not. */
static int kill_pgrp_with(int pgrp, int sig, struct signal_record rec)
{
	if (sig < 0 || sig > 64 || pgrp <= 0)
		return -EINVAL;
	bool found = false;
	spin_lock(&proc_lock);
	for (struct process *p = pid_first_process(); p;
	     p = pid_next_process(p)) {
		if (p->pgid == pgrp) {
			found = true;
			send_locked(p, NULL, sig, rec);
		}
	}
	spin_unlock(&proc_lock);
	return found ? 0 : -ESRCH;
}

int proc_kill_pgrp(int pgrp, int sig)
{
	return kill_pgrp_with(pgrp, sig, sender_record(SI_USER));
}

int proc_kill(int pid, int sig)
{
	if (sig < 0 || sig > 64)
		return -EINVAL;
	struct signal_record rec = sender_record(SI_USER);
	spin_lock(&proc_lock);
	struct process *p = pid_find_process(pid);
	int r = !p || p->zombie ? -ESRCH : 0;
	if (!r) /* signal 0 only asks whether the process exists */
		send_locked(p, NULL, sig, rec);
	spin_unlock(&proc_lock);
	return r;
}

void signal_send_process(struct process *p, int sig)
{
	struct signal_record rec = {.code = SI_KERNEL};
	spin_lock(&proc_lock);
	send_locked(p, NULL, sig, rec);
	spin_unlock(&proc_lock);
}

bool proc_fault_signal(int sig, int code, uint64_t addr)
{
	struct task *t = current();
	struct process *p = t->proc;
	uint64_t bit = SIGNAL_BIT(sig);
	spin_lock(&proc_lock);
	bool handled =
		has_handler(&p->sig_action[sig - 1]) && !(t->sig_blocked & bit);
	if (handled) {
		t->sig_info[sig - 1] = (struct signal_record){
			.code = code, .pid = 0, .addr = addr};
		t->sig_pending |= bit;
		recalc_locked(t);
	}
	spin_unlock(&proc_lock);
	return handled;
}

int proc_sigaction(int sig, const struct k_sigaction *act,
		   struct k_sigaction *old)
{
	if (!valid_signal(sig))
		return -EINVAL;
	if (act && (sig == SIGKILL || sig == SIGSTOP))
		return -EINVAL;
	struct process *p = current_process();
	uint64_t bit = SIGNAL_BIT(sig);
	spin_lock(&proc_lock);
	if (old)
		*old = p->sig_action[sig - 1];
	if (act) {
		p->sig_action[sig - 1] = *act;
		p->sig_action[sig - 1].mask &= ~UNBLOCKABLE;
		/* POSIX: setting "ignore" discards what is pending. */
		if (ignored_locked(p, sig)) {
			p->sig_pending &= ~bit;
			list_for_each(node, &p->threads) {
				struct task *t = list_entry(node, struct task,
							    proc_link);
				t->sig_pending &= ~bit;
			}
			recalc_all_locked(p);
		}
	}
	spin_unlock(&proc_lock);
	return 0;
}

/* Sets the calling thread's mask. proc_lock held. */
static void set_blocked_locked(struct task *t, uint64_t blocked)
{
	t->sig_blocked = blocked & ~UNBLOCKABLE;
	recalc_locked(t);
}

int proc_sigprocmask(int how, const uint64_t *set, uint64_t *old)
{
	struct task *t = current();
	if (set && how != SIG_BLOCK && how != SIG_UNBLOCK && how != SIG_SETMASK)
		return -EINVAL;
	spin_lock(&proc_lock);
	*old = t->sig_blocked;
	if (set)
		set_blocked_locked(t, how == SIG_BLOCK	   ? *old | *set
				      : how == SIG_UNBLOCK ? *old & ~*set
							   : *set);
	spin_unlock(&proc_lock);
	return 0;
}

uint64_t proc_sigpending(void)
{
	struct task *t = current();
	spin_lock(&proc_lock);
	uint64_t pending =
		(t->sig_pending | t->proc->sig_pending) & t->sig_blocked;
	spin_unlock(&proc_lock);
	return pending;
}

/* Takes the lowest signal of `from` pending for t or its process, with
 * its record; 0 if none. proc_lock held. */
static int take_locked(struct task *t, uint64_t from, struct signal_record *rec)
{
	struct process *p = t->proc;
	uint64_t mine = t->sig_pending & from, ours = p->sig_pending & from;
	if (!(mine | ours))
		return 0;
	int sig = __builtin_ctzll(mine | ours) + 1;
	uint64_t bit = SIGNAL_BIT(sig);
	if (mine & bit) {
		*rec = t->sig_info[sig - 1];
		t->sig_pending &= ~bit;
		recalc_locked(t);
	} else {
		*rec = p->sig_info[sig - 1];
		p->sig_pending &= ~bit;
		recalc_all_locked(p);
	}
	return sig;
}

int signal_dequeue(struct k_sigaction *ka, struct signal_record *rec)
{
	struct task *t = current();
	struct process *p = t->proc;
	spin_lock(&proc_lock);
	for (;;) {
		int sig = take_locked(t, ~t->sig_blocked, rec);
		if (!sig) {
			if (t->sig_restore_mask) {
				t->sig_restore_mask = false;
				set_blocked_locked(t, t->sig_saved_mask);
			}
			spin_unlock(&proc_lock);
			return 0;
		}
		if (ignored_locked(p, sig) ||
		    (p == init_process &&
		     !has_handler(&p->sig_action[sig - 1])))
			continue;
		*ka = p->sig_action[sig - 1];
		if (ka->handler == SIG_DFL_HANDLER) {
			spin_unlock(&proc_lock);
			proc_exit_group(WAIT_SIGNALED(sig));
		}
		if (ka->flags & SA_RESETHAND)
			p->sig_action[sig - 1] = (struct k_sigaction){0};
		spin_unlock(&proc_lock);
		return sig;
	}
}

uint64_t signal_mask_for_frame(void)
{
	struct task *t = current();
	return t->sig_restore_mask ? t->sig_saved_mask : t->sig_blocked;
}

void signal_block_for_handler(int sig, const struct k_sigaction *ka)
{
	struct task *t = current();
	uint64_t add =
		ka->mask | (ka->flags & SA_NODEFER ? 0 : SIGNAL_BIT(sig));
	spin_lock(&proc_lock);
	if (t->sig_restore_mask) {
		t->sig_restore_mask = false;
		t->sig_blocked = t->sig_saved_mask;
	}
	set_blocked_locked(t, t->sig_blocked | add);
	spin_unlock(&proc_lock);
}

void signal_set_blocked(uint64_t blocked)
{
	spin_lock(&proc_lock);
	set_blocked_locked(current(), blocked);
	spin_unlock(&proc_lock);
}

void proc_sigmask_for_wait(uint64_t mask)
{
	struct task *t = current();
	spin_lock(&proc_lock);
	t->sig_saved_mask = t->sig_blocked;
	t->sig_restore_mask = true;
	set_blocked_locked(t, mask);
	spin_unlock(&proc_lock);
}

void proc_sigmask_after_wait(long r)
{
	struct task *t = current();
	if (r == -ERESTARTNOHAND)
		return;
	spin_lock(&proc_lock);
	if (t->sig_restore_mask) {
		t->sig_restore_mask = false;
		set_blocked_locked(t, t->sig_saved_mask);
	}
	spin_unlock(&proc_lock);
}

long proc_sigsuspend(uint64_t mask)
{
	proc_sigmask_for_wait(mask);
	wait_event(&signal_waiters, task_signal_pending(current()));
	return -ERESTARTNOHAND;
}

/* Like Linux, rt_sigtimedwait unblocks the signals of set while it
 * waits, so that their arrival wakes it like any other; it takes one
 * before the return to user mode could deliver it. */
long proc_sigtimedwait(uint64_t set, struct signal_record *rec, int *signo,
		       uint64_t timeout_ns)
{
	struct task *t = current();
	set &= ~UNBLOCKABLE;
	if (timeout_ns > FOREVER_NS) /* a deadline that would overflow */
		timeout_ns = UINT64_MAX;
	spin_lock(&proc_lock);
	uint64_t saved = t->sig_blocked;
	int sig = take_locked(t, set, rec);
	if (!sig && timeout_ns) {
		set_blocked_locked(t, saved & ~set);
		spin_unlock(&proc_lock);
		if (timeout_ns == UINT64_MAX)
			wait_event(&signal_waiters, task_signal_pending(t));
		else
			(void)wait_event_timeout(&signal_waiters,
						 task_signal_pending(t),
						 timeout_ns);
		spin_lock(&proc_lock);
		sig = take_locked(t, set, rec);
		set_blocked_locked(t, saved);
	}
	bool interrupted = !sig && atomic_load(&t->sig_wake);
	spin_unlock(&proc_lock);
	*signo = sig;
	return sig ? sig : interrupted ? -EINTR : -EAGAIN;
}

void signal_exec_reset(struct process *p)
{
	spin_lock(&proc_lock);
	for (int i = 0; i < 64; i++)
		if (p->sig_action[i].handler != SIG_IGN_HANDLER)
			p->sig_action[i] = (struct k_sigaction){0};
	spin_unlock(&proc_lock);
	struct task *t = current();
	t->sig_altstack_sp = t->sig_altstack_size = 0;
}

/* Ctrl-C on the console: sig to every process in the group, from the
 * kernel (whatever task the keyboard interrupted is not the sender). */
static void kill_pgrp(int pgrp, int sig)
{
	kill_pgrp_with(pgrp, sig, (struct signal_record){.code = SI_KERNEL});
}

/* A write to a pipe without readers: SIGPIPE to the writing thread, with
 * si_code SI_USER and its own pid, as Linux sends it. */
static void raise_sigpipe(void)
{
	struct task *t = current();
	struct signal_record rec = sender_record(SI_USER);
	spin_lock(&proc_lock);
	send_locked(t->proc, t, SIGPIPE, rec);
	spin_unlock(&proc_lock);
}

void signal_new_thread_locked(struct task *t)
{
	recalc_locked(t);
}

void signal_thread_gone_locked(struct process *p)
{
	/* Only a signal pending for the whole process may now have to go to
	 * another thread; with none (nearly always) nothing changes for the
	 * others, and walking every thread at every exit made 10,000 threads
	 * exiting together cost 10,000² steps under proc_lock. */
	if (p->sig_pending)
		recalc_all_locked(p);
}

void signal_init(void)
{
	pipe_set_sigpipe_hook(raise_sigpipe);
	tty_set_interrupt_hook(kill_pgrp);
}
