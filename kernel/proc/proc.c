/*
 * Processes: starting init, exec, exit, wait, and what happens when a user
 * program faults. See proc.h.
 */
#include "proc/proc.h"
#include "arch/cpu.h"
#include "arch/gdt.h"
#include "arch/percpu.h"
#include "arch/power.h"
#include "arch/time.h"
#include "arch/trap.h"
#include "arch/uaccess.h"
#include "aspace/mm.h"
#include "base/kernel.h"
#include "dev/tty.h"
#include "entry/user_entry.h"
#include "freestanding/errno.h"
#include "freestanding/string.h"
#include "fs/file.h"
#include "fs/initrd.h"
#include "fs/pipe.h"
#include "fs/vfs.h"
#include "futex/futex.h"
#include "mm/kmalloc.h"
#include "mm/kstack.h"
#include "proc/elf.h"
#include "proc/procfs.h"
#include "sched/kthread.h"
#include "sched/sched.h"
#include "sync/spinlock.h"

#define S_IFMT 0170000
#define S_IFREG 0100000
#define USER_RFLAGS 0x202 /* IF, and the always-one bit 1 */
#define MXCSR_DEFAULT 0x1f80
#define FCW_DEFAULT 0x37f

static struct spinlock proc_lock = SPINLOCK_INIT("proc");
static struct process *init_process;

struct trap_frame *task_user_frame(struct task *t)
{
	return (struct trap_frame *)t->kstack_top - 1;
}

struct process *current_process(void)
{
	return current()->proc;
}

/* A process (not yet attached to a task); files: its descriptor table,
 * which it now owns. NULL if out of memory (files is then released). */
static struct process *process_alloc(struct files *files)
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
	waitq_init(&p->child_exit, "wait4");
	return p;
}

static void process_attach(struct process *p, struct task *t,
			   struct process *parent)
{
	p->pid = t->tid;
	p->pgid = parent ? parent->pgid : p->pid;
	if (parent)
		strlcpy(p->cwd, parent->cwd, sizeof(p->cwd));
	strlcpy(p->name, t->name, sizeof(p->name));
	t->proc = p;
	spin_lock(&proc_lock);
	p->parent = parent;
	list_push_back(&p->threads, &t->proc_link);
	if (parent)
		list_push_back(&parent->children, &p->sibling);
	spin_unlock(&proc_lock);
}

/* --- exec ------------------------------------------------------------- */

/* Lays out the initial stack as Linux does, top down:
 *
 *   USER_TOP ->  16 random bytes (AT_RANDOM), the file name (AT_EXECFN),
 *                the argument and environment strings
 *                padding to 16 bytes
 *                auxv: (type, value) pairs, AT_NULL last
 *                envp[0] ... NULL
 *                argv[0] ... NULL
 *   rsp      ->  argc
 */
enum {
	AT_NULL = 0,
	AT_PHDR = 3,
	AT_PHENT = 4,
	AT_PHNUM = 5,
	AT_PAGESZ = 6,
	AT_BASE = 7,
	AT_ENTRY = 9,
	AT_UID = 11,
	AT_EUID = 12,
	AT_GID = 13,
	AT_EGID = 14,
	AT_HWCAP = 16,
	AT_CLKTCK = 17,
	AT_SECURE = 23,
	AT_RANDOM = 25,
	AT_EXECFN = 31,
};
#define AUXV_PAIRS 16

static int build_stack(struct mm *mm, const struct elf_image *img,
		       const char *path, const char *args, size_t args_len,
		       int argc, int envc, uint64_t *rsp_out)
{
	uint64_t sp = USER_TOP;
	uint64_t rnd[2] = {random_u64(), random_u64()};
	sp -= sizeof(rnd);
	uint64_t at_random = sp;
	size_t path_len = strlen(path) + 1;
	sp -= path_len;
	uint64_t at_execfn = sp;
	sp -= args_len;
	uint64_t strings = sp;
	sp = ALIGN_DOWN(sp, 16);

	size_t nptr = 1 + (size_t)argc + 1 + (size_t)envc + 1 + 2 * AUXV_PAIRS;
	uint64_t *v = kmalloc(nptr * sizeof(uint64_t));
	if (!v)
		return -ENOMEM;
	size_t i = 0;
	v[i++] = (uint64_t)argc;
	const char *s = args;
	for (int n = 0; n < argc + envc; n++) {
		if (n == argc)
			v[i++] = 0; /* end of argv */
		v[i++] = strings + (uint64_t)(s - args);
		s += strlen(s) + 1;
	}
	if (envc == 0)
		v[i++] = 0;
	v[i++] = 0; /* end of envp */
	uint64_t auxv[][2] = {
		{AT_PHDR, img->phdr},
		{AT_PHENT, img->phentsize},
		{AT_PHNUM, img->phnum},
		{AT_PAGESZ, PAGE_SIZE},
		{AT_BASE, 0},
		{AT_ENTRY, img->entry},
		{AT_UID, 0},
		{AT_EUID, 0},
		{AT_GID, 0},
		{AT_EGID, 0},
		{AT_HWCAP, cpuid(1, 0).edx},
		{AT_CLKTCK, 100},
		{AT_SECURE, 0},
		{AT_RANDOM, at_random},
		{AT_EXECFN, at_execfn},
		{AT_NULL, 0},
	};
	_Static_assert(ARRAY_SIZE(auxv) == AUXV_PAIRS, "auxv");
	memcpy(&v[i], auxv, sizeof(auxv));
	i += 2 * AUXV_PAIRS;
	sp = ALIGN_DOWN(sp - i * sizeof(uint64_t), 16);
	int r = mm_write(mm, sp, v, i * sizeof(uint64_t));
	if (!r)
		r = mm_write(mm, strings, args, args_len);
	if (!r)
		r = mm_write(mm, at_execfn, path, path_len);
	if (!r)
		r = mm_write(mm, at_random, rnd, sizeof(rnd));
	kfree(v);
	*rsp_out = sp;
	return r;
}

static const char *basename(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

int proc_exec(const char *path, const char *args, size_t args_len, int argc,
	      int envc)
{
	struct initrd_file f;
	char *abs = kmalloc(PATH_MAX);
	if (!abs)
		return -ENOMEM;
	struct process *proc = current_process();
	int err = path_resolve(proc ? proc->cwd : "/", path, abs, PATH_MAX);
	if (!err && initrd_lookup(abs, &f) < 0)
		err = -ENOENT;
	kfree(abs);
	if (err)
		return err;
	if ((f.mode & S_IFMT) != S_IFREG)
		return -EACCES;
	if (!(f.mode & 0111))
		return -EACCES;
	struct mm *mm = mm_create();
	if (!mm)
		return -ENOMEM;
	struct elf_image img;
	uint64_t sp = 0;
	int r = elf_load(mm, f.data, f.size, path, &img);
	if (!r) {
		long s =
			mm_mmap(mm, USER_TOP - USER_STACK_SIZE, USER_STACK_SIZE,
				VMA_READ | VMA_WRITE, MMAP_FIXED, "[stack]");
		r = s < 0 ? (int)s
			  : build_stack(mm, &img, path, args, args_len, argc,
					envc, &sp);
	}
	if (r) {
		mm_put(mm);
		return r;
	}
	mm->brk_start = mm->brk = ALIGN_UP(img.end, PAGE_SIZE);

	/* The point of no return: the old program is gone. */
	struct task *t = current();
	struct mm *old = t->mm;
	preempt_disable();
	t->mm = mm;
	mm_switch(old, mm);
	t->fs_base = 0;
	wrmsr(MSR_FS_BASE, 0);
	preempt_enable();
	if (old)
		mm_put(old);
	if (t->proc)
		files_close_on_exec(t->proc->files);
	strlcpy(t->name, basename(path), sizeof(t->name));
	if (t->proc)
		strlcpy(t->proc->name, t->name, sizeof(t->proc->name));

	/* A fresh FPU: what fninit and the default MXCSR give. */
	memset(&t->fpu, 0, sizeof(t->fpu));
	*(uint16_t *)&t->fpu.bytes[0] = FCW_DEFAULT;
	*(uint32_t *)&t->fpu.bytes[24] = MXCSR_DEFAULT;
	__asm__ volatile("fxrstor64 %0" : : "m"(t->fpu));

	struct trap_frame *f_user = task_user_frame(t);
	memset(f_user, 0, sizeof(*f_user));
	f_user->rip = img.entry;
	f_user->cs = GDT_USER_CODE | 3;
	f_user->ss = GDT_USER_DATA | 3;
	f_user->rflags = USER_RFLAGS;
	f_user->rsp = sp;
	f_user->vector = VEC_SYSCALL;
	return 0;
}

/* --- exit and wait ------------------------------------------------------ */

static void report_init_exit(int status)
{
	if (status & 0x7f)
		kprintf("spindle: init killed by signal %d\n", status & 0x7f);
	else
		kprintf("spindle: init exited with status %d\n",
			(status >> 8) & 0xff);
	machine_exit(status == 0 ? MACHINE_SUCCESS : MACHINE_FAILURE);
}

/* The process is over: it becomes a zombie for its parent to reap, and
 * its children go to init. */
static void process_exit(struct process *p, int status)
{
	if (p == init_process)
		report_init_exit(status);
	/* Close its files now, not when it is reaped: a pipe's reader must
	 * see end-of-file as soon as the writer is gone. */
	files_put(p->files);
	p->files = NULL;
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
		uint32_t zero = 0;
		if (copy_to_user(t->clear_child_tid, &zero, sizeof(zero)) == 0)
			futex_wake(t->clear_child_tid, 1,
				   FUTEX_BITSET_MATCH_ANY, true);
	}
	struct mm *mm = t->mm;
	preempt_disable();
	t->mm = NULL;
	mm_switch(mm, NULL);
	preempt_enable();
	if (mm)
		mm_put(mm);

	spin_lock(&proc_lock);
	list_remove(&t->proc_link);
	bool last = list_empty(&p->threads);
	if (p->group_exiting)
		status = p->group_status;
	spin_unlock(&proc_lock);
	t->proc = NULL;
	if (last)
		process_exit(p, status);
	kthread_exit(status);
}

/* Asks every thread of p to die with sig (sig = 0: the group is already
 * exiting, the status is set). Threads asleep in the kernel are woken:
 * their waits give up when a kill is pending. proc_lock held. */
static void kill_threads_locked(struct process *p, int sig)
{
	list_for_each(node, &p->threads) {
		struct task *t = list_entry(node, struct task, proc_link);
		int none = 0;
		atomic_compare_exchange_strong(&t->kill_signal, &none, sig);
		wake_up(t);
	}
}

_Noreturn void proc_exit_group(int status)
{
	struct process *p = current_process();
	spin_lock(&proc_lock);
	if (!p->group_exiting) {
		p->group_exiting = true;
		p->group_status = status;
	}
	kill_threads_locked(p, SIGKILL);
	spin_unlock(&proc_lock);
	proc_exit_thread(status);
}

static struct process *find_process_locked(int pid, struct process *p)
{
	if (p->pid == pid)
		return p;
	list_for_each(node, &p->children) {
		struct process *found = find_process_locked(
			pid, list_entry(node, struct process, sibling));
		if (found)
			return found;
	}
	return NULL;
}

/* The process with a thread tid (in process tgid, if tgid > 0). */
static struct process *find_thread_owner_locked(int tgid, int tid,
						struct process *p)
{
	if (tgid <= 0 || p->pid == tgid) {
		list_for_each(node, &p->threads) {
			if (list_entry(node, struct task, proc_link)->tid ==
			    tid)
				return p;
		}
	}
	list_for_each(node, &p->children) {
		struct process *found = find_thread_owner_locked(
			tgid, tid, list_entry(node, struct process, sibling));
		if (found)
			return found;
	}
	return NULL;
}

/* Signals whose default action is to do nothing; and the stop signals,
 * which Spindle does not implement (no job control): ignored too. */
#define SIG_BIT(s) (1ul << ((s)-1))
#define DEFAULT_IGNORED                                                        \
	(SIG_BIT(17) | SIG_BIT(18) | SIG_BIT(19) | SIG_BIT(20) | SIG_BIT(21) | \
	 SIG_BIT(22) | SIG_BIT(23) | SIG_BIT(28))

/*
 * Delivers sig to process p. Signal handlers do not exist (yet), so a
 * signal is ignored (SIG_IGN, or a default action of "ignore"), kept
 * pending (every thread blocks it: delivered when one unblocks it), or
 * ends the process (every other default action). pid 1 only dies of
 * signals it asked for by its own fault. proc_lock held.
 */
static void deliver_locked(struct process *p, int sig)
{
	if (sig == 0 || p->zombie || p->group_exiting)
		return;
	uint64_t bit = SIG_BIT(sig);
	if (sig != SIGKILL) {
		if (p == init_process || (p->sig_ignored & bit) ||
		    (DEFAULT_IGNORED & bit))
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

int proc_on_thread(int tid, int (*fn)(struct task *t, void *arg), void *arg)
{
	struct task *self = current();
	if (tid == 0 || tid == self->tid)
		return fn(self, arg); /* may sleep: no lock held */
	spin_lock(&proc_lock);
	struct process *p = find_thread_owner_locked(-1, tid, init_process);
	struct task *found = NULL;
	if (p) {
		list_for_each(node, &p->threads) {
			struct task *t =
				list_entry(node, struct task, proc_link);
			if (t->tid == tid)
				found = t;
		}
	}
	int r = found ? fn(found, arg) : -ESRCH;
	spin_unlock(&proc_lock);
	return r;
}

int proc_kill_thread(int tgid, int tid, int sig)
{
	if (sig < 0 || sig > 64)
		return -EINVAL;
	spin_lock(&proc_lock);
	struct process *p = find_thread_owner_locked(tgid, tid, init_process);
	/* With no handlers, a signal to one thread acts on its process. */
	if (p)
		deliver_locked(p, sig);
	spin_unlock(&proc_lock);
	return p ? 0 : -ESRCH;
}

static void kill_pgrp_locked(struct process *p, int pgrp, int sig)
{
	if (p->pgid == pgrp)
		deliver_locked(p, sig);
	list_for_each(node, &p->children) {
		kill_pgrp_locked(list_entry(node, struct process, sibling),
				 pgrp, sig);
	}
}

int proc_kill_pgrp(int pgrp, int sig)
{
	if (sig < 0 || sig > 64 || pgrp <= 0)
		return -EINVAL;
	spin_lock(&proc_lock);
	kill_pgrp_locked(init_process, pgrp, sig);
	spin_unlock(&proc_lock);
	return 0;
}

int proc_sigaction(int sig, bool ignore, bool set, bool *was_ignored)
{
	if (sig < 1 || sig > 64)
		return -EINVAL;
	struct process *p = current_process();
	uint64_t bit = SIG_BIT(sig);
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
	t->sig_blocked = blocked & ~(SIG_BIT(SIGKILL) | SIG_BIT(19));
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
	struct process *p = pid ? find_process_locked(pid, init_process) : self;
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
	struct process *p = pid ? find_process_locked(pid, init_process)
				: current_process();
	int r = p ? p->pgid : -ESRCH;
	spin_unlock(&proc_lock);
	return r;
}

int proc_kill(int pid, int sig)
{
	if (sig < 0 || sig > 64)
		return -EINVAL;
	spin_lock(&proc_lock);
	struct process *p = find_process_locked(pid, init_process);
	int r = !p || p->zombie ? -ESRCH : 0;
	if (!r) /* signal 0 only asks whether the process exists */
		deliver_locked(p, sig);
	spin_unlock(&proc_lock);
	return r;
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
		if (z)
			list_remove(&z->sibling);
		spin_unlock(&proc_lock);
		if (z || !any || nohang || atomic_load(&current()->kill_signal))
			break;
		schedule();
	}
	waitq_finish(&self->child_exit);
	if (!z && any && !nohang)
		return -EINTR;
	if (!z)
		return any ? 0 : -ECHILD;
	int zpid = z->pid;
	*status = z->wait_status;
	kfree(z);
	return zpid;
}

/* --- fork and clone ---------------------------------------------------- */

static void user_thread_start(void *arg)
{
	(void)arg;
	enter_user(task_user_frame(current()));
}

/* A task that will return to user mode where the caller's system call
 * returns, with rax = 0: the child side of fork and clone. */
static struct task *user_task_copy(void)
{
	struct task *self = current();
	struct task *t = task_create(self->name, user_thread_start, NULL);
	if (!t)
		return NULL;
	*task_user_frame(t) = *task_user_frame(self);
	task_user_frame(t)->rax = 0;
	/* The kernel never touches the FPU, so its registers are the
	 * user's, mid-computation: the child goes on from the same state. */
	__asm__ volatile("fxsave64 %0" : "=m"(t->fpu));
	t->fs_base = self->fs_base;
	t->sig_blocked = self->sig_blocked;
	t->prio = self->prio;
	t->nice = self->nice;
	t->affinity = self->affinity;
	return t;
}

long proc_clone(const struct clone_args *a)
{
	struct task *self = current();
	bool thread = a->flags & CLONE_THREAD;
	struct mm *mm = thread ? self->mm : mm_copy(self->mm);
	struct process *p =
		thread ? self->proc
		       : process_alloc(files_copy(self->proc->files));
	struct task *t = mm && p ? user_task_copy() : NULL;
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
	/* CHILD_SETTID writes in the child's memory, PARENT_SETTID in the
	 * parent's (the same memory for a thread). Linux ignores faults
	 * here; so does Spindle. */
	if (a->flags & CLONE_CHILD_SETTID)
		mm_write(mm, a->ctid, &tid, sizeof(tid));
	if (a->flags & CLONE_PARENT_SETTID)
		copy_to_user(a->ptid, &tid, sizeof(tid));
	if (thread) {
		t->proc = p;
		spin_lock(&proc_lock);
		list_push_back(&p->threads, &t->proc_link);
		if (p->group_exiting) /* it dies on its way to user mode */
			atomic_store(&t->kill_signal, SIGKILL);
		spin_unlock(&proc_lock);
	} else {
		p->sig_ignored = self->proc->sig_ignored;
		process_attach(p, t, self->proc);
	}
	kthread_detach(t);
	sched_start_task(t);
	return tid;
}

/* --- faults and the way back to user mode ------------------------------ */

static const char *signal_name(int sig)
{
	switch (sig) {
	case SIGSEGV:
		return "segfault";
	case SIGILL:
		return "illegal instruction";
	case SIGFPE:
		return "arithmetic error";
	case SIGBUS:
		return "bus error";
	default:
		return "fatal signal";
	}
}

static int signal_for(unsigned vector)
{
	switch (vector) {
	case VEC_DIVIDE_ERROR:
		return SIGFPE;
	case VEC_INVALID_OPCODE:
		return SIGILL;
	case 16: /* x87 error */
	case 19: /* SIMD error */
		return SIGFPE;
	case 17: /* alignment check */
		return SIGBUS;
	default:
		return SIGSEGV;
	}
}

/* The hook arch/traps.c calls for user-mode exceptions and for kernel
 * page faults at user addresses. */
static bool user_fault(struct trap_frame *frame, uint64_t cr2)
{
	struct task *t = current();
	bool from_user = frame->cs & 3;
	if (frame->vector == VEC_PAGE_FAULT && t->mm &&
	    !t->pagefault_disabled) {
		/* mm_fault may sleep on the mm lock: give interrupts back
		 * to the faulting context (user mode always had them). */
		if (frame->rflags & RFLAGS_IF)
			irq_enable();
		int r = mm_fault(t->mm, cr2, frame->error_code & PF_WRITE,
				 frame->error_code & PF_FETCH);
		irq_disable();
		if (r == 0)
			return true;
		if (r == -ENOMEM && from_user) {
			pr_warn("out of memory: killing %s[%d]\n", t->name,
				t->proc ? t->proc->pid : t->tid);
			proc_exit_group(WAIT_SIGNALED(SIGKILL));
		}
	}
	if (!from_user || !t->proc)
		return false; /* the kernel's own fault: extable or panic */
	int sig = signal_for((unsigned)frame->vector);
	if (frame->vector == VEC_PAGE_FAULT)
		kprintf("%s at %lx ip %lx in %s[%d]\n", signal_name(sig), cr2,
			frame->rip, t->name, t->proc->pid);
	else
		kprintf("%s (%s) ip %lx in %s[%d]\n", signal_name(sig),
			trap_name((unsigned)frame->vector), frame->rip, t->name,
			t->proc->pid);
	irq_enable();
	proc_exit_group(WAIT_SIGNALED(sig));
}

/* Called (interrupts off) on every return to user mode. */
void user_return_work(struct trap_frame *frame)
{
	(void)frame;
	struct task *t = current();
	for (;;) {
		int sig = atomic_load(&t->kill_signal);
		if (sig) {
			irq_enable();
			proc_exit_group(WAIT_SIGNALED(sig));
		}
		if (!atomic_load(&this_cpu()->need_resched))
			return;
		irq_enable();
		schedule();
		irq_disable();
	}
}

/* --- init --------------------------------------------------------------- */

struct init_args {
	const char *path;
	char *args;
	size_t args_len;
	int argc;
};

static void init_thread(void *arg)
{
	struct init_args *ia = arg;
	int r = proc_exec(ia->path, ia->args, ia->args_len, ia->argc, 0);
	if (r < 0) {
		kprintf("spindle: cannot run init '%s': error %d\n", ia->path,
			-r);
		machine_exit(MACHINE_FAILURE);
	}
	kfree(ia->args);
	kfree(ia);
	enter_user(task_user_frame(current()));
}

void proc_start_init(const char *path, const char *const *argv, int argc)
{
	struct init_args *ia = kzalloc(sizeof(*ia));
	size_t len = 0;
	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	ia->args = kmalloc(len ? len : 1);
	kassert(ia && ia->args);
	for (int i = 0; i < argc; i++) {
		size_t n = strlen(argv[i]) + 1;
		memcpy(ia->args + ia->args_len, argv[i], n);
		ia->args_len += n;
	}
	ia->path = path;
	ia->argc = argc;
	struct task *t = task_create("init", init_thread, ia);
	/* Descriptors 0, 1 and 2: the console, one open file. */
	struct file *tty = tty_open();
	struct files *files = files_alloc();
	kassert(tty && files);
	for (int fd = 0; fd < 3; fd++) {
		if (fd)
			file_get(tty);
		fd_install(files, tty, fd, false);
	}
	init_process = process_alloc(files);
	kassert(t && init_process);
	tty_enable();
	process_attach(init_process, t, NULL);
	tty_set_foreground(init_process->pgid); /* Ctrl-C: init's group */
	kthread_detach(t);
	sched_start_task(t);
}

/* --- what /proc shows --------------------------------------------------- */

int proc_info(int pid, struct proc_info *out)
{
	spin_lock(&proc_lock);
	struct process *p = find_process_locked(pid, init_process);
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

static struct process *nth_locked(struct process *p, int *n)
{
	if ((*n)-- == 0)
		return p;
	list_for_each(node, &p->children) {
		struct process *found = nth_locked(
			list_entry(node, struct process, sibling), n);
		if (found)
			return found;
	}
	return NULL;
}

int proc_nth_pid(int n)
{
	spin_lock(&proc_lock);
	struct process *p = init_process ? nth_locked(init_process, &n) : NULL;
	int pid = p ? p->pid : -1;
	spin_unlock(&proc_lock);
	return pid;
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

void proc_init(void)
{
	pipe_set_sigpipe_hook(raise_sigpipe);
	trap_set_user_fault_hook(user_fault);
	tty_set_interrupt_hook(kill_pgrp);
	procfs_init();
}
