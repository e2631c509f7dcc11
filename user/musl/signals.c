/*
 * Signal handlers under musl, unmodified: musl's sigaction (its own
 * restorer), pthread_kill to each of 4 threads, a mask that holds a
 * signal back until sigwait takes it, and SIGALRM from setitimer caught
 * in sigsuspend. Everything it prints is fixed by the program, so the
 * host and Spindle must print the same.
 *
 *   kill     each thread waits for its turn, the main thread sends it
 *            SIGUSR1 with pthread_kill; the handler (SA_SIGINFO) notes
 *            which thread it ran on and the siginfo it got.
 *   sigwait  SIGUSR2 blocked, raised twice (standard signals do not
 *            queue): pending once, taken by sigwait, no handler runs.
 *   alarm    a 20 ms ITIMER_REAL; sigsuspend returns once the handler ran.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#define THREADS 4

static pthread_t threads[THREADS];
static volatile sig_atomic_t handled_by = -1, handled_code, handled_count;
static volatile int go[THREADS];

static void on_usr1(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	pthread_t self = pthread_self();
	for (int i = 0; i < THREADS; i++)
		if (pthread_equal(self, threads[i]))
			handled_by = i;
	handled_code = si->si_code;
	handled_count++;
}

static void *waiter(void *arg)
{
	int i = (int)(long)arg;
	while (!__atomic_load_n(&go[i], __ATOMIC_ACQUIRE))
		usleep(1000);
	return NULL;
}

static int usr2_handled, alarms;

static void on_usr2(int sig)
{
	(void)sig;
	usr2_handled++;
}

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_usr1;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL) != 0) {
		perror("sigaction");
		return 1;
	}
	for (int i = 0; i < THREADS; i++)
		pthread_create(&threads[i], NULL, waiter, (void *)(long)i);
	for (int i = 0; i < THREADS; i++) {
		handled_by = -1;
		int before = handled_count;
		int r = pthread_kill(threads[i], SIGUSR1);
		while (handled_count == before)
			usleep(1000);
		printf("kill: thread %d: pthread_kill %d, handled on thread "
		       "%d, "
		       "si_code %s\n",
		       i, r, handled_by,
		       handled_code == SI_TKILL ? "SI_TKILL" : "other");
		__atomic_store_n(&go[i], 1, __ATOMIC_RELEASE);
		pthread_join(threads[i], NULL);
	}

	signal(SIGUSR2, on_usr2);
	sigset_t set, pending;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	raise(SIGUSR2);
	raise(SIGUSR2);
	sigpending(&pending);
	printf("sigwait: pending %d, ", sigismember(&pending, SIGUSR2));
	int sig = 0;
	int r = sigwait(&set, &sig);
	sigpending(&pending);
	printf("sigwait %d gives %s, pending after %d, handler ran %d times\n",
	       r, sig == SIGUSR2 ? "SIGUSR2" : "other",
	       sigismember(&pending, SIGUSR2), usr2_handled);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);

	signal(SIGALRM, on_alarm);
	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	struct itimerval it = {.it_value = {0, 20000}};
	setitimer(ITIMER_REAL, &it, NULL);
	sigset_t none;
	sigemptyset(&none);
	errno = 0;
	while (!alarms)
		r = sigsuspend(&none);
	printf("alarm: sigsuspend %d (%s), %d alarm\n", r,
	       errno == EINTR ? "EINTR" : "other", alarms);
	return 0;
}
