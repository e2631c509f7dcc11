/*
 * The local APIC: each CPU's own interrupt controller. It takes interrupts
 * from the IOAPIC and from other CPUs (IPIs), has a timer (our ticks and
 * timer deadlines), and is how one CPU starts another (INIT, STARTUP).
 * Spindle uses xAPIC mode: registers are 32-bit words in a 4 KiB MMIO
 * page, 16 bytes apart.
 */
#ifndef ARCH_LAPIC_H
#define ARCH_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

/* Register offsets (Intel SDM vol. 3, table 11-1). */
#define LAPIC_ID 0x020
#define LAPIC_TPR 0x080
#define LAPIC_EOI 0x0b0
#define LAPIC_SVR 0x0f0
#define LAPIC_ESR 0x280
#define LAPIC_ICR_LOW 0x300
#define LAPIC_ICR_HIGH 0x310
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_LVT_LINT1 0x360
#define LAPIC_LVT_ERROR 0x370
#define LAPIC_TIMER_INITIAL 0x380
#define LAPIC_TIMER_CURRENT 0x390
#define LAPIC_TIMER_DIVIDE 0x3e0

#define LAPIC_SVR_ENABLE (1u << 8)
#define LAPIC_LVT_MASKED (1u << 16)
#define LAPIC_LVT_NMI (4u << 8)
#define LAPIC_TIMER_ONE_SHOT (0u << 17)
#define LAPIC_TIMER_DIVIDE_BY_16 0x3

#define LAPIC_ICR_FIXED (0u << 8)
#define LAPIC_ICR_NMI (4u << 8)
#define LAPIC_ICR_INIT (5u << 8)
#define LAPIC_ICR_STARTUP (6u << 8)
#define LAPIC_ICR_PENDING (1u << 12) /* delivery status: not yet accepted */
#define LAPIC_ICR_ASSERT (1u << 14)
#define LAPIC_ICR_LEVEL (1u << 15)
#define LAPIC_ICR_ALL_BUT_SELF (3u << 18)
#define LAPIC_ICR_ALL (2u << 18)

#define LAPIC_MMIO_SIZE 4096 /* the register page */

/* Takes the registers, mapped by the caller (uncached), and calibrates the
 * timer (boot CPU, once). */
void lapic_init_boot(volatile void *regs);
/* Enables this CPU's local APIC and starts its tick. */
void lapic_init_cpu(void);
void lapic_eoi(void);
uint32_t lapic_id(void);

/* Sends an IPI: icr_low holds the delivery mode, vector and shorthand;
 * dest_apic_id is used only without a shorthand. Waits until accepted. */
void lapic_send(uint32_t dest_apic_id, uint32_t icr_low);

extern uint32_t lapic_timer_hz; /* timer ticks/s at divide-by-16 */

/*
 * Each CPU's timer interrupt comes at the earlier of its next tick (HZ a
 * second, on a grid of TSC values) and the deadline asked for with
 * lapic_timer_request. handler runs on every one of them, in the interrupt
 * handler: tick says whether a tick was due (the scheduler's time slices
 * count those), or only a deadline.
 */
void lapic_set_timer_handler(void (*handler)(bool tick));
/* Interrupts this CPU at TSC value tsc as well as at its ticks (0: at its
 * ticks only); a deadline already past interrupts at once. Interrupts
 * off. The handler asks again for the next deadline: each request lasts
 * one interrupt. */
void lapic_timer_request(uint64_t tsc);

#endif
