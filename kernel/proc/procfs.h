/*
 * /proc: files generated when opened, from the kernel's own tables.
 *
 *   /proc/cpuinfo        every CPU: model, package/core/thread (topology)
 *   /proc/meminfo        MemTotal, MemFree, MemAvailable
 *   /proc/uptime         seconds since boot
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
