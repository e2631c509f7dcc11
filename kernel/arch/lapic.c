#include "arch/lapic.h"

#include "arch/cpu.h"
#include "arch/percpu.h"
#include "arch/time.h"
#include "arch/trap.h"
#include "arch/vectors.h"
#include "base/kernel.h"

#define MSR_APIC_BASE 0x1b
#define APIC_BASE_ENABLE (1ul << 11)
#define CALIBRATE_MS 1

static volatile uint32_t *regs;
uint32_t lapic_timer_hz;
static void (*timer_handler)(bool tick);

void lapic_set_timer_handler(void (*handler)(bool tick))
{
	timer_handler = handler;
}

static uint32_t lapic_read(unsigned reg)
{
	return regs[reg / 4];
}

static void lapic_write(unsigned reg, uint32_t value)
{
	regs[reg / 4] = value;
	(void)regs[LAPIC_ID / 4]; /* make the write reach the APIC now */
}

uint32_t lapic_id(void)
{
	return lapic_read(LAPIC_ID) >> 24;
}

void lapic_eoi(void)
{
	regs[LAPIC_EOI / 4] = 0; /* no read-back (as Linux): see lapic_send */
}

void lapic_send(uint32_t dest_apic_id, uint32_t icr_low)
{
	irq_push_off(); /* the two ICR writes must not be split */
	/* Plain stores: the write to ICR low sends, and the loop's read
	 * makes sure it has. (Under QEMU each APIC access is a trip through
	 * the emulator's global lock; lapic_write's read-back would double
	 * them.) */
	regs[LAPIC_ICR_HIGH / 4] = dest_apic_id << 24;
	regs[LAPIC_ICR_LOW / 4] = icr_low;
	while (lapic_read(LAPIC_ICR_LOW) & LAPIC_ICR_PENDING)
		cpu_relax();
	irq_pop_off();
}

/*
 * The timer runs one-shot, set each time for the earlier of the CPU's next
 * tick and the deadline its timers asked for. Ticks keep a fixed grid of
 * TSC values (next_tick_tsc += period), so HZ a second stay HZ a second
 * however late each interrupt is taken; a deadline between two ticks gets
 * an interrupt of its own, so a 2 ms sleep takes 2 ms, not a tick.
 */
static void timer_set(struct cpu *c, uint64_t now)
{
	uint64_t at = c->next_tick_tsc;
	if (c->timer_deadline_tsc && c->timer_deadline_tsc < at)
		at = c->timer_deadline_tsc;
	/* at is at most a period ahead, so the product cannot overflow. */
	uint64_t count = at > now ? (at - now) * lapic_timer_hz / tsc_hz : 0;
	lapic_write(LAPIC_TIMER_INITIAL, (uint32_t)MAX(count, 1));
	c->timer_armed_tsc = at;
}

void lapic_timer_request(uint64_t tsc)
{
	struct cpu *c = this_cpu();
	c->timer_deadline_tsc = tsc;
	if (tsc && c->timer_armed_tsc && tsc < c->timer_armed_tsc)
		timer_set(c, rdtsc());
}

/*
 * A tick is due when the TSC has reached next_tick_tsc, give or take a
 * sixteenth of a period (the timer's rate is measured, not exact, so its
 * interrupt may come a little early). It counts the ticks that never came
 * too: when whole periods passed without an interrupt, the timer fell due
 * while interrupts were off. On real hardware that means interrupts were
 * off too long; under QEMU it happens whenever the host deschedules the
 * vCPU. Linux's jiffies catch up the same way.
 */
static void timer_interrupt(struct trap_frame *frame)
{
	(void)frame;
	struct cpu *c = this_cpu();
	uint64_t now = rdtsc(), period = tsc_hz / HZ;
	bool tick = now + period / 16 >= c->next_tick_tsc;
	if (tick) {
		uint64_t missed = now > c->next_tick_tsc
					  ? (now - c->next_tick_tsc) / period
					  : 0;
		c->lost_ticks += missed;
		c->ticks++;
		c->next_tick_tsc += (missed + 1) * period;
	}
	c->timer_deadline_tsc = 0; /* the handler asks for the next one */
	c->timer_armed_tsc = 0;
	lapic_eoi();
	if (timer_handler)
		timer_handler(tick);
	timer_set(c, rdtsc());
}

static void error_interrupt(struct trap_frame *frame)
{
	(void)frame;
	lapic_write(LAPIC_ESR, 0); /* latch the error bits, then read them */
	pr_err("lapic: cpu %u error status 0x%x\n", this_cpu()->id,
	       lapic_read(LAPIC_ESR));
	lapic_eoi();
}

static void spurious_interrupt(struct trap_frame *frame)
{
	(void)frame; /* a spurious interrupt takes no EOI */
}

/* The timer's rate, in ticks a second at divide-by-16, over CALIBRATE_MS
 * of the TSC. The count and the TSC are read together at both ends, so
 * the time an (emulated) register access takes cancels out. */
static uint32_t timer_hz_measured(void)
{
	lapic_write(LAPIC_TIMER_DIVIDE, LAPIC_TIMER_DIVIDE_BY_16);
	lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED);
	lapic_write(LAPIC_TIMER_INITIAL, 0xffffffff);
	uint32_t count0 = lapic_read(LAPIC_TIMER_CURRENT);
	uint64_t tsc0 = rdtsc();
	mdelay(CALIBRATE_MS);
	uint32_t count1 = lapic_read(LAPIC_TIMER_CURRENT);
	uint64_t tsc1 = rdtsc();
	lapic_write(LAPIC_TIMER_INITIAL, 0);
	return (uint32_t)((uint64_t)(count0 - count1) * tsc_hz / (tsc1 - tsc0));
}

void lapic_init_boot(volatile void *mapped)
{
	regs = mapped;
	trap_set_handler(VEC_TIMER, timer_interrupt);
	trap_set_handler(VEC_APIC_ERROR, error_interrupt);
	trap_set_handler(VEC_SPURIOUS, spurious_interrupt);
	wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | APIC_BASE_ENABLE);
	lapic_write(LAPIC_SVR, LAPIC_SVR_ENABLE | VEC_SPURIOUS);
	uint32_t a = timer_hz_measured(), b = timer_hz_measured(),
		 c = timer_hz_measured();
	lapic_timer_hz = MAX(MIN(a, b), MIN(MAX(a, b), c)); /* the median */
	pr_info("lapic: timer runs at %u.%03u MHz (divide by 16); tick %u Hz\n",
		lapic_timer_hz / 1000000, lapic_timer_hz / 1000 % 1000, HZ);
}

/*
 * lapic_init_cpu - enable this CPU's local APIC and start its tick.
 * Runs on every CPU, with interrupts off, after lapic_init_boot.
 */
void lapic_init_cpu(void)
{
	wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | APIC_BASE_ENABLE);
	lapic_write(LAPIC_SVR, LAPIC_SVR_ENABLE | VEC_SPURIOUS);
	lapic_write(LAPIC_TPR, 0); /* accept every priority */
	lapic_write(LAPIC_LVT_LINT0, LAPIC_LVT_MASKED);
	lapic_write(LAPIC_LVT_LINT1, LAPIC_LVT_NMI);
	lapic_write(LAPIC_LVT_ERROR, VEC_APIC_ERROR);
	lapic_write(LAPIC_ESR, 0);
	lapic_write(LAPIC_ESR, 0);
	lapic_write(LAPIC_TIMER_DIVIDE, LAPIC_TIMER_DIVIDE_BY_16);
	lapic_write(LAPIC_LVT_TIMER, LAPIC_TIMER_ONE_SHOT | VEC_TIMER);
	struct cpu *c = this_cpu();
	uint64_t now = rdtsc();
	c->next_tick_tsc = now + tsc_hz / HZ;
	c->timer_deadline_tsc = 0;
	timer_set(c, now);
	lapic_eoi(); /* clear anything left pending from before */
}
