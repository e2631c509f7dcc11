/* The /proc tree (see procfs.h). */
#include "proc/procfs.h"
#include "arch/cpu.h"
#include "arch/percpu.h"
#include "arch/time.h"
#include "arch/uaccess.h"
#include "base/kernel.h"
#include "base/layout.h"
#include "freestanding/errno.h"
#include "freestanding/format.h"
#include "freestanding/string.h"
#include "fs/file.h"
#include "fs/vfs.h"
#include "mm/kmalloc.h"
#include "mm/pmm.h"
#include "proc/proc.h"
#include "sched/trace.h"

#define SNAPSHOT_MAX 16384

/* A growing text buffer for one snapshot. */
struct text {
	char *buf;
	size_t len;
};

static void __attribute__((format(printf, 2, 3)))
emit(struct text *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(t->buf + t->len, SNAPSHOT_MAX - t->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->len = MIN(t->len + (size_t)n, SNAPSHOT_MAX - 1);
}

static void cpu_model(char out[49])
{
	if (cpuid(0x80000000, 0).eax < 0x80000004) {
		strlcpy(out, "unknown", 49);
		return;
	}
	for (uint32_t i = 0; i < 3; i++) {
		struct cpuid_regs r = cpuid(0x80000002 + i, 0);
		memcpy(out + i * 16, &r, 16);
	}
	out[48] = '\0';
}

static void gen_cpuinfo(struct text *t)
{
	char model[49], vendor[13];
	cpu_model(model);
	struct cpuid_regs v = cpuid(0, 0);
	memcpy(vendor, &v.ebx, 4);
	memcpy(vendor + 4, &v.edx, 4);
	memcpy(vendor + 8, &v.ecx, 4);
	vendor[12] = '\0';
	for (unsigned i = 0; i < nr_cpus; i++) {
		struct cpu *c = &cpus[i];
		unsigned siblings = 0, cores = 0;
		for (unsigned j = 0; j < nr_cpus; j++) {
			if (cpus[j].package != c->package)
				continue;
			siblings++;
			cores += cpus[j].thread == 0;
		}
		emit(t,
		     "processor\t: %u\nvendor_id\t: %s\nmodel name\t: %s\n"
		     "physical id\t: %u\nsiblings\t: %u\ncore id\t\t: %u\n"
		     "cpu cores\t: %u\napicid\t\t: %u\ninitial apicid\t: %u\n"
		     "thread id\t: %u\n\n",
		     i, vendor, model, c->package, siblings, c->core, cores,
		     c->apic_id, c->apic_id, c->thread);
	}
}

static void gen_meminfo(struct text *t)
{
	uint64_t total = pmm_total_pages() * PAGE_SIZE >> 10;
	uint64_t free = pmm_free_pages() * PAGE_SIZE >> 10;
	emit(t,
	     "MemTotal:       %8lu kB\nMemFree:        %8lu kB\n"
	     "MemAvailable:   %8lu kB\n",
	     total, free, free);
}

static void gen_uptime(struct text *t)
{
	uint64_t cs = clock_ns() / 10000000;
	emit(t, "%lu.%02lu 0.00\n", cs / 100, cs % 100);
}

static void gen_trace_on(struct text *t)
{
	emit(t, "%d\n", trace_enabled());
}

/* Writing /proc/trace_on: "1" records scheduler events, "0" stops (as
 * Linux's /sys/kernel/tracing/tracing_on). Anything after the digit, such
 * as echo's newline, is taken and ignored. */
static long trace_on_write(struct file *f, uint64_t ubuf, size_t n)
{
	(void)f;
	char c;
	if (n == 0)
		return 0;
	if (copy_from_user(&c, ubuf, 1) < 0)
		return -EFAULT;
	if (c != '0' && c != '1')
		return -EINVAL;
	trace_set_enabled(c == '1');
	return (long)n;
}

static const struct file_ops trace_on_ops = {.write = trace_on_write};

static void gen_stat(struct text *t, const struct proc_info *pi)
{
	/* Fields 1-24 of proc(5); what Spindle does not track is 0. */
	emit(t,
	     "%d (%s) %c %d %d %d 0 -1 0 0 0 0 0 %lu %lu 0 0 20 0 %d 0 %lu "
	     "%lu %lu\n",
	     pi->pid, pi->name, pi->state, pi->ppid, pi->pgid, pi->pgid,
	     pi->utime_ticks, 0ul, pi->threads, pi->start_ticks, pi->vsize,
	     pi->rss_pages);
}

static void gen_status(struct text *t, const struct proc_info *pi)
{
	emit(t,
	     "Name:\t%s\nState:\t%c\nTgid:\t%d\nPid:\t%d\nPPid:\t%d\n"
	     "Threads:\t%d\nVmSize:\t%8lu kB\nVmRSS:\t%8lu kB\n",
	     pi->name, pi->state, pi->pid, pi->pid, pi->ppid, pi->threads,
	     pi->vsize >> 10, pi->rss_pages * PAGE_SIZE >> 10);
}

static void gen_cmdline(struct text *t, const struct proc_info *pi)
{
	emit(t, "%s", pi->name);
	t->len++; /* the NUL that ends the argument, as Linux */
}

/* A /proc/PID file or directory: splits "PID/rest" off abs. */
static int parse_pid(const char *rel, int *pid, const char **rest)
{
	if (strncmp(rel, "self", 4) == 0 && (rel[4] == '/' || !rel[4])) {
		*pid = current_process()->pid;
		rel += 4;
	} else {
		if (*rel < '0' || *rel > '9')
			return -ENOENT;
		*pid = 0;
		while (*rel >= '0' && *rel <= '9')
			*pid = *pid * 10 + (*rel++ - '0');
	}
	if (*rel && *rel != '/')
		return -ENOENT;
	*rest = *rel ? rel + 1 : rel;
	return 0;
}

static const char *const pid_files[] = {"cmdline", "stat", "status"};
static const char *const top_files[] = {"cpuinfo", "meminfo", "self",
					"trace_on", "uptime"};

static int list_pid_dir(const char *dir, int i, struct dir_entry *out)
{
	(void)dir;
	if (i < 0 || i >= (int)ARRAY_SIZE(pid_files))
		return -ENOENT;
	*out = (struct dir_entry){.ino = PROC_ROOT_INO + 2 + (unsigned)i,
				  .type = DT_REG};
	strlcpy(out->name, pid_files[i], sizeof(out->name));
	return 0;
}

static int list_root(const char *dir, int i, struct dir_entry *out)
{
	(void)dir;
	int n = (int)ARRAY_SIZE(top_files);
	if (i < 0)
		return -ENOENT;
	if (i < n) {
		bool is_self = strcmp(top_files[i], "self") == 0;
		*out = (struct dir_entry){.ino = PROC_ROOT_INO + 16 +
						 (unsigned)i,
					  .type = is_self ? DT_DIR : DT_REG};
		strlcpy(out->name, top_files[i], sizeof(out->name));
		return 0;
	}
	int pid = proc_nth_pid(i - n);
	if (pid < 0)
		return -ENOENT;
	*out = (struct dir_entry){.ino = PROC_ROOT_INO + 1024 + (unsigned)pid,
				  .type = DT_DIR};
	snprintf(out->name, sizeof(out->name), "%d", pid);
	return 0;
}

static int procfs_open(const char *abs, int flags, struct file **out)
{
	const char *rel = abs[5] ? abs + 6 : ""; /* after "/proc/" */
	if (strcmp(rel, "trace_on") == 0 && (flags & O_ACCMODE) == O_WRONLY) {
		*out = file_alloc(&trace_on_ops, NULL, O_WRONLY);
		return *out ? 0 : -ENOMEM;
	}
	if ((flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC))
		return -EACCES;
	bool dir = false;
	dir_list_fn lister = NULL;
	void (*gen)(struct text *) = NULL;
	void (*gen_pid)(struct text *, const struct proc_info *) = NULL;
	struct proc_info pi;
	if (!*rel) {
		dir = true, lister = list_root;
	} else if (strcmp(rel, "cpuinfo") == 0) {
		gen = gen_cpuinfo;
	} else if (strcmp(rel, "meminfo") == 0) {
		gen = gen_meminfo;
	} else if (strcmp(rel, "uptime") == 0) {
		gen = gen_uptime;
	} else if (strcmp(rel, "trace_on") == 0) {
		gen = gen_trace_on;
	} else {
		int pid;
		const char *rest;
		if (parse_pid(rel, &pid, &rest) < 0 || proc_info(pid, &pi) < 0)
			return -ENOENT;
		if (!*rest)
			dir = true, lister = list_pid_dir;
		else if (strcmp(rest, "stat") == 0)
			gen_pid = gen_stat;
		else if (strcmp(rest, "status") == 0)
			gen_pid = gen_status;
		else if (strcmp(rest, "cmdline") == 0)
			gen_pid = gen_cmdline;
		else
			return -ENOENT;
	}
	if (dir) {
		*out = dirfile_open(abs, lister, NULL);
		return *out ? 0 : -ENOMEM;
	}
	if (flags & O_DIRECTORY)
		return -ENOTDIR;
	struct text t = {kmalloc(SNAPSHOT_MAX), 0};
	if (!t.buf)
		return -ENOMEM;
	if (gen)
		gen(&t);
	else
		gen_pid(&t, &pi);
	unsigned mode = gen == gen_trace_on ? 0644 : 0444; /* it takes writes */
	*out = memfile_open(t.buf, t.len, S_IFREG | mode, 0, t.buf);
	return *out ? 0 : -ENOMEM;
}

void procfs_init(void)
{
	vfs_mount_proc(procfs_open);
}
