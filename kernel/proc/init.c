/*
 * Starting user space: the first process, pid 1, runs the init program
 * with the console as its descriptors 0, 1 and 2. When init ends (see
 * process_exit), the kernel says how and powers the machine off.
 */
#include "arch/power.h"
#include "arch/trap.h"
#include "base/kernel.h"
#include "boot/cmdline.h"
#include "dev/tty.h"
#include "entry/user_entry.h"
#include "freestanding/string.h"
#include "fs/file.h"
#include "mm/kmalloc.h"
#include "proc/internal.h"
#include "proc/proc.h"
#include "sched/kthread.h"
#include "sched/sched.h"
#include "sched/trace.h"

void report_init_exit(int status)
{
	if (cmdline_get("trace"))
		trace_dump_all();
	if (status & 0x7f)
		kprintf("spindle: init killed by signal %d\n", status & 0x7f);
	else
		kprintf("spindle: init exited with status %d\n",
			(status >> 8) & 0xff);
	machine_exit(status == 0 ? MACHINE_SUCCESS : MACHINE_FAILURE);
}

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
	struct task *t = task_create_tid("init", init_thread, ia, TID_INIT);
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
