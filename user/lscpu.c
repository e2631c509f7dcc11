/*
 * lscpu: the CPU topology, from /proc/cpuinfo.
 *
 * The file has one block per logical CPU, Linux's format:
 *
 *   processor   : 2          <- the CPU's number
 *   physical id : 1          <- its package (socket)
 *   core id     : 0          <- its core, numbered within the package
 *   siblings    : 2          <- logical CPUs in the package
 *   cpu cores   : 2          <- cores in the package
 *
 * CPUs that share a package and a core id are hyperthreads of one core.
 * Counting distinct (package, core) pairs gives the cores; CPUs / cores
 * the threads per core.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_CPUS 1024

struct cpu {
	long number, package, core;
};

static struct cpu cpus[MAX_CPUS];
static int nr_cpus;
static long file_siblings = -1, file_cpu_cores = -1; /* the first CPU's */

/* Reads the whole of path into a NUL-terminated malloc'd buffer (procfs
 * files have no size to ask for: read until end of file). */
static char *read_file(const char *path)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return NULL;
	size_t size = 0, capacity = 4096;
	char *buf = malloc(capacity);
	for (;;) {
		if (!buf)
			break;
		if (capacity - size < 2) {
			char *bigger = realloc(buf, capacity * 2);
			if (!bigger) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = bigger;
			capacity *= 2;
		}
		ssize_t n = read(fd, buf + size, capacity - size - 1);
		if (n < 0) {
			free(buf);
			buf = NULL;
			break;
		}
		if (n == 0) {
			buf[size] = '\0';
			break;
		}
		size += (size_t)n;
	}
	close(fd);
	return buf;
}

/* "key\t\t: value": true if line's key is `key`; *value is the number. */
static int field(const char *line, const char *key, long *value)
{
	size_t len = strlen(key);
	if (strncmp(line, key, len) != 0 ||
	    (line[len] != '\t' && line[len] != ' '))
		return 0;
	const char *colon = strchr(line, ':');
	if (!colon)
		return 0;
	*value = strtol(colon + 1, NULL, 10);
	return 1;
}

/* Fills cpus[] from the text of /proc/cpuinfo, one line at a time. */
static void parse_cpuinfo(char *text)
{
	struct cpu *cpu = NULL;
	for (char *line = text; line && *line;) {
		char *end = strchr(line, '\n');
		if (end)
			*end = '\0';
		long value;
		if (field(line, "processor", &value)) {
			cpu = nr_cpus < MAX_CPUS ? &cpus[nr_cpus++] : NULL;
			if (cpu)
				*cpu = (struct cpu){value, 0, 0};
		} else if (cpu && field(line, "physical id", &value)) {
			cpu->package = value;
		} else if (cpu && field(line, "core id", &value)) {
			cpu->core = value;
		} else if (nr_cpus == 1 && field(line, "siblings", &value)) {
			file_siblings = value;
		} else if (nr_cpus == 1 && field(line, "cpu cores", &value)) {
			file_cpu_cores = value;
		}
		line = end ? end + 1 : NULL;
	}
}

/* How many CPUs before cpus[i] have the same package (and core, if
 * same_core) as it: 0 means cpus[i] is the first of its kind. */
static int seen_before(int i, int same_core)
{
	int seen = 0;
	for (int j = 0; j < i; j++)
		seen += cpus[j].package == cpus[i].package &&
			(!same_core || cpus[j].core == cpus[i].core);
	return seen;
}

int main(void)
{
	char *text = read_file("/proc/cpuinfo");
	if (!text) {
		fprintf(stderr, "lscpu: cannot read /proc/cpuinfo\n");
		return 1;
	}
	parse_cpuinfo(text);
	free(text);
	if (nr_cpus == 0) {
		fprintf(stderr,
			"lscpu: no \"processor\" lines in /proc/cpuinfo\n");
		return 1;
	}
	int packages = 0, cores = 0;
	for (int i = 0; i < nr_cpus; i++) {
		packages += seen_before(i, 0) == 0;
		cores += seen_before(i, 1) == 0;
	}
	printf("lscpu: the CPU topology read from /proc/cpuinfo. CPUs with the "
	       "same\n"
	       "physical id share a package (socket); those that also share a "
	       "core id\n"
	       "are hardware threads (hyperthreads) of one core.\n\n");
	printf("CPU(s):               %d\n", nr_cpus);
	printf("Package(s):           %d\n", packages);
	printf("Core(s) per package:  %d\n", cores / packages);
	printf("Thread(s) per core:   %d\n", nr_cpus / cores);
	if (file_siblings >= 0 && file_cpu_cores >= 0)
		printf("(CPU %ld's own lines: siblings %ld, cpu cores %ld)\n",
		       cpus[0].number, file_siblings, file_cpu_cores);
	printf("\nCPU  PACKAGE  CORE\n");
	for (int i = 0; i < nr_cpus; i++)
		printf("%3ld  %7ld  %4ld\n", cpus[i].number, cpus[i].package,
		       cpus[i].core);
	return 0;
}
