#include "sched/kthread.h"

#include "arch/percpu.h"
#include "arch/trap.h"
#include "base/kernel.h"
#include "freestanding/string.h"
#include "mm/kmalloc.h"
#include "mm/kstack.h"
#include "sched/sched.h"
#include "sched/waitq.h"

/* Used by the fresh stack of a task that never ran (switch.S). */
void task_entry(void);

static struct spinlock tasks_lock = SPINLOCK_INIT("tasks");
static struct list all_tasks = {{&all_tasks.head, &all_tasks.head}};
static unsigned nr_tasks; /* tasks_lock */
/* One numbering for every task (a process's pid is its first thread's
 * tid): 0 is the boot task "main"; TID_INIT (1) is never handed out here,
 * it is kept for init, the first user process, which is pid 1 as on every
 * Unix (task_create_tid); the rest count up from 2. */
static atomic_int next_tid;

static int take_tid(void)
{
	int tid;
	do
		tid = atomic_fetch_add(&next_tid, 1);
	while (tid == TID_INIT);
	return tid;
}

/* Joiners sleep here; every exit wakes them all and each re-checks its own
 * task. (One queue per task would need the task alive to wake it.) */
static struct waitq exit_wq = WAITQ_INIT(exit_wq, "join");

/* Tasks whose last reference was dropped mid-switch, for the reaper. */
static struct spinlock dead_lock = SPINLOCK_INIT("dead_tasks");
static struct list dead = {{&dead.head, &dead.head}};
static struct waitq reaper_wq = WAITQ_INIT(reaper_wq, "reaper: work");

static struct task *task_alloc(const char *name, int tid)
{
	struct task *t = kzalloc(sizeof(*t));
	if (!t)
		return NULL;
	t->magic = TASK_MAGIC;
	t->tid = tid;
	strlcpy(t->name, name, sizeof(t->name));
	t->state = TASK_NEW; /* until sched_start_task */
	t->prio = PRIO_DEFAULT;
	t->level = -1; /* the policy places it when it is first queued */
	t->affinity = ~0ul;
	list_node_init(&t->rq_link);
	list_node_init(&t->wait_link);
	atomic_init(&t->refs, 2);
	fpu_init_state(&t->fpu);
	spin_lock(&tasks_lock);
	list_push_back(&all_tasks, &t->all_link);
	nr_tasks++;
	spin_unlock(&tasks_lock);
	return t;
}

static void task_free(struct task *t)
{
	spin_lock(&tasks_lock);
	list_remove(&t->all_link);
	nr_tasks--;
	spin_unlock(&tasks_lock);
	t->magic = 0;
	kstack_free(t->kstack_top);
	kfree(t);
}

/* First code of every new task (from task_entry in switch.S). */
void task_start(struct task *from)
{
	/* A new task runs with interrupts on, whatever the task before it
	 * had: that is what irq_were_enabled restores on unlock. */
	this_cpu()->irq_were_enabled = true;
	sched_finish_switch(from);
	struct task *self = current();
	if (!self->fn)
		sched_idle_loop();
	self->fn(self->arg);
	kthread_exit(0);
}

struct task *task_create_tid(const char *name, void (*fn)(void *), void *arg,
			     int tid)
{
	struct task *t = task_alloc(name, tid);
	if (!t)
		return NULL;
	uint64_t *top = kstack_alloc();
	if (!top) {
		atomic_store(&t->refs, 1);
		spin_lock(&tasks_lock);
		list_remove(&t->all_link);
		nr_tasks--;
		spin_unlock(&tasks_lock);
		kfree(t);
		return NULL;
	}
	t->kstack_top = top;
	t->fn = fn;
	t->arg = arg;
	/* The top of the stack is kept for the trap frame a user task's
	 * registers live in (arch/syscall_entry.S), so a kernel thread can
	 * become a user process. Below it, the frame switch_to pops: six
	 * callee-saved registers (zero), then task_entry as the return
	 * address. */
	/* LAB kthread: begin */
	uint64_t *sp = top - sizeof(struct trap_frame) / sizeof(*sp) - 1;
	*sp = (uint64_t)task_entry;
	sp -= 6;
	memset(sp, 0, 6 * sizeof(*sp));
	t->saved_rsp = (uint64_t)sp;
	/* LAB kthread: end */
	return t;
}

struct task *task_create(const char *name, void (*fn)(void *), void *arg)
{
	return task_create_tid(name, fn, arg, take_tid());
}

struct task *task_adopt_boot_context(const char *name, void *stack_top)
{
	struct task *t = task_alloc(name, take_tid());
	if (t) {
		t->kstack_top = stack_top;
		atomic_store(&t->refs, 1); /* never exits */
	}
	return t;
}

struct task *kthread_create(void (*fn)(void *), void *arg, const char *name)
{
	struct task *t = task_create(name, fn, arg);
	if (t)
		sched_start_task(t);
	return t;
}

noreturn void kthread_exit(int code)
{
	/* LAB kthread: begin */
	struct task *t = current();
	t->exit_code = code;
	sched_exit_current(); /* state = EXITED, under the run queue lock */
	schedule();
	panic("kthread_exit: task '%s' ran after exiting", t->name);
	/* LAB kthread: end */
}

static void task_put(struct task *t, bool in_switch)
{
	if (atomic_fetch_sub(&t->refs, 1) != 1)
		return;
	if (!in_switch) {
		task_free(t);
		return;
	}
	/* Mid-switch we may hold no lock and may not block, and freeing a
	 * stack needs a TLB shootdown: leave it to the reaper. */
	spin_lock(&dead_lock);
	list_push_back(&dead, &t->rq_link); /* rq_link is free now */
	spin_unlock(&dead_lock);
	waitq_wake_all(&reaper_wq);
}

void kthread_reap(struct task *from)
{
	task_put(from, true);
	waitq_wake_all(&exit_wq);
}

int kthread_join(struct task *t)
{
	/* LAB kthread: begin */
	wait_event(&exit_wq, t->state == TASK_EXITED && !t->on_cpu &&
				     atomic_load(&t->refs) == 1);
	int code = t->exit_code;
	task_put(t, false);
	return code;
	/* LAB kthread: end */
}

void kthread_detach(struct task *t)
{
	task_put(t, false);
}

static void reaper(void *arg)
{
	(void)arg;
	for (;;) {
		wait_event(&reaper_wq, !list_empty(&dead));
		spin_lock(&dead_lock);
		struct list_node *n = list_pop_front(&dead);
		spin_unlock(&dead_lock);
		if (n)
			task_free(list_entry(n, struct task, rq_link));
	}
}

void kthread_init(void)
{
	struct task *t = kthread_create(reaper, NULL, "reaper");
	if (!t)
		panic("kthread: no memory for the reaper");
	kthread_detach(t);
}

void task_for_each(void (*fn)(struct task *t, void *arg), void *arg)
{
	spin_lock(&tasks_lock);
	list_for_each(n, &all_tasks)
		fn(list_entry(n, struct task, all_link), arg);
	spin_unlock(&tasks_lock);
}

unsigned task_count(void)
{
	return nr_tasks;
}
