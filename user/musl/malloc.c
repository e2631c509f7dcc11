/*
 * musl's malloc under load: 100,000 malloc/calloc/realloc/free calls of
 * sizes from 0 bytes to half a MiB, driven by a fixed pseudo-random
 * sequence. Every block is filled with a pattern when it gets its size and
 * checked before it is resized or freed, so memory that two blocks share,
 * or that realloc failed to carry over, shows up as an error. Small blocks
 * come from brk or mmap'd groups, large ones from mmap of their own, and
 * realloc of a large one may use mremap: the kernel sees most of its memory
 * calls. The checksums depend only on the sequence, so the host and
 * Spindle must print the same lines.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 4096
#define OPS 100000
#define REPORT_EVERY 20000

struct block {
	unsigned char *p;
	size_t size;
	unsigned tag; /* the pattern it was filled with */
};

static struct block slots[SLOTS];
static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t checksum = 0xcbf29ce484222325ull; /* FNV-1a */
static unsigned long errors;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Mostly small, some medium, a few large enough for mmap of their own. */
static size_t pick_size(void)
{
	uint64_t r = next() % 1000;
	if (r < 2)
		return 64 * 1024 + next() % (448 * 1024);
	if (r < 50)
		return 1024 + next() % (15 * 1024);
	if (r < 55)
		return 0;
	return 1 + next() % 256;
}

static unsigned char pattern(unsigned tag, size_t i)
{
	return (unsigned char)(tag + i * 31 + (i >> 8));
}

static void fill(struct block *b, size_t from)
{
	for (size_t i = from; i < b->size; i++)
		b->p[i] = pattern(b->tag, i);
}

/* Checks the first n bytes of b and folds them into the checksum. */
static void check(const struct block *b, size_t n, const char *when)
{
	for (size_t i = 0; i < n; i++) {
		if (b->p[i] != pattern(b->tag, i)) {
			if (errors++ < 5)
				printf("error: %s: byte %zu of a %zu-byte "
				       "block "
				       "changed\n",
				       when, i, b->size);
			break;
		}
	}
	for (size_t i = 0; i < n; i += 61)
		checksum = (checksum ^ b->p[i]) * 0x100000001b3ull;
	checksum = (checksum ^ n) * 0x100000001b3ull;
}

static void report(const char *when)
{
	size_t live = 0, bytes = 0;
	for (int i = 0; i < SLOTS; i++) {
		if (slots[i].p) {
			live++;
			bytes += slots[i].size;
		}
	}
	printf("%s: %zu blocks live, %zu bytes, checksum %016llx\n", when, live,
	       bytes, (unsigned long long)checksum);
}

static void one_operation(unsigned op)
{
	struct block *b = &slots[next() % SLOTS];
	if (!b->p) {
		b->size = pick_size();
		b->tag = op;
		if (next() % 8 == 0) {
			b->p = calloc(1, b->size);
			for (size_t i = 0; b->p && i < b->size; i++)
				if (b->p[i] && errors++ < 5)
					printf("error: calloc gave a non-zero "
					       "byte\n");
		} else {
			b->p = malloc(b->size);
		}
		if (!b->p) { /* malloc(0) may give NULL; none did here */
			printf("error: no memory for %zu bytes\n", b->size);
			exit(2);
		}
		fill(b, 0);
	} else if (next() % 3 == 0) {
		size_t size = pick_size();
		size_t kept = size < b->size ? size : b->size;
		check(b, b->size, "before realloc");
		unsigned char *p = realloc(b->p, size ? size : 1);
		if (!p) {
			printf("error: realloc to %zu bytes failed\n", size);
			exit(2);
		}
		b->p = p;
		b->size = size;
		check(b, kept, "after realloc");
		fill(b, kept);
	} else {
		check(b, b->size, "before free");
		free(b->p);
		b->p = NULL;
	}
}

static void aligned_allocations(void)
{
	for (size_t align = 16; align <= 65536; align *= 4) {
		void *p;
		if (posix_memalign(&p, align, align * 3) != 0 ||
		    (uintptr_t)p % align != 0) {
			printf("error: posix_memalign(%zu) failed\n", align);
			errors++;
			continue;
		}
		memset(p, 0xa5, align * 3);
		free(p);
	}
	printf("posix_memalign: 16 to 65536 bytes aligned\n");
}

int main(void)
{
	char when[32];
	for (unsigned op = 1; op <= OPS; op++) {
		one_operation(op);
		if (op % REPORT_EVERY == 0) {
			snprintf(when, sizeof(when), "after %u calls", op);
			report(when);
		}
	}
	for (int i = 0; i < SLOTS; i++) {
		if (slots[i].p) {
			check(&slots[i], slots[i].size, "at the end");
			free(slots[i].p);
			slots[i].p = NULL;
		}
	}
	report("all freed");
	aligned_allocations();
	printf("%lu errors\n", errors);
	return errors ? 1 : 0;
}
