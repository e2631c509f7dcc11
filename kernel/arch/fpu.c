#include "arch/fpu.h"

#include "arch/cpu.h"
#include "freestanding/string.h"

#define FXSAVE_FCW 0	  /* offset of the x87 control word */
#define FXSAVE_MXCSR 24	  /* offset of the SSE control/status register */
#define FCW_DEFAULT 0x37f /* fninit's: every x87 exception masked */
#define MXCSR_DEFAULT 0x1f80

void fpu_enable_cpu(void)
{
	/* CR0.MP with TS, EM clear: x87/SSE instructions run natively;
	 * CR4.OSFXSR/OSXMMEXCPT: fxsave/fxrstor and SSE are allowed. */
	write_cr0((read_cr0() | CR0_MP) & ~CR0_EM);
	write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
	__asm__ volatile("fninit");
}

void fpu_init_state(struct fpu_state *f)
{
	memset(f, 0, sizeof(*f));
	uint16_t fcw = FCW_DEFAULT;
	uint32_t mxcsr = MXCSR_DEFAULT;
	memcpy(&f->bytes[FXSAVE_FCW], &fcw, sizeof(fcw));
	memcpy(&f->bytes[FXSAVE_MXCSR], &mxcsr, sizeof(mxcsr));
}

void fpu_save(struct fpu_state *f)
{
	__asm__ volatile("fxsave64 %0" : "=m"(*f));
}

void fpu_restore(const struct fpu_state *f)
{
	__asm__ volatile("fxrstor64 %0" : : "m"(*f));
}
