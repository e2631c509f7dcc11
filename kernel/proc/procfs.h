/*
 * /proc: files generated when opened, from the kernel's own tables.
 *
 *   /proc/cpuinfo        every CPU: model, package/core/thread (topology)
 *   /proc/meminfo        MemTotal, MemFree, MemAvailable
 *   /proc/uptime         seconds since boot
 *   /proc/trace_on       1 while the scheduler trace records, else 0;
 *                        write 0 or 1 (O_WRONLY) to switch it
 *   /proc/self           the calling process's directory
 *   /proc/PID/stat       Linux's one-line format: pid (comm) state ppid ...
 *   /proc/PID/status     Name, State, Pid, PPid, Threads, ...
 *   /proc/PID/cmdline    the program name (arguments are not kept)
 *
 * Each open takes a snapshot, so a reader sees one consistent file.
 */
#ifndef PROC_PROCFS_H
#define PROC_PROCFS_H

/* Registers /proc with the VFS. */
void procfs_init(void);

#endif
