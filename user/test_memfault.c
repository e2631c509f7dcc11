/*
 * What a user program can do to the kernel with addresses, lengths and
 * faults (issue 11, 2b): huge lengths that would wrap past the top of user
 * space, kernel and non-canonical addresses given as TLS bases and futex
 * words, a read-only clear-tid word, int3 and iretq in user mode, and a
 * 1 GiB shared mapping. Every case runs the same on the Linux host; the
 * ones that kill run in a forked child, and the parent checks how it died.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "c/ktap.h"
#include "c/libc.h"
#include "c/syscall.h"
#include "freestanding/linux_abi.h"
#include "threads.h"

#define USER_END 0x0000800000000000ul /* first byte past user space */
#define KERNEL_ADDR 0xffffffff81000000ul
#define NONCANONICAL_LOW 0x0000800000000000ul  /* just past the user half */
#define NONCANONICAL_HIGH 0xdead000000000000ul /* in the hole, high half */
#define KERNEL_CODE_SELECTOR 0x08 /* RPL 0: never allowed from ring 3 */

static const long page = 4096;

/* Runs fn in a forked child; returns its wait status. */
static int in_child(void (*fn)(void))
{
	pid_t pid = fork();
	if (pid == 0) {
		fn();
		_exit(0);
	}
	int status = -1;
	waitpid(pid, &status, 0);
	return status;
}

/* --- lengths that would wrap past the top of user space --------------- */

static void huge_anonymous_mmap_gives_a_user_address_or_enomem(void)
{
	/* The last two: MMAP_TOP (kernel/aspace/mm.h) and a page more. */
	static const uint64_t lens[] = {
		0x7fffc0000000ul, 0x7ffffffff000ul - 4096, 1ul << 46,
		0x7fffbf7df000ul, 0x7fffbf7e0000ul,
	};
	for (unsigned i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		char *p = mmap(NULL, lens[i], PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			KTAP_EXPECT_EQ(errno, ENOMEM);
			continue;
		}
		uint64_t a = (uint64_t)p;
		if (!KTAP_EXPECT_TRUE(a >= 0x10000 && a < USER_END &&
				      lens[i] <= USER_END - a))
			printf("    # len %lx mapped at %lx\n",
			       (unsigned long)lens[i], (unsigned long)a);
		else
			KTAP_EXPECT_EQ(munmap(p, lens[i]), 0);
	}
}

static void mmap_of_a_length_that_wraps_is_enomem(void)
{
	void *p = mmap(NULL, (size_t)-page, PROT_READ,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	KTAP_EXPECT_TRUE(p == MAP_FAILED);
	KTAP_EXPECT_EQ(errno, ENOMEM);
}

static void fixed_mmap_past_the_top_of_user_space_is_enomem(void)
{
	void *p = mmap((void *)(USER_END - 2 * page), 4 * page, PROT_READ,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	KTAP_EXPECT_TRUE(p == MAP_FAILED);
	KTAP_EXPECT_EQ(errno, ENOMEM);
}

static void munmap_of_a_range_that_wraps_is_einval(void)
{
	char *p =
		mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	KTAP_ASSERT_TRUE(p != MAP_FAILED);
	KTAP_EXPECT_EQ(munmap(p, (size_t)-page), -1);
	KTAP_EXPECT_EQ(errno, EINVAL);
	KTAP_EXPECT_EQ(munmap((void *)(USER_END - page), 2 * page), -1);
	KTAP_EXPECT_EQ(errno, EINVAL);
	KTAP_EXPECT_EQ(munmap(p, page), 0);
}

static void mprotect_of_a_range_that_wraps_is_enomem(void)
{
	char *p =
		mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	KTAP_ASSERT_TRUE(p != MAP_FAILED);
	KTAP_EXPECT_EQ(mprotect(p, (size_t)-page, PROT_READ), -1);
	KTAP_EXPECT_EQ(errno, ENOMEM);
	KTAP_EXPECT_EQ(mprotect(p, (size_t)-1, PROT_READ), -1);
	KTAP_EXPECT_EQ(errno, ENOMEM);
	KTAP_EXPECT_EQ(munmap(p, page), 0);
}

static void madvise_of_a_range_that_wraps_is_einval(void)
{
	char *p =
		mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	KTAP_ASSERT_TRUE(p != MAP_FAILED);
	KTAP_EXPECT_EQ(madvise(p, (size_t)-page, MADV_DONTNEED), -1);
	KTAP_EXPECT_EQ(errno, EINVAL);
	KTAP_EXPECT_EQ(madvise(p, 0, MADV_DONTNEED), 0);
	KTAP_EXPECT_EQ(munmap(p, page), 0);
}

static void brk_past_user_space_leaves_the_break_alone(void)
{
	long now = syscall1(SYS_brk, 0);
	KTAP_EXPECT_EQ(syscall1(SYS_brk, -page), now);
	KTAP_EXPECT_EQ(syscall1(SYS_brk, (long)USER_END), now);
	KTAP_EXPECT_EQ(syscall1(SYS_brk, (long)KERNEL_ADDR), now);
}

static void io_buffers_that_wrap_or_leave_user_space_are_efault(void)
{
	int fds[2];
	KTAP_ASSERT_EQ(pipe(fds), 0);
	KTAP_EXPECT_EQ(syscall3(SYS_write, fds[1], (long)(USER_END - 8), 16),
		       -EFAULT);
	KTAP_EXPECT_EQ(syscall3(SYS_write, fds[1], -16, 32), -EFAULT);
	KTAP_EXPECT_EQ(syscall3(SYS_write, fds[1], 1, 4), -EFAULT);
	KTAP_EXPECT_EQ(syscall3(SYS_write, fds[1], (long)"abcd", 4), 4);
	KTAP_EXPECT_EQ(syscall3(SYS_read, fds[0], -16, 32), -EFAULT);
	KTAP_EXPECT_EQ(syscall3(SYS_read, fds[0], (long)(USER_END - 2), 4),
		       -EFAULT);
	close(fds[0]);
	close(fds[1]);
}

/* --- TLS bases --------------------------------------------------------- */

static void arch_set_fs_to_a_kernel_or_noncanonical_address_is_eperm(void)
{
	KTAP_EXPECT_EQ(syscall2(SYS_arch_prctl, ARCH_SET_FS, KERNEL_ADDR),
		       -EPERM);
	KTAP_EXPECT_EQ(syscall2(SYS_arch_prctl, ARCH_SET_FS, NONCANONICAL_LOW),
		       -EPERM);
	KTAP_EXPECT_EQ(syscall2(SYS_arch_prctl, ARCH_SET_FS, NONCANONICAL_HIGH),
		       -EPERM);
}

/* fork through clone(SIGCHLD | CLONE_SETTLS): must fail, creating no
 * child; if one is made anyway, it exits at once (and is reaped). */
static long fork_with_tls(uint64_t tls)
{
	long r =
		syscall5(SYS_clone, SIGCHLD | CLONE_SETTLS, 0, 0, 0, (long)tls);
	if (r == 0)
		syscall1(SYS_exit_group, 0);
	if (r > 0)
		waitpid((pid_t)r, NULL, 0);
	return r;
}

static void clone_settls_to_a_kernel_or_noncanonical_address_is_eperm(void)
{
	KTAP_EXPECT_EQ(fork_with_tls(KERNEL_ADDR), -EPERM);
	KTAP_EXPECT_EQ(fork_with_tls(NONCANONICAL_LOW), -EPERM);
	KTAP_EXPECT_EQ(fork_with_tls(NONCANONICAL_HIGH), -EPERM);
}

/* --- futex words ------------------------------------------------------- */

static long raw_futex(uint64_t uaddr, int op, long val, long val2,
		      uint64_t uaddr2, long val3)
{
	return syscall6(SYS_futex, (long)uaddr, op, val, val2, (long)uaddr2,
			val3);
}

static void futex_wake_on_a_kernel_or_noncanonical_address_is_efault(void)
{
	static const uint64_t bad[] = {KERNEL_ADDR, NONCANONICAL_LOW,
				       NONCANONICAL_HIGH};
	for (unsigned i = 0; i < 3; i++) {
		KTAP_EXPECT_EQ(raw_futex(bad[i],
					 FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, 0,
					 0, 0),
			       -EFAULT);
		KTAP_EXPECT_EQ(raw_futex(bad[i], FUTEX_WAKE, 1, 0, 0, 0),
			       -EFAULT);
	}
}

/* A private futex is a (process, address) pair: Linux does not look at
 * the memory to wake it, so an unmapped user address is fine; a shared
 * one needs the page, so there it is EFAULT. */
static void futex_wake_on_an_unmapped_user_address(void)
{
	char *p =
		mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	KTAP_ASSERT_TRUE(p != MAP_FAILED);
	KTAP_ASSERT_EQ(munmap(p, page), 0);
	KTAP_EXPECT_EQ(raw_futex((uint64_t)p, FUTEX_WAKE | FUTEX_PRIVATE_FLAG,
				 1, 0, 0, 0),
		       0);
	KTAP_EXPECT_EQ(raw_futex((uint64_t)p, FUTEX_WAKE, 1, 0, 0, 0), -EFAULT);
}

static uint32_t requeue_word;

static int wait_on_requeue_word(void *arg)
{
	(void)arg;
	struct timespec t = {5, 0};
	return (int)syscall4(SYS_futex, (long)&requeue_word,
			     FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, (long)&t);
}

static void futex_requeue_to_a_bad_address_is_efault_and_strands_no_one(void)
{
	static const uint64_t bad[] = {KERNEL_ADDR, NONCANONICAL_LOW,
				       NONCANONICAL_HIGH};
	struct thread waiter;
	requeue_word = 0;
	KTAP_ASSERT_EQ(thread_start(&waiter, wait_on_requeue_word, NULL), 0);
	/* Give it time to sleep; a wake below finds it either way. */
	struct timespec nap = {0, 50 * 1000 * 1000};
	nanosleep(&nap, NULL);
	for (unsigned i = 0; i < 3; i++) {
		KTAP_EXPECT_EQ(raw_futex((uint64_t)&requeue_word,
					 FUTEX_CMP_REQUEUE | FUTEX_PRIVATE_FLAG,
					 0, 1, bad[i], 0),
			       -EFAULT);
		KTAP_EXPECT_EQ(raw_futex(bad[i],
					 FUTEX_CMP_REQUEUE | FUTEX_PRIVATE_FLAG,
					 0, 1, (uint64_t)&requeue_word, 0),
			       -EFAULT);
	}
	KTAP_EXPECT_EQ(raw_futex((uint64_t)&requeue_word,
				 FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, 0, 0, 0),
		       1);
	thread_join(&waiter);
}

/* --- clone's tid words ------------------------------------------------- */

static const int read_only_tid = 7; /* in .rodata */
static uint32_t settid_thread_done;

static int note_done(void *arg)
{
	(void)arg;
	__atomic_store_n(&settid_thread_done, 1, __ATOMIC_RELEASE);
	futex(&settid_thread_done, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, NULL,
	      NULL, 0);
	return 0;
}

/* Linux writes the child's tid with an ordinary user store that may fail
 * (and is then ignored); the thread is created either way. Its stack is
 * left mapped: it still returns through it after saying it is done. */
static void clone_child_settid_on_a_read_only_word_still_creates_it(void)
{
	void *stack = mmap(NULL, THREAD_STACK, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	KTAP_ASSERT_TRUE(stack != MAP_FAILED);
	unsigned long flags =
		(CLONE_PTHREAD & ~(unsigned long)CLONE_CHILD_CLEARTID) |
		CLONE_CHILD_SETTID;
	long r = raw_clone(flags, (char *)stack + THREAD_STACK, NULL,
			   (int *)&read_only_tid, 0, note_done, NULL);
	KTAP_EXPECT_GT(r, 0);
	while (r > 0 && !__atomic_load_n(&settid_thread_done, __ATOMIC_ACQUIRE))
		futex(&settid_thread_done, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0,
		      NULL, NULL, 0);
	KTAP_EXPECT_EQ(*(volatile const int *)&read_only_tid, 7);
}

/* --- traps from user mode ---------------------------------------------- */

static void run_int3(void)
{
	__asm__ volatile("int3");
}

static void run_int_3(void)
{
	__asm__ volatile(".byte 0xcd, 0x03"); /* int $3, the two-byte form */
}

static void int3_kills_with_sigtrap(void)
{
	int status = in_child(run_int3);
	KTAP_EXPECT_TRUE(WIFSIGNALED(status));
	KTAP_EXPECT_EQ(WTERMSIG(status), SIGTRAP);
	status = in_child(run_int_3);
	KTAP_EXPECT_TRUE(WIFSIGNALED(status));
	KTAP_EXPECT_EQ(WTERMSIG(status), SIGTRAP);
}

/* iretq with the given code selector, to rip (0: the next instruction),
 * with this stack, these flags and the current stack selector. */
static void iretq_to(uint64_t cs, uint64_t rip)
{
	__asm__ volatile("sub $128, %%rsp\n\t" /* keep off the red zone */
			 "lea 1f(%%rip), %%rax\n\t"
			 "test %1, %1\n\t"
			 "cmovnz %1, %%rax\n\t"
			 "xor %%edx, %%edx\n\t"
			 "mov %%ss, %%dx\n\t"
			 "push %%rdx\n\t"	   /* ss */
			 "lea 8(%%rsp), %%rdx\n\t" /* rsp: as before the push */
			 "push %%rdx\n\t"
			 "pushfq\n\t"
			 "push %0\n\t"	  /* cs */
			 "push %%rax\n\t" /* rip */
			 "iretq\n"
			 "1:\tadd $128, %%rsp"
			 :
			 : "r"(cs), "r"(rip)
			 : "rax", "rdx", "memory", "cc");
}

static uint64_t user_code_selector(void)
{
	uint64_t cs = 0;
	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	return cs & 0xffff;
}

static void legal_iretq_then_exit_42(void)
{
	iretq_to(user_code_selector(), 0);
	_exit(42);
}

static void iretq_to_a_kernel_selector(void)
{
	iretq_to(KERNEL_CODE_SELECTOR, 0);
	_exit(1);
}

static void iretq_to_a_noncanonical_address(void)
{
	iretq_to(user_code_selector(), NONCANONICAL_LOW);
	_exit(1);
}

static void a_legal_user_iretq_returns(void)
{
	int status = in_child(legal_iretq_then_exit_42);
	KTAP_EXPECT_TRUE(WIFEXITED(status));
	KTAP_EXPECT_EQ(WEXITSTATUS(status), 42);
}

static void iretq_to_a_kernel_selector_kills_with_sigsegv(void)
{
	int status = in_child(iretq_to_a_kernel_selector);
	KTAP_EXPECT_TRUE(WIFSIGNALED(status));
	KTAP_EXPECT_EQ(WTERMSIG(status), SIGSEGV);
}

static void iretq_to_a_noncanonical_address_kills_with_sigsegv(void)
{
	int status = in_child(iretq_to_a_noncanonical_address);
	KTAP_EXPECT_TRUE(WIFSIGNALED(status));
	KTAP_EXPECT_EQ(WTERMSIG(status), SIGSEGV);
}

/* --- a shared mapping larger than memory ------------------------------- */

#define GIB (1ul << 30)

static char *big_shared;

static void write_in_the_middle(void)
{
	big_shared[GIB / 2 + 5] = 'c';
}

static void a_one_gib_shared_mapping_is_lazy_and_shared_with_children(void)
{
	big_shared = mmap(NULL, GIB, PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	KTAP_ASSERT_TRUE(big_shared != MAP_FAILED);
	long before = free_memory();
	big_shared[0] = 'a';
	big_shared[GIB - 1] = 'z';
	KTAP_EXPECT_EQ(big_shared[GIB / 2 + 5], 0);
	int status = in_child(write_in_the_middle);
	KTAP_EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	KTAP_EXPECT_EQ(big_shared[GIB / 2 + 5], 'c');
	KTAP_EXPECT_EQ(big_shared[0], 'a');
	KTAP_EXPECT_EQ(big_shared[GIB - 1], 'z');
	/* Three pages touched, not a gigabyte. Generous: page tables, the
	 * child's copy of this process, and on the host everything else
	 * that runs meanwhile. */
	KTAP_EXPECT_LT(before - free_memory(), 256l << 20);
	KTAP_EXPECT_EQ(munmap(big_shared, GIB), 0);
}

static const struct ktap_test tests[] = {
	KTAP_TEST(huge_anonymous_mmap_gives_a_user_address_or_enomem),
	KTAP_TEST(mmap_of_a_length_that_wraps_is_enomem),
	KTAP_TEST(fixed_mmap_past_the_top_of_user_space_is_enomem),
	KTAP_TEST(munmap_of_a_range_that_wraps_is_einval),
	KTAP_TEST(mprotect_of_a_range_that_wraps_is_enomem),
	KTAP_TEST(madvise_of_a_range_that_wraps_is_einval),
	KTAP_TEST(brk_past_user_space_leaves_the_break_alone),
	KTAP_TEST(io_buffers_that_wrap_or_leave_user_space_are_efault),
	KTAP_TEST(arch_set_fs_to_a_kernel_or_noncanonical_address_is_eperm),
	KTAP_TEST(clone_settls_to_a_kernel_or_noncanonical_address_is_eperm),
	KTAP_TEST(futex_wake_on_a_kernel_or_noncanonical_address_is_efault),
	KTAP_TEST(futex_wake_on_an_unmapped_user_address),
	KTAP_TEST(futex_requeue_to_a_bad_address_is_efault_and_strands_no_one),
	KTAP_TEST(clone_child_settid_on_a_read_only_word_still_creates_it),
	KTAP_TEST(int3_kills_with_sigtrap),
	KTAP_TEST(a_legal_user_iretq_returns),
	KTAP_TEST(iretq_to_a_kernel_selector_kills_with_sigsegv),
	KTAP_TEST(iretq_to_a_noncanonical_address_kills_with_sigsegv),
	KTAP_TEST(a_one_gib_shared_mapping_is_lazy_and_shared_with_children),
};

int main(void)
{
	return KTAP_RUN("memfault", tests);
}
