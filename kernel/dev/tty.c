/*
 * The console terminal and its line discipline. See tty.h.
 *
 *   keyboard/serial IRQ -> tty_input -> line (being edited, echoed)
 *                                        | Enter, Ctrl-D
 *                                        v
 *                                  cooked ring -> read() (one line at most)
 */
#include "dev/tty.h"
#include "arch/uaccess.h"
#include "base/kernel.h"
#include "freestanding/errno.h"
#include "freestanding/linux_abi.h"
#include "freestanding/string.h"
#include "fs/file.h"
#include "fs/poll.h"
#include "sched/sched.h"
#include "sched/waitq.h"
#include "sync/spinlock.h"

#define LINE_MAX 256
#define COOKED_MAX 1024
#define CTRL(c) ((c)&0x1f)

static struct {
	struct spinlock lock;
	bool enabled;
	char line[LINE_MAX]; /* lock: the line being typed */
	int line_len;
	char cooked[COOKED_MAX]; /* lock: finished input, for read() */
	unsigned head, tail;	 /* read at head, write at tail */
	int eofs;		 /* lock: Ctrl-Ds on an empty line, unread */
	int fg_pgrp; /* lock: who Ctrl-C interrupts (0: nobody yet) */
	struct waitq readers;
	void (*interrupt)(int pgrp, int sig);
} tty = {
	.lock = SPINLOCK_INIT("tty"),
	.readers = WAITQ_INIT(tty.readers, "tty read"),
};

void tty_enable(void)
{
	tty.enabled = true;
}

void tty_set_foreground(int pgrp)
{
	spin_lock(&tty.lock);
	tty.fg_pgrp = pgrp;
	spin_unlock(&tty.lock);
}

void tty_set_interrupt_hook(void (*hook)(int pgrp, int sig))
{
	tty.interrupt = hook;
}

static void echo(const char *s)
{
	console_write(s, strlen(s));
}

/* Moves the edited line to the cooked ring. Lock held. */
static void finish_line(void)
{
	for (int i = 0; i < tty.line_len; i++)
		if (tty.tail - tty.head < COOKED_MAX)
			tty.cooked[tty.tail++ % COOKED_MAX] = tty.line[i];
	tty.line_len = 0;
}

bool tty_input(char c)
{
	if (!tty.enabled)
		return false;
	int interrupt_pgrp = 0;
	spin_lock(&tty.lock);
	if (c == '\r' || c == '\n') {
		echo("\n");
		if (tty.line_len < LINE_MAX)
			tty.line[tty.line_len++] = '\n';
		finish_line();
	} else if (c == 0x7f || c == '\b') {
		if (tty.line_len > 0) {
			tty.line_len--;
			echo("\b \b");
		}
	} else if (c == CTRL('U')) {
		for (; tty.line_len > 0; tty.line_len--)
			echo("\b \b");
	} else if (c == CTRL('D')) {
		if (tty.line_len == 0)
			tty.eofs++;
		finish_line();
	} else if (c == CTRL('C')) {
		echo("^C\n");
		tty.line_len = 0;
		interrupt_pgrp = tty.fg_pgrp;
	} else if ((c >= ' ' && c < 0x7f) || c == '\t') {
		if (tty.line_len < LINE_MAX - 1) {
			tty.line[tty.line_len++] = c;
			char s[2] = {c, 0};
			echo(s);
		}
	}
	spin_unlock(&tty.lock);
	waitq_wake_all(&tty.readers);
	if (interrupt_pgrp > 0 && tty.interrupt)
		tty.interrupt(interrupt_pgrp, 2 /* SIGINT */);
	return true;
}

/* Takes up to n bytes of one line (or an end of input) from the cooked
 * ring into buf. Returns the count, 0 for end of input, -EAGAIN if there
 * is nothing yet. */
static long take_input(char *buf, size_t n)
{
	spin_lock(&tty.lock);
	long got = 0;
	while ((size_t)got < n && tty.head != tty.tail) {
		char c = tty.cooked[tty.head++ % COOKED_MAX];
		buf[got++] = c;
		if (c == '\n')
			break;
	}
	if (got == 0 && tty.eofs > 0) {
		tty.eofs--;
		got = 0;
	} else if (got == 0) {
		got = -EAGAIN;
	}
	spin_unlock(&tty.lock);
	return got;
}

static long tty_read(struct file *f, uint64_t ubuf, size_t n)
{
	char buf[LINE_MAX];
	n = MIN(n, sizeof(buf));
	if (n == 0)
		return 0;
	struct task *self = current();
	long got;
	for (;;) {
		got = take_input(buf, n);
		if (got != -EAGAIN || (f->flags & O_NONBLOCK))
			break;
		wait_event(&tty.readers, tty.head != tty.tail || tty.eofs > 0 ||
						 task_signal_pending(self));
		if (task_signal_pending(self))
			return -ERESTARTSYS;
	}
	if (got > 0 && copy_to_user(ubuf, buf, (size_t)got) < 0)
		return -EFAULT;
	return got;
}

static long tty_write(struct file *f, uint64_t ubuf, size_t n)
{
	(void)f;
	char chunk[256];
	size_t done = 0;
	while (done < n) {
		size_t len = MIN(n - done, sizeof(chunk));
		if (copy_from_user(chunk, ubuf + done, len) < 0)
			return done ? (long)done : -EFAULT;
		console_write(chunk, len);
		done += len;
	}
	return (long)done;
}

/* Readable when a whole line (or an end of input) waits, as in
 * canonical mode; always writable. */
static unsigned tty_poll(struct file *f, struct poll_table *pt)
{
	poll_wait(f, &tty.readers, pt);
	spin_lock(&tty.lock);
	bool input = tty.head != tty.tail || tty.eofs > 0;
	spin_unlock(&tty.lock);
	return (input ? POLLIN | POLLRDNORM : 0) | POLLOUT | POLLWRNORM;
}

static void tty_stat(struct file *f, struct kstat *st)
{
	(void)f;
	st->mode = S_IFCHR | 0620;
	st->rdev = (5 << 8) | 1; /* /dev/console's numbers */
	st->blksize = 1024;
}

/* The settings a canonical-mode, echoing terminal reports. */
struct termios {
	uint32_t iflag, oflag, cflag, lflag;
	uint8_t line, cc[19];
};
#define ICRNL 0000400
#define OPOST 0000001
#define ONLCR 0000004
#define CS8 0000060
#define CREAD 0000200
#define ISIG 0000001
#define ICANON 0000002
#define ECHO 0000010
#define ECHOE 0000020

static long tty_ioctl(struct file *f, unsigned cmd, uint64_t arg)
{
	(void)f;
	switch (cmd) {
	case TCGETS: {
		struct termios t = {
			.iflag = ICRNL,
			.oflag = OPOST | ONLCR,
			.cflag = CS8 | CREAD,
			.lflag = ISIG | ICANON | ECHO | ECHOE,
		};
		t.cc[0] = CTRL('C'); /* VINTR */
		t.cc[2] = 0x7f;	     /* VERASE */
		t.cc[3] = CTRL('U'); /* VKILL */
		t.cc[4] = CTRL('D'); /* VEOF */
		return copy_to_user(arg, &t, sizeof(t));
	}
	case TCSETS:
	case TCSETSW:
	case TCSETSF:
		return -EINVAL; /* the line discipline cannot be changed */
	case TIOCGWINSZ: {
		uint16_t ws[4] = {25, 80, 0, 0}; /* rows, columns */
		return copy_to_user(arg, ws, sizeof(ws));
	}
	case TIOCGPGRP: {
		int pgrp = tty.fg_pgrp;
		return copy_to_user(arg, &pgrp, sizeof(pgrp));
	}
	case TIOCSPGRP: {
		int pgrp;
		if (copy_from_user(&pgrp, arg, sizeof(pgrp)) < 0)
			return -EFAULT;
		if (pgrp <= 0)
			return -EINVAL;
		spin_lock(&tty.lock);
		tty.fg_pgrp = pgrp;
		spin_unlock(&tty.lock);
		return 0;
	}
	default:
		return -ENOTTY;
	}
}

static const struct file_ops tty_ops = {
	.read = tty_read,
	.write = tty_write,
	.stat = tty_stat,
	.ioctl = tty_ioctl,
	.poll = tty_poll,
};

struct file *tty_open(void)
{
	return file_alloc(&tty_ops, NULL, O_RDWR);
}
