/*
 * A user-mode iretq under QEMU's TCG with SMAP on.
 *
 * iretq is legal in ring 3 as long as it returns to ring 3 (a program may
 * use it to load rip, rsp and rflags in one step; Linux runs it). QEMU 7.2's
 * TCG, though, pops the iretq frame with *supervisor* data accesses
 * (helper_ret_protected reads the stack through cpu_ldq_kernel_ra, the
 * kernel's MMU index), so with CR4.SMAP set each read of the user stack is
 * a supervisor access to a user page: a #PF with the present bit set and
 * the user bit clear, though the instruction ran in user mode. Nothing
 * the kernel can change in the page table makes that read succeed, so
 * returning to the iretq would fault for ever. Real hardware never does
 * this (a ring-3 iretq's reads are user accesses), so a user-mode fault
 * that claims a supervisor access to a present user page is exactly this
 * case; the fault handler then finishes the instruction here, in
 * software, and resumes after it. Any other such fault is killed (lretq
 * goes through the same QEMU helper: it gets SIGSEGV here, not a hang).
 * Measured: the fault's error code is 0x1 (present, read, supervisor).
 *
 *   user stack at rsp:  rip | cs | rflags | rsp | ss   (8 bytes each)
 */
#include "arch/iretq_emulate.h"
#include "arch/gdt.h"
#include "arch/uaccess.h"
#include "freestanding/errno.h"

#define REX_W_MASK 0xf8 /* 0x48..0x4f: a REX prefix with W set */
#define REX_W 0x48
#define OPCODE_IRET 0xcf
#define USER_HALF_END 0x0000800000000000ul /* first non-canonical address */

/* The rflags bits ring 3 may change with iretq (IOPL 0): CF PF AF ZF SF
 * TF DF OF NT RF AC ID. IF and IOPL stay as they were. */
#define RFLAGS_USER_IRET_MASK 0x254dd5ul
#define RFLAGS_FIXED_ONE 0x2ul

bool user_insn_is_iretq(const struct trap_frame *frame)
{
	uint8_t insn[2];
	if (copy_from_user(insn, frame->rip, sizeof(insn)) < 0)
		return false;
	return (insn[0] & REX_W_MASK) == REX_W && insn[1] == OPCODE_IRET;
}

int user_iretq_emulate(struct trap_frame *frame)
{
	struct {
		uint64_t rip, cs, rflags, rsp, ss;
	} f;
	if (copy_from_user(&f, frame->rsp, sizeof(f)) < 0)
		return -EFAULT;
	if ((f.cs & 0xffff) != (GDT_USER_CODE | 3) ||
	    (f.ss & 0xffff) != (GDT_USER_DATA | 3) || f.rip >= USER_HALF_END)
		return -EINVAL;
	frame->rip = f.rip;
	frame->rsp = f.rsp;
	frame->rflags = (frame->rflags & ~RFLAGS_USER_IRET_MASK) |
			(f.rflags & RFLAGS_USER_IRET_MASK) | RFLAGS_FIXED_ONE;
	return 0;
}
