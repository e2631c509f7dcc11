#include "arch/time.h"

#include <stdatomic.h>

#include "arch/cpu.h"
#include "base/kernel.h"

/* The PIT (8253/8254), channel 2: the one whose gate software controls. */
#define PIT_HZ 1193182
#define PIT_CH2_DATA 0x42
#define PIT_COMMAND 0x43
#define PIT_CMD_CH2_LOHI_MODE0 0xb0 /* channel 2, lo/hi byte, mode 0 */
#define PORT_B 0x61		    /* NMI status and control */
#define PORT_B_GATE2 0x01	    /* starts channel 2 counting */
#define PORT_B_SPEAKER 0x02	    /* keep the speaker silent */
#define PORT_B_OUT2 0x20	    /* channel 2 output: high at zero */

#define CALIBRATE_MS 2
#define CALIBRATE_ROUNDS 3

uint64_t tsc_hz = 2000000000; /* a guess, until time_init measures it */
static uint64_t tsc_at_boot;
/* Nanoseconds per TSC tick: ns_per_tick + ns_frac / 2^64, the fraction
 * rounded up (set_tsc_hz). */
static uint64_t ns_per_tick, ns_frac = 0x8000000000000000ul;

/*
 * clock_ns multiplies instead of dividing: a 64-bit division is a helper
 * call of tens of ns under QEMU, and clock_ns runs on every switch and in
 * the idle loop. 1e9 / hz = ns_per_tick + ns_frac / 2^64; the remainder
 * is below hz, so the 128-by-64 division cannot overflow. Rounding the
 * fraction up makes clock_ns at most 1 ns ahead of the exact quotient
 * (t < 2^64 ticks times an error below 2^-64), never behind it, so
 * clock_ns_to_tsc, which inverts the exact quotient, stays right.
 */
static void set_tsc_hz(uint64_t hz)
{
	uint64_t frac, rem;
	__asm__("divq %4"
		: "=a"(frac), "=d"(rem)
		: "a"(0ul), "d"(NSEC_PER_SEC % hz), "rm"(hz));
	tsc_hz = hz;
	ns_per_tick = NSEC_PER_SEC / hz;
	ns_frac = frac + (rem != 0);
}

/* TSC ticks during `ms` milliseconds of the PIT counting down. */
static uint64_t tsc_ticks_in_pit_ms(unsigned ms)
{
	unsigned count = PIT_HZ * ms / 1000;
	uint8_t b = inb(PORT_B);
	outb(PORT_B, (b & ~PORT_B_SPEAKER) & ~PORT_B_GATE2);
	outb(PIT_COMMAND, PIT_CMD_CH2_LOHI_MODE0);
	outb(PIT_CH2_DATA, count & 0xff);
	outb(PIT_CH2_DATA, count >> 8);
	outb(PORT_B, (inb(PORT_B) & ~PORT_B_SPEAKER) | PORT_B_GATE2);
	uint64_t start = rdtsc();
	while (!(inb(PORT_B) & PORT_B_OUT2))
		cpu_relax();
	return rdtsc() - start;
}

static uint64_t tsc_hz_from_cpuid(void)
{
	if (cpuid(0, 0).eax < 0x15)
		return 0;
	struct cpuid_regs r = cpuid(0x15, 0); /* TSC/crystal ratio, crystal */
	if (!r.eax || !r.ebx || !r.ecx)
		return 0;
	return (uint64_t)r.ecx * r.ebx / r.eax;
}

void time_init(void)
{
	const char *source = "CPUID leaf 0x15";
	uint64_t hz = tsc_hz_from_cpuid();
	if (!hz) {
		/* The median of a few rounds shrugs off one that was
		 * interrupted or, under emulation, descheduled. */
		uint64_t t[CALIBRATE_ROUNDS];
		for (int i = 0; i < CALIBRATE_ROUNDS; i++) {
			uint64_t v = tsc_ticks_in_pit_ms(CALIBRATE_MS);
			int j = i;
			for (; j > 0 && t[j - 1] > v; j--)
				t[j] = t[j - 1];
			t[j] = v;
		}
		hz = t[CALIBRATE_ROUNDS / 2] * (1000 / CALIBRATE_MS);
		source = "the PIT";
	}
	set_tsc_hz(hz);
	tsc_at_boot = rdtsc();
	pr_info("time: TSC runs at %lu.%03lu MHz (measured against %s)\n",
		hz / 1000000, hz / 1000 % 1000, source);
}

uint64_t clock_ns(void)
{
	return clock_ns_at(rdtsc());
}

uint64_t clock_ns_at(uint64_t tsc)
{
	uint64_t t = tsc - tsc_at_boot;
	return t * ns_per_tick +
	       (uint64_t)(((unsigned __int128)t * ns_frac) >> 64);
}

uint64_t clock_ns_to_tsc(uint64_t ns)
{
	/* The first TSC value at which clock_ns() >= ns: rounded up. */
	uint64_t s = ns / NSEC_PER_SEC, rest = ns % NSEC_PER_SEC;
	return tsc_at_boot + s * tsc_hz +
	       (rest * tsc_hz + NSEC_PER_SEC - 1) / NSEC_PER_SEC;
}

void udelay(uint64_t microseconds)
{
	uint64_t end = rdtsc() + tsc_hz / 1000000 * microseconds;
	while (rdtsc() < end)
		cpu_relax();
}

void mdelay(uint64_t milliseconds)
{
	udelay(milliseconds * 1000);
}

uint64_t random_u64(void)
{
	static _Atomic uint64_t state = 0x853c49e6748fea9bul;
	uint64_t z = atomic_fetch_add(&state, 0x9e3779b97f4a7c15ul) ^ rdtsc();
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ul;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebul;
	return z ^ (z >> 31);
}
