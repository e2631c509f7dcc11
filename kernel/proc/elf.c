/*
 * Loading a static ELF64 executable. Each PT_LOAD segment becomes a region
 * of the address space with the segment's permissions; its file bytes are
 * copied in (mm_write) and the rest up to p_memsz is left to demand-zero
 * faults -- which is exactly what .bss needs.
 *
 *   file:  [ELF header][program headers][.text ...][.data ...]
 *                                 PT_LOAD |          | PT_LOAD
 *   memory:            0x400000 [ r-x text ] ... [ rw- data | bss: zero ]
 */
#include "proc/elf.h"
#include "aspace/mm.h"
#include "base/kernel.h"
#include "freestanding/errno.h"
#include "freestanding/string.h"

#define ET_EXEC 2
#define ET_DYN 3
#define EM_X86_64 62
#define PT_LOAD 1
#define PT_INTERP 3
#define PT_PHDR 6
#define PF_X 1
#define PF_W 2
#define PF_R 4
/* Where a static-PIE goes (Linux's ELF_ET_DYN_BASE is similar). */
#define PIE_BASE 0x555555554000ul

struct elf64_ehdr {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf64_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

static int refuse(const char *name, const char *why)
{
	pr_warn("exec: %s: %s\n", name, why);
	return -ENOEXEC;
}

static unsigned prot_of(uint32_t pflags)
{
	return (pflags & PF_R ? VMA_READ : 0) |
	       (pflags & PF_W ? VMA_WRITE : 0) | (pflags & PF_X ? VMA_EXEC : 0);
}

/* Maps [start, end) for one segment. Segments may share a page at their
 * boundary (the linker only promises va == offset modulo the page size):
 * the shared page keeps its region and gets both segments' permissions. */
static int map_segment(struct mm *mm, uint64_t start, uint64_t end,
		       unsigned prot)
{
	mutex_lock(&mm->lock);
	struct vma *shared = mm_find(mm, start);
	unsigned shared_prot = shared ? shared->prot | prot : 0;
	mutex_unlock(&mm->lock);
	if (shared) {
		int r = mm_protect(mm, start, PAGE_SIZE, shared_prot);
		if (r < 0)
			return r;
		start += PAGE_SIZE;
	}
	if (start >= end)
		return 0;
	long r = mm_mmap(mm, start, end - start, prot, MMAP_FIXED, "[elf]");
	return r < 0 ? (int)r : 0;
}

int elf_load(struct mm *mm, const uint8_t *data, size_t size, const char *name,
	     struct elf_image *img)
{
	const struct elf64_ehdr *eh = (const void *)data;
	if (size < sizeof(*eh) || memcmp(eh->ident,
					 "\x7f"
					 "ELF",
					 4) != 0)
		return refuse(name, "not an ELF file");
	if (eh->ident[4] != 2 || eh->ident[5] != 1 || eh->machine != EM_X86_64)
		return refuse(name, "not a 64-bit little-endian x86-64 ELF");
	if (eh->type != ET_EXEC && eh->type != ET_DYN)
		return refuse(name, "not an executable (ET_EXEC or ET_DYN)");
	if (eh->phentsize != sizeof(struct elf64_phdr) || eh->phnum == 0 ||
	    eh->phoff > size ||
	    (size - eh->phoff) / sizeof(struct elf64_phdr) < eh->phnum)
		return refuse(name, "bad program header table");
	const struct elf64_phdr *ph = (const void *)(data + eh->phoff);
	uint64_t bias = eh->type == ET_DYN ? PIE_BASE : 0;
	*img = (struct elf_image){
		.entry = eh->entry + bias,
		.phnum = eh->phnum,
		.phentsize = eh->phentsize,
		.load_bias = bias,
	};
	for (unsigned i = 0; i < eh->phnum; i++) {
		const struct elf64_phdr *p = &ph[i];
		if (p->type == PT_INTERP)
			return refuse(name, "dynamically linked (has an "
					    "interpreter): build it -static");
		if (p->type == PT_PHDR)
			img->phdr = p->vaddr + bias;
		if (p->type != PT_LOAD || p->memsz == 0)
			continue;
		uint64_t va = p->vaddr + bias;
		if (p->filesz > p->memsz || p->offset > size ||
		    p->filesz > size - p->offset || va < USER_MIN ||
		    va >= USER_TOP || p->memsz > USER_TOP - va ||
		    va % PAGE_SIZE != p->offset % PAGE_SIZE)
			return refuse(name, "bad PT_LOAD segment");
		uint64_t start = ALIGN_DOWN(va, PAGE_SIZE);
		uint64_t end = ALIGN_UP(va + p->memsz, PAGE_SIZE);
		int r = map_segment(mm, start, end, prot_of(p->flags));
		if (r < 0)
			return r;
		int err = mm_write(mm, va, data + p->offset, p->filesz);
		if (err)
			return err;
		/* The program headers sit in the first segment's file
		 * bytes; that is where AT_PHDR points when there is no
		 * PT_PHDR. */
		if (!img->phdr && eh->phoff >= p->offset &&
		    eh->phoff < p->offset + p->filesz)
			img->phdr = va + (eh->phoff - p->offset);
		img->end = MAX(img->end, va + p->memsz);
	}
	if (!img->end)
		return refuse(name, "no loadable segment");
	return 0;
}
