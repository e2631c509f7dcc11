/* Kernel threads: creation, exit codes, joining, reaping, scale. */
#include "arch/percpu.h"
#include "base/kernel.h"
#include "mm/kmalloc.h"
#include "sched/kthread.h"
#include "sched/mutex.h"
#include "sched/sched.h"
#include "sched/timer.h"
#include "test/ktest.h"

static void return_arg(void *arg)
{
	kthread_exit((int)(long)arg);
}
static void just_return(void *arg)
{
	(void)arg;
}

KTEST(kthread, join_returns_the_exit_code)
{
	struct task *t = kthread_create(return_arg, (void *)7, "seven");
	KASSERT_TRUE(t != NULL);
	KEXPECT_EQ(kthread_join(t), 7);
	t = kthread_create(just_return, NULL, "zero");
	KEXPECT_EQ(kthread_join(t), 0); /* returning from fn exits with 0 */
}

/* 100 batches of 1,000: the framework checks afterwards that every page
 * and every kmalloc byte came back. */
KTEST(kthread, create_and_join_100000_threads_in_batches)
{
	enum { BATCH = 1000, BATCHES = 100 };
	struct task **t = kmalloc(BATCH * sizeof(*t));
	KASSERT_TRUE(t != NULL);
	unsigned before = task_count();
	long sum = 0;
	for (int b = 0; b < BATCHES; b++) {
		for (int i = 0; i < BATCH; i++) {
			t[i] = kthread_create(return_arg, (void *)(long)(i % 3),
					      "batch");
			KASSERT_TRUE(t[i] != NULL);
		}
		for (int i = 0; i < BATCH; i++)
			sum += kthread_join(t[i]);
		if ((b + 1) % 2 == 0) /* progress, for the harness's clock */
			kprintf("    # %d threads created and joined\n",
				(b + 1) * BATCH);
	}
	kfree(t);
	KEXPECT_EQ(sum,
		   (long)BATCHES * (333 * 0 + 333 * 1 + 334 * 0 + 333 * 2));
	KEXPECT_EQ(task_count(), before);
}

static struct completion go;

static void wait_for_go(void *arg)
{
	(void)arg;
	wait_for_completion(&go);
}

KTEST(kthread, 1000_threads_alive_at_once)
{
	enum { N = 1000 };
	struct task **t = kmalloc(N * sizeof(*t));
	KASSERT_TRUE(t != NULL);
	completion_init(&go, "go");
	unsigned before = task_count();
	for (int i = 0; i < N; i++) {
		t[i] = kthread_create(wait_for_go, NULL, "waiter");
		KASSERT_TRUE(t[i] != NULL);
	}
	KEXPECT_EQ(task_count(), before + N);
	/* Progress, for the harness's clock: at -smp 8 on a loaded 2-core
	 * host, making, waking and joining the first 100 took 30 s. */
	kprintf("    # %d threads made\n", N);
	complete_all(&go);
	for (int i = 0; i < N; i++) {
		kthread_join(t[i]);
		if ((i + 1) % 50 == 0)
			kprintf("    # %d threads joined\n", i + 1);
	}
	kfree(t);
	KEXPECT_EQ(task_count(), before);
}

KTEST(kthread, detached_threads_are_reaped)
{
	unsigned before = task_count();
	for (int i = 0; i < 200; i++)
		kthread_detach(kthread_create(just_return, NULL, "detached"));
	for (int i = 0; i < 500 && task_count() != before; i++)
		sleep_ns(10 * 1000000ull);
	KEXPECT_EQ(task_count(), before);
}
