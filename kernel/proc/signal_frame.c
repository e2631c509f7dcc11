/*
 * The signal frame: what a handler finds on its stack, laid out exactly
 * as Linux x86-64 lays it out (arch/x86/include/asm/sigframe.h,
 * uapi/asm/sigcontext.h), so musl's and glibc's restorers, and programs
 * that read their ucontext, work unchanged. docs/signals.md has the
 * picture. Going in (signal_setup_frame):
 *
 *   the stack: the user's rsp less the 128-byte red zone, or the top of
 *              the alternate stack (SA_ONSTACK, and not on it already)
 *   fpstate:   512 bytes of fxsave image, 64-byte aligned, below it
 *   frame:     struct rt_sigframe below that, placed so that the
 *              handler starts with rsp = 8 mod 16, as if called:
 *              pretcode (sa_restorer) is its "return address"
 *   registers: rdi = sig, rsi = &frame->info, rdx = &frame->uc,
 *              rip = handler, rax = 0, DF/TF/RF clear, a fresh FPU
 *
 * The handler returns into the restorer, which calls rt_sigreturn with
 * rsp just above pretcode: signal_return reads uc back from there and
 * trusts none of it. Segment selectors are the user's whatever the frame
 * says, rip and rsp must be canonical user addresses, only the
 * arithmetic flags, DF, TF, AC and RF come from it (IF is always on),
 * and the FPU image's MXCSR loses the bits this CPU would fault on. A
 * frame that fails any of it ends the process with SIGSEGV: a forged
 * frame cannot reach ring 0 or make the kernel fault.
 */
#include "arch/cpu.h"
#include "arch/fpu.h"
#include "arch/gdt.h"
#include "arch/trap.h"
#include "arch/uaccess.h"
#include "base/kernel.h"
#include "base/layout.h"
#include "freestanding/errno.h"
#include "freestanding/string.h"
#include "proc/internal.h"
#include "proc/proc.h"
#include "sched/sched.h"

#define RED_ZONE 128
#define FPSTATE_ALIGN 64
#define FXSAVE_MXCSR 24		  /* offset of MXCSR in the fxsave image */
#define FXSAVE_MXCSR_MASK 28	  /* offset of the CPU's writable MXCSR bits */
#define MXCSR_MASK_DEFAULT 0xffbf /* if the CPU stores 0 there */

/* What rt_sigreturn may take from the frame's eflags (Linux FIX_EFLAGS) */
#define RFLAGS_USER_CHANGEABLE                                                 \
	(RFLAGS_AC | RFLAGS_OF | RFLAGS_DF | RFLAGS_TF | RFLAGS_SF |           \
	 RFLAGS_ZF | RFLAGS_AF | RFLAGS_PF | RFLAGS_CF | RFLAGS_RF)

/* struct sigcontext (uapi/asm/sigcontext.h, x86-64): 256 bytes. */
struct sigcontext {
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
	uint16_t cs, gs, fs, ss;
	uint64_t err, trapno, oldmask, cr2;
	uint64_t fpstate; /* user address of the fxsave image, or 0 */
	uint64_t reserved1[8];
};

/* stack_t */
struct signal_stack {
	uint64_t ss_sp;
	int32_t ss_flags;
	uint64_t ss_size;
};

/* struct ucontext (uapi/asm-generic/ucontext.h): the kernel's, with a
 * 64-bit sigset (libc's ucontext_t is longer; its head is this). */
struct ucontext {
	uint64_t uc_flags;
	uint64_t uc_link;
	struct signal_stack uc_stack;
	struct sigcontext uc_mcontext;
	uint64_t uc_sigmask;
};

/* siginfo_t: 128 bytes; the fields a kill, a tkill or a fault fill. */
struct siginfo {
	int32_t si_signo, si_errno, si_code, pad;
	union {
		struct {
			int32_t pid;
			uint32_t uid;
		} kill;
		uint64_t addr; /* SIGSEGV, SIGBUS, SIGILL, SIGFPE */
	} fields;
	uint8_t rest[128 - 24];
};

/* struct rt_sigframe (asm/sigframe.h, x86-64) */
struct rt_sigframe {
	uint64_t pretcode; /* the restorer: the handler's return address */
	struct ucontext uc;
	struct siginfo info;
};

_Static_assert(sizeof(struct sigcontext) == 256, "sigcontext");
_Static_assert(sizeof(struct ucontext) == 304, "ucontext");
_Static_assert(offsetof(struct ucontext, uc_mcontext) == 40, "uc_mcontext");
_Static_assert(sizeof(struct siginfo) == 128, "siginfo");
_Static_assert(offsetof(struct rt_sigframe, info) == 312, "rt_sigframe");

static bool on_altstack(const struct task *t, uint64_t sp)
{
	return t->sig_altstack_size && sp > t->sig_altstack_sp &&
	       sp - t->sig_altstack_sp <= t->sig_altstack_size;
}

int proc_sigaltstack(const struct altstack *ss, struct altstack *old,
		     uint64_t user_rsp)
{
	struct task *t = current();
	bool on = on_altstack(t, user_rsp);
	if (old)
		*old = (struct altstack){
			.sp = t->sig_altstack_sp,
			.size = t->sig_altstack_size,
			.flags = on			? SS_ONSTACK
				 : t->sig_altstack_size ? 0
							: SS_DISABLE,
		};
	if (!ss)
		return 0;
	if (on)
		return -EPERM;
	if (ss->flags != 0 && ss->flags != SS_ONSTACK &&
	    ss->flags != SS_DISABLE)
		return -EINVAL;
	if (ss->flags == SS_DISABLE) {
		t->sig_altstack_sp = t->sig_altstack_size = 0;
		return 0;
	}
	if (ss->size < MINSIGSTKSZ)
		return -ENOMEM;
	t->sig_altstack_sp = ss->sp;
	t->sig_altstack_size = ss->size;
	return 0;
}

static bool is_fault_signal(int sig)
{
	return sig == SIGSEGV || sig == SIGBUS || sig == SIGILL ||
	       sig == SIGFPE || sig == SIGTRAP;
}

static void fill_siginfo(struct siginfo *si, int sig,
			 const struct signal_record *rec)
{
	si->si_signo = sig;
	si->si_code = rec->code;
	if (is_fault_signal(sig) && rec->code > 0)
		si->fields.addr = rec->addr;
	else
		si->fields.kill.pid = rec->pid;
}

static void save_registers(struct sigcontext *sc, const struct trap_frame *f)
{
	*sc = (struct sigcontext){
		.r8 = f->r8,
		.r9 = f->r9,
		.r10 = f->r10,
		.r11 = f->r11,
		.r12 = f->r12,
		.r13 = f->r13,
		.r14 = f->r14,
		.r15 = f->r15,
		.rdi = f->rdi,
		.rsi = f->rsi,
		.rbp = f->rbp,
		.rbx = f->rbx,
		.rdx = f->rdx,
		.rax = f->rax,
		.rcx = f->rcx,
		.rsp = f->rsp,
		.rip = f->rip,
		.eflags = f->rflags,
		.cs = (uint16_t)f->cs,
		.ss = (uint16_t)f->ss,
	};
	if (f->vector < VEC_FIRST_IRQ) { /* a fault: what it was */
		sc->trapno = f->vector;
		sc->err = f->error_code;
	}
}

static _Noreturn void bad_frame(const char *why, uint64_t where)
{
	struct task *t = current();
	kprintf("bad signal frame (%s) at %lx in %s[%d]: killed\n", why, where,
		t->name, t->proc->pid);
	proc_exit_group(WAIT_SIGNALED(SIGSEGV));
}

void signal_setup_frame(struct trap_frame *f, int sig,
			const struct k_sigaction *ka,
			const struct signal_record *rec)
{
	struct task *t = current();
	uint64_t sp = f->rsp;
	bool was_on_altstack = on_altstack(t, sp);
	if ((ka->flags & SA_ONSTACK) && t->sig_altstack_size &&
	    !was_on_altstack)
		sp = t->sig_altstack_sp + t->sig_altstack_size;
	else
		sp -= RED_ZONE;
	uint64_t fpstate =
		(sp - sizeof(struct fpu_state)) & ~(FPSTATE_ALIGN - 1ul);
	uint64_t frame_at =
		((fpstate - sizeof(struct rt_sigframe)) & ~15ul) - 8;
	if (was_on_altstack && !on_altstack(t, frame_at))
		bad_frame("alternate stack overflow", frame_at);
	if (!(ka->flags & SA_RESTORER))
		bad_frame("no SA_RESTORER", frame_at); /* Linux's rule too */

	struct rt_sigframe frame;
	memset(&frame, 0, sizeof(frame));
	frame.pretcode = ka->restorer;
	frame.uc.uc_flags = UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS;
	frame.uc.uc_stack = (struct signal_stack){
		.ss_sp = t->sig_altstack_sp,
		.ss_size = t->sig_altstack_size,
		.ss_flags = was_on_altstack	   ? SS_ONSTACK
			    : t->sig_altstack_size ? 0
						   : SS_DISABLE,
	};
	save_registers(&frame.uc.uc_mcontext, f);
	frame.uc.uc_mcontext.fpstate = fpstate;
	frame.uc.uc_mcontext.oldmask = signal_mask_for_frame();
	frame.uc.uc_mcontext.cr2 = is_fault_signal(sig) ? rec->addr : 0;
	frame.uc.uc_sigmask = signal_mask_for_frame();
	fill_siginfo(&frame.info, sig, rec);

	/* The kernel never touches the FPU: its registers are the user's. */
	struct fpu_state fpu;
	fpu_save(&fpu);
	if (copy_to_user(fpstate, &fpu, sizeof(fpu)) < 0 ||
	    copy_to_user(frame_at, &frame, sizeof(frame)) < 0)
		bad_frame("cannot write it", frame_at);
	fpu_init_state(&fpu);
	fpu_restore(&fpu);

	f->rdi = (uint64_t)sig;
	f->rsi = frame_at + offsetof(struct rt_sigframe, info);
	f->rdx = frame_at + offsetof(struct rt_sigframe, uc);
	f->rax = 0;
	f->rsp = frame_at;
	f->rip = ka->handler;
	f->cs = GDT_USER_CODE | 3;
	f->ss = GDT_USER_DATA | 3;
	f->rflags &= ~(RFLAGS_DF | RFLAGS_TF | RFLAGS_RF);
	signal_block_for_handler(sig, ka);
}

static bool user_canonical(uint64_t addr)
{
	return addr < USER_TOP;
}

/* Loads the fxsave image at user address at (0: a fresh FPU). */
static void restore_fpu(uint64_t at)
{
	struct fpu_state fpu;
	if (!at) {
		fpu_init_state(&fpu);
		fpu_restore(&fpu);
		return;
	}
	/* The writable MXCSR bits: fxrstor faults (#GP, in ring 0) on a
	 * reserved one set, so they are cleared first. */
	fpu_save(&fpu);
	uint32_t mask, mxcsr;
	memcpy(&mask, &fpu.bytes[FXSAVE_MXCSR_MASK], sizeof(mask));
	if (!mask)
		mask = MXCSR_MASK_DEFAULT;
	if (copy_from_user(&fpu, at, sizeof(fpu)) < 0)
		bad_frame("unreadable FPU state", at);
	memcpy(&mxcsr, &fpu.bytes[FXSAVE_MXCSR], sizeof(mxcsr));
	mxcsr &= mask;
	memcpy(&fpu.bytes[FXSAVE_MXCSR], &mxcsr, sizeof(mxcsr));
	fpu_restore(&fpu);
}

long signal_return(struct trap_frame *f)
{
	uint64_t uc_at = f->rsp; /* the restorer's ret popped pretcode */
	struct ucontext uc;
	if (copy_from_user(&uc, uc_at, sizeof(uc)) < 0)
		bad_frame("unreadable", uc_at);
	const struct sigcontext *sc = &uc.uc_mcontext;
	if (!user_canonical(sc->rip) || !user_canonical(sc->rsp))
		bad_frame("rip or rsp outside user space", uc_at);
	restore_fpu(sc->fpstate);
	f->r8 = sc->r8, f->r9 = sc->r9, f->r10 = sc->r10, f->r11 = sc->r11;
	f->r12 = sc->r12, f->r13 = sc->r13, f->r14 = sc->r14, f->r15 = sc->r15;
	f->rdi = sc->rdi, f->rsi = sc->rsi, f->rbp = sc->rbp, f->rbx = sc->rbx;
	f->rdx = sc->rdx, f->rax = sc->rax, f->rcx = sc->rcx;
	f->rsp = sc->rsp;
	f->rip = sc->rip;
	f->rflags = (f->rflags & ~RFLAGS_USER_CHANGEABLE) |
		    (sc->eflags & RFLAGS_USER_CHANGEABLE) | RFLAGS_IF |
		    RFLAGS_FIXED;
	f->cs = GDT_USER_CODE | 3;
	f->ss = GDT_USER_DATA | 3;
	signal_set_blocked(uc.uc_sigmask);
	return (long)f->rax;
}
