/* Pipes: a bounded byte buffer between a read end and a write end. */
#ifndef FS_PIPE_H
#define FS_PIPE_H

#include "fs/file.h"

#define PIPE_BUF 4096 /* writes up to this size are never interleaved */

/* Makes a pipe: ends[0] reads, ends[1] writes. 0 or -ENOMEM. */
int pipe_create(struct file *ends[2], int flags);
/* How a write to a pipe with no reader raises SIGPIPE in the writer
 * (proc registers it: signals are the process layer's). */
void pipe_set_sigpipe_hook(void (*raise_sigpipe)(void));

#endif
