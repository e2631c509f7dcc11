#include "sched/timer.h"

#include "arch/lapic.h"
#include "arch/percpu.h"
#include "arch/time.h"
#include "base/kernel.h"
#include "sched/sched.h"
#include "sched/waitq.h"
#include "sync/spinlock.h"

struct timer_list {
	struct spinlock lock;
	struct list armed; /* lock: sorted by deadline */
};

static struct timer_list timer_lists[MAX_CPUS];

static struct timer_list *list_of(unsigned cpu)
{
	struct timer_list *tl = &timer_lists[cpu];
	if (!tl->armed.head.next) { /* first use: static storage is zero */
		spin_init(&tl->lock, "timers");
		list_init(&tl->armed);
	}
	return tl;
}

/* Asks for this CPU's timer interrupt at tl's earliest deadline (only the
 * ticks if none). tl->lock held: it is this CPU's list. */
static void request_interrupt(struct timer_list *tl)
{
	lapic_timer_request(
		list_empty(&tl->armed)
			? 0
			: clock_ns_to_tsc(list_entry(list_front(&tl->armed),
						     struct timer, link)
						  ->deadline_ns));
}

/* Puts t on tl's list in deadline order. tl->lock held. */
static void insert_locked(struct timer_list *tl, struct timer *t)
{
	struct list_node *pos = &tl->armed.head;
	list_for_each(n, &tl->armed) {
		if (list_entry(n, struct timer, link)->deadline_ns >
		    t->deadline_ns) {
			pos = n;
			break;
		}
	}
	list_insert_before(pos, &t->link);
}

static void arm(struct timer *t, uint64_t deadline_ns)
{
	irq_push_off(); /* stay on this CPU while choosing its list */
	t->deadline_ns = deadline_ns;
	t->cpu = this_cpu()->id;
	struct timer_list *tl = list_of(t->cpu);
	spin_lock(&tl->lock);
	insert_locked(tl, t);
	if (list_front(&tl->armed) == &t->link)
		request_interrupt(tl);
	spin_unlock(&tl->lock);
	irq_pop_off();
}

void timer_arm_wakeup(struct timer *t, uint64_t deadline_ns, struct task *task)
{
	t->task = task;
	t->fire = NULL;
	arm(t, deadline_ns);
}

void timer_arm_callback(struct timer *t, uint64_t deadline_ns,
			uint64_t (*fire)(struct timer *t))
{
	t->task = NULL;
	t->fire = fire;
	arm(t, deadline_ns);
}

void timer_cancel(struct timer *t)
{
	struct timer_list *tl = list_of(t->cpu);
	spin_lock(&tl->lock);
	if (list_node_linked(&t->link))
		list_remove(&t->link);
	spin_unlock(&tl->lock);
}

void timers_run_expired(void)
{
	struct timer_list *tl = list_of(this_cpu()->id);
	uint64_t now = clock_ns();
	spin_lock(&tl->lock);
	while (!list_empty(&tl->armed)) {
		struct timer *t =
			list_entry(list_front(&tl->armed), struct timer, link);
		if (t->deadline_ns > now)
			break;
		list_remove(&t->link);
		if (!t->fire) {
			wake_up(t->task);
			continue;
		}
		uint64_t next = t->fire(t);
		if (next) {
			t->deadline_ns = next > now ? next : now + 1;
			insert_locked(tl, t);
		}
	}
	request_interrupt(tl);
	spin_unlock(&tl->lock);
}

static struct waitq sleepers = WAITQ_INIT(sleepers, "sleep");

/*
 * sleep_ns - sleep until the timer armed for ns from now has fired.
 * "Fired" is the timer being off its list: timers_run_expired unlinks it
 * and wakes the task under the list's lock, and the condition is read
 * under that lock, so the wake-up cannot fall between check and sleep
 * (wait_event_locked). The sleepers queue is only where the task is
 * listed as waiting ("sleep"); the timer wakes it directly.
 */
void sleep_ns(uint64_t ns)
{
	struct timer t;
	timer_arm_wakeup(&t, clock_ns() + ns, current());
	struct timer_list *tl = list_of(t.cpu);
	spin_lock(&tl->lock);
	wait_event_locked(&sleepers, !list_node_linked(&t.link), &tl->lock);
	spin_unlock(&tl->lock);
}
