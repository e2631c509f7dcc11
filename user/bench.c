/*
 * Micro-benchmarks of the kernel's thread machinery: prints one line per
 * figure, `bench NAME VALUE UNIT`, and exits non-zero if an operation
 * failed (a benchmark that errors must not print a number). The same
 * binary runs on Spindle (tools/bench.py, through run-elf) and natively.
 */
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "c/syscall.h"
#include "threads.h"

static long now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000L + t.tv_nsec;
}

static int failed;

static void check(int ok, const char *what)
{
	if (!ok) {
		printf("bench: %s failed\n", what);
		failed = 1;
	}
}

static void null_syscall(void)
{
	enum { N = 100000 };
	long start = now_ns();
	for (int i = 0; i < N; i++)
		syscall0(SYS_getppid);
	printf("bench null_syscall %ld ns\n", (now_ns() - start) / N);
}

static int nothing(void *arg)
{
	(void)arg;
	return 0;
}

static void thread_create_join(void)
{
	enum { N = 1000 };
	long start = now_ns();
	for (int i = 0; i < N; i++) {
		struct thread t;
		int r = thread_start(&t, nothing, NULL);
		check(r == 0, "clone");
		if (r)
			return;
		thread_join(&t);
	}
	printf("bench thread_create_join %ld us\n",
	       (now_ns() - start) / N / 1000);
}

static void fork_wait(void)
{
	enum { N = 200 };
	long start = now_ns();
	for (int i = 0; i < N; i++) {
		int pid = fork();
		if (pid == 0)
			_exit(0);
		int status = -1;
		check(pid > 0 && waitpid(pid, &status, 0) == pid && status == 0,
		      "fork/wait");
	}
	printf("bench fork_exit_wait %ld us\n", (now_ns() - start) / N / 1000);
}

#define ROUNDS 20000
static uint32_t turn;

static int pong(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS; i++)
		futex_pass_turn(&turn, 1, 0);
	return 0;
}

static void futex_ping_pong(void)
{
	struct thread t;
	turn = 0;
	check(thread_start(&t, pong, NULL) == 0, "clone");
	long start = now_ns();
	for (int i = 0; i < ROUNDS; i++)
		futex_pass_turn(&turn, 0, 1);
	long ns = now_ns() - start;
	thread_join(&t);
	printf("bench futex_round_trip %ld us\n", ns / ROUNDS / 1000);
}

int main(void)
{
	null_syscall();
	thread_create_join();
	fork_wait();
	futex_ping_pong();
	fflush(stdout);
	return failed;
}
