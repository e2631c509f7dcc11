/* Numbers from strings: strtoul, strtol, atoi (see <stdlib.h>). */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>

static bool is_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* The value of digit c, or 36 (a digit in no base) if it is none. */
static unsigned digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return (unsigned)(c - '0');
	if (c >= 'a' && c <= 'z')
		return (unsigned)(c - 'a' + 10);
	if (c >= 'A' && c <= 'Z')
		return (unsigned)(c - 'A' + 10);
	return 36;
}

/*
 * The common part: white space, a sign, the base's prefix, then digits.
 * Returns the magnitude, ULONG_MAX and ERANGE if it does not fit, and
 * sets *negative and *end. With no digits *end is s itself, as the
 * standard says ("0x" alone is the number 0 followed by "x").
 */
static unsigned long parse(const char *s, char **end, int base, bool *negative)
{
	const char *p = s;
	unsigned long value = 0;
	bool any_digit = false, overflow = false;

	*negative = false;
	if (base < 0 || base == 1 || base > 36) {
		errno = EINVAL;
		goto out;
	}
	while (is_space(*p))
		p++;
	*negative = *p == '-';
	if (*p == '-' || *p == '+')
		p++;
	if ((base == 0 || base == 16) && p[0] == '0' &&
	    (p[1] == 'x' || p[1] == 'X') && digit_value(p[2]) < 16) {
		p += 2;
		base = 16;
	} else if (base == 0) {
		base = p[0] == '0' ? 8 : 10;
	}

	for (unsigned d; (d = digit_value(*p)) < (unsigned)base; p++) {
		any_digit = true;
		if (value > (ULONG_MAX - d) / (unsigned)base)
			overflow = true;
		else
			value = value * (unsigned)base + d;
	}
	if (overflow) {
		errno = ERANGE;
		value = ULONG_MAX;
	}
out:
	if (end)
		*end = (char *)(any_digit ? p : s);
	return value;
}

unsigned long strtoul(const char *s, char **end, int base)
{
	bool negative;
	unsigned long magnitude = parse(s, end, base, &negative);
	/* The standard's rule: "-1" is ULONG_MAX, negated as unsigned. */
	return negative ? -magnitude : magnitude;
}

long strtol(const char *s, char **end, int base)
{
	bool negative;
	unsigned long magnitude = parse(s, end, base, &negative);
	/* LONG_MIN's magnitude is one more than LONG_MAX's. */
	unsigned long limit = negative ? (unsigned long)LONG_MAX + 1 : LONG_MAX;
	if (magnitude > limit) {
		errno = ERANGE;
		return negative ? LONG_MIN : LONG_MAX;
	}
	return negative ? (long)-magnitude : (long)magnitude;
}

int atoi(const char *s)
{
	return (int)strtol(s, NULL, 10);
}
