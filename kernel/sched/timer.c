#include "sched/timer.h"

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

void timer_arm_wakeup(struct timer *t, uint64_t deadline_ns, struct task *task)
{
	irq_push_off(); /* stay on this CPU while choosing its list */
	t->deadline_ns = deadline_ns;
	t->task = task;
	t->cpu = this_cpu()->id;
	struct timer_list *tl = list_of(t->cpu);
	spin_lock(&tl->lock);
	struct list_node *pos = &tl->armed.head;
	list_for_each(n, &tl->armed) {
		if (list_entry(n, struct timer, link)->deadline_ns >
		    deadline_ns) {
			pos = n;
			break;
		}
	}
	list_insert_before(pos, &t->link);
	spin_unlock(&tl->lock);
	irq_pop_off();
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
		wake_up(t->task);
	}
	spin_unlock(&tl->lock);
}

static struct waitq sleepers = WAITQ_INIT(sleepers, "sleep");

void sleep_ns(uint64_t ns)
{
	wait_event_timeout(&sleepers, false, ns);
}
