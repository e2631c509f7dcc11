/* The scheduler: context switches, preemption, priorities, balancing. */
#include <stdatomic.h>

#include "arch/percpu.h"
#include "arch/time.h"
#include "base/kernel.h"
#include "freestanding/string.h"
#include "sched/kthread.h"
#include "sched/sched.h"
#include "sched/timer.h"
#include "sync/spinlock.h"
#include "test/ktest.h"

long hold_registers(uint64_t seed, volatile uint64_t *counter, uint64_t target);
long survive_calls(uint64_t seed, void (*fn)(void), long rounds);

/* The CPU these tests crowd their threads onto: not the one "main" (the
 * test runner, pinned to cpu 0) runs on, when there is a choice. */
static unsigned test_cpu(void)
{
	return nr_cpus - 1;
}

static struct task *start_pinned(void (*fn)(void *), void *arg,
				 const char *name, unsigned cpu, int prio)
{
	struct task *t = task_create(name, fn, arg);
	if (!t)
		return NULL;
	t->affinity = 1ul << cpu;
	t->prio = prio;
	sched_start_task(t);
	return t;
}

static void yield_fn(void)
{
	yield();
}

static void yielder(void *arg)
{
	kthread_exit((int)survive_calls((uint64_t)arg, yield_fn, 2000));
}

KTEST(sched, callee_saved_registers_survive_a_switch)
{
	struct task *a = start_pinned(yielder, (void *)0xa0a0a0a0a0a0a0a0,
				      "yield-a", test_cpu(), PRIO_DEFAULT);
	struct task *b = start_pinned(yielder, (void *)0x5b5b5b5b5b5b5b5b,
				      "yield-b", test_cpu(), PRIO_DEFAULT);
	KASSERT_TRUE(a && b);
	KEXPECT_EQ(kthread_join(a), 0);
	KEXPECT_EQ(kthread_join(b), 0);
}

static void holder(void *arg)
{
	struct task *self = current();
	uint64_t target = self->nr_involuntary + 3;
	kthread_exit((int)hold_registers((uint64_t)arg, &self->nr_involuntary,
					 target));
}

/* Two threads on one CPU fill every callee-saved and SSE register and
 * spin until each has been preempted three times: the other thread used
 * the same registers meanwhile, so only a correct switch (and FPU save and
 * restore) leaves the patterns intact. */
static atomic_bool holders_done;

/* Keeps a holder from being alone on the CPU: one left alone at its
 * level is never preempted (rr_tick), and would spin for ever waiting for
 * its third preemption once the other had its three and ended. */
static void sparring_partner(void *arg)
{
	(void)arg;
	while (!atomic_load(&holders_done))
		yield();
	kthread_exit(0);
}

KTEST(sched, registers_and_sse_survive_preemption)
{
	atomic_store(&holders_done, false);
	struct task *a = start_pinned(holder, (void *)0x1234567800000000,
				      "hold-a", test_cpu(), PRIO_DEFAULT);
	struct task *b = start_pinned(holder, (void *)0x00000000abcdef00,
				      "hold-b", test_cpu(), PRIO_DEFAULT);
	struct task *spar = start_pinned(sparring_partner, NULL, "spar",
					 test_cpu(), PRIO_DEFAULT);
	KASSERT_TRUE(a && b && spar);
	KEXPECT_EQ(kthread_join(a), 0);
	KEXPECT_EQ(kthread_join(b), 0);
	atomic_store(&holders_done, true);
	KEXPECT_EQ(kthread_join(spar), 0);
}

struct spinner {
	volatile bool *stop;
	volatile uint64_t count;
	uint64_t runtime_ns, involuntary;
	volatile unsigned last_cpu;
	volatile uint64_t cpus_seen;
};

static void spin_until_stopped(void *arg)
{
	struct spinner *s = arg;
	while (!*s->stop) {
		s->count++;
		s->last_cpu = this_cpu()->id;
		s->cpus_seen |= 1ul << s->last_cpu;
	}
	struct task *self = current();
	/* Charge the time since it was last switched in, too. */
	s->runtime_ns = self->runtime_ns + (clock_ns() - self->switched_in_ns);
	s->involuntary = self->nr_involuntary;
}

KTEST(sched, pinned_cpu_bound_threads_share_one_cpu)
{
	volatile bool stop = false;
	struct spinner s[2] = {{.stop = &stop}, {.stop = &stop}};
	struct task *t[2];
	for (int i = 0; i < 2; i++)
		t[i] = start_pinned(spin_until_stopped, &s[i], "spin",
				    test_cpu(), PRIO_DEFAULT);
	/* Until both have run and both have been preempted (the second to
	 * run may reach its count before its first slice ends), or 10 s:
	 * generous, because a loaded host can deschedule this vCPU for
	 * longer than a time slice, and then its ticks are lost. */
	for (int waited = 0; waited < 100; waited++) {
		if (s[0].count >= 1000 && s[1].count >= 1000 &&
		    t[0]->nr_involuntary >= 1 && t[1]->nr_involuntary >= 1)
			break;
		sleep_ns(100 * 1000000ull);
	}
	stop = true;
	for (int i = 0; i < 2; i++) {
		kthread_join(t[i]);
		KEXPECT_GE(s[i].count, 1000);
		KEXPECT_GE(s[i].involuntary, 1); /* preempted, not yielding */
		KEXPECT_EQ(s[i].cpus_seen, 1ul << test_cpu());
	}
}

/*
 * One fairness round: N spinners pinned to one CPU for 1.2 s. Fair means
 * equal turns: each was preempted (its slice ran out) as often as the
 * others, give or take one turn and 10%. Turns are counted in ticks the
 * guest received, so a host that deschedules the vCPU (and swallows its
 * ticks) changes how many turns there are, not who gets them. Run time in
 * milliseconds is printed for the reader but not asserted: wall-clock time
 * between switches charges a host's stall to whichever spinner ran. A
 * policy that is really unfair fails all three rounds.
 */
enum { FAIR_N = 3, FAIR_ROUNDS = 3 };

static bool fairness_round(void)
{
	volatile bool stop = false;
	struct spinner s[FAIR_N];
	struct task *t[FAIR_N];
	for (int i = 0; i < FAIR_N; i++) {
		s[i] = (struct spinner){.stop = &stop};
		t[i] = start_pinned(spin_until_stopped, &s[i], "fair",
				    test_cpu(), PRIO_DEFAULT);
	}
	sleep_ns(1200 * 1000000ull);
	stop = true;
	uint64_t most = 0, least = UINT64_MAX;
	for (int i = 0; i < FAIR_N; i++) {
		kthread_join(t[i]);
		most = MAX(most, s[i].involuntary);
		least = MIN(least, s[i].involuntary);
	}
	bool fair = least > 0 && most - least <= 1 + most / 10;
	kprintf("    # fairness: %lu %lu %lu turns (%lu %lu %lu ms) on cpu "
		"%u%s\n",
		s[0].involuntary, s[1].involuntary, s[2].involuntary,
		s[0].runtime_ns / 1000000, s[1].runtime_ns / 1000000,
		s[2].runtime_ns / 1000000, test_cpu(),
		fair ? "" : " (unequal turns)");
	return fair;
}

KTEST(sched, equal_threads_get_equal_turns)
{
	bool fair = false;
	for (int round = 0; round < FAIR_ROUNDS && !fair; round++)
		fair = fairness_round();
	KEXPECT_TRUE(fair);
}

static atomic_int order_next;
static int order[3];

static void record_order(void *arg)
{
	order[atomic_fetch_add(&order_next, 1)] = (int)(long)arg;
}

/* Three threads become runnable on main's CPU while main holds off
 * preemption; when main blocks, they must run highest priority first. */
KTEST(sched, higher_priority_runs_first)
{
	static const int prios[3] = {6, 3, 1};
	struct task *t[3];
	atomic_store(&order_next, 0);
	preempt_disable();
	for (int i = 0; i < 3; i++)
		t[i] = start_pinned(record_order, (void *)(long)prios[i],
				    "prio", this_cpu()->id, prios[i]);
	preempt_enable();
	for (int i = 0; i < 3; i++)
		kthread_join(t[i]);
	KEXPECT_EQ(order[0], 1);
	KEXPECT_EQ(order[1], 3);
	KEXPECT_EQ(order[2], 6);
}

struct busy_pair {
	uint64_t high_done_ns;
	atomic_ulong low_first_ran_ns;
	int high_top_level;  /* the lowest level (largest number) it reached */
	uint64_t high_ticks; /* ticks its CPU took while it ran the loop */
	atomic_bool high_started;
	bool low_saw_high_started; /* when it first ran */
};

/* Ticks the hog runs for at most: MLFQ sinks a priority-1 task to the
 * low one's level 6 in 2 + 3 + 4 + 5 + 6 ticks and lets the low one run
 * after 7 more; a boost (every BOOST_TICKS) on the way can start that
 * over once. Counted in ticks this CPU takes, which the scheduler sees,
 * not in wall time: on a busy host a vCPU takes far fewer ticks a second
 * (with 800 ms of wall time, MLFQ failed under load). */
#define HOG_TICKS 80

static void busy_high(void *arg)
{
	struct busy_pair *p = arg;
	struct cpu *c = this_cpu(); /* pinned: it stays this one */
	uint64_t start = c->ticks, end = start + HOG_TICKS;
	atomic_store(&p->high_started, true);
	p->high_top_level = current()->level;
	/* Until the low one has run (MLFQ let it) or the budget is spent
	 * (round robin never does). */
	while (__atomic_load_n(&c->ticks, __ATOMIC_RELAXED) < end &&
	       !atomic_load(&p->low_first_ran_ns))
		p->high_top_level = MAX(p->high_top_level, current()->level);
	p->high_ticks = c->ticks - start;
	p->high_done_ns = clock_ns();
}

static void note_first_run(void *arg)
{
	struct busy_pair *p = arg;
	p->low_saw_high_started = atomic_load(&p->high_started);
	atomic_store(&p->low_first_ran_ns, clock_ns());
}

/*
 * A CPU-bound priority-1 thread and a priority-6 one on the same CPU.
 * Round robin runs strictly by priority: the low one waits until the high
 * one is done. MLFQ demotes the CPU-bound thread level by level, so the
 * low one gets the CPU long before that.
 */
KTEST(sched, low_priority_task_behind_a_busy_high_priority_one)
{
	struct busy_pair p = {0};
	preempt_disable();
	struct task *low =
		start_pinned(note_first_run, &p, "low", this_cpu()->id, 6);
	struct task *high =
		start_pinned(busy_high, &p, "high", this_cpu()->id, 1);
	preempt_enable();
	kthread_join(high);
	kthread_join(low);
	uint64_t low_ran = atomic_load(&p.low_first_ran_ns);
	kprintf("    # the hog ran %lu ticks, reached level %d; the low task "
		"first ran %s it was done, %s it started\n",
		p.high_ticks, p.high_top_level,
		low_ran < p.high_done_ns ? "before" : "after",
		p.low_saw_high_started ? "after" : "before");
	if (strcmp(sched_policy_name(), "rr") == 0) {
		KEXPECT_GE(low_ran, p.high_done_ns);
	} else {
		KEXPECT_LT(low_ran, p.high_done_ns);
		KEXPECT_LT(1, p.high_top_level); /* it was demoted */
	}
}

KTEST(sched, cpu_bound_threads_spread_across_cpus)
{
	enum { N = 8 };
	volatile bool stop = false;
	struct spinner s[N];
	struct task *t[N];
	for (int i = 0; i < N; i++) {
		s[i] = (struct spinner){.stop = &stop};
		t[i] = kthread_create(spin_until_stopped, &s[i], "spread");
		KASSERT_TRUE(t[i] != NULL);
	}
	sleep_ns(1500 * 1000000ull);
	unsigned per_cpu[MAX_CPUS] = {0};
	for (int i = 0; i < N; i++)
		per_cpu[s[i].last_cpu]++;
	stop = true;
	for (int i = 0; i < N; i++)
		kthread_join(t[i]);
	unsigned want = N / nr_cpus ? N / nr_cpus : 1;
	for (unsigned c = 0; c < nr_cpus && c < N; c++) {
		KEXPECT_LE(per_cpu[c], want + 1);
		KEXPECT_GE(per_cpu[c] + 1, want);
	}
	kprintf("    # spread over %u cpus:", nr_cpus);
	for (unsigned c = 0; c < nr_cpus; c++)
		kprintf(" %u", per_cpu[c]);
	kprintf("\n");
}

KTEST(sched, affinity_mask_is_respected_and_can_move_a_thread)
{
	volatile bool stop = false;
	struct spinner s = {.stop = &stop};
	uint64_t mask = nr_cpus > 2 ? 0x6 : 1ul << test_cpu();
	struct task *t = task_create("pinned", spin_until_stopped, &s);
	KASSERT_TRUE(t != NULL);
	t->affinity = mask;
	sched_start_task(t);
	sleep_ns(300 * 1000000ull);
	KEXPECT_EQ(s.cpus_seen & ~mask, 0);
	/* Move it: from now on it may run only on cpu 0. */
	KEXPECT_EQ(sched_set_affinity(t, 1), 0);
	sleep_ns(100 * 1000000ull);
	s.cpus_seen = 0;
	sleep_ns(200 * 1000000ull);
	stop = true;
	kthread_join(t);
	KEXPECT_EQ(s.cpus_seen, 1);
}

/*
 * A sleep never ends early, whatever the host does. How late it ends is a
 * figure of merit (`make bench`, sleep_10ms): a host that deschedules the
 * vCPU delays any wake-up, and the guest cannot tell that from a slow timer.
 */
KTEST(sched, sleep_10ms_never_ends_early)
{
	for (int i = 0; i < 5; i++) {
		uint64_t start = clock_ns();
		sleep_ns(10 * 1000000ull);
		uint64_t took = clock_ns() - start;
		kprintf("    # sleep_ns(10 ms) took %lu us\n", took / 1000);
		KEXPECT_GE(took, 10 * 1000000ull);
	}
}

KTEST_DEATH(sched, sleeping_while_atomic_panics,
	    "sleeping while atomic: task 'main'|holding spinlock 'held'")
{
	static struct spinlock held = SPINLOCK_INIT("held");
	spin_lock(&held);
	sleep_ns(1000000);
}

/*
 * current() is right even for a task preempted halfway through reading it
 * and resumed on another CPU. (It once read this_cpu() and then its
 * ->current in two loads: a task moved in between got the other CPU's
 * task.) Threads check it in a loop while the runner keeps moving them
 * from CPU to CPU with their affinity masks, so preemptions and moves land
 * at every point of the loop, schedule() included.
 */
struct current_checker {
	volatile bool *stop;
	struct task *self; /* set before the thread starts */
	long checks, wrong;
};

static void check_current(void *arg)
{
	struct current_checker *k = arg;
	while (!*k->stop) {
		if (current() != k->self)
			k->wrong++;
		k->checks++;
		yield(); /* schedule() itself must cope with a move */
	}
}

KTEST(sched, current_is_right_for_a_task_moved_between_cpus)
{
	enum { N = 8, ROUNDS = 400 };
	volatile bool stop = false;
	struct current_checker k[N];
	struct task *t[N];
	for (int i = 0; i < N; i++) {
		k[i] = (struct current_checker){.stop = &stop};
		t[i] = task_create("current?", check_current, &k[i]);
		KASSERT_TRUE(t[i] != NULL);
		k[i].self = t[i];
		sched_start_task(t[i]);
	}
	for (unsigned round = 0; round < ROUNDS; round++) {
		for (unsigned i = 0; i < N; i++)
			sched_set_affinity(t[i], 1ul << (i + round) % nr_cpus);
		sleep_ns(2 * 1000000ull);
		if ((round + 1) % 25 == 0) /* progress, for the harness */
			kprintf("    # %u rounds of moves\n", round + 1);
	}
	stop = true;
	long checks = 0;
	for (int i = 0; i < N; i++) {
		kthread_join(t[i]);
		KEXPECT_EQ(k[i].wrong, 0);
		checks += k[i].checks;
	}
	KEXPECT_LT(0, checks);
}
