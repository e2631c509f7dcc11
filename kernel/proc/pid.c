/*
 * The pid table: a hash of processes by pid, a hash of user threads by
 * tid, and a list of every process in pid order. See pid.h.
 */
#include "proc/pid.h"
#include "base/kernel.h"
#include "freestanding/list.h"
#include "proc/proc.h"
#include "sync/spinlock.h"

/* A power of two; with a few thousand processes a chain is a few long. */
#define PID_HASH_SIZE 256

/* proc_lock, all three: */
static struct list process_buckets[PID_HASH_SIZE];
static struct list thread_buckets[PID_HASH_SIZE];
static struct list all_processes;
static int nr_threads; /* in thread_buckets */

void pid_init(void)
{
	for (int i = 0; i < PID_HASH_SIZE; i++) {
		list_init(&process_buckets[i]);
		list_init(&thread_buckets[i]);
	}
	list_init(&all_processes);
}

static struct list *bucket(struct list *buckets, int id)
{
	return &buckets[(unsigned)id % PID_HASH_SIZE];
}

void pid_add_process(struct process *p)
{
	spin_assert_held(&proc_lock);
	list_push_back(bucket(process_buckets, p->pid), &p->pid_link);
	/* pids only grow, so the back of the list keeps it in pid order. */
	list_push_back(&all_processes, &p->all_link);
}

void pid_add_thread(struct task *t)
{
	spin_assert_held(&proc_lock);
	list_push_back(bucket(thread_buckets, t->tid), &t->tid_link);
	nr_threads++;
}

int pid_nr_threads(void)
{
	spin_assert_held(&proc_lock);
	return nr_threads;
}

void pid_remove_process(struct process *p)
{
	spin_assert_held(&proc_lock);
	list_remove(&p->pid_link);
	list_remove(&p->all_link);
}

void pid_remove_thread(struct task *t)
{
	spin_assert_held(&proc_lock);
	list_remove(&t->tid_link);
	nr_threads--;
}

struct process *pid_find_process(int pid)
{
	spin_assert_held(&proc_lock);
	list_for_each(node, bucket(process_buckets, pid)) {
		struct process *p = list_entry(node, struct process, pid_link);
		if (p->pid == pid)
			return p;
	}
	return NULL;
}

struct task *pid_find_thread(int tid)
{
	spin_assert_held(&proc_lock);
	list_for_each(node, bucket(thread_buckets, tid)) {
		struct task *t = list_entry(node, struct task, tid_link);
		if (t->tid == tid)
			return t;
	}
	return NULL;
}

struct process *pid_first_process(void)
{
	spin_assert_held(&proc_lock);
	if (list_empty(&all_processes))
		return NULL;
	return list_entry(list_front(&all_processes), struct process, all_link);
}

struct process *pid_next_process(struct process *p)
{
	spin_assert_held(&proc_lock);
	struct list_node *next = p->all_link.next;
	if (next == &all_processes.head)
		return NULL;
	return list_entry(next, struct process, all_link);
}
