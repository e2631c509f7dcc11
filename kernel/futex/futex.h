/*
 * Futexes: "fast user-space mutexes". User space does the uncontended
 * work with atomic instructions on a 32-bit word; only a thread that must
 * wait enters the kernel, with the value it saw:
 *
 *   futex_wait(addr, seen):  sleep, but only if *addr still == seen
 *   futex_wake(addr, n):     wake up to n threads sleeping on addr
 *
 * The kernel checks the value and queues the waiter under one lock (the
 * bucket's), and a waker takes that lock too, so a wake between the
 * user's check and the kernel's cannot be lost. docs/futex.md has the
 * pictures.
 */
#ifndef FUTEX_FUTEX_H
#define FUTEX_FUTEX_H

#include <stdbool.h>
#include <stdint.h>

#define FUTEX_BITSET_MATCH_ANY 0xffffffffu

void futex_init(void);

/* Sleeps while *uaddr == val, until woken by a waker whose bitset shares
 * a bit with ours, until deadline_ns (clock_ns; 0 = none), or until a
 * signal is to be handled. Returns 0, -EAGAIN, -ETIMEDOUT, -EINTR (a timed
 * wait interrupted), -ERESTARTSYS (an untimed one), -EFAULT. */
int futex_wait(uint64_t uaddr, uint32_t val, uint64_t deadline_ns,
	       uint32_t bitset, bool shared);

/* Wakes up to nr waiters on uaddr whose bitset matches; returns how many. */
int futex_wake(uint64_t uaddr, int nr, uint32_t bitset, bool shared);

/* Wakes up to nr_wake waiters on uaddr and moves up to nr_requeue others
 * to uaddr2; with cmp, first checks *uaddr == val (-EAGAIN if not).
 * Returns woken + moved. */
int futex_requeue(uint64_t uaddr, int nr_wake, int nr_requeue, uint64_t uaddr2,
		  bool cmp, uint32_t val, bool shared);

#endif
