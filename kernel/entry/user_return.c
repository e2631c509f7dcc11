/*
 * The work before every return to user mode, called by user_return
 * (syscall_entry.S) with interrupts off so that no new work can slip in
 * after the check: a pending kill ends the process here, and a requested
 * reschedule happens here.
 */
#include "arch/cpu.h"
#include "arch/percpu.h"
#include "entry/user_entry.h"
#include "proc/proc.h"
#include "sched/sched.h"

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
