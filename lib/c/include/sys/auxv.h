/*
 * The auxiliary vector: (type, value) pairs the kernel puts on the
 * initial stack after the environment, telling a program about itself
 * and the machine (lib/c/start.c finds them).
 */
#ifndef _SYS_AUXV_H
#define _SYS_AUXV_H

#define AT_NULL 0    /* the end of the vector */
#define AT_PHDR 3    /* the program headers, in memory */
#define AT_PHENT 4   /* the size of one */
#define AT_PHNUM 5   /* how many */
#define AT_PAGESZ 6  /* the page size */
#define AT_ENTRY 9   /* the program's entry point */
#define AT_HWCAP 16  /* CPU feature bits */
#define AT_RANDOM 25 /* the address of 16 random bytes */
#define AT_EXECFN 31 /* the path the program was started by */

/* The value of entry `type`, or 0 with errno ENOENT if there is none. */
unsigned long getauxval(unsigned long type);

#endif
