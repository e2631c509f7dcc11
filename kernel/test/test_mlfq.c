/*
 * The mlfq policy (kernel/sched/policy_mlfq.c), driven by hand: its hooks
 * are called on a run queue of its own with made-up tasks, the way the
 * scheduler core calls them, one simulated timer tick at a time. So every
 * result is a count of ticks and levels, exact on any host: nothing here
 * runs a real task or reads a clock. (The sched suite, booted with
 * sched=mlfq, checks the same policy with real threads.)
 *
 * The simulated CPU does what sched.c does: the task picked runs; each
 * tick calls the policy's tick hook, and when it says so, the task goes
 * back to the queue (enqueue) and the next is picked. A task that exits
 * is simply not queued again.
 */
#include "arch/percpu.h"
#include "base/kernel.h"
#include "freestanding/string.h"
#include "sched/policy.h"
#include "sched/runqueue.h"
#include "test/ktest.h"

enum { SIM_TASKS = 4 };

static struct {
	struct runqueue rq; /* only its lock and its policy queues are used */
	struct task task[SIM_TASKS];
	unsigned long ran[SIM_TASKS]; /* ticks each task ran */
	struct task *curr;
} sim;

/* Starts a simulation: an empty queue, its lock held (the hooks assert
 * it), nothing running. */
static void sim_begin(void)
{
	memset(&sim, 0, sizeof(sim));
	spin_init(&sim.rq.lock, "mlfq_sim");
	policy_mlfq.init(&sim.rq.q);
	spin_lock(&sim.rq.lock);
}

static void sim_end(void)
{
	spin_unlock(&sim.rq.lock);
}

/* Task i becomes a new task of static priority prio, and is queued. */
static struct task *sim_new(int i, int prio)
{
	struct task *t = &sim.task[i];
	memset(t, 0, sizeof(*t));
	t->prio = prio;
	t->level = -1; /* as task_alloc leaves it: not placed yet */
	t->cpu = this_cpu()->id;
	list_node_init(&t->rq_link);
	policy_mlfq.enqueue(&sim.rq.q, t);
	return t;
}

static void sim_pick(void)
{
	sim.curr = policy_mlfq.pick_next(&sim.rq.q);
}

/* One tick of the running task; then, if it exits, or if the policy says
 * its turn is over, the next task is picked. */
static void sim_tick(bool exits)
{
	struct task *c = sim.curr;
	if (!c)
		return;
	sim.ran[c - sim.task]++;
	bool give_up = policy_mlfq.tick(&sim.rq.q, c);
	if (exits) {
		sim_pick();
	} else if (give_up) {
		policy_mlfq.enqueue(&sim.rq.q, c);
		sim_pick();
	}
}

KTEST(mlfq, a_new_task_starts_at_its_priority_level)
{
	sim_begin();
	struct task *t = sim_new(0, 3);
	int level = t->level, slice = t->slice_left;
	sim_pick();
	struct task *picked = sim.curr;
	sim_end();
	KEXPECT_EQ(level, 3);
	KEXPECT_EQ(slice, 4); /* slice_for(3): level L runs L + 1 ticks */
	KEXPECT_TRUE(picked == t);
}

/* Alone on the CPU, a task that never blocks uses every slice it gets:
 * it is demoted after 1 tick at level 0, 2 more at level 1, 3 more at
 * level 2..., so it reaches level L after 1 + 2 + ... + L ticks. */
KTEST(mlfq, a_cpu_bound_task_sinks_one_level_per_used_slice)
{
	sim_begin();
	struct task *t = sim_new(0, 0);
	sim_pick();
	int level_after[NR_PRIO] = {0}, ticks = 0;
	for (int l = 1; l < NR_PRIO; l++) {
		for (int i = 0; i < l; i++, ticks++)
			sim_tick(false);
		level_after[l] = t->level;
	}
	sim_end();
	for (int l = 1; l < NR_PRIO; l++)
		if (!KEXPECT_EQ(level_after[l], l))
			kprintf("    # after %d ticks the task is at level %d, "
				"not %d\n",
				l * (l + 1) / 2, level_after[l], l);
}

/* Three CPU-bound tasks of the lowest priority share the CPU round robin:
 * over 96 ticks (no boost yet) each runs as many ticks as the others, to
 * within one slice (8 ticks at level 7). */
KTEST(mlfq, equal_tasks_take_equal_turns_within_a_level)
{
	sim_begin();
	for (int i = 0; i < 3; i++)
		sim_new(i, NR_PRIO - 1);
	sim_pick();
	for (int tick = 0; tick < 96; tick++)
		sim_tick(false);
	unsigned long most = 0, least = ~0ul;
	for (int i = 0; i < 3; i++) {
		most = MAX(most, sim.ran[i]);
		least = MIN(least, sim.ran[i]);
	}
	kprintf("    # turns in 96 ticks: %lu %lu %lu\n", sim.ran[0],
		sim.ran[1], sim.ran[2]);
	sim_end();
	KEXPECT_LE(most - least, NR_PRIO);
}

/*
 * Starvation: a CPU-bound task sinks to the bottom level, and then a new
 * task of priority 0 arrives every time the last one exits (a stream of
 * short jobs, each running one tick). Without rule 5 (every task back to
 * its starting level, periodically) the bottom task never runs again;
 * with it, it runs once per boost. 960 ticks of arrivals must give it at
 * least 3 ticks.
 */
KTEST(mlfq, the_boost_ends_starvation_by_new_arrivals)
{
	sim_begin();
	struct task *hog = sim_new(0, 0);
	sim_pick();
	for (int tick = 0; tick < 40; tick++) /* it sinks to the bottom */
		sim_tick(false);
	int hog_level = hog->level;
	/* It yields (queued where it is, at the bottom) just as the first
	 * short job arrives: from now on it runs only if it is lifted. */
	policy_mlfq.enqueue(&sim.rq.q, hog);
	int next = 1;
	sim_new(next, 0);
	sim_pick();
	unsigned long before = sim.ran[0];
	for (int tick = 0; tick < 960; tick++) {
		bool short_job = sim.curr && sim.curr != hog;
		if (short_job) { /* it exits; the next one arrives */
			next = next == 1 ? 2 : 1;
			sim_new(next, 0);
		}
		sim_tick(short_job);
		if (!sim.curr)
			sim_pick();
	}
	unsigned long hog_ticks = sim.ran[0] - before;
	sim_end();
	KEXPECT_EQ(hog_level, NR_PRIO - 1);
	kprintf("    # the CPU-bound task ran %lu of 960 ticks among new "
		"arrivals\n",
		hog_ticks);
	KEXPECT_GE(hog_ticks, 3);
}

/* preempts: a task made runnable at a better (lower) level than the
 * running task's takes the CPU; at the same or a worse level it waits. */
KTEST(mlfq, a_higher_level_task_preempts)
{
	struct task *t = &sim.task[0], *curr = &sim.task[1];
	memset(&sim, 0, sizeof(sim));
	t->cpu = curr->cpu = this_cpu()->id;
	struct runqueue *rq = &runqueues[t->cpu];
	spin_lock(&rq->lock); /* what the hook asserts */
	t->level = 1, curr->level = 4;
	bool better = policy_mlfq.preempts(t, curr);
	t->level = 4;
	bool same = policy_mlfq.preempts(t, curr);
	t->level = 6;
	bool worse = policy_mlfq.preempts(t, curr);
	spin_unlock(&rq->lock);
	KEXPECT_TRUE(better);
	KEXPECT_TRUE(!same);
	KEXPECT_TRUE(!worse);
}
