/*
 * User faults (user_fault.c): exceptions from user mode, and kernel page
 * faults at user addresses, become mm_fault's work or a fatal signal.
 */
#ifndef ENTRY_USER_FAULT_H
#define ENTRY_USER_FAULT_H

/* Registers the user-fault hook with arch's trap dispatch. Once, at
 * boot, before the first user program runs. */
void user_fault_init(void);

#endif
