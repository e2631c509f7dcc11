#include "c/ktap.h"
#include "c/libc.h"

static bool failed;

void ktap_fail(const char *file, int line, const char *expr, long a, long b)
{
	failed = true;
	printf("    # %s:%d: expected %s, got %ld (0x%lx) vs %ld (0x%lx)\n",
	       file, line, expr, a, (unsigned long)a, b, (unsigned long)b);
}

int ktap_run(const char *suite, const struct ktap_test *tests, int n)
{
	int bad = 0;
	printf("KTAP version 1\n1..%d\n", n);
	for (int i = 0; i < n; i++) {
		failed = false;
		tests[i].fn();
		printf("%sok %d %s.%s\n", failed ? "not " : "", i + 1, suite,
		       tests[i].name);
		bad += failed;
	}
	return bad ? 1 : 0;
}
