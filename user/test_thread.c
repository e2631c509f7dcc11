/*
 * Threads made with raw clone(2): shared memory, their own TLS, FPU/SSE
 * registers that survive preemption, the clear-tid word at exit, exit vs
 * exit_group, and 1,000 threads alive at once.
 */
#include "c/ktap.h"
#include "c/libc.h"
#include "c/syscall.h"
#include "threads.h"

static int add_one(void *p)
{
	__atomic_fetch_add((int *)p, 1, __ATOMIC_SEQ_CST);
	return 0;
}

static void threads_share_memory(void)
{
	int counter = 0;
	struct thread t[4];
	for (int i = 0; i < 4; i++)
		KTAP_EXPECT_EQ(thread_start(&t[i], add_one, &counter), 0);
	for (int i = 0; i < 4; i++)
		thread_join(&t[i]);
	KTAP_EXPECT_EQ(counter, 4);
}

/* Waits until *p is set: the thread is alive until then. */
static int wait_for_flag(void *p)
{
	while (!__atomic_load_n((int *)p, __ATOMIC_SEQ_CST))
		sched_yield();
	return 0;
}

static void a_thread_has_its_own_tid(void)
{
	struct thread t;
	int may_end = 0;
	KTAP_EXPECT_EQ(thread_start(&t, wait_for_flag, &may_end), 0);
	/* PARENT_SETTID wrote the tid before clone returned; the thread
	 * stays alive meanwhile, or its exit could clear it already. */
	int tid = t.tid;
	__atomic_store_n(&may_end, 1, __ATOMIC_SEQ_CST);
	KTAP_EXPECT_GT(tid, 0);
	KTAP_EXPECT_NE(tid, getpid());
	thread_join(&t);
	KTAP_EXPECT_EQ(t.tid, 0); /* CHILD_CLEARTID */
}

/* TLS: each thread's FS base points at its own block; %fs:0 reads it.
 * The block is a whole thread control block as far as compiled code
 * looks: -fstack-protector reads its canary at %fs:0x28 on entry to a
 * function and again on the way out, so that word must be there and must
 * not change while the thread runs. */
struct tls_block {
	struct tls_block *self; /* the x86-64 TLS ABI: %fs:0 is the TCB */
	long value;		/* %fs:8 */
	long unused[3];
	unsigned long canary; /* %fs:0x28 */
};

/* The word at %fs:off, the way compiled code reads TLS. */
#define READ_FS_WORD(off)                                                      \
	({                                                                     \
		long v_;                                                       \
		__asm__ volatile("mov %%fs:%c1, %0" : "=r"(v_) : "i"(off));    \
		v_;                                                            \
	})

static int check_tls(void *p)
{
	struct tls_block *mine = p;
	unsigned long fs = 0;
	syscall3(SYS_arch_prctl, ARCH_GET_FS, (long)&fs, 0);
	return fs == (unsigned long)mine && READ_FS_WORD(8) == mine->value ? 0
									   : 1;
}

static int tls_result[3];

static int check_tls_into(void *p)
{
	struct tls_block *b = p;
	tls_result[b->value] = check_tls(p) == 0 ? 1 : -1;
	return 0;
}

/* Every block is filled in before the first thread starts: a thread's
 * %fs:0x28 must not change under it. (With 16-byte blocks, thread 0's
 * %fs:0x28 was thread 2's `value`, written after thread 0 had read its
 * canary: in CI, thread 0 died in __stack_chk_fail.) */
static void each_thread_has_its_own_tls(void)
{
	struct tls_block blocks[3];
	struct thread t[3];
	for (int i = 0; i < 3; i++) {
		blocks[i] = (struct tls_block){.self = &blocks[i],
					       .value = i,
					       .canary = READ_FS_WORD(0x28)};
		tls_result[i] = 0;
	}
	for (int i = 0; i < 3; i++)
		thread_start_tls(&t[i], check_tls_into, &blocks[i],
				 (unsigned long)&blocks[i]);
	for (int i = 0; i < 3; i++) {
		thread_join(&t[i]);
		KTAP_EXPECT_EQ(tls_result[i], 1);
	}
}

/* SSE registers hold values across a long loop in which the thread is
 * preempted (other threads run the same loop on the same CPUs). */
static int sse_keeps(void *p)
{
	long seed = (long)p;
	double a = (double)seed, b = a * 3.0, c = a + 0.5;
	for (long i = 0; i < 3000000; i++) {
		__asm__ volatile("" : "+x"(a), "+x"(b), "+x"(c));
		if (b != a * 3.0 || c != a + 0.5)
			return 1;
	}
	return 0;
}

static int sse_results[8];

static int sse_worker(void *p)
{
	long i = (long)p;
	sse_results[i] = sse_keeps((void *)(i + 1)) == 0 ? 1 : -1;
	return 0;
}

static void sse_registers_survive_preemption(void)
{
	struct thread t[8];
	for (long i = 0; i < 8; i++)
		thread_start(&t[i], sse_worker, (void *)i);
	for (int i = 0; i < 8; i++) {
		thread_join(&t[i]);
		KTAP_EXPECT_EQ(sse_results[i], 1);
	}
}

static void bad_clone_flags_are_einval(void)
{
	char stack[256];
	/* CLONE_THREAD without CLONE_SIGHAND and CLONE_VM */
	KTAP_EXPECT_EQ(
		syscall6(SYS_clone, 0x10000, (long)(stack + 256), 0, 0, 0, 0),
		-EINVAL);
	/* CLONE_SIGHAND without CLONE_VM */
	KTAP_EXPECT_EQ(
		syscall6(SYS_clone, 0x800, (long)(stack + 256), 0, 0, 0, 0),
		-EINVAL);
}

/* 1,000 threads, all alive at once: each waits on a gate word until the
 * main thread opens it. */
static uint32_t gate;
static int arrived;

static int wait_at_gate(void *p)
{
	(void)p;
	__atomic_fetch_add(&arrived, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&gate, __ATOMIC_SEQ_CST) == 0)
		futex(&gate, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, NULL, NULL, 0);
	return 0;
}

static void a_thousand_threads_alive_at_once(void)
{
	enum { N = 1000 };
	static struct thread t[N];
	int started = 0;
	gate = 0;
	arrived = 0;
	for (int i = 0; i < N; i++)
		started += thread_start(&t[i], wait_at_gate, NULL) == 0;
	KTAP_EXPECT_EQ(started, N);
	while (__atomic_load_n(&arrived, __ATOMIC_SEQ_CST) < started)
		sched_yield();
	__atomic_store_n(&gate, 1, __ATOMIC_SEQ_CST);
	futex(&gate, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, N, NULL, NULL, 0);
	for (int i = 0; i < started; i++)
		thread_join(&t[i]);
	KTAP_EXPECT_EQ(arrived, N);
}

/* exit(2) ends one thread; exit_group(2) ends them all. Each runs in a
 * child process, whose status tells what happened. */
static int sleep_forever(void *p)
{
	(void)p;
	struct timespec t = {3600, 0};
	while (nanosleep(&t, NULL) == 0)
		continue;
	return 1; /* only if the sleep failed */
}

static volatile int keep_spinning = 1; /* never cleared */

static int spin_forever(void *p)
{
	(void)p;
	while (keep_spinning)
		continue;
	return 0;
}

static void exit_group_from_one_thread_ends_every_thread(void)
{
	int pid = fork();
	if (pid == 0) {
		struct thread a, b;
		thread_start(&a, sleep_forever, NULL);
		thread_start(&b, spin_forever, NULL);
		struct timespec t = {0, 20 * 1000 * 1000};
		nanosleep(&t, NULL);
		syscall3(SYS_exit_group, 5, 0, 0);
	}
	int status;
	KTAP_EXPECT_EQ(waitpid(pid, &status, 0), pid);
	KTAP_EXPECT_TRUE(WIFEXITED(status));
	KTAP_EXPECT_EQ(WEXITSTATUS(status), 5);
}

static int exit_7(void *p)
{
	(void)p;
	return 7; /* raw_clone's child exits with SYS_exit */
}

static void exit_ends_only_the_calling_thread(void)
{
	int pid = fork();
	if (pid == 0) {
		struct thread t;
		thread_start(&t, exit_7, NULL);
		thread_join(&t);
		_exit(3); /* still here after the other thread's exit */
	}
	int status;
	KTAP_EXPECT_EQ(waitpid(pid, &status, 0), pid);
	KTAP_EXPECT_EQ(WEXITSTATUS(status), 3);
}

/* Affinity: a thread allowed only on CPU 0 runs there; the mask reads
 * back; an empty mask and a bad pointer are refused. */
static void affinity_pins_a_thread_and_reads_back(void)
{
	uint64_t all = 0, zero_only = 1, empty = 0, got = 0;
	KTAP_EXPECT_EQ(syscall3(SYS_sched_getaffinity, 0, 8, (long)&all), 8);
	KTAP_EXPECT_TRUE(all & 1);
	KTAP_EXPECT_EQ(syscall3(SYS_sched_setaffinity, 0, 8, (long)&zero_only),
		       0);
	unsigned cpu = 99;
	for (int i = 0; i < 20; i++) {
		sched_yield();
		syscall3(SYS_getcpu, (long)&cpu, 0, 0);
		KTAP_EXPECT_EQ(cpu, 0);
	}
	KTAP_EXPECT_EQ(syscall3(SYS_sched_getaffinity, 0, 8, (long)&got), 8);
	KTAP_EXPECT_EQ(got, 1);
	KTAP_EXPECT_EQ(syscall3(SYS_sched_setaffinity, 0, 8, (long)&empty),
		       -EINVAL);
	KTAP_EXPECT_EQ(syscall3(SYS_sched_setaffinity, 0, 8, 8), -EFAULT);
	KTAP_EXPECT_EQ(syscall3(SYS_sched_getaffinity, 0, 8, 8), -EFAULT);
	KTAP_EXPECT_EQ(syscall3(SYS_sched_getaffinity, 0, 4, (long)&got),
		       -EINVAL);
	KTAP_EXPECT_EQ(syscall3(SYS_sched_setaffinity, 999999, 8, (long)&all),
		       -ESRCH);
	syscall3(SYS_sched_setaffinity, 0, 8, (long)&all);
}

static void nice_values_read_back(void)
{
	KTAP_EXPECT_EQ(syscall3(SYS_setpriority, 0, 0, 10), 0);
	KTAP_EXPECT_EQ(syscall3(SYS_getpriority, 0, 0, 0), 20 - 10);
	KTAP_EXPECT_EQ(syscall3(SYS_setpriority, 0, 0, 0), 0);
	KTAP_EXPECT_EQ(syscall3(SYS_getpriority, 0, 0, 0), 20);
	KTAP_EXPECT_EQ(syscall3(SYS_getpriority, 0, 999999, 0), -ESRCH);
	KTAP_EXPECT_EQ(syscall3(SYS_getpriority, 77, 0, 0), -EINVAL);
}

#define T(name)                                                                \
	{                                                                      \
#name, name                                                    \
	}
static const struct ktap_test tests[] = {
	T(threads_share_memory),
	T(affinity_pins_a_thread_and_reads_back),
	T(nice_values_read_back),
	T(a_thread_has_its_own_tid),
	T(each_thread_has_its_own_tls),
	T(sse_registers_survive_preemption),
	T(bad_clone_flags_are_einval),
	T(a_thousand_threads_alive_at_once),
	T(exit_group_from_one_thread_ends_every_thread),
	T(exit_ends_only_the_calling_thread),
};

int main(void)
{
	return ktap_run("thread", tests, sizeof(tests) / sizeof(tests[0]));
}
