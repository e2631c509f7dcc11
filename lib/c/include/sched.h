/* Scheduling. Clone flags and affinity come with lib/pthread. */
#ifndef _SCHED_H
#define _SCHED_H

int sched_yield(void);

#endif
