/*
 * KTAP from user test programs, in the format the kernel's ktest prints,
 * so tools/test.py reads both the same way:
 *
 *   KTAP version 1
 *   1..N
 *   ok 1 suite.name
 *   # file.c:42: expected a == b, got 3 (0x3) vs 4 (0x4)
 *   not ok 2 suite.other
 *
 * A test is a function; KTAP_EXPECT_* record a failure and go on.
 */
#ifndef LIBC_KTAP_H
#define LIBC_KTAP_H

#include <stdbool.h>

struct ktap_test {
	const char *name;
	void (*fn)(void);
};

/* Runs the tests, prints KTAP; returns the exit status (0: all passed). */
int ktap_run(const char *suite, const struct ktap_test *tests, int n);

void ktap_fail(const char *file, int line, const char *expr, long a, long b);

#define KTAP_EXPECT_OP(a, op, b)                                               \
	do {                                                                   \
		long a_ = (long)(a), b_ = (long)(b);                           \
		if (!(a_ op b_))                                               \
			ktap_fail(__FILE__, __LINE__, #a " " #op " " #b, a_,   \
				  b_);                                         \
	} while (0)
#define KTAP_EXPECT_EQ(a, b) KTAP_EXPECT_OP(a, ==, b)
#define KTAP_EXPECT_NE(a, b) KTAP_EXPECT_OP(a, !=, b)
#define KTAP_EXPECT_GE(a, b) KTAP_EXPECT_OP(a, >=, b)
#define KTAP_EXPECT_GT(a, b) KTAP_EXPECT_OP(a, >, b)
#define KTAP_EXPECT_TRUE(c) KTAP_EXPECT_OP(!!(c), ==, 1)

#endif
