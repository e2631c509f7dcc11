/*
 * What happens when user mode faults, or the kernel faults at a user
 * address: arch/traps.c calls user_fault (the hook user_fault_init
 * registers). A page fault goes to the address space first (mm_fault);
 * what that cannot fix raises the signal Linux would send: its handler
 * runs if the program has one that is not blocked, otherwise the process
 * ends, after a line on the console saying why. It is entry's, with the
 * other ways user mode comes into the kernel: it calls the layers below.
 */
#include "entry/user_fault.h"
#include "arch/cpu.h"
#include "arch/iretq_emulate.h"
#include "arch/trap.h"
#include "aspace/mm.h"
#include "base/kernel.h"
#include "freestanding/errno.h"
#include "proc/proc.h"
#include "sched/sched.h"

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
	case SIGTRAP:
		return "trace/breakpoint trap";
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
	case VEC_DEBUG:
	case VEC_BREAKPOINT: /* int3: a debugger's breakpoint, as Linux */
		return SIGTRAP;
	case VEC_X87_ERROR:
	case VEC_SIMD_ERROR:
		return SIGFPE;
	case VEC_ALIGNMENT_CHECK:
		return SIGBUS;
	default:
		return SIGSEGV;
	}
}

/* A fault that mm_fault found nothing to fix: may it be retried? Once,
 * yes (this CPU's TLB may have held an old entry; mm_fault flushed it).
 * The same fault again, with nothing fixed in between, would repeat for
 * ever: no. */
static bool idle_fault_may_retry(struct task *t, struct trap_frame *frame,
				 uint64_t cr2)
{
	if (t->idle_fault_ip == frame->rip && t->idle_fault_addr == cr2) {
		t->idle_fault_ip = t->idle_fault_addr = 0;
		return false;
	}
	t->idle_fault_ip = frame->rip;
	t->idle_fault_addr = cr2;
	return true;
}

/* Handles a page fault from mm's point of view: true if the access can be
 * retried (or was finished here), false if it must fail (SIGSEGV, or the
 * kernel copy's -EFAULT). An out-of-memory fault in user mode kills. */
static bool user_page_fault(struct task *t, struct trap_frame *frame,
			    uint64_t cr2)
{
	bool from_user = frame->cs & 3;
	/* mm_fault may sleep on the mm lock: give interrupts back to the
	 * faulting context (user mode always had them). */
	if (frame->rflags & RFLAGS_IF)
		irq_enable();
	int r = mm_fault(t->mm, cr2, frame->error_code & PF_WRITE,
			 frame->error_code & PF_FETCH);
	/* A user-mode fault that the CPU calls a supervisor access to a
	 * present user page: a user iretq under TCG with SMAP (see
	 * arch/iretq_emulate.c). Finish the iretq here, or fail it. */
	bool supervisor_from_user = from_user && !(frame->error_code & PF_USER);
	bool iretq = r == MM_FAULT_NOTHING_TO_DO && supervisor_from_user &&
		     user_insn_is_iretq(frame);
	if (iretq)
		r = user_iretq_emulate(frame) == 0 ? 0 : -EFAULT;
	irq_disable();
	if (r == 0) {
		t->idle_fault_ip = t->idle_fault_addr = 0;
		return true;
	}
	if (r == MM_FAULT_NOTHING_TO_DO)
		return !supervisor_from_user &&
		       idle_fault_may_retry(t, frame, cr2);
	if (r == -ENOMEM && from_user) {
		pr_warn("out of memory: killing %s[%d]\n", t->name,
			t->proc ? t->proc->pid : t->tid);
		irq_enable();
		proc_exit_group(WAIT_SIGNALED(SIGKILL));
	}
	return false;
}

/* The hook arch/traps.c calls for user-mode exceptions and for kernel
 * page faults at user addresses. */
static bool user_fault(struct trap_frame *frame, uint64_t cr2)
{
	struct task *t = current();
	bool from_user = frame->cs & 3;
	if (frame->vector == VEC_PAGE_FAULT && t->mm &&
	    !t->pagefault_disabled && user_page_fault(t, frame, cr2))
		return true;
	if (!from_user || !t->proc)
		return false; /* the kernel's own fault: extable or panic */
	int sig = signal_for((unsigned)frame->vector);
	bool page_fault = frame->vector == VEC_PAGE_FAULT;
	int code = !page_fault			    ? SI_KERNEL
		   : frame->error_code & PF_PRESENT ? SEGV_ACCERR
						    : SEGV_MAPERR;
	/* A handler for it, not blocked: it runs on the way back. */
	if (proc_fault_signal(sig, code, page_fault ? cr2 : frame->rip))
		return true;
	if (page_fault)
		kprintf("%s at %lx ip %lx in %s[%d]\n", signal_name(sig), cr2,
			frame->rip, t->name, t->proc->pid);
	else
		kprintf("%s (%s) ip %lx in %s[%d]\n", signal_name(sig),
			trap_name((unsigned)frame->vector), frame->rip, t->name,
			t->proc->pid);
	irq_enable();
	proc_exit_group(WAIT_SIGNALED(sig));
}

void user_fault_init(void)
{
	trap_set_user_fault_hook(user_fault);
}
