/*
 * KTAP from user test programs, in the format the kernel's ktest prints
 * (kernel/test/ktest.h), so tools/test.py reads both the same way:
 *
 *   KTAP version 1
 *   1..2
 *   ok 1 basic.getpid_is_positive
 *       # write_to_a_bad_fd: test_basic.c:42: expected errno == EBADF,
 *         got 14 (0xe) vs 9 (0x9)           <- (one line)
 *   not ok 2 basic.write_to_a_bad_fd
 *   # basic: 1 passed, 1 failed
 *
 * A test is a function, one behaviour each, named after it:
 *
 *   static void getpid_is_positive(void)
 *   {
 *           KTAP_EXPECT_GT(getpid(), 0);
 *   }
 *
 *   static const struct ktap_test tests[] = {
 *           KTAP_TEST(getpid_is_positive),
 *   };
 *
 *   int main(void)
 *   {
 *           return KTAP_RUN("basic", tests);
 *   }
 *
 * KTAP_EXPECT_* record a failure and go on; KTAP_ASSERT_* also return
 * from the test. The program's exit status is 0 only if every test passed.
 */
#ifndef LIBC_KTAP_H
#define LIBC_KTAP_H

#include <stdbool.h>
#include <string.h>

struct ktap_test {
	const char *name;
	void (*fn)(void);
};

#define KTAP_TEST(test)                                                        \
	{                                                                      \
		.name = #test, .fn = test                                      \
	}

/* Runs the tests in order and prints KTAP; returns the exit status. */
int ktap_run(const char *suite, const struct ktap_test *tests, int n);
#define KTAP_RUN(suite, tests)                                                 \
	ktap_run(suite, tests, (int)(sizeof(tests) / sizeof((tests)[0])))

/* Marks the running test skipped (it still counts as passed): KTAP's
 * "ok 3 suite.name # SKIP reason". For a behaviour one implementation
 * does not have, such as a library that caches thread stacks. */
void ktap_skip(const char *reason);

/* If !ok, fails the running test and prints the diagnostic; returns ok. */
bool ktap_check(bool ok, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#define KTAP_EXPECT_TRUE(cond)                                                 \
	ktap_check(!!(cond), __FILE__, __LINE__, "expected %s", #cond)

/* `text` is the comparison as written: stringified here, before the
 * arguments are expanded, it says errno == EBADF rather than ... == 9. */
#define KTAP_COMPARE(a, op, b, text)                                           \
	({                                                                     \
		long long a_ = (long long)(a), b_ = (long long)(b);            \
		ktap_check(a_ op b_, __FILE__, __LINE__,                       \
			   "expected %s, got %lld (0x%llx) vs %lld (0x%llx)",  \
			   text, a_, a_, b_, b_);                              \
	})

#define KTAP_EXPECT_EQ(a, b) KTAP_COMPARE(a, ==, b, #a " == " #b)
#define KTAP_EXPECT_NE(a, b) KTAP_COMPARE(a, !=, b, #a " != " #b)
#define KTAP_EXPECT_LT(a, b) KTAP_COMPARE(a, <, b, #a " < " #b)
#define KTAP_EXPECT_LE(a, b) KTAP_COMPARE(a, <=, b, #a " <= " #b)
#define KTAP_EXPECT_GT(a, b) KTAP_COMPARE(a, >, b, #a " > " #b)
#define KTAP_EXPECT_GE(a, b) KTAP_COMPARE(a, >=, b, #a " >= " #b)
#define KTAP_EXPECT_STREQ(a, b)                                                \
	({                                                                     \
		const char *a_ = (a), *b_ = (b);                               \
		ktap_check(strcmp(a_, b_) == 0, __FILE__, __LINE__,            \
			   "expected %s == %s, got \"%s\" vs \"%s\"", #a, #b,  \
			   a_, b_);                                            \
	})

#define KTAP_ASSERT_TRUE(cond)                                                 \
	do {                                                                   \
		if (!KTAP_EXPECT_TRUE(cond))                                   \
			return;                                                \
	} while (0)
#define KTAP_ASSERT_EQ(a, b)                                                   \
	do {                                                                   \
		if (!KTAP_EXPECT_EQ(a, b))                                     \
			return;                                                \
	} while (0)
#define KTAP_ASSERT_NE(a, b)                                                   \
	do {                                                                   \
		if (!KTAP_EXPECT_NE(a, b))                                     \
			return;                                                \
	} while (0)

#endif
