/* How a program ends: exit (atexit functions, then flushing stdio),
 * _exit, abort, a smashed stack. */
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "c/syscall.h"

/* exit_group, not exit: SYS_exit ends only the calling thread. */
_Noreturn void _exit(int status)
{
	for (;;)
		syscall1(SYS_exit_group, status);
}

static void (*at_exit[ATEXIT_MAX])(void);
static atomic_int nr_at_exit;

int atexit(void (*fn)(void))
{
	int i = atomic_fetch_add(&nr_at_exit, 1);
	if (i >= ATEXIT_MAX) {
		atomic_fetch_sub(&nr_at_exit, 1);
		return -1;
	}
	at_exit[i] = fn;
	return 0;
}

_Noreturn void exit(int status)
{
	/* Last registered, first called; one may register another. */
	for (int i; (i = atomic_load(&nr_at_exit)) > 0;) {
		atomic_store(&nr_at_exit, i - 1);
		at_exit[i - 1]();
	}
	fflush(NULL);
	_exit(status);
}

/* SIGABRT's default action ends the process (status 128 + 6 in a shell).
 * Should the signal be blocked or caught, an undefined instruction
 * (SIGILL) ends it anyway. */
_Noreturn void abort(void)
{
	raise(SIGABRT);
	__builtin_trap();
}

/* Called by code built with -fstack-protector when a function finds its
 * canary (%fs:0x28, copied below its return address) overwritten: the
 * stack has been smashed, and returning would jump wherever the
 * overflow pointed. */
_Noreturn void __stack_chk_fail(void)
{
	static const char msg[] =
		"*** stack smashing detected ***: terminated\n";
	write(STDERR_FILENO, msg, sizeof(msg) - 1);
	abort();
}
