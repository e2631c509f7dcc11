/*
 * A small command prompt on the serial console, for looking at the kernel
 * while it runs. Until there is a user-space shell, it is what `make run`
 * shows. Each command is one function; add yours to the table.
 */
#include "dev/monitor.h"
#include "dev/console_input.h"

#include "arch/percpu.h"
#include "arch/power.h"
#include "arch/time.h"
#include "base/kernel.h"
#include "base/layout.h"
#include "freestanding/string.h"
#include "mm/kmalloc.h"
#include "mm/pmm.h"
#include "sched/kthread.h"
#include "sched/trace.h"

#define LINE_MAX 80

struct command {
	const char *name;
	const char *help;
	void (*run)(void);
};

static void cmd_help(void);

static void cmd_cpus(void)
{
	kprintf("cpu  apic  package  core  thread  ticks\n");
	for (unsigned i = 0; i < nr_cpus; i++)
		kprintf("%3u  %4u  %7u  %4u  %6u  %lu\n", cpus[i].id,
			cpus[i].apic_id, cpus[i].package, cpus[i].core,
			cpus[i].thread, cpus[i].ticks);
}

static void cmd_mem(void)
{
	kprintf("pages: %zu free of %zu (%zu MiB free)\n", pmm_free_pages(),
		pmm_total_pages(), pmm_free_pages() * PAGE_SIZE >> 20);
	kprintf("kmalloc: %zu bytes in use\n", kmalloc_bytes_in_use());
}

static void cmd_uptime(void)
{
	uint64_t ms = clock_ns() / 1000000;
	kprintf("up %lu.%03lu s\n", ms / 1000, ms % 1000);
}

static const char *const state_names[] = {"running", "runnable", "blocked",
					  "exited", "new"};

/* runtime_ns grows only when a task switches out, so a task on a CPU
 * also gets the time since it switched in: one that never leaves its CPU
 * (alone there, never blocking) would otherwise show 0 ms however long it
 * has run. Read without locks: a report, possibly a moment stale. */
static uint64_t runtime_ms(const struct task *t)
{
	uint64_t ns = t->runtime_ns;
	if (t->on_cpu && t->switched_in_ns)
		ns += clock_ns() - t->switched_in_ns;
	return ns / 1000000;
}

/* A blocked task's wait channel; a runnable one's wait_what may still name
 * what it last slept on (nobody clears it on a wake-up), so it is not
 * shown. */
static const char *waits_on(const struct task *t)
{
	return t->state == TASK_BLOCKED && t->wait_what ? t->wait_what : "";
}

/*
 * Past SAME_THREADS_SHOWN threads of one process in the same state, waiting
 * on the same thing, the rest become one summary line: a program with a
 * thousand threads would otherwise flood the console (the task list is in
 * creation order, so a process's threads mostly come together).
 */
#define SAME_THREADS_SHOWN 4

struct task_run {
	const struct process *proc; /* NULL: no run (kernel threads) */
	enum task_state state;
	const char *waits;
	const char *name;
	unsigned count; /* threads in the run, shown or not */
};

static void end_run(struct task_run *run)
{
	if (run->count > SAME_THREADS_SHOWN)
		kprintf("  ...  %u more threads of %s, %s%s%s\n",
			run->count - SAME_THREADS_SHOWN, run->name,
			state_names[run->state], run->waits[0] ? " on " : "",
			run->waits);
	run->proc = NULL;
	run->count = 0;
}

static void print_task(struct task *t, void *arg)
{
	struct task_run *run = arg;
	const char *waits = waits_on(t);
	if (t->proc && t->proc == run->proc && t->state == run->state &&
	    !strcmp(waits, run->waits)) {
		if (++run->count > SAME_THREADS_SHOWN)
			return;
	} else {
		end_run(run);
		*run = (struct task_run){t->proc, t->state, waits, t->name, 1};
	}
	kprintf("%5d  %-15s %-8s %3u  %4d  %8lu  %s\n", t->tid, t->name,
		state_names[t->state], t->cpu, t->prio, runtime_ms(t), waits);
}

void monitor_print_tasks(void)
{
	kprintf("  tid  name            state    cpu  prio  cpu (ms)  waits "
		"on\n");
	struct task_run run = {0};
	task_for_each(print_task, &run);
	end_run(&run);
}

static void cmd_trace(void)
{
	trace_dump(16);
}

static void cmd_poweroff(void)
{
	kprintf("powering off\n");
	machine_exit(MACHINE_SUCCESS);
}

static const struct command commands[] = {
	{"help", "list the commands", cmd_help},
	{"cpus", "every CPU: APIC id, topology, ticks", cmd_cpus},
	{"mem", "free pages and kmalloc use", cmd_mem},
	{"uptime", "time since the clock started", cmd_uptime},
	{"tasks", "every task: state, cpu, priority, run time, wait",
	 monitor_print_tasks},
	{"trace", "the last scheduler events of every CPU", cmd_trace},
	{"poweroff", "stop the machine (QEMU exits)", cmd_poweroff},
};

static void cmd_help(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		kprintf("  %-10s %s\n", commands[i].name, commands[i].help);
}

/* Reads a line with echo; backspace (BS or DEL) erases. */
static void read_line(char *line)
{
	size_t len = 0;
	for (;;) {
		char c = console_getc();
		if (c == '\r' || c == '\n') {
			kprintf("\n");
			line[len] = '\0';
			return;
		}
		if (c == '\b' || c == 0x7f) {
			if (len > 0) {
				len--;
				kprintf("\b \b");
			}
		} else if (c >= ' ' && len < LINE_MAX - 1) {
			line[len++] = c;
			kprintf("%c", c);
		}
	}
}

noreturn void monitor_run(void)
{
	kprintf("Kernel monitor: type 'help'.\n");
	for (;;) {
		char line[LINE_MAX];
		kprintf("spindle> ");
		read_line(line);
		if (!line[0])
			continue;
		size_t i = 0;
		while (i < ARRAY_SIZE(commands) &&
		       strcmp(line, commands[i].name))
			i++;
		if (i < ARRAY_SIZE(commands))
			commands[i].run();
		else
			kprintf("unknown command '%s' (try 'help')\n", line);
	}
}
