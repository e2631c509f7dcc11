/*
 * What the files of the process layer share and nothing else uses: the
 * lifecycle (proc.c) hands new processes to clone.c and init.c, and its
 * way of asking threads to die to exec.c and signal.c. Only for
 * kernel/proc/; everyone else has proc.h.
 */
#ifndef PROC_INTERNAL_H
#define PROC_INTERNAL_H

#include "proc/proc.h"

/* Asks t to die with sig; proc_lock held (proc.c). */
void kill_thread_locked(struct task *t, int sig);

#endif
