/* File descriptors, processes and the heap: the POSIX wrappers. */
#ifndef _UNISTD_H
#define _UNISTD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "freestanding/linux_abi.h" /* SEEK_*, *_OK */

#define STDIN_FILENO 0
#define STDOUT_FILENO 1
#define STDERR_FILENO 2

ssize_t read(int fd, void *buf, size_t count);
ssize_t write(int fd, const void *buf, size_t count);
int close(int fd);
int isatty(int fd);   /* 1 if fd is a terminal, else 0 (errno ENOTTY) */
int pipe(int fds[2]); /* fds[0] reads, fds[1] writes */
int dup(int fd);
int dup2(int oldfd, int newfd);
int chdir(const char *path);
off_t lseek(int fd, off_t offset, int whence);
ssize_t pread(int fd, void *buf, size_t count, off_t offset);
ssize_t pwrite(int fd, const void *buf, size_t count, off_t offset);
int unlink(const char *path);
int rmdir(const char *path);
int link(const char *from, const char *to);
int access(const char *path, int mode); /* F_OK, or R_OK | W_OK | X_OK */
int ftruncate(int fd, off_t length);
int fsync(int fd);
char *getcwd(char *buf, size_t size);

pid_t getpid(void);
pid_t getppid(void);
pid_t gettid(void);
pid_t fork(void);
int execve(const char *path, char *const argv[], char *const envp[]);
_Noreturn void _exit(int status);

/* The heap's end ("program break"): brk sets it, sbrk moves it and
 * returns where it was; sbrk(0) tells where it is. */
int brk(void *end);
void *sbrk(intptr_t increment);

/* The environment main got as its third argument. */
extern char **environ;

/* SIGALRM after seconds (0: cancels); returns the old alarm's seconds
 * left. */
unsigned alarm(unsigned seconds);
/* Waits for a signal to be handled; returns -1 with errno EINTR. */
int pause(void);
/* Sleep (nanosleep); sleep returns the seconds left when a signal cut it
 * short, usleep -1 with errno EINTR. */
unsigned sleep(unsigned seconds);
int usleep(unsigned microseconds);

#endif
