/*
 * lib/c's own logic, apart from the kernel: start-up (argv, environ,
 * auxv), number parsing, formatted output. The same on Linux and Spindle.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/wait.h>
#include <unistd.h>

#include "c/ktap.h"

static int saved_argc;
static char **saved_argv, **saved_envp;

static void argv_ends_with_null(void)
{
	KTAP_EXPECT_GE(saved_argc, 1);
	KTAP_EXPECT_EQ(saved_argv[saved_argc], NULL);
}

static void environ_is_mains_third_argument(void)
{
	KTAP_EXPECT_EQ(environ, saved_envp);
}

static void getauxval_gives_the_page_size(void)
{
	KTAP_EXPECT_EQ(getauxval(AT_PAGESZ), 4096);
}

void _start(void);

static void getauxval_gives_the_entry_point(void)
{
	KTAP_EXPECT_EQ(getauxval(AT_ENTRY), (unsigned long)_start);
}

static void getauxval_of_a_missing_entry_is_enoent(void)
{
	errno = 0;
	KTAP_EXPECT_EQ(getauxval(12345), 0);
	KTAP_EXPECT_EQ(errno, ENOENT);
}

static void strtol_skips_space_takes_a_sign_and_stops_at_a_non_digit(void)
{
	char *end;
	KTAP_EXPECT_EQ(strtol("  -42x", &end, 10), -42);
	KTAP_EXPECT_EQ(*end, 'x');
}

static void strtol_base_0_reads_hex_octal_and_decimal(void)
{
	KTAP_EXPECT_EQ(strtol("0x1f", NULL, 0), 31);
	KTAP_EXPECT_EQ(strtol("017", NULL, 0), 15);
	KTAP_EXPECT_EQ(strtol("19", NULL, 0), 19);
	KTAP_EXPECT_EQ(strtol("0", NULL, 0), 0);
}

static void strtol_without_digits_leaves_end_at_the_start(void)
{
	const char *s = "  +";
	char *end;
	KTAP_EXPECT_EQ(strtol(s, &end, 10), 0);
	KTAP_EXPECT_EQ(end, s);
}

static void strtol_reads_0x_without_hex_digits_as_0(void)
{
	const char *s = "0xg";
	char *end;
	KTAP_EXPECT_EQ(strtol(s, &end, 16), 0);
	KTAP_EXPECT_EQ(end, s + 1);
}

static void strtol_out_of_range_is_erange_and_the_limit(void)
{
	errno = 0;
	KTAP_EXPECT_EQ(strtol("9223372036854775808", NULL, 10), LONG_MAX);
	KTAP_EXPECT_EQ(errno, ERANGE);
	errno = 0;
	KTAP_EXPECT_EQ(strtol("-9223372036854775809", NULL, 10), LONG_MIN);
	KTAP_EXPECT_EQ(errno, ERANGE);
}

static void strtol_reads_long_min_exactly(void)
{
	errno = 0;
	KTAP_EXPECT_EQ(strtol("-9223372036854775808", NULL, 10), LONG_MIN);
	KTAP_EXPECT_EQ(errno, 0);
}

static void strtoul_of_minus_1_is_the_maximum(void)
{
	KTAP_EXPECT_EQ(strtoul("-1", NULL, 10), ULONG_MAX);
}

static void atoi_reads_a_decimal_number(void)
{
	KTAP_EXPECT_EQ(atoi("123"), 123);
	KTAP_EXPECT_EQ(atoi("-7 apples"), -7);
}

static void snprintf_truncates_and_returns_the_full_length(void)
{
	char buf[8];
	KTAP_EXPECT_EQ(snprintf(buf, sizeof(buf), "%s-%d", "abcdef", 1234), 11);
	KTAP_EXPECT_STREQ(buf, "abcdef-");
}

static void printf_returns_the_number_of_characters(void)
{
	KTAP_EXPECT_EQ(printf("    # %s\n", "printf"), 13);
}

static void dprintf_writes_to_the_descriptor_given(void)
{
	KTAP_EXPECT_EQ(dprintf(STDOUT_FILENO, "    # %s\n", "dprintf"), 14);
}

static void dprintf_to_a_bad_fd_is_eof_and_ebadf(void)
{
	KTAP_EXPECT_EQ(dprintf(57, "lost\n"), EOF);
	KTAP_EXPECT_EQ(errno, EBADF);
}

static void snprintf_prints_doubles_with_f(void)
{
	char buf[64];
	snprintf(buf, sizeof(buf), "%f|%.2f|%.0f|%f", 0.5, 1.25, 3.5, -3.0625);
	KTAP_EXPECT_STREQ(buf, "0.500000|1.25|4|-3.062500");
	snprintf(buf, sizeof(buf), "%8.3f|%-8.1f|%08.2f", 3.14159, 2.0, -1.5);
	KTAP_EXPECT_STREQ(buf, "   3.142|2.0     |-0001.50");
	snprintf(buf, sizeof(buf), "%.1f %.3f", 1e6, 0.001);
	KTAP_EXPECT_STREQ(buf, "1000000.0 0.001");
}

/* Four threads print lines into a pipe (stdout redirected) while a fifth
 * reads them: with the stream locked per call, every line arrives whole,
 * and each thread's lines in its order. */
enum { PRINTERS = 4, LINES = 200 };
static const char tail[] = " abcdefghijklmnopqrstuvwxyz";
static char printed[PRINTERS * LINES * 40];

static void *print_lines(void *arg)
{
	for (int i = 0; i < LINES; i++)
		printf("line %ld %d%s\n", (long)arg, i, tail);
	return NULL;
}

static void *read_all(void *arg)
{
	int fd = *(int *)arg;
	size_t len = 0;
	ssize_t n;
	while ((n = read(fd, printed + len, sizeof(printed) - 1 - len)) > 0)
		len += (size_t)n;
	printed[len] = '\0';
	return NULL;
}

static void printf_lines_from_four_threads_never_mix(void)
{
	int fds[2];
	KTAP_ASSERT_EQ(pipe(fds), 0);
	fflush(stdout);
	int saved = dup(STDOUT_FILENO);
	dup2(fds[1], STDOUT_FILENO);
	close(fds[1]);
	pthread_t reader, t[PRINTERS];
	pthread_create(&reader, NULL, read_all, &fds[0]);
	for (long i = 0; i < PRINTERS; i++)
		pthread_create(&t[i], NULL, print_lines, (void *)i);
	for (int i = 0; i < PRINTERS; i++)
		pthread_join(t[i], NULL);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO); /* the pipe's last writer: EOF */
	close(saved);
	pthread_join(reader, NULL);
	close(fds[0]);

	int next[PRINTERS] = {0}, lines = 0;
	for (char *p = printed; *p; lines++) {
		char *end;
		KTAP_ASSERT_EQ(strncmp(p, "line ", 5), 0);
		long id = strtol(p + 5, &end, 10);
		KTAP_ASSERT_TRUE(id >= 0 && id < PRINTERS);
		KTAP_EXPECT_EQ(strtol(end, &end, 10), next[id]++);
		KTAP_ASSERT_EQ(strncmp(end, tail, strlen(tail)), 0);
		p = end + strlen(tail);
		KTAP_ASSERT_EQ(*p++, '\n');
	}
	KTAP_EXPECT_EQ(lines, PRINTERS * LINES);
}

/* Two ints and errno: a TLS segment of 12 bytes aligned to 4, whose
 * layout the linker and crt0 must agree on (it once put them 4 bytes
 * apart). */
static __thread volatile int tls_five = 5, tls_six = 6;

static void *read_thread_locals(void *arg)
{
	(void)arg;
	return (void *)(long)(tls_five * 10 + tls_six);
}

static void thread_locals_start_with_their_initial_values(void)
{
	KTAP_EXPECT_EQ(tls_five, 5);
	KTAP_EXPECT_EQ(tls_six, 6);
	pthread_t t;
	void *got = NULL;
	KTAP_ASSERT_EQ(pthread_create(&t, NULL, read_thread_locals, NULL), 0);
	pthread_join(t, &got);
	KTAP_EXPECT_EQ((long)got, 56);
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

static void qsort_sorts_and_keeps_every_element(void)
{
	enum { N = 1000 };
	static int v[N];
	unsigned seed = 42;
	long sum = 0;
	for (int i = 0; i < N; i++)
		sum += v[i] = rand_r(&seed) % 100; /* many duplicates */
	qsort(v, N, sizeof(v[0]), cmp_int);
	for (int i = 1; i < N; i++)
		KTAP_EXPECT_LE(v[i - 1], v[i]);
	for (int i = 0; i < N; i++)
		sum -= v[i];
	KTAP_EXPECT_EQ(sum, 0);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void qsort_sorts_pointers_to_strings(void)
{
	const char *w[] = {"pear", "apple", "fig", "banana", "apple"};
	qsort(w, 5, sizeof(w[0]), cmp_str);
	KTAP_EXPECT_STREQ(w[0], "apple");
	KTAP_EXPECT_STREQ(w[1], "apple");
	KTAP_EXPECT_STREQ(w[2], "banana");
	KTAP_EXPECT_STREQ(w[3], "fig");
	KTAP_EXPECT_STREQ(w[4], "pear");
}

static void rand_r_repeats_for_a_seed_and_stays_in_range(void)
{
	unsigned a = 7, b = 7;
	int differ = 0;
	for (int i = 0; i < 1000; i++) {
		int x = rand_r(&a);
		KTAP_EXPECT_EQ(x, rand_r(&b));
		KTAP_EXPECT_LE(0, x);
		KTAP_EXPECT_LE(x, RAND_MAX);
		differ += x != rand_r(&(unsigned){(unsigned)i});
	}
	KTAP_EXPECT_LT(0, differ);
}

static void strerror_names_the_error(void)
{
	KTAP_EXPECT_STREQ(strerror(EINVAL), "Invalid argument");
	KTAP_EXPECT_STREQ(strerror(EDEADLK), "Resource deadlock avoided");
	KTAP_EXPECT_STREQ(strerror(ETIMEDOUT), "Connection timed out");
	KTAP_EXPECT_EQ(strncmp(strerror(-1), "Unknown error", 13), 0);
}

static int exit_pipe;

static void say_a(void)
{
	KTAP_EXPECT_EQ(write(exit_pipe, "a", 1), 1);
}

static void say_b(void)
{
	KTAP_EXPECT_EQ(write(exit_pipe, "b", 1), 1);
}

static void atexit_functions_run_last_registered_first(void)
{
	int fds[2];
	KTAP_ASSERT_EQ(pipe(fds), 0);
	fflush(stdout); /* or the child's exit prints it again */
	pid_t pid = fork();
	if (pid == 0) {
		exit_pipe = fds[1];
		atexit(say_a);
		atexit(say_b);
		exit(0);
	}
	close(fds[1]);
	int status = -1;
	KTAP_EXPECT_EQ(waitpid(pid, &status, 0), pid);
	KTAP_EXPECT_EQ(status, 0);
	char got[4] = {0};
	KTAP_EXPECT_EQ(read(fds[0], got, sizeof(got)), 2);
	KTAP_EXPECT_STREQ(got, "ba");
	close(fds[0]);
}

static void perror_writes_what_and_the_message_to_stderr(void)
{
	int fds[2];
	KTAP_ASSERT_EQ(pipe(fds), 0);
	int saved = dup(STDERR_FILENO);
	dup2(fds[1], STDERR_FILENO);
	errno = ENOENT;
	perror("open");
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(fds[1]);
	char got[64] = {0};
	KTAP_EXPECT_LT(0, read(fds[0], got, sizeof(got) - 1));
	KTAP_EXPECT_STREQ(got, "open: No such file or directory\n");
	close(fds[0]);
}

static const struct ktap_test tests[] = {
	KTAP_TEST(argv_ends_with_null),
	KTAP_TEST(environ_is_mains_third_argument),
	KTAP_TEST(getauxval_gives_the_page_size),
	KTAP_TEST(getauxval_gives_the_entry_point),
	KTAP_TEST(getauxval_of_a_missing_entry_is_enoent),
	KTAP_TEST(strtol_skips_space_takes_a_sign_and_stops_at_a_non_digit),
	KTAP_TEST(strtol_base_0_reads_hex_octal_and_decimal),
	KTAP_TEST(strtol_without_digits_leaves_end_at_the_start),
	KTAP_TEST(strtol_reads_0x_without_hex_digits_as_0),
	KTAP_TEST(strtol_out_of_range_is_erange_and_the_limit),
	KTAP_TEST(strtol_reads_long_min_exactly),
	KTAP_TEST(strtoul_of_minus_1_is_the_maximum),
	KTAP_TEST(atoi_reads_a_decimal_number),
	KTAP_TEST(snprintf_truncates_and_returns_the_full_length),
	KTAP_TEST(printf_returns_the_number_of_characters),
	KTAP_TEST(dprintf_writes_to_the_descriptor_given),
	KTAP_TEST(dprintf_to_a_bad_fd_is_eof_and_ebadf),
	KTAP_TEST(snprintf_prints_doubles_with_f),
	KTAP_TEST(thread_locals_start_with_their_initial_values),
	KTAP_TEST(printf_lines_from_four_threads_never_mix),
	KTAP_TEST(qsort_sorts_and_keeps_every_element),
	KTAP_TEST(qsort_sorts_pointers_to_strings),
	KTAP_TEST(rand_r_repeats_for_a_seed_and_stays_in_range),
	KTAP_TEST(strerror_names_the_error),
	KTAP_TEST(atexit_functions_run_last_registered_first),
	KTAP_TEST(perror_writes_what_and_the_message_to_stderr),
};

int main(int argc, char **argv, char **envp)
{
	saved_argc = argc;
	saved_argv = argv;
	saved_envp = envp;
	return KTAP_RUN("libc", tests);
}
