#ifndef DEV_MONITOR_H
#define DEV_MONITOR_H

/* The kernel monitor: a prompt on the console for looking inside the
 * running kernel (help, cpus, mem, uptime, tasks, trace, poweroff). */
_Noreturn void monitor_run(void);
/* The `tasks` table; also what Ctrl-T on the console prints at any time. */
void monitor_print_tasks(void);

#endif
