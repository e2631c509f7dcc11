/*
 * The console as a terminal for user programs: file descriptors 0, 1 and 2
 * of init, inherited by everything it starts.
 *
 * Input goes through a line discipline (canonical mode, like a Linux tty):
 * the kernel collects a line, echoing what is typed and handling
 * Backspace (erase a character), Ctrl-U (erase the line), Ctrl-C
 * (interrupt: SIGINT to the foreground process group), Ctrl-D (end of
 * input: read returns what there is, or 0 on an empty line), and only a
 * finished line is given to read(). Ctrl-T prints every task.
 */
#ifndef DEV_TTY_H
#define DEV_TTY_H

#include <stdbool.h>

struct file;

/* From now on console input goes to the terminal, not the monitor. */
void tty_enable(void);
/* A character typed on the console (interrupt context). Returns false if
 * the terminal is not enabled (the monitor reads it then). */
bool tty_input(char c);
/* A new open of the console (fds 0-2 for init); NULL if out of memory. */
struct file *tty_open(void);

/* The process group Ctrl-C interrupts (TIOCSPGRP sets it too). */
void tty_set_foreground(int pgrp);
/* Called with the foreground process group on Ctrl-C (set by proc). */
void tty_set_interrupt_hook(void (*hook)(int pgrp, int sig));

#endif
