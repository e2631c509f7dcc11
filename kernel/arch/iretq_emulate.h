/*
 * Finishing a user-mode iretq that the CPU (QEMU's TCG) could not: see
 * iretq_emulate.c for why it is needed at all.
 */
#ifndef ARCH_IRETQ_EMULATE_H
#define ARCH_IRETQ_EMULATE_H

#include <stdbool.h>

#include "arch/trap.h"

/* Is the instruction at frame->rip (in user mode) a 64-bit iretq? */
bool user_insn_is_iretq(const struct trap_frame *frame);

/*
 * Does what the user-mode iretq at frame->rip would have done, to frame:
 * pops rip, cs, rflags, rsp and ss from the user stack. Only a return to
 * ring 3 in 64-bit mode with the user selectors is legal (anything else is
 * a #GP on hardware); rflags keeps IF and IOPL, as a ring-3 iretq must.
 * Returns 0, or -EFAULT (stack not readable) or -EINVAL (an iretq the CPU
 * would refuse): the caller sends SIGSEGV, as a #GP or #PF would.
 */
int user_iretq_emulate(struct trap_frame *frame);

#endif
