/*
 * Thin wrappers for the x86-64 instructions C cannot express: port I/O,
 * MSRs, control registers, CPUID, interrupt flag. One instruction each.
 */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H

#include <stdbool.h>
#include <stdint.h>

/* RFLAGS bits (Intel SDM vol. 1, 3.4.3) */
#define RFLAGS_CF (1ul << 0)
#define RFLAGS_FIXED (1ul << 1) /* reads as 1 */
#define RFLAGS_PF (1ul << 2)
#define RFLAGS_AF (1ul << 4)
#define RFLAGS_ZF (1ul << 6)
#define RFLAGS_SF (1ul << 7)
#define RFLAGS_TF (1ul << 8)
#define RFLAGS_IF (1ul << 9)
#define RFLAGS_DF (1ul << 10)
#define RFLAGS_OF (1ul << 11)
#define RFLAGS_RF (1ul << 16)
#define RFLAGS_AC (1ul << 18)

#define CR0_MP (1ul << 1)
#define CR0_EM (1ul << 2)
#define CR0_WP (1ul << 16)
#define CR4_PGE (1ul << 7)
#define CR4_OSFXSR (1ul << 9)
#define CR4_OSXMMEXCPT (1ul << 10)

#define MSR_EFER 0xc0000080
#define EFER_SCE (1ul << 0) /* syscall/sysret enabled */
#define EFER_NXE (1ul << 11)
#define MSR_STAR 0xc0000081  /* segment selectors for syscall/sysret */
#define MSR_LSTAR 0xc0000082 /* syscall's 64-bit entry point */
#define MSR_FMASK 0xc0000084 /* rflags bits syscall clears */
#define MSR_FS_BASE 0xc0000100
#define CR4_SMEP (1ul << 20)
#define CR4_SMAP (1ul << 21)

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr"
			 :
			 : "c"(msr), "a"((uint32_t)v),
			   "d"((uint32_t)(v >> 32)));
}

#define DEFINE_CR_ACCESS(n)                                                    \
	static inline uint64_t read_cr##n(void)                                \
	{                                                                      \
		uint64_t v;                                                    \
		__asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));              \
		return v;                                                      \
	}                                                                      \
	static inline void write_cr##n(uint64_t v)                             \
	{                                                                      \
		__asm__ volatile("mov %0, %%cr" #n : : "r"(v) : "memory");     \
	}
DEFINE_CR_ACCESS(0)
DEFINE_CR_ACCESS(2)
DEFINE_CR_ACCESS(3)
DEFINE_CR_ACCESS(4)
#undef DEFINE_CR_ACCESS

struct cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

static inline struct cpuid_regs cpuid(uint32_t leaf, uint32_t subleaf)
{
	struct cpuid_regs r;
	__asm__ volatile("cpuid"
			 : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
			 : "a"(leaf), "c"(subleaf));
	return r;
}

static inline uint64_t read_rflags(void)
{
	uint64_t f;
	__asm__ volatile("pushfq; popq %0" : "=r"(f));
	return f;
}

static inline void irq_enable(void)
{
	__asm__ volatile("sti" ::: "memory");
}
static inline void irq_disable(void)
{
	__asm__ volatile("cli" ::: "memory");
}
static inline bool irq_enabled(void)
{
	return read_rflags() & RFLAGS_IF;
}

/* Disables interrupts and returns whether they were on, for irq_restore. */
static inline bool irq_save(void)
{
	bool was = irq_enabled();
	irq_disable();
	return was;
}

static inline void irq_restore(bool was_enabled)
{
	if (was_enabled)
		irq_enable();
}

static inline void cpu_relax(void)
{
	__asm__ volatile("pause" ::: "memory");
}
static inline void halt(void)
{
	__asm__ volatile("hlt" ::: "memory");
}

static inline void invlpg(uint64_t va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

#endif
