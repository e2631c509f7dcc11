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
#include <stdbool.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <unistd.h>

#include "pthread/internal.h"

int main(int argc, char **argv, char **envp);
_Noreturn void __libc_start(long *sp);

char **environ;
static unsigned long *auxv;

/* The entry's value in *value; false if there is no such entry. */
static bool auxv_find(unsigned long type, unsigned long *value)
{
	for (unsigned long *entry = auxv; entry[0] != AT_NULL; entry += 2) {
		if (entry[0] == type) {
			*value = entry[1];
			return true;
		}
	}
	*value = 0;
	return false;
}

/* Runs before the stack protector's canary exists (tls_init_main). */
__attribute__((no_stack_protector)) _Noreturn void __libc_start(long *sp)
{
	int argc = (int)sp[0];
	char **argv = (char **)(sp + 1);
	environ = argv + argc + 1;
	char **envp_end = environ;
	while (*envp_end)
		envp_end++;
	auxv = (unsigned long *)(envp_end + 1);
	unsigned long phdr, phnum, random;
	auxv_find(AT_PHDR, &phdr);
	auxv_find(AT_PHNUM, &phnum);
	auxv_find(AT_RANDOM, &random);
	tls_init_main((const void *)phdr, phnum, (const uint64_t *)random);
	exit(main(argc, argv, environ));
}

unsigned long getauxval(unsigned long type)
{
	unsigned long value;
	if (!auxv_find(type, &value))
		errno = ENOENT;
	return value;
}
