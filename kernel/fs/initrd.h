/*
 * The initial RAM disk: a cpio archive in the "newc" format (what Linux
 * uses, and what `cpio -H newc` writes), loaded by GRUB or QEMU as a boot
 * module next to the kernel. Spindle reads its files in place: the module's
 * pages are reserved from the page allocator and stay mapped through the
 * direct map, so a file is just a pointer and a length.
 *
 * tools/mkinitrd.py builds it from user/ programs (as bin/NAME);
 * `cpio -t < build/initrd.cpio` lists it.
 */
#ifndef FS_INITRD_H
#define FS_INITRD_H

#include <stddef.h>
#include <stdint.h>

struct initrd_file {
	const char *name; /* as in the archive: "bin/hello" (no leading '/') */
	size_t name_len;
	const uint8_t *data;
	size_t size;
	uint32_t mode; /* st_mode: type and permission bits */
	uint32_t ino;
};

/* Finds the module named "initrd" (or the first module) and checks that
 * it is a newc archive; returns the number of entries, or -EINVAL. */
int initrd_init(void);

/* Looks path up ("/bin/hello", "bin/hello" and "./bin/hello" are the same
 * file). Returns 0 and fills *f, or -ENOENT. */
int initrd_lookup(const char *path, struct initrd_file *f);

/* Calls fn for every entry, in archive order; stops early if fn returns
 * non-zero, and returns that value. */
int initrd_for_each(int (*fn)(const struct initrd_file *f, void *arg),
		    void *arg);

#endif
