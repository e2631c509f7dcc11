/*
 * sh: a small shell.
 *
 *   $ ls /bin
 *   $ cat /proc/cpuinfo | grep core | wc -l
 *   $ sleep 5 &
 *   $ cd /proc; pwd; exit 3
 *
 * Words are separated by spaces (no quoting). A command is a program in
 * /bin (or a path with a '/'), or a built-in: cd, pwd, exit. `a | b | c`
 * runs a pipeline; a trailing `&` runs it in the background. Each line is
 * read from fd 0; the terminal (the kernel's line discipline) has already
 * handled echo, Backspace and Ctrl-C. The shell ignores SIGINT, so Ctrl-C
 * ends the program it runs, not the shell; its children get the default
 * back (exec keeps an ignored signal ignored).
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define LINE_MAX 512
#define WORDS_MAX 32
#define STAGES_MAX 8

static char *const envp[] = {"PATH=/bin", "HOME=/", NULL};
static int last_status;

/* Reads one line into buf (without its newline). Returns 0, or -1 at the
 * end of input (Ctrl-D on an empty line). */
static int read_line(char *buf, size_t size)
{
	size_t len = 0;
	for (;;) {
		char c;
		long n = read(0, &c, 1);
		if (n <= 0)
			return len ? 0 : -1;
		if (c == '\n')
			break;
		if (len < size - 1)
			buf[len++] = c;
	}
	buf[len] = '\0';
	return 0;
}

/* Splits line at spaces into words[]; returns how many. */
static int split(char *line, char **words)
{
	int n = 0;
	for (char *p = line; *p && n < WORDS_MAX - 1;) {
		while (*p == ' ' || *p == '\t')
			*p++ = '\0';
		if (!*p)
			break;
		words[n++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
	}
	words[n] = NULL;
	return n;
}

/* In a child: becomes argv's program, reading from in and writing to out. */
static _Noreturn void run_child(char **argv, int in, int out)
{
	signal(SIGINT, SIG_DFL);
	if (in != 0) {
		dup2(in, 0);
		close(in);
	}
	if (out != 1) {
		dup2(out, 1);
		close(out);
	}
	char path[256];
	if (strchr(argv[0], '/'))
		snprintf(path, sizeof(path), "%s", argv[0]);
	else
		snprintf(path, sizeof(path), "/bin/%s", argv[0]);
	execve(path, argv, envp);
	dprintf(2, "sh: %s: %s\n", argv[0],
		errno == ENOENT ? "not found" : "cannot run");
	_exit(errno == ENOENT ? 127 : 126);
}

static int builtin(char **argv)
{
	if (strcmp(argv[0], "exit") == 0) {
		fflush(NULL);
		_exit(argv[1] ? atoi(argv[1]) : last_status);
	}
	if (strcmp(argv[0], "cd") == 0) {
		if (chdir(argv[1] ? argv[1] : "/") < 0) {
			dprintf(2, "sh: cd: %s: cannot go there\n",
				argv[1] ? argv[1] : "/");
			return 1;
		}
		return 0;
	}
	if (strcmp(argv[0], "pwd") == 0) {
		char cwd[256];
		printf("%s\n", getcwd(cwd, sizeof(cwd)) ? cwd : "?");
		return 0;
	}
	return -1; /* not a built-in */
}

/* Runs words[] (a pipeline, maybe ending in &). */
static void run(char **words, int n)
{
	bool background = n > 0 && strcmp(words[n - 1], "&") == 0;
	if (background)
		words[--n] = NULL;
	if (n == 0)
		return;
	/* Cut the words into stages at each "|". */
	char **stages[STAGES_MAX];
	int nstages = 0;
	stages[nstages++] = words;
	for (int i = 0; i < n; i++) {
		if (strcmp(words[i], "|") != 0)
			continue;
		words[i] = NULL;
		if (nstages == STAGES_MAX || !words[i + 1]) {
			dprintf(2, "sh: bad pipeline\n");
			return;
		}
		stages[nstages++] = &words[i + 1];
	}
	if (nstages == 1 && !background) {
		int r = builtin(stages[0]);
		if (r >= 0) {
			last_status = r;
			return;
		}
	}
	int pids[STAGES_MAX], in = 0;
	for (int s = 0; s < nstages; s++) {
		int fds[2] = {0, 1};
		if (s < nstages - 1 && pipe(fds) < 0) {
			dprintf(2, "sh: pipe failed\n");
			break;
		}
		fflush(NULL);
		pids[s] = fork();
		if (pids[s] == 0) {
			if (s < nstages - 1)
				close(fds[0]);
			run_child(stages[s], in, s < nstages - 1 ? fds[1] : 1);
		}
		if (in != 0)
			close(in);
		if (s < nstages - 1) {
			close(fds[1]);
			in = fds[0];
		}
	}
	if (background) {
		printf("[%d]\n", pids[nstages - 1]);
		return;
	}
	for (int s = 0; s < nstages; s++) {
		int status;
		if (waitpid(pids[s], &status, 0) == pids[s] && s == nstages - 1)
			last_status = WIFEXITED(status)
					      ? WEXITSTATUS(status)
					      : 128 + WTERMSIG(status);
	}
}

/* Background jobs that have finished: reaped before each prompt. */
static void reap_jobs(void)
{
	int status, pid;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		printf("[%d] done\n", pid);
}

int main(void)
{
	signal(SIGINT, SIG_IGN);
	char line[LINE_MAX];
	char *words[WORDS_MAX];
	for (;;) {
		reap_jobs();
		printf("$ ");
		fflush(NULL);
		if (read_line(line, sizeof(line)) < 0)
			break;
		run(words, split(line, words));
	}
	printf("\n");
	return last_status;
}
