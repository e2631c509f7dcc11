/*
 * The work before every return to user mode, called by user_return
 * (syscall_entry.S) with interrupts off so that no new work can slip in
 * after the check: a pending kill ends the process here, a signal to
 * handle gets its frame here, and a requested reschedule happens here.
 *
 * A system call that a signal interrupted returned one of the
 * ERESTART* codes (freestanding/errno.h). Here, as in Linux, it becomes:
 *
 *   code            a handler runs          no handler runs
 *   ERESTARTSYS     EINTR, or a restart     restart
 *                   with SA_RESTART
 *   ERESTARTNOINTR  restart                 restart
 *   ERESTARTNOHAND  EINTR                   restart
 *
 * A restart puts the call's number back in rax and moves rip back over
 * the 2-byte `syscall` instruction: the call runs again when the handler
 * has returned (or at once), with the same arguments. A timed call is
 * never restarted that way, so its timeout never starts again (it
 * returns EINTR instead; see futex_wait and sys_clock_nanosleep).
 */
#include "arch/cpu.h"
#include "arch/percpu.h"
#include "arch/trap.h"
#include "entry/user_entry.h"
#include "freestanding/errno.h"
#include "proc/proc.h"
#include "sched/sched.h"

#define SYSCALL_INSN_SIZE 2

static bool restarts(long r, bool handler, const struct k_sigaction *ka)
{
	if (!handler || r == -ERESTARTNOINTR)
		return true;
	return r == -ERESTARTSYS && (ka->flags & SA_RESTART);
}

/* Delivers the thread's next signal, or finishes an interrupted call
 * when there is none. Interrupts on. */
static void handle_signal(struct task *t, struct trap_frame *frame)
{
	struct k_sigaction ka;
	struct signal_record rec;
	int sig = signal_dequeue(&ka, &rec);
	if (t->syscall_may_restart && frame->vector == VEC_SYSCALL) {
		t->syscall_may_restart = false;
		if (restarts((long)frame->rax, sig != 0, &ka)) {
			frame->rax = t->syscall_nr;
			frame->rip -= SYSCALL_INSN_SIZE;
		} else {
			frame->rax = (uint64_t)-EINTR;
		}
	}
	if (sig)
		signal_setup_frame(frame, sig, &ka, &rec);
}

/* Called (interrupts off) on every return to user mode. */
void user_return_work(struct trap_frame *frame)
{
	struct task *t = current();
	for (;;) {
		int sig = atomic_load(&t->kill_signal);
		if (sig) {
			irq_enable();
			proc_exit_group(WAIT_SIGNALED(sig));
		}
		if (atomic_load(&t->sig_wake) || t->sig_restore_mask ||
		    t->syscall_may_restart) {
			irq_enable();
			handle_signal(t, frame);
			irq_disable();
			continue;
		}
		if (!atomic_load(&this_cpu()->need_resched))
			return;
		irq_enable();
		schedule();
		irq_disable();
	}
}
