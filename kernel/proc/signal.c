/*
 * Signals, as far as Spindle has them. There are no handlers yet, so a
 * signal is ignored, kept pending while every thread blocks it, or ends
 * the process (deliver_locked). Here: kill and tgkill, process groups
 * (kill(-pgrp), setpgid, Ctrl-C on the console), sigaction's SIG_IGN
 * and SIG_DFL, sigprocmask, and SIGPIPE for a write to a closed pipe.
 */
#include "base/kernel.h"
#include "dev/tty.h"
#include "freestanding/errno.h"
#include "fs/pipe.h"
#include "proc/internal.h"
#include "proc/pid.h"
#include "proc/proc.h"
#include "sched/sched.h"
#include "sync/spinlock.h"

/* The process with a thread tid (in process tgid, if tgid > 0), or NULL.
 * proc_lock held. */
static struct process *find_thread_owner_locked(int tgid, int tid)
{
	struct task *t = pid_find_thread(tid);
	if (!t || (tgid > 0 && t->proc->pid != tgid))
		return NULL;
	return t->proc;
}

/*
 * Delivers sig to process p. Signal handlers do not exist (yet), so a
 * signal is ignored (SIG_IGN, or a default action of "ignore"), kept
 * pending (every thread blocks it: delivered when one unblocks it), or
 * ends the process (every other default action). proc_lock held.
 *
 * Init is protected, as on Linux: a signal sent to it by a process
 * (SIGKILL included) is dropped unless init installed a handler for it,
 * and Spindle has no handlers yet, so every one is. Were init to die,
 * the machine would power off: a child's kill(1, SIGKILL) must not do
 * that. Init still dies of its own faults (user_fault ends it directly,
 * not through here).
 */
static void deliver_locked(struct process *p, int sig)
{
	if (sig == 0 || p->zombie || p->group_exiting || p == init_process)
		return;
	uint64_t bit = SIGNAL_BIT(sig);
	if (sig != SIGKILL) {
		if ((p->sig_ignored & bit) || (SIGNALS_DEFAULT_IGNORED & bit))
			return;
		bool all_block = true;
		list_for_each(node, &p->threads) {
			struct task *t =
				list_entry(node, struct task, proc_link);
			all_block &= (t->sig_blocked & bit) != 0;
		}
		if (all_block) {
			p->sig_pending |= bit;
			return;
		}
	}
	kill_threads_locked(p, sig);
}

int proc_kill_thread(int tgid, int tid, int sig)
{
	if (sig < 0 || sig > 64)
		return -EINVAL;
	spin_lock(&proc_lock);
	struct process *p = find_thread_owner_locked(tgid, tid);
	/* With no handlers, a signal to one thread acts on its process. */
	if (p)
		deliver_locked(p, sig);
	spin_unlock(&proc_lock);
	return p ? 0 : -ESRCH;
}

/* A loop over the pid table's list, not the tree: the tree's depth is
 * the user's to choose, the kernel stack's is not. */
int proc_kill_pgrp(int pgrp, int sig)
{
	if (sig < 0 || sig > 64 || pgrp <= 0)
		return -EINVAL;
	bool found = false;
	spin_lock(&proc_lock);
	for (struct process *p = pid_first_process(); p;
	     p = pid_next_process(p)) {
		if (p->pgid == pgrp) {
			found = true;
			deliver_locked(p, sig);
		}
	}
	spin_unlock(&proc_lock);
	return found ? 0 : -ESRCH;
}

int proc_sigaction(int sig, bool ignore, bool set, bool *was_ignored)
{
	if (sig < 1 || sig > 64)
		return -EINVAL;
	struct process *p = current_process();
	uint64_t bit = SIGNAL_BIT(sig);
	spin_lock(&proc_lock);
	*was_ignored = p->sig_ignored & bit;
	int r = 0;
	if (set && (sig == SIGKILL || sig == 19 /* SIGSTOP */))
		r = -EINVAL;
	else if (set && ignore)
		p->sig_ignored |= bit, p->sig_pending &= ~bit;
	else if (set)
		p->sig_ignored &= ~bit;
	spin_unlock(&proc_lock);
	return r;
}

void proc_set_sigmask(uint64_t blocked)
{
	struct task *t = current();
	struct process *p = t->proc;
	spin_lock(&proc_lock);
	t->sig_blocked = blocked & ~(SIGNAL_BIT(SIGKILL) | SIGNAL_BIT(SIGSTOP));
	uint64_t now = p->sig_pending & ~t->sig_blocked;
	p->sig_pending &= ~now;
	for (int sig = 1; now; sig++, now >>= 1)
		if (now & 1)
			deliver_locked(p, sig);
	spin_unlock(&proc_lock);
}

int proc_setpgid(int pid, int pgid)
{
	struct process *self = current_process();
	if (pgid < 0)
		return -EINVAL;
	spin_lock(&proc_lock);
	struct process *p = pid ? pid_find_process(pid) : self;
	int r = 0;
	if (!p || (p != self && p->parent != self))
		r = -ESRCH;
	else
		p->pgid = pgid ? pgid : p->pid;
	spin_unlock(&proc_lock);
	return r;
}

int proc_getpgid(int pid)
{
	spin_lock(&proc_lock);
	struct process *p = pid ? pid_find_process(pid) : current_process();
	int r = p ? p->pgid : -ESRCH;
	spin_unlock(&proc_lock);
	return r;
}

int proc_getsid(int pid)
{
	spin_lock(&proc_lock);
	bool found = pid == 0 || pid_find_process(pid);
	spin_unlock(&proc_lock);
	return found ? 1 : -ESRCH;
}

int proc_kill(int pid, int sig)
{
	if (sig < 0 || sig > 64)
		return -EINVAL;
	spin_lock(&proc_lock);
	struct process *p = pid_find_process(pid);
	int r = !p || p->zombie ? -ESRCH : 0;
	if (!r) /* signal 0 only asks whether the process exists */
		deliver_locked(p, sig);
	spin_unlock(&proc_lock);
	return r;
}

/* Ctrl-C on the console: sig to every process in the group. */
static void kill_pgrp(int pgrp, int sig)
{
	proc_kill_pgrp(pgrp, sig);
}

static void raise_sigpipe(void)
{
	proc_kill_thread(0, current()->tid, 13 /* SIGPIPE */);
}

void signal_init(void)
{
	pipe_set_sigpipe_hook(raise_sigpipe);
	tty_set_interrupt_hook(kill_pgrp);
}
