/* Command-line parsing (kernel/boot/cmdline.c). */
#include "base/kernel.h"
#include "boot/bootinfo.h"
#include "boot/cmdline.h"
#include "freestanding/string.h"
#include "test/ktest.h"

/* Each test parses its own line, then puts the real one back. */
KTEST(cmdline, key_value_and_bare_words)
{
	cmdline_init("init=/bin/sh  quiet loglevel=7");
	KEXPECT_STREQ(cmdline_get("init"), "/bin/sh");
	KEXPECT_STREQ(cmdline_get("quiet"), "");
	KEXPECT_EQ(cmdline_get_int("loglevel", 3), 7);
	KEXPECT_TRUE(cmdline_get("missing") == NULL);
	cmdline_init(boot_info.cmdline);
}

KTEST(cmdline, last_occurrence_wins)
{
	cmdline_init("sched=rr sched=mlfq");
	KEXPECT_STREQ(cmdline_get("sched"), "mlfq");
	cmdline_init(boot_info.cmdline);
}

KTEST(cmdline, bad_number_falls_back)
{
	cmdline_init("loglevel=seven");
	KEXPECT_EQ(cmdline_get_int("loglevel", 6), 6);
	KEXPECT_EQ(cmdline_get_int("absent", 4), 4);
	cmdline_init(boot_info.cmdline);
}

KTEST(cmdline, boot_line_reached_the_kernel)
{
	/* The runner always boots tests with ktest=...: the loader passed
	 * it through, and it was parsed. */
	KEXPECT_TRUE(strstr(boot_info.cmdline, "ktest="));
	KEXPECT_TRUE(cmdline_get("ktest") != NULL);
}
