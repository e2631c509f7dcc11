/* Terminals: only what a program needs before it ends. */
#ifndef _TERMIOS_H
#define _TERMIOS_H

/* Waits until everything written to the terminal fd has been sent. */
int tcdrain(int fd);

#endif
