/* What a CPU does when it has nothing to run. */
#include "arch/cpu.h"
#include "arch/percpu.h"
#include "arch/time.h"
#include "base/kernel.h"
#include "sched/runqueue.h"
#include "sched/sched.h"

/*
 * An idle CPU first watches need_resched for a while, then halts. A task
 * woken for it in that window runs without an IPI -- and waking a halted
 * CPU is slow (under QEMU, ~100 us: its host thread must be woken), which
 * a thread that blocks and is woken right back (futex ping-pong, a
 * condition variable hand-off) would pay on every round.
 *
 * Polling burns the CPU (and under QEMU, a host core other vCPUs need), so
 * the window adapts, as Linux's haltpoll does: a CPU woken within
 * IDLE_SHORT_NS of going idle doubles its window (it should have waited),
 * one idle for longer halves it. (The threshold is well above the window
 * because the wake-up of a halted vCPU itself takes ~100 us.) A CPU whose
 * idle spells are long ends up not polling at all.
 *
 * The flag and need_resched are a pair (as Linux's TIF_POLLING_NRFLAG):
 * a waker sets need_resched, then skips the IPI only if it sees the CPU
 * polling; the CPU clears polling, then checks need_resched before hlt.
 * Both are sequentially consistent, so one of the two always notices.
 */
#define IDLE_POLL_MIN_NS 10000
#define IDLE_POLL_MAX_NS 100000
#define IDLE_SHORT_NS 1000000
#define IDLE_POLL_CLOCK_EVERY 16

static void idle_poll_and_halt(struct cpu *c)
{
	uint64_t start = clock_ns();
	atomic_store(&c->idle_polling, true);
	/* The clock only every IDLE_POLL_CLOCK_EVERY passes: under QEMU a
	 * TSC read is a call into the emulator that the vCPUs contend for
	 * (measured: 13 ns alone, 80 ns while another vCPU reads in a
	 * loop), and every other CPU's reads -- the scheduler's, the
	 * trace's -- paid for a poll that read it on every pass. */
	for (unsigned i = 1; !atomic_load(&c->need_resched) &&
			     (i % IDLE_POLL_CLOCK_EVERY ||
			      clock_ns() - start < c->idle_poll_ns);
	     i++)
		cpu_relax();
	atomic_store(&c->idle_polling, false);
	irq_disable();
	if (atomic_load(&c->need_resched)) {
		irq_enable();
		return; /* woken while polling: the window was long enough */
	}
	__asm__ volatile("sti; hlt; cli" ::: "memory");
	irq_enable();
	uint64_t idle = clock_ns() - start;
	if (!atomic_load(&c->need_resched))
		return; /* a tick or another interrupt: not a wake-up */
	if (idle < IDLE_SHORT_NS)
		c->idle_poll_ns =
			MIN(MAX(2 * c->idle_poll_ns, IDLE_POLL_MIN_NS),
			    IDLE_POLL_MAX_NS);
	else
		c->idle_poll_ns /= 2;
	if (c->idle_poll_ns < IDLE_POLL_MIN_NS)
		c->idle_poll_ns = 0;
}

noreturn void sched_idle_loop(void)
{
	struct cpu *c = this_cpu();
	for (;;) {
		sched_balance(1); /* idle: take any task that is waiting */
		idle_poll_and_halt(c);
		if (atomic_load(&c->need_resched))
			schedule();
	}
}
