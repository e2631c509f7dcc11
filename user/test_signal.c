/*
 * Signals with handlers: siginfo, masks, the frame, SA_* flags, the
 * alternate stack, interrupted system calls, rt_sigreturn's checks, and
 * signals to one thread. Runs the same on the Linux host and on Spindle
 * (where it is init: a signal init has no handler for is dropped, so
 * every test here installs one before anything is sent).
 */
#include "c/ktap.h"
#include "c/libc.h"
#include "c/syscall.h"
#include "threads.h"
#include <pthread.h>
#include <sys/time.h>

#define MS 1000000L

static void sleep_ns(long ns)
{
	struct timespec ts = {ns / 1000000000L, ns % 1000000000L};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int tgkill(int tgid, int tid, int sig)
{
	return (int)__syscall_ret(syscall3(SYS_tgkill, tgid, tid, sig));
}

static void set_handler(int sig, void (*fn)(int, siginfo_t *, void *),
			int flags)
{
	struct sigaction sa = {.sa_flags = SA_SIGINFO | flags};
	sa.sa_sigaction = fn;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

static void set_default(int sig)
{
	struct sigaction sa = {0};
	sa.sa_handler = SIG_DFL;
	sigaction(sig, &sa, NULL);
}

static void unblock_all(void)
{
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static volatile int got_signo, got_code, got_pid, got_count, got_tid;

static void record(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	got_signo = sig == si->si_signo ? sig : -1;
	got_code = si->si_code;
	got_pid = si->si_pid;
	got_tid = gettid();
	got_count++;
}

static void reset_record(void)
{
	got_signo = got_code = got_pid = got_count = got_tid = 0;
}

static void raise_runs_the_handler_with_si_tkill_and_our_pid(void)
{
	reset_record();
	set_handler(SIGUSR1, record, 0);
	KTAP_EXPECT_EQ(raise(SIGUSR1), 0);
	KTAP_EXPECT_EQ(got_count, 1);
	KTAP_EXPECT_EQ(got_signo, SIGUSR1);
	KTAP_EXPECT_EQ(got_code, SI_TKILL);
	KTAP_EXPECT_EQ(got_pid, getpid());
	set_default(SIGUSR1);
}

static void kill_runs_the_handler_with_si_user_and_our_pid(void)
{
	reset_record();
	set_handler(SIGUSR2, record, 0);
	KTAP_EXPECT_EQ(kill(getpid(), SIGUSR2), 0);
	KTAP_EXPECT_EQ(got_count, 1);
	KTAP_EXPECT_EQ(got_signo, SIGUSR2);
	KTAP_EXPECT_EQ(got_code, SI_USER);
	KTAP_EXPECT_EQ(got_pid, getpid());
	set_default(SIGUSR2);
}

/* A handler in assembly that notes its rsp on entry and returns: the
 * ABI's "rsp + 8 is 16-aligned" must hold, as if it had been called. */
unsigned long probe_rsp;
void align_probe(int sig);
__asm__(".text\n"
	".global align_probe\n"
	"align_probe:\n"
	"	mov %rsp, probe_rsp(%rip)\n"
	"	ret\n");

static void the_handler_starts_with_rsp_8_mod_16(void)
{
	struct sigaction sa = {0};
	sa.sa_handler = align_probe;
	sigaction(SIGUSR1, &sa, NULL);
	for (int i = 0; i < 4; i++) {
		probe_rsp = 0;
		/* Vary the interrupted rsp: the frame realigns whatever it was.
		 */
		volatile char *pad = __builtin_alloca((size_t)i * 8 + 1);
		pad[0] = 0;
		raise(SIGUSR1);
		KTAP_EXPECT_NE(probe_rsp, 0);
		KTAP_EXPECT_EQ(probe_rsp % 16, 8);
	}
	set_default(SIGUSR1);
}

static void a_blocked_signal_waits_until_it_is_unblocked(void)
{
	reset_record();
	set_handler(SIGUSR1, record, 0);
	sigset_t set, pending;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	raise(SIGUSR1);
	raise(SIGUSR1); /* standard signals do not queue */
	KTAP_EXPECT_EQ(got_count, 0);
	KTAP_EXPECT_EQ(sigpending(&pending), 0);
	KTAP_EXPECT_EQ(sigismember(&pending, SIGUSR1), 1);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	KTAP_EXPECT_EQ(got_count, 1);
	sigpending(&pending);
	KTAP_EXPECT_EQ(sigismember(&pending, SIGUSR1), 0);
	set_default(SIGUSR1);
}

static void a_write_to_a_pipe_without_readers_raises_sigpipe(void)
{
	reset_record();
	set_handler(SIGPIPE, record, 0);
	int fds[2];
	pipe(fds);
	close(fds[0]);
	errno = 0;
	KTAP_EXPECT_EQ(write(fds[1], "x", 1), -1);
	KTAP_EXPECT_EQ(errno, EPIPE);
	KTAP_EXPECT_EQ(got_count, 1);
	KTAP_EXPECT_EQ(got_signo, SIGPIPE);
	KTAP_EXPECT_EQ(got_code, SI_USER);
	KTAP_EXPECT_EQ(got_pid, getpid());
	close(fds[1]);
	set_default(SIGPIPE);
}

static volatile int order[8], order_n;

static void note(int what)
{
	if (order_n < 8)
		order[order_n++] = what;
}

static void outer(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)si, (void)uc;
	note(1);
	if (order_n == 1) {
		raise(SIGUSR1); /* itself: blocked while it runs: after */
		raise(SIGUSR2); /* another: runs now, nested */
	}
	note(3);
}

static void inner(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)si, (void)uc;
	note(2);
}

static void a_handler_nests_other_signals_and_defers_its_own(void)
{
	order_n = 0;
	set_handler(SIGUSR1, outer, 0);
	set_handler(SIGUSR2, inner, 0);
	raise(SIGUSR1);
	/* outer (1, nested inner 2, 3), then the deferred one (1, 3). */
	KTAP_ASSERT_EQ(order_n, 5);
	KTAP_EXPECT_EQ(order[0], 1);
	KTAP_EXPECT_EQ(order[1], 2);
	KTAP_EXPECT_EQ(order[2], 3);
	KTAP_EXPECT_EQ(order[3], 1);
	KTAP_EXPECT_EQ(order[4], 3);
	set_default(SIGUSR1);
	set_default(SIGUSR2);
}

static volatile int depth, max_depth;

static void reenter(int sig, siginfo_t *si, void *uc)
{
	(void)si, (void)uc;
	depth++;
	if (depth > max_depth)
		max_depth = depth;
	if (depth < 3)
		raise(sig);
	depth--;
}

static void sa_nodefer_lets_a_handler_interrupt_itself(void)
{
	depth = max_depth = 0;
	set_handler(SIGUSR1, reenter, SA_NODEFER);
	raise(SIGUSR1);
	KTAP_EXPECT_EQ(max_depth, 3);
	set_default(SIGUSR1);
}

static void sa_resethand_runs_the_handler_once(void)
{
	reset_record();
	set_handler(SIGUSR1, record, SA_RESETHAND);
	raise(SIGUSR1);
	KTAP_EXPECT_EQ(got_count, 1);
	struct sigaction old;
	sigaction(SIGUSR1, NULL, &old);
	KTAP_EXPECT_TRUE(old.sa_handler == SIG_DFL);
}

static volatile int usr1_blocked_inside, usr2_blocked_inside;

static void mask_probe(int sig)
{
	(void)sig;
	sigset_t now;
	sigprocmask(SIG_BLOCK, NULL, &now);
	usr1_blocked_inside = sigismember(&now, SIGUSR1);
	usr2_blocked_inside = sigismember(&now, SIGUSR2);
}

static void the_handler_mask_is_in_force_and_then_restored(void)
{
	struct sigaction sa = {0};
	sa.sa_handler = mask_probe;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGUSR2);
	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
	KTAP_EXPECT_EQ(usr1_blocked_inside, 1);
	KTAP_EXPECT_EQ(usr2_blocked_inside, 1);
	sigset_t now;
	sigprocmask(SIG_BLOCK, NULL, &now);
	KTAP_EXPECT_EQ(sigismember(&now, SIGUSR1), 0); /* rt_sigreturn's */
	KTAP_EXPECT_EQ(sigismember(&now, SIGUSR2), 0);
	set_default(SIGUSR1);
}

/* --- interrupted system calls -------------------------------------- */

struct poke {
	int target_tid;
	int sig;
	uint32_t *word; /* set to 1 and woken, after the signal */
	int fd;		/* written to, after the signal (-1: none) */
};

static int poker(void *arg)
{
	struct poke *p = arg;
	sleep_ns(100 * MS);
	tgkill(getpid(), p->target_tid, p->sig);
	sleep_ns(100 * MS);
	if (p->word) {
		__atomic_store_n(p->word, 1, __ATOMIC_RELEASE);
		futex(p->word, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, NULL, NULL,
		      0);
	}
	if (p->fd >= 0)
		write(p->fd, "x", 1);
	return 0;
}

/* Reads one byte from a pipe that a thread signals us during, then
 * writes to: the read's result and errno. */
static long pipe_read_interrupted(int flags, int *err)
{
	reset_record();
	set_handler(SIGUSR1, record, flags);
	int fds[2];
	pipe(fds);
	struct poke p = {.target_tid = gettid(), .sig = SIGUSR1, .fd = fds[1]};
	struct thread t;
	thread_start(&t, poker, &p);
	char c;
	errno = 0;
	long r = read(fds[0], &c, 1);
	*err = errno;
	thread_join(&t);
	close(fds[0]);
	close(fds[1]);
	set_default(SIGUSR1);
	return r;
}

static void sa_restart_restarts_a_pipe_read(void)
{
	int err;
	KTAP_EXPECT_EQ(pipe_read_interrupted(SA_RESTART, &err), 1);
	KTAP_EXPECT_EQ(got_count, 1);
}

static void without_sa_restart_a_pipe_read_fails_with_eintr(void)
{
	int err;
	KTAP_EXPECT_EQ(pipe_read_interrupted(0, &err), -1);
	KTAP_EXPECT_EQ(err, EINTR);
	KTAP_EXPECT_EQ(got_count, 1);
}

static long futex_wait_interrupted(int flags, int *err)
{
	reset_record();
	set_handler(SIGUSR1, record, flags);
	static uint32_t word;
	word = 0;
	struct poke p = {.target_tid = gettid(),
			 .sig = SIGUSR1,
			 .word = &word,
			 .fd = -1};
	struct thread t;
	thread_start(&t, poker, &p);
	errno = 0;
	long r =
		futex(&word, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, NULL, NULL, 0);
	*err = errno;
	thread_join(&t);
	set_default(SIGUSR1);
	return r;
}

static void sa_restart_restarts_a_futex_wait(void)
{
	int err;
	KTAP_EXPECT_EQ(futex_wait_interrupted(SA_RESTART, &err), 0);
	KTAP_EXPECT_EQ(got_count, 1);
}

static void without_sa_restart_a_futex_wait_fails_with_eintr(void)
{
	int err;
	KTAP_EXPECT_EQ(futex_wait_interrupted(0, &err), -1);
	KTAP_EXPECT_EQ(err, EINTR);
	KTAP_EXPECT_EQ(got_count, 1);
}

static void nanosleep_is_interrupted_and_reports_the_time_left(void)
{
	reset_record();
	set_handler(SIGUSR1, record, SA_RESTART);
	struct poke p = {.target_tid = gettid(), .sig = SIGUSR1, .fd = -1};
	struct thread t;
	thread_start(&t, poker, &p);
	struct timespec req = {2, 0}, rem = {0, 0};
	errno = 0;
	KTAP_EXPECT_EQ(nanosleep(&req, &rem), -1);
	KTAP_EXPECT_EQ(errno, EINTR);
	KTAP_EXPECT_EQ(rem.tv_sec <= 1, 1);
	KTAP_EXPECT_TRUE(rem.tv_sec > 0 || rem.tv_nsec > 0);
	KTAP_EXPECT_EQ(got_count, 1);
	thread_join(&t);
	set_default(SIGUSR1);
}

/* wait4 for a child that signals us (SIGUSR1) and then exits. */
static long wait_interrupted(int flags, int *err)
{
	reset_record();
	set_handler(SIGUSR1, record, flags);
	int parent = getpid();
	int pid = fork();
	if (pid == 0) {
		sleep_ns(100 * MS);
		kill(parent, SIGUSR1);
		sleep_ns(100 * MS);
		_exit(7);
	}
	int status = 0;
	errno = 0;
	long r = waitpid(pid, &status, 0);
	*err = errno;
	if (r < 0)
		waitpid(pid, &status, 0);
	set_default(SIGUSR1);
	return r < 0 ? r : WEXITSTATUS(status);
}

static void sa_restart_restarts_wait4(void)
{
	int err;
	KTAP_EXPECT_EQ(wait_interrupted(SA_RESTART, &err), 7);
	KTAP_EXPECT_EQ(got_count, 1);
}

static void without_sa_restart_wait4_fails_with_eintr(void)
{
	int err;
	KTAP_EXPECT_EQ(wait_interrupted(0, &err), -1);
	KTAP_EXPECT_EQ(err, EINTR);
	KTAP_EXPECT_EQ(got_count, 1);
}

static void sigsuspend_waits_with_its_mask_and_puts_the_old_one_back(void)
{
	reset_record();
	set_handler(SIGUSR1, record, 0);
	sigset_t block, none, now;
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigemptyset(&none);
	sigprocmask(SIG_BLOCK, &block, NULL);
	struct poke p = {.target_tid = gettid(), .sig = SIGUSR1, .fd = -1};
	struct thread t;
	thread_start(&t, poker, &p);
	errno = 0;
	KTAP_EXPECT_EQ(sigsuspend(&none), -1);
	KTAP_EXPECT_EQ(errno, EINTR);
	KTAP_EXPECT_EQ(got_count, 1);
	sigprocmask(SIG_BLOCK, NULL, &now);
	KTAP_EXPECT_EQ(sigismember(&now, SIGUSR1), 1);
	thread_join(&t);
	unblock_all();
	set_default(SIGUSR1);
}

static void sigtimedwait_takes_a_blocked_signal_without_its_handler(void)
{
	reset_record();
	set_handler(SIGUSR2, record, 0);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	raise(SIGUSR2);
	siginfo_t info;
	struct timespec zero = {0, 0}, short_wait = {0, 20 * MS};
	KTAP_EXPECT_EQ(sigtimedwait(&set, &info, &zero), SIGUSR2);
	KTAP_EXPECT_EQ(info.si_signo, SIGUSR2);
	KTAP_EXPECT_EQ(info.si_code, SI_TKILL);
	KTAP_EXPECT_EQ(got_count, 0);
	errno = 0;
	KTAP_EXPECT_EQ(sigtimedwait(&set, &info, &short_wait), -1);
	KTAP_EXPECT_EQ(errno, EAGAIN);
	int sig = 0;
	raise(SIGUSR2);
	KTAP_EXPECT_EQ(sigwait(&set, &sig), 0);
	KTAP_EXPECT_EQ(sig, SIGUSR2);
	unblock_all();
	set_default(SIGUSR2);
}

/* --- the alternate stack ----------------------------------------------- */

static char *alt_base;
#define ALT_SIZE (64 * 1024)

static void on_overflow(int sig, siginfo_t *si, void *uc)
{
	(void)si, (void)uc;
	char here;
	bool on_alt = &here >= alt_base && &here < alt_base + ALT_SIZE;
	_exit(sig == SIGSEGV && on_alt ? 42 : 1);
}

static volatile int never;

static int recurse(volatile char *prev)
{
	volatile char frame[1024];
	frame[0] = prev ? prev[0] + 1 : 0;
	if (never)
		return frame[0];
	return recurse(frame) + frame[1];
}

static void sigaltstack_catches_a_stack_overflow(void)
{
	int pid = fork();
	if (pid == 0) {
		alt_base = mmap(NULL, ALT_SIZE, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		stack_t ss = {.ss_sp = alt_base, .ss_size = ALT_SIZE};
		if (sigaltstack(&ss, NULL) < 0)
			_exit(2);
		set_handler(SIGSEGV, on_overflow, SA_ONSTACK);
		recurse(NULL);
		_exit(3);
	}
	int status = 0;
	KTAP_EXPECT_EQ(waitpid(pid, &status, 0), pid);
	KTAP_EXPECT_TRUE(WIFEXITED(status));
	KTAP_EXPECT_EQ(WEXITSTATUS(status), 42);
}

static void sigaltstack_reports_the_stack_and_rejects_a_small_one(void)
{
	static char stack[SIGSTKSZ];
	stack_t ss = {.ss_sp = stack, .ss_size = sizeof(stack)}, old;
	KTAP_EXPECT_EQ(sigaltstack(&ss, NULL), 0);
	KTAP_EXPECT_EQ(sigaltstack(NULL, &old), 0);
	KTAP_EXPECT_TRUE(old.ss_sp == stack);
	KTAP_EXPECT_EQ(old.ss_size, sizeof(stack));
	KTAP_EXPECT_EQ(old.ss_flags, 0);
	stack_t small = {.ss_sp = stack, .ss_size = MINSIGSTKSZ - 1};
	errno = 0;
	KTAP_EXPECT_EQ(sigaltstack(&small, NULL), -1);
	KTAP_EXPECT_EQ(errno, ENOMEM);
	stack_t off = {.ss_flags = SS_DISABLE};
	KTAP_EXPECT_EQ(sigaltstack(&off, NULL), 0);
	sigaltstack(NULL, &old);
	KTAP_EXPECT_EQ(old.ss_flags, SS_DISABLE);
}

/* --- rt_sigreturn's checks ----------------------------------------------- */

/* rt_sigreturn with rsp at `frame` (the ucontext, as after the restorer's
 * ret): never returns if the kernel refuses it. */
static void sigreturn_from(void *frame)
{
	__asm__ volatile("mov %0, %%rsp\n"
			 "mov $15, %%eax\n"
			 "syscall\n"
			 "ud2\n"
			 :
			 : "r"(frame)
			 : "memory");
}

/* In a child: rt_sigreturn from a frame built by hand, with rip (at
 * uc_mcontext's rip, offset 40 + 16 * 8) set to rip: how the child ends. */
static int forged_sigreturn(unsigned long rip, bool unmapped)
{
	int pid = fork();
	if (pid == 0) {
		static unsigned long uc[304 / 8];
		unsigned long *mc = uc + 40 / 8;
		mc[16] = rip;			       /* rip */
		mc[15] = (unsigned long)&uc[0] - 4096; /* rsp */
		mc[18] = 0x0033;		       /* cs: user */
		sigreturn_from(unmapped ? (void *)16 : (void *)uc);
		_exit(1);
	}
	int status = 0;
	waitpid(pid, &status, 0);
	return status;
}

static void a_forged_frame_with_a_kernel_rip_kills_only_the_process(void)
{
	int status = forged_sigreturn(0xffff800000000000ul, false);
	KTAP_EXPECT_TRUE(WIFSIGNALED(status));
	KTAP_EXPECT_EQ(WTERMSIG(status), SIGSEGV);
}

static void a_forged_frame_with_a_noncanonical_rip_kills_only_the_process(void)
{
	int status = forged_sigreturn(0x0000800000000000ul, false);
	KTAP_EXPECT_TRUE(WIFSIGNALED(status));
	KTAP_EXPECT_EQ(WTERMSIG(status), SIGSEGV);
}

static void an_unreadable_frame_kills_only_the_process(void)
{
	int status = forged_sigreturn(0, true);
	KTAP_EXPECT_TRUE(WIFSIGNALED(status));
	KTAP_EXPECT_EQ(WTERMSIG(status), SIGSEGV);
}

/* --- signals to one thread ------------------------------------------- */

#define WAITERS 3

static volatile int waiters_done;

static int idle_thread(void *arg)
{
	(void)arg;
	while (!__atomic_load_n(&waiters_done, __ATOMIC_ACQUIRE))
		sleep_ns(5 * MS);
	return 0;
}

static void tgkill_reaches_only_the_thread_it_names(void)
{
	reset_record();
	waiters_done = 0;
	set_handler(SIGUSR1, record, SA_RESTART);
	struct thread t[WAITERS];
	for (int i = 0; i < WAITERS; i++)
		thread_start(&t[i], idle_thread, NULL);
	while (t[1].tid == 0)
		sleep_ns(MS);
	int target = t[1].tid;
	KTAP_EXPECT_EQ(tgkill(getpid(), target, SIGUSR1), 0);
	for (int i = 0; i < 400 && !got_count; i++)
		sleep_ns(5 * MS);
	__atomic_store_n(&waiters_done, 1, __ATOMIC_RELEASE);
	for (int i = 0; i < WAITERS; i++)
		thread_join(&t[i]);
	KTAP_EXPECT_EQ(got_count, 1);
	KTAP_EXPECT_EQ(got_tid, target);
	KTAP_EXPECT_EQ(got_code, SI_TKILL);
	set_default(SIGUSR1);
}

static void tgkill_to_a_thread_of_another_process_is_esrch(void)
{
	errno = 0;
	KTAP_EXPECT_EQ(tgkill(getpid(), getpid() + 100000, SIGUSR1), -1);
	KTAP_EXPECT_EQ(errno, ESRCH);
}

static void a_default_action_kills_a_child_that_did_not_catch_it(void)
{
	int pid = fork();
	if (pid == 0) {
		for (;;)
			sleep_ns(10 * MS);
	}
	KTAP_EXPECT_EQ(kill(pid, SIGTERM), 0);
	int status = 0;
	KTAP_EXPECT_EQ(waitpid(pid, &status, 0), pid);
	KTAP_EXPECT_TRUE(WIFSIGNALED(status));
	KTAP_EXPECT_EQ(WTERMSIG(status), SIGTERM);
}

static volatile int worker_tid, worker_stop;

static void *worker(void *arg)
{
	(void)arg;
	worker_tid = gettid();
	while (!__atomic_load_n(&worker_stop, __ATOMIC_ACQUIRE))
		sleep_ns(2 * MS);
	return NULL;
}

static void wait_for_count(int n)
{
	for (int i = 0; i < 1000 && got_count < n; i++)
		sleep_ns(2 * MS);
}

static void pthread_kill_runs_the_handler_on_that_thread(void)
{
	reset_record();
	worker_tid = worker_stop = 0;
	set_handler(SIGUSR1, record, SA_RESTART);
	pthread_t t;
	KTAP_ASSERT_EQ(pthread_create(&t, NULL, worker, NULL), 0);
	while (!worker_tid)
		sleep_ns(MS);
	KTAP_EXPECT_EQ(pthread_kill(t, SIGUSR1), 0);
	wait_for_count(1);
	__atomic_store_n(&worker_stop, 1, __ATOMIC_RELEASE);
	pthread_join(t, NULL);
	KTAP_EXPECT_EQ(got_count, 1);
	KTAP_EXPECT_EQ(got_tid, worker_tid);
	KTAP_EXPECT_EQ(got_code, SI_TKILL);
	set_default(SIGUSR1);
}

static void kill_reaches_the_thread_that_does_not_block_it(void)
{
	reset_record();
	worker_tid = worker_stop = 0;
	set_handler(SIGUSR1, record, SA_RESTART);
	/* A new thread starts with its creator's mask: the worker is made
	 * with SIGUSR1 unblocked, and only then does this thread block it. */
	pthread_t t;
	KTAP_ASSERT_EQ(pthread_create(&t, NULL, worker, NULL), 0);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	KTAP_EXPECT_EQ(pthread_sigmask(SIG_BLOCK, &set, NULL), 0);
	while (!worker_tid)
		sleep_ns(MS);
	KTAP_EXPECT_EQ(kill(getpid(), SIGUSR1), 0);
	wait_for_count(1);
	__atomic_store_n(&worker_stop, 1, __ATOMIC_RELEASE);
	pthread_join(t, NULL);
	KTAP_EXPECT_EQ(got_count, 1);
	KTAP_EXPECT_EQ(got_tid, worker_tid);
	KTAP_EXPECT_EQ(got_code, SI_USER);
	unblock_all();
	set_default(SIGUSR1);
}

/* --- timers ------------------------------------------------------------ */

/* Waits in sigsuspend until n handlers have run (SIGALRM blocked
 * outside it, so none is missed between the check and the wait). */
static void wait_for_handlers(int n)
{
	sigset_t none;
	sigemptyset(&none);
	while (got_count < n)
		sigsuspend(&none);
}

static void block_sigalrm(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

static void alarm_returns_the_seconds_left_of_the_last_one(void)
{
	set_handler(SIGALRM, record, 0);
	KTAP_EXPECT_EQ(alarm(100), 0);
	KTAP_EXPECT_EQ(alarm(5), 100);
	KTAP_EXPECT_EQ(alarm(0), 5);
	KTAP_EXPECT_EQ(alarm(0), 0);
	set_default(SIGALRM);
}

static void a_one_shot_itimer_raises_sigalrm_once(void)
{
	reset_record();
	set_handler(SIGALRM, record, 0);
	block_sigalrm();
	struct itimerval it = {.it_value = {0, 50000}};
	KTAP_EXPECT_EQ(setitimer(ITIMER_REAL, &it, NULL), 0);
	wait_for_handlers(1);
	KTAP_EXPECT_EQ(got_signo, SIGALRM);
	KTAP_EXPECT_EQ(got_code, SI_KERNEL);
	struct itimerval now;
	KTAP_EXPECT_EQ(getitimer(ITIMER_REAL, &now), 0);
	KTAP_EXPECT_EQ(now.it_value.tv_sec, 0);
	KTAP_EXPECT_EQ(now.it_value.tv_usec, 0);
	unblock_all();
	set_default(SIGALRM);
}

static void an_interval_itimer_repeats_until_disarmed(void)
{
	reset_record();
	set_handler(SIGALRM, record, 0);
	block_sigalrm();
	struct itimerval it = {.it_interval = {0, 20000},
			       .it_value = {0, 20000}},
			 off = {0}, old;
	KTAP_EXPECT_EQ(setitimer(ITIMER_REAL, &it, NULL), 0);
	wait_for_handlers(3);
	KTAP_EXPECT_EQ(setitimer(ITIMER_REAL, &off, &old), 0);
	KTAP_EXPECT_EQ(old.it_interval.tv_usec, 20000);
	KTAP_EXPECT_GE(got_count, 3);
	unblock_all();
	set_default(SIGALRM);
}

static void getitimer_reports_the_time_left(void)
{
	struct itimerval it = {.it_value = {10, 0}}, now, off = {0};
	KTAP_EXPECT_EQ(setitimer(ITIMER_REAL, &it, NULL), 0);
	KTAP_EXPECT_EQ(getitimer(ITIMER_REAL, &now), 0);
	KTAP_EXPECT_TRUE(now.it_value.tv_sec == 9 || now.it_value.tv_sec == 10);
	KTAP_EXPECT_EQ(now.it_interval.tv_sec, 0);
	setitimer(ITIMER_REAL, &off, NULL);
	struct itimerval bad = {.it_value = {0, 1000000}};
	errno = 0;
	KTAP_EXPECT_EQ(setitimer(ITIMER_REAL, &bad, NULL), -1);
	KTAP_EXPECT_EQ(errno, EINVAL);
}

static const struct ktap_test tests[] = {
	KTAP_TEST(raise_runs_the_handler_with_si_tkill_and_our_pid),
	KTAP_TEST(kill_runs_the_handler_with_si_user_and_our_pid),
	KTAP_TEST(a_write_to_a_pipe_without_readers_raises_sigpipe),
	KTAP_TEST(the_handler_starts_with_rsp_8_mod_16),
	KTAP_TEST(a_blocked_signal_waits_until_it_is_unblocked),
	KTAP_TEST(a_handler_nests_other_signals_and_defers_its_own),
	KTAP_TEST(sa_nodefer_lets_a_handler_interrupt_itself),
	KTAP_TEST(sa_resethand_runs_the_handler_once),
	KTAP_TEST(the_handler_mask_is_in_force_and_then_restored),
	KTAP_TEST(sa_restart_restarts_a_pipe_read),
	KTAP_TEST(without_sa_restart_a_pipe_read_fails_with_eintr),
	KTAP_TEST(sa_restart_restarts_a_futex_wait),
	KTAP_TEST(without_sa_restart_a_futex_wait_fails_with_eintr),
	KTAP_TEST(nanosleep_is_interrupted_and_reports_the_time_left),
	KTAP_TEST(sa_restart_restarts_wait4),
	KTAP_TEST(without_sa_restart_wait4_fails_with_eintr),
	KTAP_TEST(sigsuspend_waits_with_its_mask_and_puts_the_old_one_back),
	KTAP_TEST(sigtimedwait_takes_a_blocked_signal_without_its_handler),
	KTAP_TEST(sigaltstack_catches_a_stack_overflow),
	KTAP_TEST(sigaltstack_reports_the_stack_and_rejects_a_small_one),
	KTAP_TEST(a_forged_frame_with_a_kernel_rip_kills_only_the_process),
	KTAP_TEST(
		a_forged_frame_with_a_noncanonical_rip_kills_only_the_process),
	KTAP_TEST(an_unreadable_frame_kills_only_the_process),
	KTAP_TEST(tgkill_reaches_only_the_thread_it_names),
	KTAP_TEST(tgkill_to_a_thread_of_another_process_is_esrch),
	KTAP_TEST(a_default_action_kills_a_child_that_did_not_catch_it),
	KTAP_TEST(pthread_kill_runs_the_handler_on_that_thread),
	KTAP_TEST(kill_reaches_the_thread_that_does_not_block_it),
	KTAP_TEST(alarm_returns_the_seconds_left_of_the_last_one),
	KTAP_TEST(a_one_shot_itimer_raises_sigalrm_once),
	KTAP_TEST(an_interval_itimer_repeats_until_disarmed),
	KTAP_TEST(getitimer_reports_the_time_left),
};

int main(void)
{
	return KTAP_RUN("signal", tests);
}
