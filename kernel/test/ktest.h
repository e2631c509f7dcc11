/*
 * ktest: the in-kernel unit test framework.
 *
 *   KTEST(pmm, alloc_then_free_restores_counter)
 *   {
 *           size_t before = pmm_free_pages();
 *           uint64_t page = pmm_alloc();
 *           KASSERT_NE(page, 0);
 *           pmm_free(page);
 *           KEXPECT_EQ(pmm_free_pages(), before);
 *   }
 *
 * Tests register themselves in the .ktests linker section; nothing lists
 * them by hand. "ktest=all" on the command line runs every test, "ktest=pmm"
 * one suite, "ktest=pmm.alloc_all" one test, "ktest=list" prints them.
 * Results are KTAP on the serial port; tools/test.py collects them.
 *
 * KEXPECT_* record a failure and go on; KASSERT_* also end the test.
 * Every test is also checked for leaks: the free-page counter and the
 * kmalloc byte count must be where they were before it ran (after emptying
 * the kernel-stack cache, and counting page tables the kernel half grew
 * for good as free).
 *
 * A test that cannot check anything on this machine (a race that needs two
 * CPUs, booted with one) says so with KTEST_SKIP("reason") instead of
 * passing without checking: KTAP prints "ok N name # SKIP reason".
 *
 * A death test (KTEST_DEATH) is expected to panic; its report must contain
 * each '|'-separated string of `expect`. It runs only when named alone,
 * never under ktest=all, and tools/test.py gives it a boot of its own.
 */
#ifndef TEST_KTEST_H
#define TEST_KTEST_H

#include <stdbool.h>

struct ktest_context {
	const char *name;
	int failures;
	const char *skip; /* why it could not run, or NULL */
};

struct ktest {
	const char *suite;
	const char *name;
	void (*fn)(struct ktest_context *t);
	const char *death_expect; /* NULL unless a death test */
	int line;		  /* tests run in source order */
};

#define KTEST_REGISTER(suite_, name_, expect_)                                 \
	static void ktest_fn_##suite_##_##name_(struct ktest_context *kt);     \
	static const struct ktest ktest_##suite_##_##name_                     \
		__attribute__((used, section(".ktests"), aligned(8))) = {      \
			#suite_, #name_,   ktest_fn_##suite_##_##name_,        \
			expect_, __LINE__,                                     \
	};                                                                     \
	static void ktest_fn_##suite_##_##name_(struct ktest_context *kt       \
						__attribute__((unused)))

#define KTEST(suite, name) KTEST_REGISTER(suite, name, 0)
#define KTEST_DEATH(suite, name, expect) KTEST_REGISTER(suite, name, expect)

bool ktest_check(struct ktest_context *t, bool ok, const char *file, int line,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#define KEXPECT_TRUE(cond)                                                     \
	ktest_check(kt, (cond), __FILE__, __LINE__, "expected %s", #cond)

#define KTEST_COMPARE(a, op, b)                                                \
	({                                                                     \
		long long a_ = (long long)(a), b_ = (long long)(b);            \
		ktest_check(kt, a_ op b_, __FILE__, __LINE__,                  \
			    "expected %s %s %s, got %lld (0x%llx) vs %lld "    \
			    "(0x%llx)",                                        \
			    #a, #op, #b, a_, a_, b_, b_);                      \
	})

#define KEXPECT_EQ(a, b) KTEST_COMPARE(a, ==, b)
#define KEXPECT_NE(a, b) KTEST_COMPARE(a, !=, b)
#define KEXPECT_LT(a, b) KTEST_COMPARE(a, <, b)
#define KEXPECT_LE(a, b) KTEST_COMPARE(a, <=, b)
#define KEXPECT_GE(a, b) KTEST_COMPARE(a, >=, b)
#define KEXPECT_STREQ(a, b)                                                    \
	ktest_check(kt, strcmp((a), (b)) == 0, __FILE__, __LINE__,             \
		    "expected %s == %s, got \"%s\" vs \"%s\"", #a, #b, (a),    \
		    (b))

#define KASSERT_TRUE(cond)                                                     \
	do {                                                                   \
		if (!KEXPECT_TRUE(cond))                                       \
			return;                                                \
	} while (0)
#define KASSERT_EQ(a, b)                                                       \
	do {                                                                   \
		if (!KEXPECT_EQ(a, b))                                         \
			return;                                                \
	} while (0)
#define KASSERT_NE(a, b)                                                       \
	do {                                                                   \
		if (!KEXPECT_NE(a, b))                                         \
			return;                                                \
	} while (0)

#define KTEST_SKIP(reason)                                                     \
	do {                                                                   \
		kt->skip = (reason);                                           \
		return;                                                        \
	} while (0)

/* Runs the tests the command line selected, then exits QEMU. */
_Noreturn void ktest_main(const char *selection);

#endif
