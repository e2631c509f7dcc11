/*
 * The cpio "newc" reader. Each entry is a 110-byte ASCII header, the name
 * (NUL-terminated, padded so the data starts on a 4-byte boundary), then
 * the data (padded to 4 bytes). The entry named "TRAILER!!!" ends it.
 *
 *   "070701" ino mode uid gid nlink mtime filesize devmajor devminor
 *            rdevmajor rdevminor namesize check     (13 x 8 hex digits)
 */
#include "fs/initrd.h"
#include "base/kernel.h"
#include "base/layout.h"
#include "boot/bootinfo.h"
#include "freestanding/errno.h"
#include "freestanding/string.h"

#define NEWC_MAGIC "070701"
#define NEWC_HEADER 110
#define NEWC_TRAILER "TRAILER!!!"

static const uint8_t *archive;
static size_t archive_size;

/* One 8-digit hex field; fields count from 0 after the magic. */
static bool hex_field(const uint8_t *header, int field, uint32_t *out)
{
	uint32_t v = 0;
	for (int i = 0; i < 8; i++) {
		char c = (char)header[6 + field * 8 + i];
		int digit = c >= '0' && c <= '9'   ? c - '0'
			    : c >= 'a' && c <= 'f' ? c - 'a' + 10
			    : c >= 'A' && c <= 'F' ? c - 'A' + 10
						   : -1;
		if (digit < 0)
			return false;
		v = v << 4 | (uint32_t)digit;
	}
	*out = v;
	return true;
}

/* Parses the entry at *offset into f and advances *offset. Returns 1 for
 * an entry, 0 at the trailer, -EINVAL for a damaged archive. */
static int next_entry(size_t *offset, struct initrd_file *f)
{
	size_t at = *offset;
	if (at + NEWC_HEADER > archive_size ||
	    memcmp(archive + at, NEWC_MAGIC, 6) != 0)
		return -EINVAL;
	const uint8_t *h = archive + at;
	uint32_t ino, mode, filesize, namesize;
	if (!hex_field(h, 0, &ino) || !hex_field(h, 1, &mode) ||
	    !hex_field(h, 6, &filesize) || !hex_field(h, 11, &namesize))
		return -EINVAL;
	size_t name_at = at + NEWC_HEADER;
	size_t data_at = ALIGN_UP(name_at + namesize, 4);
	if (namesize == 0 || data_at > archive_size ||
	    filesize > archive_size - data_at ||
	    archive[name_at + namesize - 1] != '\0')
		return -EINVAL;
	*f = (struct initrd_file){
		.name = (const char *)archive + name_at,
		.name_len = namesize - 1,
		.data = archive + data_at,
		.size = filesize,
		.mode = mode,
		.ino = ino,
	};
	*offset = ALIGN_UP(data_at + filesize, 4);
	return strcmp(f->name, NEWC_TRAILER) == 0 ? 0 : 1;
}

int initrd_for_each(int (*fn)(const struct initrd_file *f, void *arg),
		    void *arg)
{
	size_t offset = 0;
	struct initrd_file f;
	int r;
	while ((r = next_entry(&offset, &f)) > 0) {
		int stop = fn(&f, arg);
		if (stop)
			return stop;
	}
	return r;
}

int initrd_init(void)
{
	const struct boot_module *m = NULL;
	for (size_t i = 0; i < boot_info.nr_modules; i++)
		if (!m || strcmp(boot_info.modules[i].cmdline, "initrd") == 0)
			m = &boot_info.modules[i];
	if (!m) {
		pr_info("initrd: none (no boot module)\n");
		return -EINVAL;
	}
	archive = phys_to_virt(m->start);
	archive_size = m->end - m->start;
	size_t offset = 0;
	struct initrd_file f;
	int n = 0, r;
	while ((r = next_entry(&offset, &f)) > 0)
		n++;
	if (r < 0) {
		pr_err("initrd: module at %lx (%zu bytes) is not a cpio newc "
		       "archive, or is damaged after %d entries\n",
		       m->start, archive_size, n);
		archive_size = 0;
		return -EINVAL;
	}
	pr_info("initrd: %d entries, %zu KiB\n", n, archive_size >> 10);
	return n;
}

/* Skips leading "/" and "./" so every spelling matches the archive's. */
static const char *relative(const char *path)
{
	for (;;) {
		if (path[0] == '/')
			path++;
		else if (path[0] == '.' && path[1] == '/')
			path += 2;
		else
			return path;
	}
}

struct lookup {
	const char *want;
	struct initrd_file *out;
};

static int match(const struct initrd_file *f, void *arg)
{
	struct lookup *l = arg;
	if (strcmp(relative(f->name), l->want) != 0)
		return 0;
	*l->out = *f;
	return 1;
}

int initrd_lookup(const char *path, struct initrd_file *f)
{
	struct lookup l = {relative(path), f};
	return initrd_for_each(match, &l) == 1 ? 0 : -ENOENT;
}
