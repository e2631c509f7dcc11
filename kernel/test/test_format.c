/* The printf engine (lib/freestanding/format.c), through snprintf. */
#include "base/kernel.h"
#include "freestanding/format.h"
#include "freestanding/string.h"
#include "test/ktest.h"

#define EXPECT_FORMAT(expected, ...)                                           \
	do {                                                                   \
		char buf[128];                                                 \
		int n = snprintf(buf, sizeof(buf), __VA_ARGS__);               \
		KEXPECT_STREQ(buf, expected);                                  \
		KEXPECT_EQ(n, (int)strlen(expected));                          \
	} while (0)

KTEST(format, signed_decimal)
{
	EXPECT_FORMAT("0 -1 2147483647 -2147483648", "%d %i %d %d", 0, -1,
		      2147483647, (int)-2147483648ll);
	EXPECT_FORMAT("-9223372036854775808", "%ld",
		      (long)(-9223372036854775807l - 1));
}

KTEST(format, unsigned_and_hex)
{
	EXPECT_FORMAT("4294967295 ffffffff FFFFFFFF 777", "%u %x %X %o",
		      4294967295u, 0xffffffffu, 0xffffffffu, 0777u);
	EXPECT_FORMAT("18446744073709551615", "%llu", 18446744073709551615ull);
}

KTEST(format, size_modifiers)
{
	EXPECT_FORMAT("-1 255 -1 65535", "%hhd %hhu %hd %hu", (signed char)-1,
		      (unsigned char)255, (short)-1, (unsigned short)65535);
	EXPECT_FORMAT("123456789012 123456789012", "%zu %lu",
		      (size_t)123456789012, 123456789012ul);
}

KTEST(format, width_and_zero_padding)
{
	EXPECT_FORMAT("[   42][00042][-0042][002a]", "[%5d][%05d][%05d][%04x]",
		      42, 42, -42, 42);
	EXPECT_FORMAT("[42   ][-42  ]", "[%-5d][%-5d]", 42, -42);
	EXPECT_FORMAT("[   42]", "[%*d]", 5, 42);
}

KTEST(format, strings_and_chars)
{
	EXPECT_FORMAT("[abc][  abc][abc  ][ab]", "[%s][%5s][%-5s][%.2s]", "abc",
		      "abc", "abc", "abc");
	const char *volatile nothing = NULL; /* hidden from the compiler */
	EXPECT_FORMAT("(null)", "%s", nothing);
	EXPECT_FORMAT("[x][  y]", "[%c][%3c]", 'x', 'y');
	EXPECT_FORMAT("100%", "100%%");
}

KTEST(format, pointers)
{
	EXPECT_FORMAT("0xffffffff80001000", "%p", (void *)0xffffffff80001000ul);
	EXPECT_FORMAT("0x0", "%p", (void *)0);
}

KTEST(format, truncates_but_returns_full_length)
{
	char buf[8];
	int n = snprintf(buf, sizeof(buf), "%s", "hello, world");
	KEXPECT_EQ(n, 12);
	KEXPECT_STREQ(buf, "hello, ");
	KEXPECT_EQ(snprintf(NULL, 0, "%d", 12345), 5);
}
