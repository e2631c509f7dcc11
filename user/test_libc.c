/*
 * lib/c's own logic, apart from the kernel: start-up (argv, environ,
 * auxv), number parsing, formatted output. The same on Linux and Spindle.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
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
};

int main(int argc, char **argv, char **envp)
{
	saved_argc = argc;
	saved_argv = argv;
	saved_envp = envp;
	return KTAP_RUN("libc", tests);
}
