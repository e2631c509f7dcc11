/*
 * execve: a program file from the initrd becomes the calling process's
 * new address space (elf.c maps it), with the initial stack a Linux
 * program expects (argv, envp, auxv), once every other thread of the
 * process has ended. See proc_exec in proc.h.
 */
#include "arch/cpu.h"
#include "arch/fpu.h"
#include "arch/gdt.h"
#include "arch/time.h"
#include "arch/trap.h"
#include "aspace/mm.h"
#include "base/kernel.h"
#include "entry/user_entry.h"
#include "freestanding/errno.h"
#include "freestanding/string.h"
#include "fs/file.h"
#include "fs/initrd.h"
#include "fs/vfs.h"
#include "mm/kmalloc.h"
#include "proc/elf.h"
#include "proc/internal.h"
#include "proc/proc.h"
#include "sched/sched.h"
#include "sched/trace.h"
#include "sync/spinlock.h"

#define USER_RFLAGS 0x202 /* IF, and the always-one bit 1 */

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
#define AUXV_PAIRS 16
/* The least stack execve maps, whatever RLIMIT_STACK says: room for the
 * argument strings (ARG_MAX, 128 KiB) and their pointers. */
#define STACK_MIN (256ul << 10)

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

/* Whether t is the only thread of p. proc_lock held. */
static bool only_thread_locked(struct process *p, struct task *t)
{
	return p->threads.head.next == &t->proc_link &&
	       t->proc_link.next == &p->threads.head;
}

/*
 * execve's first step, as Linux's de_thread: every other thread of the
 * caller's process is killed, and the caller waits until they are all
 * gone, so the new program starts as the process's only thread (and no
 * old thread runs on in the old address space). The killed threads end
 * alone (proc_exit_group sees exec_task), not the whole process.
 * Returns 0, or -EINTR if the process is being killed meanwhile, or
 * another thread's execve came first: the caller dies on its way out.
 */
static int exec_end_other_threads(void)
{
	struct task *self = current();
	struct process *p = self->proc;
	if (!p)
		return 0;
	spin_lock(&proc_lock);
	bool lost = p->group_exiting || p->exec_task;
	if (!lost) {
		p->exec_task = self;
		list_for_each(node, &p->threads) {
			struct task *t =
				list_entry(node, struct task, proc_link);
			if (t != self)
				kill_thread_locked(t, SIGKILL);
		}
	}
	spin_unlock(&proc_lock);
	if (lost)
		return -EINTR;
	bool alone = false;
	for (;;) {
		waitq_prepare(&p->thread_exit);
		spin_lock(&proc_lock);
		alone = only_thread_locked(p, self);
		spin_unlock(&proc_lock);
		if (alone || atomic_load(&self->kill_signal))
			break;
		schedule();
	}
	waitq_finish(&p->thread_exit);
	spin_lock(&proc_lock);
	p->exec_task = NULL;
	spin_unlock(&proc_lock);
	return alone ? 0 : -EINTR;
}

static const char *basename(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* RLIMIT_STACK's soft limit, in whole pages, within what the layout has
 * room for (USER_STACK_SIZE) and what the arguments need (STACK_MIN). */
static uint64_t stack_size(void)
{
	uint64_t limit = proc_rlimit(RLIMIT_STACK) & ~(PAGE_SIZE - 1);
	return MAX(STACK_MIN, MIN(limit, USER_STACK_SIZE));
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
		uint64_t size = stack_size();
		long s = mm_mmap(mm, USER_TOP - size, size,
				 VMA_READ | VMA_WRITE, MMAP_FIXED, "[stack]");
		r = s < 0 ? (int)s
			  : build_stack(mm, &img, path, args, args_len, argc,
					envc, &sp);
	}
	if (!r)
		r = exec_end_other_threads();
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
	mm_switch(mm);
	t->fs_base = 0;
	wrmsr(MSR_FS_BASE, 0);
	preempt_enable();
	if (old)
		mm_put(old);
	if (t->proc) {
		files_close_on_exec(t->proc->files);
		signal_exec_reset(t->proc);
	}
	strlcpy(t->name, basename(path), sizeof(t->name));
	if (t->proc) {
		strlcpy(t->proc->name, t->name, sizeof(t->proc->name));
		trace_thread(t, t->proc->pid);
	}

	/* A fresh FPU: what fninit and the default MXCSR give. */
	fpu_init_state(&t->fpu);
	fpu_restore(&t->fpu);

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
