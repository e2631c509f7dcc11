"""The course's labs: the one table that tools/grade.py, tools/skeleton.py,
the `labs` test group and docs/labs/README.md agree on.

A lab is a name (the markers in the code say `LAB name`), its handout
docs/labs/NAME.md, and its graded tests. A test is one KTAP case that an
existing test already prints: an in-kernel test (ktest, `suite.name`) or a
test of a user program (user/test_PROG.c, `suite.name`), with its points
and the functions a failure points the student at. Tests are grouped into
boots by where they run: a kernel boot runs its lab's ktests in one go
(`ktest=a,b,c`); a user boot runs one test program as init. No test here
measures time: each asserts counts, orders or turns (docs/testing.md).

Adding a lab: mark its code, add a Lab below, write docs/labs/NAME.md.
"""


class Boot:
    """Where tests run: ktest (in-kernel tests, the lab's selection) or
    user (init=/bin/PROG), on `smp` CPUs, under scheduling `policy`."""

    def __init__(self, kind, smp, prog=None, policy=None):
        self.kind, self.smp, self.prog, self.policy = kind, smp, prog, policy

    def key(self):
        return (self.kind, self.smp, self.prog, self.policy)

    def describe(self):
        what = f"ktest, -smp {self.smp}" if self.kind == "ktest" \
            else f"init=/bin/{self.prog}, -smp {self.smp}"
        return what + (f", sched={self.policy}" if self.policy else "")


def ktest(smp, policy=None):
    return Boot("ktest", smp, policy=policy)


def user(prog, smp):
    return Boot("user", smp, prog=prog)


class Test:
    def __init__(self, case, points, boot, look):
        self.case, self.points, self.boot, self.look = case, points, boot, look


class Lab:
    def __init__(self, name, title, hours, after, tests):
        self.name, self.title, self.hours, self.after = name, title, hours, after
        self.tests = tests

    @property
    def points(self):
        return sum(t.points for t in self.tests)


def _lab(name, title, hours, after, rows):
    return Lab(name, title, hours, after, [Test(*row) for row in rows])


K2, K4 = ktest("2"), ktest("4")
MLFQ = ktest("2", "mlfq")
SWITCH = "switch_to (kernel/sched/switch.S)"
CREATE = "the first stack, in task_create_tid (kernel/sched/kthread.c)"
JOIN = "kthread_exit, kthread_join (kernel/sched/kthread.c)"
MLFQ_FNS = "mlfq_enqueue, mlfq_tick, boost (kernel/sched/policy_mlfq.c)"
TICKET = "ticket_lock, ticket_unlock (kernel/sync/spinlock.c)"
SPIN = "spin_lock_at, spin_unlock (kernel/sync/spinlock.c)"
WAITQ = "waitq_prepare, waitq_finish, wake_waiters (kernel/sched/waitq.c)"
FUTEX_WAIT = "futex_wait (kernel/futex/futex.c)"
FUTEX_WAKE = "futex_wake (kernel/futex/futex.c)"
REQUEUE = "futex_requeue (kernel/futex/futex.c)"
CLEARTID = "the CLONE_CHILD_CLEARTID wake in proc_exit_thread (kernel/proc/proc.c)"
PMUTEX = "mutex_lock_word, mutex_unlock_word (lib/pthread/mutex.c)"
PCOND = "cond_wait, pthread_cond_signal, pthread_cond_broadcast (lib/pthread/cond.c)"
PJOIN = "pthread_join (lib/pthread/thread.c)"
USWITCH = "uthread_switch (lib/uthread/switch.S)"
STEAL = "worker_pick_next (lib/uthread/sched.c), runqueue_steal (lib/uthread/runqueue.c)"
FUTEX4, MUTEX4, COND4 = user("test_futex", "4"), user("test_mutex", "4"), user("test_cond", "4")
PTHREAD4, UTHREAD4 = user("test_pthread", "4"), user("test_uthread", "4")

LABS = [
    _lab("kthread", "context switch and kernel threads", 6, [], [
        ("sched.callee_saved_registers_survive_a_switch", 15, K2, SWITCH),
        ("sched.registers_and_sse_survive_preemption", 10, K2, SWITCH),
        ("kthread.join_returns_the_exit_code", 15, K2, JOIN + ", " + CREATE),
        ("kthread.detached_threads_are_reaped", 10, K2, JOIN),
        ("kthread.1000_threads_alive_at_once", 10, K2, CREATE),
        ("kthread.create_and_join_100000_threads_in_batches", 10, K2, JOIN + " (stacks freed once)"),
    ]),
    _lab("sched", "an MLFQ scheduling policy", 6, ["kthread"], [
        ("mlfq.a_new_task_starts_at_its_priority_level", 5, MLFQ, "mlfq_enqueue (kernel/sched/policy_mlfq.c)"),
        ("mlfq.a_cpu_bound_task_sinks_one_level_per_used_slice", 10, MLFQ, MLFQ_FNS),
        ("mlfq.equal_tasks_take_equal_turns_within_a_level", 10, MLFQ, MLFQ_FNS),
        ("mlfq.the_boost_ends_starvation_by_new_arrivals", 15, MLFQ, "boost, mlfq_tick (kernel/sched/policy_mlfq.c)"),
        ("mlfq.a_higher_level_task_preempts", 5, MLFQ, "mlfq_preempts (kernel/sched/policy_mlfq.c)"),
        ("sched.higher_priority_runs_first", 5, MLFQ, MLFQ_FNS),
        ("sched.equal_threads_get_equal_turns", 5, MLFQ, MLFQ_FNS),
        ("sched.low_priority_task_behind_a_busy_high_priority_one", 5, MLFQ, MLFQ_FNS),
    ]),
    _lab("spinlock", "ticket spinlocks on SMP", 3, [], [
        ("spinlock.lock_records_holder_and_disables_interrupts", 10, K4, SPIN),
        ("spinlock.nested_locks_restore_interrupts_only_at_the_end", 10, K4, SPIN + " (irq_push_off/irq_pop_off)"),
        ("spinlock.a_lock_hands_out_tickets_and_serves_them_in_order", 10, K4, TICKET),
        ("spinlock.waiters_are_served_in_arrival_order", 15, K4, TICKET),
        ("smp.shared_counter_under_spinlock_is_exact", 15, K4, TICKET + " (memory ordering)"),
    ]),
    _lab("waitq", "wait queues and sleeping locks", 5, ["spinlock"], [
        ("sync.wait_queue_timeout_fires", 5, K4, WAITQ),
        ("sync.ping_pong_through_a_wait_queue_loses_no_wakeup", 15, K4, WAITQ),
        ("sync.wait_event_locked_drops_the_lock_while_asleep_and_returns_holding_it", 5, K4, WAITQ),
        ("sync.mutex_keeps_8_threads_x_100000_increments_exact", 15, K4, "mutex_acquire, mutex_release (kernel/sched/mutex.c)"),
        ("sync.semaphore_limits_concurrency_to_its_count", 10, K4, "sem_trydown, sem_up (kernel/sched/mutex.c)"),
        ("sync.condvar_producer_consumer_moves_100000_items_across_cpus", 10, K4, "cond_wait, cond_signal, cond_broadcast (kernel/sched/mutex.c)"),
        ("sync.completion_wakes_the_waiter", 5, K4, WAITQ),
    ]),
    _lab("futex", "futexes: wait, wake, requeue", 5, ["waitq"], [
        ("futex.a_changed_value_is_eagain", 5, FUTEX4, FUTEX_WAIT),
        ("futex.a_timeout_is_etimedout_after_the_time", 5, FUTEX4, FUTEX_WAIT),
        ("futex.wake_wakes_exactly_the_number_asked", 10, FUTEX4, FUTEX_WAKE),
        ("futex.wake_bitset_selects_waiters", 5, FUTEX4, FUTEX_WAKE),
        ("futex.cmp_requeue_moves_waiters_to_another_word", 10, FUTEX4, REQUEUE),
        ("futex.requeue_without_compare", 5, FUTEX4, REQUEUE),
        ("futex.ping_pong_100000_round_trips_lose_no_wake_up", 10, FUTEX4, FUTEX_WAIT + ", " + FUTEX_WAKE),
        ("pthread.join_returns_the_threads_result", 5, PTHREAD4, CLEARTID),
        ("pthread.a_thousand_joinable_threads_alive_at_once", 5, PTHREAD4, CLEARTID),
    ]),
    _lab("pthread", "a futex mutex, condition variables, join", 5, ["futex"], [
        ("mutex.lock_then_unlock", 5, MUTEX4, PMUTEX),
        ("mutex.timedlock_on_a_held_mutex_times_out", 5, MUTEX4, PMUTEX),
        ("mutex.eight_threads_times_100000_increments_are_exact", 15, MUTEX4, PMUTEX),
        ("cond.signal_lets_one_waiter_through", 5, COND4, PCOND),
        ("cond.broadcast_wakes_every_waiter", 5, COND4, PCOND),
        ("cond.timedwait_times_out_on_the_realtime_clock", 5, COND4, PCOND),
        ("cond.bounded_buffer_moves_100000_items_none_lost", 10, COND4, PCOND + ", " + PMUTEX),
        ("pthread.join_returns_the_threads_result", 5, PTHREAD4, PJOIN),
        ("pthread.pthread_exit_value_reaches_join", 5, PTHREAD4, PJOIN),
        ("pthread.a_thousand_joinable_threads_alive_at_once", 5, PTHREAD4, PJOIN + " (stacks unmapped after the tid clears)"),
    ]),
    _lab("uthread", "green threads: M:1 switch, M:N stealing", 5, ["pthread"], [
        ("uthread.m1_yields_interleave_in_order", 15, UTHREAD4, USWITCH),
        ("uthread.join_returns_after_the_thread_ended", 5, UTHREAD4, USWITCH),
        ("uthread.run_returns_when_every_thread_has_ended", 5, UTHREAD4, USWITCH),
        ("uthread.mn_runs_10000_threads_on_4_workers_all_complete", 10, UTHREAD4, STEAL),
        ("uthread.green_mutex_counts_exactly_on_4_workers", 5, UTHREAD4, STEAL),
        ("uthread.idle_workers_steal_work_made_on_one_worker", 15, UTHREAD4, STEAL),
    ]),
]

NAMES = [lab.name for lab in LABS]
BY_NAME = {lab.name: lab for lab in LABS}
