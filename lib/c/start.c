/*
 * Program start-up: the C half of crt0.S. The kernel (Linux's
 * create_elf_tables, Spindle's proc_exec) lays out the initial stack:
 *
 *   sp -> argc
 *         argv[0] .. argv[argc - 1], NULL
 *         envp[0] .. NULL                      -> environ
 *         auxv: (type, value) pairs, AT_NULL   -> getauxval()
 *         ...  the strings they point to, AT_RANDOM's 16 bytes
 *   high addresses
 *
 * Each array ends where its NULL is, so each is found by walking the one
 * before it.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <unistd.h>

int main(int argc, char **argv, char **envp);
_Noreturn void __libc_start(long *sp);

char **environ;
static unsigned long *auxv;

_Noreturn void __libc_start(long *sp)
{
	int argc = (int)sp[0];
	char **argv = (char **)(sp + 1);
	environ = argv + argc + 1;
	char **envp_end = environ;
	while (*envp_end)
		envp_end++;
	auxv = (unsigned long *)(envp_end + 1);
	exit(main(argc, argv, environ));
}

unsigned long getauxval(unsigned long type)
{
	for (unsigned long *entry = auxv; entry[0] != AT_NULL; entry += 2)
		if (entry[0] == type)
			return entry[1];
	errno = ENOENT;
	return 0;
}
