/* Running user test programs' tests and printing KTAP (see ktap.h). */
#include "c/ktap.h"

#include <stdarg.h>
#include <stdio.h>

/* The test running now: ktap_check charges failures to it. */
static const char *current_name;
static int current_failures;
static const char *current_skip; /* why the running test was skipped */

void ktap_skip(const char *reason)
{
	current_skip = reason;
}

bool ktap_check(bool ok, const char *file, int line, const char *fmt, ...)
{
	if (ok)
		return true;
	current_failures++;
	const char *base = strrchr(file, '/');
	printf("    # %s: %s:%d: ", current_name, base ? base + 1 : file, line);
	va_list ap;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	return false;
}

int ktap_run(const char *suite, const struct ktap_test *tests, int n)
{
	int passed = 0, failed = 0;
	printf("KTAP version 1\n1..%d\n", n);
	for (int i = 0; i < n; i++) {
		current_name = tests[i].name;
		current_failures = 0;
		current_skip = NULL;
		tests[i].fn();
		if (current_failures)
			failed++;
		else
			passed++;
		printf("%s %d %s.%s", current_failures ? "not ok" : "ok", i + 1,
		       suite, tests[i].name);
		if (current_skip)
			printf(" # SKIP %s", current_skip);
		printf("\n");
	}
	printf("# %s: %d passed, %d failed\n", suite, passed, failed);
	return failed ? 1 : 0;
}
