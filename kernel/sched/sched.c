/*
 * The scheduler core.
 *
 * Each CPU has a run queue: its lock, the policy's queues of runnable
 * tasks, the task running now, and an idle task that runs when nothing else
 * can. A task is on at most one run queue; while it runs, it is on none.
 *
 * Switching (schedule):
 *   1. The task sets its own state: RUNNING (yield, preemption: it goes
 *      back on the queue), BLOCKED (sleep: wake_up will requeue it),
 *      EXITED (never runs again).
 *   2. With the run queue locked, the policy picks the next task, and
 *      switch_to swaps stacks. The lock is held ACROSS the switch and
 *      released by the task that switched in (sched_finish_switch): until
 *      then the old task is still on this CPU's stack, and no other CPU may
 *      pick it up. `on_cpu` says exactly that, for wake_up's benefit.
 *
 * Waking (wake_up) takes the run queue lock of the task's CPU and makes it
 * RUNNABLE. If the task has not finished switching away yet (on_cpu), that
 * is all: its schedule() will see RUNNABLE and keep it on the queue. This
 * is what makes "check the condition, then sleep" safe against a wake-up
 * landing in between (see waitq.c).
 *
 * Preemption: the tick asks the policy whether the running task's slice is
 * over and sets need_resched; on the way out of any interrupt handler, if
 * need_resched is set and the interrupted code had interrupts on (so held
 * no spinlock) and preemption is not disabled, the task is switched out
 * right there, inside the interrupt, on its own kernel stack.
 *
 * Which task runs next: the real-time class first (rt.c, SCHED_FIFO and
 * SCHED_RR), then the policy (rr, mlfq). Balancing (balance.c), the idle
 * loop (idle.c) and changing a task's affinity or priority (attr.c) share
 * the run queues through runqueue.h.
 */
#include "sched/sched.h"

#include "arch/cpu.h"
#include "arch/ipi.h"
#include "arch/lapic.h"
#include "arch/percpu.h"
#include "arch/time.h"
#include "arch/trap.h"
#include "arch/vectors.h"
#include "base/kernel.h"
#include "boot/cmdline.h"
#include "freestanding/string.h"
#include "mm/kstack.h"
#include "mm/vmm.h"
#include "sched/kthread.h"
#include "sched/policy.h"
#include "sched/runqueue.h"
#include "sched/timer.h"
#include "sched/trace.h"
#include "sync/spinlock.h"

struct runqueue runqueues[MAX_CPUS];
const struct sched_policy *policy = &policy_rr;
static const struct sched_policy *const policies[] = {&policy_rr, &policy_mlfq};

struct task *switch_to(uint64_t *save_rsp, uint64_t new_rsp, struct task *prev);

/*
 * One %gs-relative load. A task can be preempted and moved to another CPU
 * between any two instructions, so this_cpu() and then its ->current (two
 * loads) could name the task running on the CPU it has just left.
 */
struct task *current(void)
{
	struct task *t;
	__asm__ volatile("mov %%gs:%c1, %0"
			 : "=r"(t)
			 : "i"(offsetof(struct cpu, current)));
	return t;
}

const char *sched_policy_name(void)
{
	return policy->name;
}

unsigned sched_queued(unsigned cpu)
{
	return runqueues[cpu].nr_queued;
}

void policy_assert_locked_at(struct policy_queues *q, const char *fn)
{
	struct runqueue *rq = container_of(q, struct runqueue, q);
	if (!spin_holding(&rq->lock))
		panic("%s: a policy hook, called without its run queue's lock",
		      fn);
}

void policy_assert_task_locked_at(const struct task *t, const char *fn)
{
	policy_assert_locked_at(&runqueues[t->cpu].q, fn);
}

static unsigned first_allowed_cpu(const struct task *t)
{
	for (unsigned cpu = 0; cpu < nr_cpus; cpu++)
		if (task_allowed_on(t, cpu))
			return cpu;
	panic("sched: task '%s' may run on no online CPU (mask %lx)", t->name,
	      t->affinity);
}

/* Sets cpu's need_resched. Returns whether it takes an IPI for cpu to
 * notice: not if it is this one, nor if it is idle and polling the flag. */
static bool set_need_resched(unsigned cpu)
{
	atomic_store(&cpus[cpu].need_resched, true);
	return cpu != this_cpu()->id && !atomic_load(&cpus[cpu].idle_polling);
}

void resched_cpu(unsigned cpu)
{
	if (set_need_resched(cpu))
		ipi_send(cpu, VEC_RESCHEDULE);
}

bool enqueue_locked(struct runqueue *rq, unsigned cpu, struct task *t)
{
	spin_assert_held(&rq->lock);
	t->cpu = cpu;
	class_enqueue(rq, t, false);
	rq->nr_queued++;
	return (rq->current == rq->idle || class_preempts(t, rq->current)) &&
	       set_need_resched(cpu);
}

/* Sends cpu the IPI that makes it reschedule -- unless the current task
 * holds its kicks back (sched_hold_kicks): then it goes out later. An
 * interrupt handler's wake-ups are the handler's, and go out at once. */
static void kick_cpu(unsigned cpu)
{
	struct task *self = current(); /* the task: it may move CPUs */
	if (self && self->kicks_held && !this_cpu()->in_interrupt)
		self->held_kicks |= 1ul << cpu;
	else
		ipi_send(cpu, VEC_RESCHEDULE);
}

/* Locks the run queue t belongs to; t->cpu may change until we hold it. */
struct runqueue *lock_task_rq(struct task *t)
{
	for (;;) {
		unsigned cpu = t->cpu;
		struct runqueue *rq = &runqueues[cpu];
		spin_lock(&rq->lock);
		if (t->cpu == cpu)
			return rq;
		spin_unlock(&rq->lock);
	}
}

/*
 * Queues t -- runnable, on no queue and on no CPU -- on `cpu` if its mask
 * allows, else on the first CPU it does; returns the CPU. rq, the run
 * queue t->cpu names, is locked; it is unlocked on return.
 *
 * t->cpu says whose lock guards t's affinity mask (sched_set_affinity
 * takes lock_task_rq), so t->cpu changes only under the lock of the run
 * queue it names, and the mask is checked again under the new one: it
 * may have changed while t was between the two.
 */
unsigned queue_task_unlock(struct runqueue *rq, struct task *t, unsigned cpu)
{
	spin_assert_held(&rq->lock);
	while (!task_allowed_on(t, cpu) || rq != &runqueues[cpu]) {
		if (!task_allowed_on(t, cpu))
			cpu = first_allowed_cpu(t);
		t->cpu = cpu;
		spin_unlock(&rq->lock);
		rq = &runqueues[cpu];
		spin_lock(&rq->lock);
	}
	bool kick = enqueue_locked(rq, cpu, t);
	spin_unlock(&rq->lock);
	if (kick) /* not under the lock: see enqueue_locked */
		kick_cpu(cpu);
	return cpu;
}

/* In an interrupt handler both do nothing: its kicks go out at once. */
void sched_hold_kicks(void)
{
	if (!this_cpu()->in_interrupt)
		current()->kicks_held++;
}

void sched_send_kicks(void)
{
	struct task *self = current();
	if (this_cpu()->in_interrupt || --self->kicks_held)
		return;
	uint64_t held = self->held_kicks;
	self->held_kicks = 0;
	for (unsigned cpu = 0; held; cpu++, held >>= 1)
		if (held & 1)
			ipi_send(cpu, VEC_RESCHEDULE);
}

void sched_start_task(struct task *t)
{
	struct trace_wake w;
	trace_wake_begin(&w);
	struct runqueue *rq = lock_task_rq(t);
	/* Only once: a wake_up (a kill, say) before this finds it NEW and
	 * leaves it, or it would be queued twice. */
	kassert(t->state == TASK_NEW);
	/* Its creator's CPU, if it may: */
	unsigned cpu = sched_place(t, this_cpu()->id);
	t->state = TASK_RUNNABLE;
	trace_wake_note(&w, t);
	trace_wake_end(&w, queue_task_unlock(rq, t, cpu));
}

/*
 * wake_up - make a blocked task runnable.
 * Contract: may be called from any CPU, from interrupt handlers too, with
 * any locks held that rank before run queue locks (wait queue locks do).
 * Returns false if t was not blocked (already awake: nothing to do).
 */
bool wake_up(struct task *t)
{
	struct trace_wake w;
	trace_wake_begin(&w);
	struct runqueue *rq = lock_task_rq(t);
	if (t->state != TASK_BLOCKED) {
		spin_unlock(&rq->lock);
		return false;
	}
	t->state = TASK_RUNNABLE;
	trace_wake_note(&w, t);
	/* Back where it last ran, unless its mask changed while it slept
	 * (or it is real-time, and would wait there: sched_place). */
	bool switching_away = t->on_cpu; /* schedule() keeps it */
	unsigned cpu = switching_away ? t->cpu : sched_place(t, t->cpu);
	if (switching_away)
		spin_unlock(&rq->lock);
	else
		cpu = queue_task_unlock(rq, t, cpu);
	trace_wake_end(&w, cpu);
	return true;
}

static void account_switch(struct task *prev, struct task *next, uint64_t now)
{
	prev->runtime_ns += now - prev->switched_in_ns;
	next->switched_in_ns = now;
}

/*
 * Picks the next task and switches to it. rq (this CPU's) is locked, and
 * stays locked across the switch; returns the task that ran on this CPU
 * before the caller got it back (NULL if there was no switch).
 */
static struct task *context_switch(struct runqueue *rq, bool preempted)
{
	spin_assert_held(&rq->lock);
	struct cpu *c = this_cpu();
	struct task *prev = rq->current;
	/*
	 * Preempted between waitq_prepare and schedule(), a task is already
	 * BLOCKED, but it has not yet checked its condition: if the wake-up
	 * came before it queued itself, none will ever come. So a preempted
	 * task stays runnable whatever it was about to do; back on the CPU
	 * it checks its condition, and sleeps properly if it must.
	 */
	if (preempted && prev->state == TASK_BLOCKED)
		prev->state = TASK_RUNNABLE;
	bool stays =
		prev->state == TASK_RUNNING || prev->state == TASK_RUNNABLE;
	bool migrates = stays && !task_allowed_on(prev, c->id);
	if (stays && prev != rq->idle && !migrates) {
		prev->state = TASK_RUNNABLE;
		class_enqueue(rq, prev, preempted);
		rq->nr_queued++;
	}
	struct task *next = class_pick_next(rq);
	if (next)
		rq->nr_queued--;
	else
		next = rq->idle;
	atomic_store(&rq->rank, class_rank(rq, next));
	atomic_store(&c->need_resched, false);
	/* The idle task can be switched out from inside its polling loop
	 * (an interrupt's exit hook); the flag must not outlive the poll, or
	 * wakers would skip the IPI to a CPU busy with a real task, and a
	 * task that should preempt it would wait for the next tick. */
	if (prev == rq->idle)
		atomic_store(&c->idle_polling, false);
	if (next == prev) {
		prev->state = TASK_RUNNING;
		return NULL;
	}
	if (!task_allowed_on(next, c->id))
		panic("sched: task '%s' (tid %d) picked on cpu %u, outside its "
		      "affinity mask %lx",
		      next->name, next->tid, c->id, next->affinity);
	if (prev != rq->idle) {
		if (preempted)
			prev->nr_involuntary++;
		else
			prev->nr_voluntary++;
	} else {
		/* Off its CPU the idle task is ready, not running: reports
		 * (Ctrl-T, spindle-tasks) must not show two running tasks on
		 * one CPU. It is never queued; pick_next falls back on it. */
		prev->state = TASK_RUNNABLE;
	}
	uint64_t tsc = rdtsc(); /* one reading for the trace and the clock */
	trace_switch(prev, next, preempted, next == rq->idle, tsc);
	account_switch(prev, next, clock_ns_at(tsc));
	if (migrates)
		prev->state = TASK_RUNNABLE;
	next->state = TASK_RUNNING;
	next->on_cpu = true;
	next->cpu = c->id;
	rq->current = next;
	c->current = next;
	c->tables.tss.rsp[0] = (uint64_t)next->kstack_top;
	c->kernel_rsp = (uint64_t)next->kstack_top;
	vmm_switch(task_space(next)); /* a kernel thread: no change */
	if (next->mm)
		wrmsr(MSR_FS_BASE, next->fs_base);
	fpu_save(&prev->fpu);
	fpu_restore(&next->fpu);

	bool were_enabled = c->irq_were_enabled;
	struct task *from = switch_to(&prev->saved_rsp, next->saved_rsp, prev);
	this_cpu()->irq_were_enabled = were_enabled;
	return from;
}

/*
 * sched_finish_switch - the first thing a task does on getting a CPU.
 * Contract: this CPU's run queue is locked (by whoever switched to us);
 * `from` is the task that ran here before us, or NULL. Releases the lock.
 */
void sched_finish_switch(struct task *from)
{
	struct cpu *c = this_cpu();
	struct runqueue *rq = &runqueues[c->id];
	spin_assert_held(&rq->lock);
	bool exited = false, migrate = false;
	if (from) {
		from->on_cpu = false;
		exited = from->state == TASK_EXITED;
		migrate = from->state == TASK_RUNNABLE &&
			  !list_node_linked(&from->rq_link) &&
			  !task_allowed_on(from, c->id);
	}
	if (migrate) {
		trace_move(TRACE_MIGRATE, from, c->id, first_allowed_cpu(from));
		queue_task_unlock(rq, from, c->id);
	} else {
		spin_unlock(&rq->lock);
	}
	if (exited)
		kthread_reap(from);
}

static void schedule_checks(struct cpu *c, struct task *t)
{
	if (c->in_interrupt)
		panic("sleeping in an interrupt handler: task '%s' (tid %d) "
		      "called schedule() from interrupt context",
		      t->name, t->tid);
	if (c->nr_held_locks > 0) {
		struct spinlock *l = c->held_locks[0];
		panic("sleeping while atomic: task '%s' (tid %d) called "
		      "schedule() holding spinlock '%s' (taken at %s)",
		      t->name, t->tid, l->name, l->site);
	}
	if (c->irq_off_depth > 0)
		panic("sleeping while atomic: task '%s' (tid %d) called "
		      "schedule() with interrupts disabled (irq_push_off)",
		      t->name, t->tid);
	if (c->preempt_count > 0)
		panic("sleeping while atomic: task '%s' (tid %d) called "
		      "schedule() with preemption disabled",
		      t->name, t->tid);
	if (t->magic != TASK_MAGIC)
		panic("schedule: current task %p is corrupt (magic %x)",
		      (void *)t, t->magic);
	uint64_t rsp = (uint64_t)__builtin_frame_address(0);
	if (rsp > (uint64_t)t->kstack_top ||
	    rsp < (uint64_t)t->kstack_top - KSTACK_SIZE)
		panic("schedule: not on task '%s's kernel stack (rsp %lx)",
		      t->name, rsp);
}

/* Interrupts off: this_cpu() stays this CPU until the switch. */
static void schedule_common(bool preempted)
{
	struct cpu *c = this_cpu();
	struct runqueue *rq = &runqueues[c->id];
	spin_lock(&rq->lock);
	sched_finish_switch(context_switch(rq, preempted));
}

static void set_current_state(enum task_state state)
{
	struct task *t = current();
	struct runqueue *rq = lock_task_rq(t);
	t->state = state;
	spin_unlock(&rq->lock);
}

void sched_block_current(void)
{
	set_current_state(TASK_BLOCKED);
}
void sched_unblock_current(void)
{
	set_current_state(TASK_RUNNING);
}
void sched_exit_current(void)
{
	set_current_state(TASK_EXITED);
}

void schedule(void)
{
	/* Interrupts off first: a task preempted and moved between reading
	 * this_cpu() and using it would check, lock and switch the run queue
	 * of a CPU it no longer runs on. */
	bool were_on = irq_save();
	schedule_checks(this_cpu(), current());
	schedule_common(false);
	irq_restore(were_on);
}

/*
 * With no other task queued on this CPU and no reschedule pending, a
 * yield has nothing to switch to, and schedule() would only lock the run
 * queue, requeue this task and pick it again: under TCG that was 1 us of
 * a 1.3 us sched_yield system call, and a thread that waits by yielding
 * (yield_round_trip_2cpus) saw its partner's turn that much later. The
 * count is read without the lock, as a hint: a task queued a moment
 * later is no different from one queued a moment after the yield.
 */
void yield(void)
{
	struct cpu *c =
		this_cpu(); /* (moved by a preemption: as good a hint) */
	if (!atomic_load(&c->need_resched) &&
	    !__atomic_load_n(&runqueues[c->id].nr_queued, __ATOMIC_RELAXED))
		return;
	schedule();
}

/* The interrupt exit hook (trap_set_interrupt_exit_hook): the interrupt
 * goes into the trace, then the interrupted task is preempted if due. */
static void sched_preempt_check(unsigned vector, bool interrupts_were_on)
{
	trace_irq(vector);
	struct cpu *c = this_cpu();
	if (!interrupts_were_on || c->preempt_count || c->irq_off_depth ||
	    !atomic_load(&c->need_resched) || !c->current)
		return;
	schedule_common(true);
}

void preempt_disable(void)
{
	irq_push_off();
	this_cpu()->preempt_count++;
	irq_pop_off();
}

void preempt_enable(void)
{
	irq_push_off();
	struct cpu *c = this_cpu();
	kassert(c->preempt_count > 0);
	c->preempt_count--;
	irq_pop_off();
}

void sched_tick(bool tick)
{
	struct cpu *c = this_cpu();
	struct runqueue *rq = &runqueues[c->id];
	if (!rq->idle)
		return; /* this CPU's scheduler is not running yet */
	if (tick) {
		spin_lock(&rq->lock);
		struct task *curr = rq->current;
		if (curr == rq->idle ? rq->nr_queued > 0 : class_tick(rq, curr))
			atomic_store(&c->need_resched, true);
		spin_unlock(&rq->lock);
	}
	timers_run_expired();
	if (tick && c->ticks % BALANCE_TICKS == 0)
		sched_balance(2);
}

void sched_init(void)
{
	const char *name = cmdline_get("sched");
	if (name) {
		size_t i = 0;
		while (i < ARRAY_SIZE(policies) &&
		       strcmp(policies[i]->name, name))
			i++;
		if (i < ARRAY_SIZE(policies))
			policy = policies[i];
		else
			pr_warn("sched: no policy '%s'; using '%s'\n", name,
				policy->name);
	}
	pr_info("sched: policy '%s'\n", policy->name);
	lapic_set_timer_handler(sched_tick);
	trap_set_interrupt_exit_hook(sched_preempt_check);
}

void sched_init_cpu(void *stack_top)
{
	struct cpu *c = this_cpu();
	struct runqueue *rq = &runqueues[c->id];
	fpu_enable_cpu();
	spin_init(&rq->lock, "runqueue");
	policy->init(&rq->q);
	rt_init(&rq->rt);
	atomic_store(&rq->rank, c->id == 0 ? 0 : -1); /* main, or idle */
	trace_init_cpu(c->id);
	/* The code running now becomes a task: "main" on the boot CPU,
	 * this CPU's idle task on the others. */
	struct task *self = task_adopt_boot_context(
		c->id == 0 ? "main" : "idle", stack_top);
	if (!self)
		panic("sched: no memory for cpu %u's first task", c->id);
	self->cpu = c->id;
	self->on_cpu = true;
	self->state = TASK_RUNNING;
	self->affinity = 1ul << c->id; /* main drives the tests from cpu 0 */
	self->switched_in_ns = clock_ns();
	rq->current = self;
	c->current = self;
	if (c->id != 0) {
		rq->idle = self;
		return;
	}
	struct task *idle = task_create("idle", NULL, NULL);
	if (!idle)
		panic("sched: no memory for the idle task");
	idle->affinity = 1ul << c->id;
	idle->cpu = c->id;
	idle->state =
		TASK_RUNNABLE; /* never started: picked when nothing else */
	rq->idle = idle;
}
