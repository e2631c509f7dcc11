/*
 * Thread-local storage (__thread, errno) and the thread control block.
 *
 * The static linker gathers every __thread variable into one PT_TLS
 * segment: .tdata (initial values, p_filesz bytes) then .tbss (zeros, up
 * to p_memsz). Each thread gets its own copy, and on x86-64 ("variant II"
 * of the ELF TLS ABI) the copy sits just below the thread pointer, the FS
 * base, which points at the thread's control block, struct pthread:
 *
 *   low                                                        high
 *   ... stack ][ .tdata copy | .tbss zeros ][ struct pthread ]
 *              ^ tp - tls_offset             ^ tp = FS base, %fs:0 == tp
 *
 * The linker knows tls_offset (p_memsz rounded up to p_align), so a
 * variable at offset o of the segment is one instruction:
 * `mov %fs:(o - tls_offset), %eax`. No system call, no lookup.
 *
 * The main thread's block is mapped here before main() runs; every other
 * thread's is carved from the top of its stack mapping (thread.c).
 */
#include <stdalign.h>
#include <string.h>
#include <sys/mman.h>

#include "c/syscall.h"
#include "internal.h"

#define PT_TLS 7

struct elf_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

static const char *tls_image; /* the .tdata bytes in the loaded program */
static size_t tls_filesz, tls_memsz;
/* tp - tls_offset is the block: p_memsz rounded up to the segment's own
 * p_align, as the linker computed it. (Rounding to a larger alignment
 * would put the block below where the code looks for it.) */
static size_t tls_offset;
/* The thread pointer's alignment: the segment's or struct pthread's,
 * whichever is larger, so that the block is aligned too. */
static size_t tls_align = alignof(struct pthread);

static size_t round_up(size_t n, size_t align)
{
	return (n + align - 1) & ~(align - 1);
}

size_t tls_area_size(void)
{
	return tls_offset + sizeof(struct pthread) + tls_align;
}

/*
 * tls_place - lay out a control block and a fresh TLS copy below end.
 * Contract: [end - tls_area_size(), end) is writable memory; returns the
 * control block (the thread pointer), zeroed but for `self`, with the TLS
 * block below it initialised from the program's image.
 */
struct pthread *tls_place(char *end)
{
	uintptr_t tp = ((uintptr_t)end - sizeof(struct pthread)) &
		       ~(uintptr_t)(tls_align - 1);
	struct pthread *t = (struct pthread *)tp;
	char *block = (char *)tp - tls_offset;
	memcpy(block, tls_image, tls_filesz);
	memset(block + tls_filesz, 0, tls_memsz - tls_filesz);
	memset(t, 0, sizeof(*t));
	t->self = t;
	return t;
}

char *tls_bottom(struct pthread *t)
{
	return (char *)t - tls_offset;
}

/* Finds the PT_TLS segment in the program headers (a program without
 * __thread has none). */
static void find_tls_segment(const struct elf_phdr *ph, unsigned long n)
{
	for (unsigned long i = 0; ph && i < n; i++) {
		if (ph[i].type != PT_TLS)
			continue;
		tls_image = (const char *)ph[i].vaddr;
		tls_filesz = ph[i].filesz;
		tls_memsz = ph[i].memsz;
		tls_offset = round_up(tls_memsz, ph[i].align ? ph[i].align : 1);
		if (ph[i].align > tls_align)
			tls_align = ph[i].align;
	}
}

/*
 * tls_init_main - give the main thread its control block and TLS.
 * Contract: called once by __libc_start, with the auxiliary vector's
 * AT_PHDR, AT_PHNUM and AT_RANDOM, before anything touches errno or a
 * __thread variable or runs a function with a stack protector (the
 * canary is %fs:0x28). A program that cannot get a page ends here.
 */
__attribute__((no_stack_protector)) void
tls_init_main(const void *phdr, unsigned long phnum, const uint64_t *random)
{
	find_tls_segment(phdr, phnum);
	size_t size = round_up(tls_area_size(), 4096);
	char *area = (char *)syscall6(SYS_mmap, 0, (long)size,
				      PROT_READ | PROT_WRITE,
				      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if ((unsigned long)area > -4096ul) {
		static const char msg[] = "libc: no memory for the main "
					  "thread's TLS\n";
		syscall3(SYS_write, 2, (long)msg, sizeof(msg) - 1);
		syscall1(SYS_exit_group, 127);
	}
	struct pthread *t = tls_place(area + size);
	t->tid = (int)syscall0(SYS_gettid);
	/* The stack protector's canary: 8 of the kernel's 16 random bytes,
	 * with a zero low byte so a string overflow cannot copy it. */
	t->canary = random ? *random & ~0xfful : 0xff0a000000000000ul;
	syscall2(SYS_arch_prctl, ARCH_SET_FS, (long)t);
}
