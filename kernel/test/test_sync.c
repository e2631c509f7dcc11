/* Sleeping synchronization (kernel/sync/mutex.c) and wait queues. */
#include "arch/cpu.h"
#include "arch/percpu.h"
#include "arch/time.h"
#include "base/kernel.h"
#include "sched/kthread.h"
#include "sched/mutex.h"
#include "sched/sched.h"
#include "sched/timer.h"
#include "sched/waitq.h"
#include "test/ktest.h"

#define THREADS 8
#define INCREMENTS 100000

static struct mutex counter_mutex;
static long counter;

static void add_under_mutex(void *arg)
{
	(void)arg;
	for (int i = 0; i < INCREMENTS; i++) {
		mutex_lock(&counter_mutex);
		long seen = counter;
		__asm__ volatile("" ::: "memory");
		counter = seen + 1;
		if (counter % 20000 == 0) /* progress, for the harness */
			kprintf("    # %ld increments\n", counter);
		mutex_unlock(&counter_mutex);
	}
}

KTEST(sync, mutex_keeps_8_threads_x_100000_increments_exact)
{
	mutex_init(&counter_mutex, "test counter");
	counter = 0;
	struct task *t[THREADS];
	for (int i = 0; i < THREADS; i++)
		t[i] = kthread_create(add_under_mutex, NULL, "inc");
	for (int i = 0; i < THREADS; i++)
		kthread_join(t[i]);
	KEXPECT_EQ(counter, (long)THREADS * INCREMENTS);
}

/* A bounded buffer: a mutex and two condition variables. */
#define ITEMS 100000
#define SLOTS 16
static struct {
	struct mutex lock;
	struct condvar not_full, not_empty;
	long slot[SLOTS];
	unsigned head, tail; /* lock */
	long received, sum, out_of_order;
} buf;

static void producer(void *arg)
{
	(void)arg;
	for (long item = 1; item <= ITEMS; item++) {
		mutex_lock(&buf.lock);
		while (buf.tail - buf.head == SLOTS)
			cond_wait(&buf.not_full, &buf.lock);
		buf.slot[buf.tail++ % SLOTS] = item;
		cond_signal(&buf.not_empty);
		mutex_unlock(&buf.lock);
	}
}

static void consumer(void *arg)
{
	(void)arg;
	for (long expect = 1; expect <= ITEMS; expect++) {
		mutex_lock(&buf.lock);
		while (buf.tail == buf.head)
			cond_wait(&buf.not_empty, &buf.lock);
		long item = buf.slot[buf.head++ % SLOTS];
		cond_signal(&buf.not_full);
		mutex_unlock(&buf.lock);
		if (++buf.received % 5000 == 0) /* progress, for the harness */
			kprintf("    # %ld items received\n", buf.received);
		buf.sum += item;
		buf.out_of_order += item != expect;
	}
}

KTEST(sync, condvar_producer_consumer_moves_100000_items_across_cpus)
{
	mutex_init(&buf.lock, "buffer");
	cond_init(&buf.not_full, "not full");
	cond_init(&buf.not_empty, "not empty");
	buf.head = buf.tail = 0;
	buf.received = buf.sum = buf.out_of_order = 0;
	struct task *p = task_create("producer", producer, NULL);
	struct task *c = task_create("consumer", consumer, NULL);
	KASSERT_TRUE(p && c);
	p->affinity = 1ul << (nr_cpus - 1); /* different CPUs when there */
	c->affinity = 1ul << (nr_cpus > 2 ? nr_cpus - 2 : 0);
	sched_start_task(c);
	sched_start_task(p);
	kthread_join(p);
	kthread_join(c);
	KEXPECT_EQ(buf.received, ITEMS);
	KEXPECT_EQ(buf.sum, (long)ITEMS * (ITEMS + 1) / 2);
	KEXPECT_EQ(buf.out_of_order, 0);
}

static struct semaphore limit;
static atomic_int inside, most_inside;

static void limited(void *arg)
{
	(void)arg;
	for (int i = 0; i < 20; i++) {
		sem_down(&limit);
		int now = atomic_fetch_add(&inside, 1) + 1;
		int seen = atomic_load(&most_inside);
		while (now > seen &&
		       !atomic_compare_exchange_weak(&most_inside, &seen, now))
			;
		sleep_ns(1000000);
		atomic_fetch_sub(&inside, 1);
		sem_up(&limit);
	}
}

KTEST(sync, semaphore_limits_concurrency_to_its_count)
{
	sem_init(&limit, 2, "limit");
	atomic_store(&inside, 0);
	atomic_store(&most_inside, 0);
	struct task *t[6];
	for (int i = 0; i < 6; i++)
		t[i] = kthread_create(limited, NULL, "limited");
	for (int i = 0; i < 6; i++)
		kthread_join(t[i]);
	KEXPECT_EQ(atomic_load(&most_inside), 2);
}

static struct completion done;

static void finisher(void *arg)
{
	sleep_ns(20 * 1000000ull);
	*(volatile int *)arg = 42;
	complete(&done);
}

KTEST(sync, completion_wakes_the_waiter)
{
	volatile int value = 0;
	completion_init(&done, "done");
	struct task *t = kthread_create(finisher, (void *)&value, "finisher");
	wait_for_completion(&done);
	KEXPECT_EQ(value, 42);
	kthread_join(t);
}

KTEST(sync, wait_queue_timeout_fires)
{
	static struct waitq never = WAITQ_INIT(never, "never");
	uint64_t start = clock_ns();
	bool ok = wait_event_timeout(&never, false, 30 * 1000000ull);
	uint64_t took = clock_ns() - start;
	KEXPECT_TRUE(!ok);
	KEXPECT_GE(took, 30 * 1000000ull); /* never early; late only by load */
}

static struct waitq ping_wq = WAITQ_INIT(ping_wq, "ping");
static atomic_long turn;

#define ROUNDS 20000

static void ponger(void *arg)
{
	long me = (long)arg;
	for (long i = 0; i < ROUNDS; i++) {
		wait_event(&ping_wq, atomic_load(&turn) % 2 == me);
		/* Progress for the harness's 60 s rule, often: on a busy host
		 * each hand-off waits for the host to run the other vCPU. */
		if (atomic_fetch_add(&turn, 1) % 500 == 499)
			kprintf("    # %ld hand-offs\n", atomic_load(&turn));
		waitq_wake_all(&ping_wq);
	}
}

/* Two threads on different CPUs hand a turn back and forth 20,000 times
 * through one wait queue: a single lost wake-up would hang them (and the
 * harness would report a timeout). */
KTEST(sync, ping_pong_through_a_wait_queue_loses_no_wakeup)
{
	atomic_store(&turn, 0);
	struct task *a = task_create("ping", ponger, (void *)0);
	struct task *b = task_create("pong", ponger, (void *)1);
	KASSERT_TRUE(a && b);
	a->affinity = 1;
	b->affinity = 1ul << (nr_cpus - 1);
	sched_start_task(a);
	sched_start_task(b);
	kthread_join(a);
	kthread_join(b);
	KEXPECT_EQ(atomic_load(&turn), 2 * ROUNDS);
}

static struct {
	struct spinlock lock;
	struct waitq wq;
	bool flag;	    /* lock */
	bool lock_was_free; /* the setter found the lock free */
} held;

static void set_flag_under_lock(void *arg)
{
	(void)arg;
	sleep_ns(5 * 1000000ull); /* let the waiter go to sleep first */
	spin_lock(&held.lock);
	held.lock_was_free = true;
	held.flag = true;
	spin_unlock(&held.lock);
	waitq_wake_all(&held.wq);
}

/* The waiter holds the lock when it starts waiting; the setter can only
 * set the flag if the wait released it; the waiter holds it again on
 * return, with the flag set. */
KTEST(sync,
      wait_event_locked_drops_the_lock_while_asleep_and_returns_holding_it)
{
	spin_init(&held.lock, "held");
	waitq_init(&held.wq, "held");
	held.flag = held.lock_was_free = false;
	struct task *t = kthread_create(set_flag_under_lock, NULL, "setter");
	KASSERT_TRUE(t != NULL);
	spin_lock(&held.lock);
	wait_event_locked(&held.wq, held.flag, &held.lock);
	bool holding = spin_holding(&held.lock);
	bool flag = held.flag;
	spin_unlock(&held.lock);
	kthread_join(t);
	KEXPECT_TRUE(holding);
	KEXPECT_TRUE(flag);
	KEXPECT_TRUE(held.lock_was_free);
}

KTEST(sync, wait_event_locked_killable_returns_eintr_when_a_kill_is_pending)
{
	spin_init(&held.lock, "held");
	waitq_init(&held.wq, "held");
	held.flag = false;
	atomic_store(&current()->kill_signal, 9);
	spin_lock(&held.lock);
	int r = wait_event_locked_killable(&held.wq, held.flag, &held.lock);
	bool holding = spin_holding(&held.lock);
	spin_unlock(&held.lock);
	atomic_store(&current()->kill_signal, 0);
	KEXPECT_EQ(r, -EINTR);
	KEXPECT_TRUE(holding);
}
