/*
 * Running the registered tests and printing KTAP:
 *
 *   KTAP version 1
 *   1..2                       <- suites selected
 *       KTAP version 1
 *       # Subtest: pmm
 *       1..3                   <- tests in the suite
 *       ok 1 alloc_one
 *       # test_pmm.c:40: expected a == b, got 3 (0x3) vs 4 (0x4)
 *       not ok 2 alloc_all
 *       ...
 *       ok 3 two_cpus # SKIP needs 2 CPUs   <- could not check here
 *   not ok 1 pmm               <- a suite fails if any of its tests does
 *   # ktest: 10 passed, 1 failed
 *
 * Tests of one suite are contiguous in the .ktests section because each
 * suite is one source file.
 */
#include "test/ktest.h"

#include <stdarg.h>

#include "arch/power.h"
#include "arch/time.h"
#include "base/kernel.h"
#include "freestanding/string.h"
#include "mm/kmalloc.h"
#include "mm/kstack.h"
#include "mm/pmm.h"
#include "mm/vmm.h"

extern const struct ktest __ktests_start[], __ktests_end[];

bool ktest_check(struct ktest_context *t, bool ok, const char *file, int line,
		 const char *fmt, ...)
{
	if (ok)
		return true;
	t->failures++;
	const char *base = file;
	for (const char *p = file; *p; p++)
		if (*p == '/')
			base = p + 1;
	kprintf("    # %s: %s:%d: ", t->name, base, line);
	va_list ap;
	va_start(ap, fmt);
	vkprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
	return false;
}

/* Does the suite of k have any test that is not a death test? */
static bool suite_has_ordinary_tests(const struct ktest *k)
{
	for (const struct ktest *e = __ktests_start; e < __ktests_end; e++)
		if (strcmp(e->suite, k->suite) == 0 && !e->death_expect)
			return true;
	return false;
}

/*
 * Does one item of a selection name this test? "all" names every
 * ordinary test; a suite name names its ordinary tests, or its death test
 * if it has nothing else (ktest=fault_demo); "suite.name" names exactly
 * one test. An item ends at a comma or at the end of the string.
 */
static bool item_selects(const struct ktest *k, const char *item, size_t len)
{
	size_t suite_len = strlen(k->suite);
	if (len == suite_len && strncmp(item, k->suite, len) == 0)
		return !k->death_expect || !suite_has_ordinary_tests(k);
	if (len > suite_len && strncmp(item, k->suite, suite_len) == 0 &&
	    item[suite_len] == '.' && strlen(k->name) == len - suite_len - 1 &&
	    strncmp(item + suite_len + 1, k->name, len - suite_len - 1) == 0)
		return true;
	return len == 3 && strncmp(item, "all", 3) == 0 && !k->death_expect;
}

/* Whether selection (a ktest= value, items separated by commas, as in
 * ktest=smp,sched; NULL selects every test) runs k. */
static bool selected(const struct ktest *k, const char *selection)
{
	if (!selection)
		return true;
	for (const char *item = selection;;) {
		const char *comma = strchr(item, ',');
		size_t len = comma ? (size_t)(comma - item) : strlen(item);
		if (item_selects(k, item, len))
			return true;
		if (!comma)
			return false;
		item = comma + 1;
	}
}

static bool run_one(const struct ktest *k, int index)
{
	struct ktest_context t = {k->name, 0, 0};
	if (k->death_expect)
		kprintf("    # %s: a death test: it must panic, with: %s\n",
			k->name, k->death_expect);
	kstack_cache_drain();
	size_t pages = pmm_free_pages() + vmm_kernel_table_pages(),
	       bytes = kmalloc_bytes_in_use();
	k->fn(&t);
	if (k->death_expect)
		ktest_check(&t, false, __FILE__, __LINE__,
			    "death test returned instead of panicking");
	kstack_cache_drain();
	size_t pages_after = pmm_free_pages() + vmm_kernel_table_pages(),
	       bytes_after = kmalloc_bytes_in_use();
	ktest_check(&t, pages_after == pages, __FILE__, __LINE__,
		    "leak: %zu free pages before, %zu after", pages,
		    pages_after);
	ktest_check(&t, bytes_after == bytes, __FILE__, __LINE__,
		    "leak: %zu kmalloc bytes in use before, %zu after", bytes,
		    bytes_after);
	if (t.skip && !t.failures)
		kprintf("    ok %d %s # SKIP %s\n", index, k->name, t.skip);
	else
		kprintf("    %s %d %s\n", t.failures ? "not ok" : "ok", index,
			k->name);
	return t.failures == 0;
}

/* Counts the selected tests of the suite starting at k; *end is past it. */
static int suite_count(const struct ktest *k, const char *selection,
		       const struct ktest **end)
{
	int n = 0;
	const struct ktest *e = k;
	for (; e < __ktests_end && strcmp(e->suite, k->suite) == 0; e++)
		n += selected(e, selection);
	*end = e;
	return n;
}

/*
 * The selected test in [first, end) that comes next in the source file
 * after line `after`, or NULL. Compilers
 * may emit a file's tests into the section in any order; students expect
 * them to run in the order they read them.
 */
static const struct ktest *next_in_source_order(const struct ktest *first,
						const struct ktest *end,
						int after,
						const char *selection)
{
	const struct ktest *next = NULL;
	for (const struct ktest *e = first; e < end; e++)
		if (selected(e, selection) && e->line > after &&
		    (!next || e->line < next->line))
			next = e;
	return next;
}

/*
 * Every test, death tests too, in the order ktest=all runs them: suite by
 * suite, each in source order. The harness reads it to name the test that
 * was running when a boot stops making progress.
 */
static void list_tests(void)
{
	for (const struct ktest *k = __ktests_start, *end; k < __ktests_end;
	     k = end) {
		suite_count(k, NULL, &end);
		const struct ktest *e;
		for (int line = 0;
		     (e = next_in_source_order(k, end, line, NULL));
		     line = e->line)
			kprintf("ktest-list: %s.%s%s%s\n", e->suite, e->name,
				e->death_expect ? " death=" : "",
				e->death_expect ? e->death_expect : "");
	}
}

noreturn void ktest_main(const char *selection)
{
	if (strcmp(selection, "list") == 0) {
		list_tests();
		machine_exit(MACHINE_SUCCESS);
	}
	int suites = 0;
	for (const struct ktest *k = __ktests_start, *end; k < __ktests_end;
	     k = end)
		suites += suite_count(k, selection, &end) > 0;
	if (suites == 0) {
		kprintf("ktest: no test matches '%s' (try ktest=list)\n",
			selection);
		machine_exit(MACHINE_FAILURE);
	}

	kprintf("KTAP version 1\n1..%d\n", suites);
	int passed = 0, failed = 0, suite_index = 0;
	for (const struct ktest *k = __ktests_start, *end; k < __ktests_end;
	     k = end) {
		int n = suite_count(k, selection, &end);
		if (n == 0)
			continue;
		kprintf("    KTAP version 1\n    # Subtest: %s\n    1..%d\n",
			k->suite, n);
		int index = 0, suite_failed = 0;
		uint64_t start = clock_ns();
		const struct ktest *e;
		for (int line = 0;
		     (e = next_in_source_order(k, end, line, selection));
		     line = e->line) {
			if (run_one(e, ++index))
				passed++;
			else
				failed++, suite_failed++;
		}
		/* Information only (tests never depend on time): which
		 * suites a slow or loaded host spends its time in. */
		kprintf("    # %s took %lu ms\n", k->suite,
			(clock_ns() - start) / 1000000);
		kprintf("%s %d %s\n", suite_failed ? "not ok" : "ok",
			++suite_index, k->suite);
	}
	kprintf("# ktest: %d passed, %d failed\n", passed, failed);
	machine_exit(failed ? MACHINE_FAILURE : MACHINE_SUCCESS);
}
