/*
 * fork and clone: a new process with a copy of the caller's address
 * space and descriptor table, or (CLONE_THREAD) a new thread in the
 * caller's process. Either way the child starts with a copy of the
 * caller's user registers and returns 0 from the system call. See
 * proc_clone in proc.h.
 */
#include "arch/fpu.h"
#include "arch/trap.h"
#include "arch/uaccess.h"
#include "aspace/mm.h"
#include "base/kernel.h"
#include "entry/user_entry.h"
#include "freestanding/errno.h"
#include "freestanding/linux_abi.h"
#include "freestanding/string.h"
#include "fs/file.h"
#include "mm/kmalloc.h"
#include "proc/internal.h"
#include "proc/pid.h"
#include "proc/proc.h"
#include "sched/kthread.h"
#include "sched/sched.h"
#include "sched/trace.h"
#include "sync/spinlock.h"

/* arg: CLONE_CHILD_SETTID's word, or NULL. The child stores its tid
 * there itself, in its own address space and with an ordinary user copy,
 * as Linux does: a word the child may not write (read-only, unmapped) is
 * left alone and the child runs anyway. */
static void user_thread_start(void *arg)
{
	struct task *self = current();
	if (arg)
		(void)copy_to_user((uint64_t)arg, &self->tid,
				   sizeof(self->tid));
	enter_user(task_user_frame(self));
}

/* A task that will return to user mode where the caller's system call
 * returns, with rax = 0: the child side of fork and clone. set_child_tid:
 * see user_thread_start. */
static struct task *user_task_copy(uint64_t set_child_tid)
{
	struct task *self = current();
	struct task *t = task_create(self->name, user_thread_start,
				     (void *)set_child_tid);
	if (!t)
		return NULL;
	*task_user_frame(t) = *task_user_frame(self);
	task_user_frame(t)->rax = 0;
	/* The kernel never touches the FPU, so its registers are the
	 * user's, mid-computation: the child goes on from the same state. */
	fpu_save(&t->fpu);
	t->fs_base = self->fs_base;
	t->sig_blocked = self->sig_blocked;
	t->prio = self->prio;
	t->nice = self->nice;
	t->affinity = self->affinity;
	t->rt_policy = self->rt_policy;
	t->rt_prio = self->rt_prio;
	if (self->rt_reset_on_fork) { /* sched(7): SCHED_RESET_ON_FORK */
		t->rt_policy = SCHED_OTHER;
		t->rt_prio = 0;
		if (t->nice < 0) { /* and a raised nice: nice 0's level */
			t->nice = 0;
			t->prio = PRIO_DEFAULT;
		}
	}
	return t;
}

long proc_clone(const struct clone_args *a)
{
	struct task *self = current();
	bool thread = a->flags & CLONE_THREAD;
	if (proc_nproc_reached())
		return -EAGAIN;
	struct mm *mm = thread ? self->mm : mm_copy(self->mm);
	struct process *p =
		thread ? self->proc
		       : process_alloc(files_copy(self->proc->files));
	uint64_t set_child_tid = a->flags & CLONE_CHILD_SETTID ? a->ctid : 0;
	struct task *t = mm && p ? user_task_copy(set_child_tid) : NULL;
	if (!t) {
		if (!thread) {
			if (mm)
				mm_put(mm);
			if (p)
				files_put(p->files);
			kfree(p);
		}
		return -ENOMEM;
	}
	if (thread)
		mm_get(mm);
	t->mm = mm;
	if (a->stack)
		task_user_frame(t)->rsp = a->stack;
	if (a->flags & CLONE_SETTLS)
		t->fs_base = a->tls;
	if (a->flags & CLONE_CHILD_CLEARTID)
		t->clear_child_tid = a->ctid;
	int tid = t->tid;
	/* PARENT_SETTID writes in the parent's memory (the child writes its
	 * own CHILD_SETTID word). Linux ignores a fault here; so does
	 * Spindle. */
	if (a->flags & CLONE_PARENT_SETTID)
		copy_to_user(a->ptid, &tid, sizeof(tid));
	if (thread) {
		t->proc = p;
		spin_lock(&proc_lock);
		list_push_back(&p->threads, &t->proc_link);
		pid_add_thread(t);
		/* It dies on its way to user mode; an execve waits for it. */
		if (p->group_exiting || p->exec_task)
			atomic_store(&t->kill_signal, SIGKILL);
		signal_new_thread_locked(t);
		spin_unlock(&proc_lock);
	} else {
		spin_lock(&proc_lock);
		memcpy(p->sig_action, self->proc->sig_action,
		       sizeof(p->sig_action));
		spin_unlock(&proc_lock);
		t->sig_altstack_sp = self->sig_altstack_sp;
		t->sig_altstack_size = self->sig_altstack_size;
		process_attach(p, t, self->proc);
	}
	kthread_detach(t);
	trace_thread(t, p->pid);
	sched_start_task(t);
	return tid;
}
