/*
 * The ELF64 loader: static executables only (ET_EXEC, and static-PIE
 * ET_DYN, which relocates itself). No interpreter (PT_INTERP is refused),
 * no shared libraries.
 */
#ifndef PROC_ELF_H
#define PROC_ELF_H

#include <stddef.h>
#include <stdint.h>

struct mm;

struct elf_image {
	uint64_t entry;	    /* where user mode starts (AT_ENTRY) */
	uint64_t phdr;	    /* user address of the program headers (AT_PHDR) */
	uint16_t phnum;	    /* AT_PHNUM */
	uint16_t phentsize; /* AT_PHENT */
	uint64_t load_bias; /* 0 for ET_EXEC; where an ET_DYN went */
	uint64_t end;	    /* highest byte of any segment: brk starts here */
};

/*
 * Maps the PT_LOAD segments of the ELF file in [data, data + size) into
 * mm (which must be empty) with their permissions, copies the file bytes
 * in, and fills *img. Returns 0, -ENOEXEC (not a static x86-64 ELF we can
 * run: the log says why), or -ENOMEM.
 */
int elf_load(struct mm *mm, const uint8_t *data, size_t size, const char *name,
	     struct elf_image *img);

#endif
