/*
 * Per-CPU set-up for user mode: the syscall MSRs, and SMEP/SMAP.
 *
 * SMEP stops the kernel from executing user pages, SMAP from touching them
 * except between stac and clac (the user copies in uaccess.S). Both turn a
 * kernel bug that follows a user pointer into an immediate fault report.
 */
#include <stddef.h>

#include "arch/cpu.h"
#include "arch/gdt.h"
#include "arch/percpu.h"
#include "arch/trap.h"
#include "base/kernel.h"
#include "entry/user_entry.h"

_Static_assert(offsetof(struct trap_frame, rax) == FRAME_RAX, "frame");
_Static_assert(offsetof(struct trap_frame, vector) == FRAME_VECTOR, "frame");
_Static_assert(offsetof(struct trap_frame, rip) == FRAME_RIP, "frame");
_Static_assert(offsetof(struct trap_frame, cs) == FRAME_CS, "frame");
_Static_assert(offsetof(struct trap_frame, rflags) == FRAME_RFLAGS, "frame");
_Static_assert(offsetof(struct trap_frame, rsp) == FRAME_RSP, "frame");
_Static_assert(sizeof(struct trap_frame) == FRAME_SIZE, "frame");
_Static_assert(offsetof(struct cpu, kernel_rsp) == CPU_KERNEL_RSP, "cpu");
_Static_assert(offsetof(struct cpu, user_rsp) == CPU_USER_RSP, "cpu");
_Static_assert(MSR_GS_BASE_NUMBER == MSR_GS_BASE, "msr");

/* rflags bits cleared on syscall entry: TF, IF, DF, IOPL, NT, AC. */
#define SYSCALL_FMASK 0x47700ul

void syscall_entry(void);
int smap_enabled;

void syscall_init_cpu(void)
{
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
	/* syscall: CS = 0x08, SS = 0x10. sysret: SS = 0x10 + 8 = user data,
	 * CS = 0x10 + 16 = user code (both with RPL 3): the GDT order. */
	wrmsr(MSR_STAR, (uint64_t)GDT_KERNEL_DATA << 48 |
				(uint64_t)GDT_KERNEL_CODE << 32);
	wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
	wrmsr(MSR_FMASK, SYSCALL_FMASK);

	uint32_t features = cpuid(0, 0).eax >= 7 ? cpuid(7, 0).ebx : 0;
	uint64_t cr4 = read_cr4();
	if (features & (1u << 7))
		cr4 |= CR4_SMEP;
	if (features & (1u << 20)) {
		cr4 |= CR4_SMAP;
		smap_enabled = 1;
	}
	write_cr4(cr4);
}
