/*
 * Processes: their lifecycle. A process is allocated and attached to its
 * first task (by clone.c for fork, by init.c for pid 1); its threads end
 * one by one or all at once (exit_group, a kill); the last one out makes
 * it a zombie, and its parent reaps it with wait4. Also the helpers the
 * rest of the process layer shares, what /proc shows, and proc_init.
 * exec, clone, signals and init have their own files here; internal.h is
 * what they share. See proc.h.
 */
#include "proc/proc.h"
#include "arch/trap.h"
#include "arch/uaccess.h"
#include "aspace/mm.h"
#include "base/kernel.h"
#include "freestanding/errno.h"
#include "freestanding/string.h"
#include "fs/file.h"
#include "futex/futex.h"
#include "mm/kmalloc.h"
#include "proc/internal.h"
#include "proc/pid.h"
#include "proc/procfs.h"
#include "sched/kthread.h"
#include "sched/sched.h"
#include "sync/spinlock.h"

struct spinlock proc_lock = SPINLOCK_INIT("proc");
struct process *init_process;

struct trap_frame *task_user_frame(struct task *t)
{
	return (struct trap_frame *)t->kstack_top - 1;
}

struct process *current_process(void)
{
	return current()->proc;
}

int proc_on_thread(int tid, int (*fn)(struct task *t, void *arg), void *arg)
{
	struct task *self = current();
	if (tid == 0 || tid == self->tid)
		return fn(self, arg); /* may sleep: no lock held */
	spin_lock(&proc_lock);
	struct task *found = pid_find_thread(tid);
	int r = found ? fn(found, arg) : -ESRCH;
	spin_unlock(&proc_lock);
	return r;
}

/* A process (not yet attached to a task); files: its descriptor table,
 * which it now owns. NULL if out of memory (files is then released). */
struct process *process_alloc(struct files *files)
{
	struct process *p = files ? kzalloc(sizeof(*p)) : NULL;
	if (!p) {
		if (files)
			files_put(files);
		return NULL;
	}
	p->files = files;
	strlcpy(p->cwd, "/", sizeof(p->cwd));
	list_init(&p->children);
	list_init(&p->threads);
	list_node_init(&p->sibling);
	list_node_init(&p->pid_link);
	list_node_init(&p->all_link);
	list_node_init(&p->itimer.link);
	waitq_init(&p->child_exit, "wait4");
	waitq_init(&p->thread_exit, "execve");
	return p;
}

void process_attach(struct process *p, struct task *t, struct process *parent)
{
	p->pid = t->tid;
	p->pgid = parent ? parent->pgid : p->pid;
	if (parent)
		strlcpy(p->cwd, parent->cwd, sizeof(p->cwd));
	strlcpy(p->name, t->name, sizeof(p->name));
	t->proc = p;
	spin_lock(&proc_lock);
	rlimit_inherit(p, parent);
	p->parent = parent;
	list_push_back(&p->threads, &t->proc_link);
	pid_add_process(p);
	pid_add_thread(t);
	if (parent)
		list_push_back(&parent->children, &p->sibling);
	spin_unlock(&proc_lock);
}

/* --- exit and wait ------------------------------------------------------ */

/* The process is over: it becomes a zombie for its parent to reap, and
 * its children go to init. */
static void process_exit(struct process *p, int status)
{
	if (p == init_process)
		report_init_exit(status);
	itimer_exit(p);
	/* Close its files now, not when it is reaped: a pipe's reader must
	 * see end-of-file as soon as the writer is gone. */
	spin_lock(&proc_lock);
	struct files *files = p->files;
	p->files = NULL; /* under proc_lock: setrlimit may be looking */
	spin_unlock(&proc_lock);
	files_put(files);
	spin_lock(&proc_lock);
	p->wait_status = status;
	while (!list_empty(&p->children)) {
		struct process *c = list_entry(list_pop_front(&p->children),
					       struct process, sibling);
		c->parent = init_process;
		list_push_back(&init_process->children, &c->sibling);
	}
	struct process *parent = p->parent;
	p->zombie = true;
	spin_unlock(&proc_lock);
	if (parent) {
		waitq_wake_all(&parent->child_exit);
		/* Orphaned zombies are init's to reap now. */
		if (parent != init_process)
			waitq_wake_all(&init_process->child_exit);
	}
}

_Noreturn void proc_exit_thread(int status)
{
	struct task *t = current();
	struct process *p = t->proc;
	/* CLONE_CHILD_CLEARTID: how pthread_join learns a thread is gone.
	 * A shared wake, as Linux's: joiners wait without
	 * FUTEX_PRIVATE_FLAG. A bad address is ignored, as Linux does. */
	if (t->clear_child_tid) {
		/* LAB futex: begin */
		uint32_t zero = 0;
		if (copy_to_user(t->clear_child_tid, &zero, sizeof(zero)) == 0)
			futex_wake(t->clear_child_tid, 1,
				   FUTEX_BITSET_MATCH_ANY, true);
		/* LAB futex: end */
	}
	struct mm *mm = t->mm;
	preempt_disable();
	t->mm = NULL;
	mm_switch(NULL);
	preempt_enable();
	if (mm)
		mm_put(mm);

	spin_lock(&proc_lock);
	list_remove(&t->proc_link);
	pid_remove_thread(t);
	bool last = list_empty(&p->threads);
	if (!last)
		signal_thread_gone_locked(p);
	if (p->group_exiting)
		status = p->group_status;
	spin_unlock(&proc_lock);
	t->proc = NULL;
	if (last)
		process_exit(p, status);
	else
		waitq_wake_all(&p->thread_exit); /* an execve may wait */
	kthread_exit(status);
}

/* Asks every thread of p to die with sig (sig = 0: the group is already
 * exiting, the status is set). Threads asleep in the kernel are woken:
 * their waits give up when a kill is pending. proc_lock held.
 *
 * Each also gets the highest priority. A killed task dies only when it
 * runs (on its way back to user mode), and under strict priorities a
 * nice-19 task behind a busy nice-0 one could wait for a CPU for ever,
 * holding its memory and keeping its parent in wait4. (Linux's fair
 * scheduler starves no one, so there a kill always acts soon.) */
void kill_thread_locked(struct task *t, int sig)
{
	int none = 0;
	atomic_compare_exchange_strong(&t->kill_signal, &none, sig);
	sched_set_priority(t, 0);
	wake_up(t);
}

void kill_threads_locked(struct process *p, int sig)
{
	list_for_each(node, &p->threads) {
		kill_thread_locked(list_entry(node, struct task, proc_link),
				   sig);
	}
}

_Noreturn void proc_exit_group(int status)
{
	struct process *p = current_process();
	spin_lock(&proc_lock);
	if (p->exec_task && p->exec_task != current()) {
		/* Killed by another thread's execve (or exit_group racing
		 * with one, as Linux decides it): only this thread ends. */
		spin_unlock(&proc_lock);
		proc_exit_thread(status);
	}
	if (!p->group_exiting) {
		p->group_exiting = true;
		p->group_status = status;
	}
	kill_threads_locked(p, SIGKILL);
	spin_unlock(&proc_lock);
	proc_exit_thread(status);
}

/* A zombie child matching pid, or NULL; *any_child says if any child
 * matches at all. proc_lock held. */
static struct process *find_zombie(struct process *self, int pid,
				   bool *any_child)
{
	*any_child = false;
	list_for_each(node, &self->children) {
		struct process *c = list_entry(node, struct process, sibling);
		if (pid > 0 && c->pid != pid)
			continue;
		*any_child = true;
		if (c->zombie)
			return c;
	}
	return NULL;
}

int proc_wait(int pid, int *status, bool nohang)
{
	struct process *self = current_process();
	struct process *z = NULL;
	bool any = false;
	for (;;) {
		waitq_prepare(&self->child_exit);
		spin_lock(&proc_lock);
		z = find_zombie(self, pid, &any);
		if (z) {
			list_remove(&z->sibling);
			pid_remove_process(z); /* its pid is gone for good */
		}
		spin_unlock(&proc_lock);
		if (z || !any || nohang || task_signal_pending(current()))
			break;
		schedule();
	}
	waitq_finish(&self->child_exit);
	if (!z && any && !nohang)
		return -ERESTARTSYS;
	if (!z)
		return any ? 0 : -ECHILD;
	int zpid = z->pid;
	*status = z->wait_status;
	kfree(z);
	return zpid;
}

/* --- what /proc shows --------------------------------------------------- */

int proc_info(int pid, struct proc_info *out)
{
	spin_lock(&proc_lock);
	struct process *p = pid_find_process(pid);
	if (p) {
		*out = (struct proc_info){
			.pid = p->pid,
			.ppid = p->parent ? p->parent->pid : 0,
			.pgid = p->pgid,
			.state = p->zombie ? 'Z' : 'S',
		};
		strlcpy(out->name, p->name, sizeof(out->name));
		list_for_each(node, &p->threads) {
			struct task *t =
				list_entry(node, struct task, proc_link);
			out->threads++;
			out->utime_ticks += t->runtime_ns / 10000000;
			if (t->state == TASK_RUNNING ||
			    t->state == TASK_RUNNABLE)
				out->state = 'R';
			if (t->mm) {
				out->rss_pages = t->mm->resident;
				out->vsize = t->mm->mapped;
			}
		}
	}
	spin_unlock(&proc_lock);
	return p ? 0 : -ESRCH;
}

int proc_nth_pid(int n)
{
	spin_lock(&proc_lock);
	struct process *p = pid_first_process();
	while (p && n-- > 0)
		p = pid_next_process(p);
	int pid = p ? p->pid : -1;
	spin_unlock(&proc_lock);
	return pid;
}

void proc_init(void)
{
	pid_init();
	signal_init();
	procfs_init();
}
