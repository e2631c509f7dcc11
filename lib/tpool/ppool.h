/*
 * A process pool: the thread pool's interface (tpool.h: tasks, futures,
 * future_wait, future_free), with each task run in one of N worker
 * processes started by fork. The shape of Python's
 * concurrent.futures.ProcessPoolExecutor, in C. docs/tpool.md tells how
 * it works and why.
 *
 *   struct ppool *pool = ppool_create(4);
 *   struct future *f = ppool_submit(pool, square, (void *)7L);
 *   long value;
 *   if (future_wait(f, &value) == 0)
 *           printf("%ld\n", value);      <- 49, computed in a child
 *   future_free(f);
 *   ppool_shutdown(pool);
 *
 * What crosses to a worker is fn and arg as two words, through a pipe;
 * what comes back is the value and the error code. fn works in the child
 * because the child is a copy of this program (same code, same
 * addresses). arg is only a word: a pointer in it means something in the
 * worker only if it points to memory that existed when that worker was
 * forked (a worker sees the parent's memory as of its fork, and writes
 * to it stay in the worker). Pass numbers, or pointers to data set up
 * before ppool_create.
 *
 * A task runs in a forked copy of a program that has threads, so it may
 * only call functions that need no lock another thread could have held
 * at the fork (no malloc, no stdio): computing, read, write, sleeping
 * are fine. This is POSIX's rule for a child of a threaded process.
 *
 * A worker that dies while it runs a task (a signal such as SIGSEGV or
 * SIGKILL, or _exit) fails that task's future with ECHILD, and the value
 * is the worker's wait status (WIFSIGNALED, WTERMSIG... decode it). Only
 * that future fails; the pool forks a new worker in its place. A task
 * that cannot get a worker because fork fails fails with that errno.
 * A worker killed while idle is noticed when the next task is sent: if
 * its pipe is closed by then, the task goes to a replacement; if the
 * kill races with the sending, that task fails with ECHILD too.
 */
#ifndef TPOOL_PPOOL_H
#define TPOOL_PPOOL_H

#include "tpool/tpool.h"

struct ppool;

/*
 * Forks `workers` worker processes (at least 1), each waiting for tasks
 * on a pipe. Returns NULL if workers < 1 or if memory, a pipe or a fork
 * could not be had; then no child is left.
 */
struct ppool *ppool_create(int workers);

/*
 * Queues fn(arg) to run in one of the pool's worker processes, in
 * submission order as tpool_submit does, and returns its future (the
 * caller must future_free it). NULL if the pool is shutting down or
 * there is no memory.
 */
struct future *ppool_submit(struct ppool *pool, tpool_task_fn *fn, void *arg);

/* The pool as a struct executor (tpool.h). */
struct executor ppool_executor(struct ppool *pool);

/*
 * Runs every task already queued, then ends every worker (each reads end
 * of file on its task pipe and exits), waits for each with wait4 so none
 * is left a zombie, and frees the pool. Futures stay valid. Must be
 * called once, not from a task.
 */
void ppool_shutdown(struct ppool *pool);

#endif
