/*
 * Time: the TSC as the clock, the LAPIC timer as the tick.
 *
 * The TSC counts at a constant rate on every CPU this kernel supports; its
 * frequency comes from CPUID leaf 0x15 when the CPU states it, else from
 * timing it against the PIT, whose 1.193182 MHz input is fixed by the PC
 * standard. clock_ns() is nanoseconds since calibration.
 *
 * HZ is 100: a tick every 10 ms. That is the scheduler's time-slice unit;
 * a faster tick costs a lot under QEMU's software emulation and buys
 * nothing a student can see.
 */
#ifndef ARCH_TIME_H
#define ARCH_TIME_H

#include <stdint.h>

#define HZ 100
#define NSEC_PER_SEC 1000000000ull
#define NSEC_PER_MSEC 1000000ull
#define NSEC_PER_USEC 1000ull
#define USEC_PER_SEC 1000000ull

extern uint64_t tsc_hz;

/* Calibrates the TSC (on the boot CPU, before the other CPUs start). */
void time_init(void);
uint64_t clock_ns(void);
/* clock_ns at the moment rdtsc() returned tsc. */
uint64_t clock_ns_at(uint64_t tsc);
/* The TSC value at which clock_ns() reaches ns. */
uint64_t clock_ns_to_tsc(uint64_t ns);
void udelay(uint64_t microseconds);
void mdelay(uint64_t milliseconds);
/* 64 unpredictable-enough bits: a splitmix64 stream stirred with the TSC.
 * NOT cryptographic -- a teaching kernel has no entropy pool. Used for
 * AT_RANDOM and getrandom. */
uint64_t random_u64(void);

#endif
