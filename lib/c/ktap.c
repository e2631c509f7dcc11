/* Running user test programs' tests and printing KTAP (see ktap.h). */
#include "c/ktap.h"

#include <stdarg.h>
#include <stdio.h>

/* The test running now: ktap_check charges failures to it. */
static const char *current_name;
static int current_failures;

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
		tests[i].fn();
		if (current_failures)
			failed++;
		else
			passed++;
		printf("%s %d %s.%s\n", current_failures ? "not ok" : "ok",
		       i + 1, suite, tests[i].name);
	}
	printf("# %s: %d passed, %d failed\n", suite, passed, failed);
	return failed ? 1 : 0;
}
