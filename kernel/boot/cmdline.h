/*
 * The kernel command line: space-separated words, each "key=value" or a bare
 * "key". Known keys: init=PATH, ktest=SUITE|all|list, loglevel=N, sched=NAME,
 * monitor (the kernel monitor instead of init). Words after "--" are not
 * the kernel's: they are init's arguments.
 */
#ifndef BOOT_CMDLINE_H
#define BOOT_CMDLINE_H

void cmdline_init(const char *cmdline);
/* The value of key ("" for a bare word), or NULL if key is absent. The
 * last occurrence wins, as on Linux. */
const char *cmdline_get(const char *key);
long cmdline_get_int(const char *key, long fallback);

#endif
