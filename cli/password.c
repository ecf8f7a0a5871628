// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "password.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * The longest input that can hold a valid password is PASSWORD_MAX bytes
 * and "\r\n".  Buffers take one byte more, so that a longer input shows up
 * as too long instead of being cut to a valid length.
 */
#define INPUT_MAX	(PASSWORD_MAX + 2)
#define BUF_SIZE	(INPUT_MAX + 1)

#define NO_TTY_MSG	"no terminal: use --password-fd or --password-file"

/* The signals that end a prompt and must not leave the terminal mute. */
static const int tty_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };

/*
 * What the signal handler needs to give the terminal back.  A handler can
 * only reach static storage; this is set up before echo goes off and only
 * used until the handlers are restored.
 */
static struct {
	int fd;
	struct termios saved;
	struct sigaction old[ARRAY_SIZE(tty_signals)];
	volatile sig_atomic_t caught;
} tty_state;

static void set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR && !tty_state.caught)
				continue;
			return -errno;
		}
		p += n;
		len -= n;
	}
	return 0;
}

/*
 * Fills @s up to EOF, up to its capacity or, for a terminal line, up to the
 * newline.  A canonical-mode terminal never returns more than one line per
 * read(), so nothing after the newline is consumed.
 */
static int read_input(int fd, struct secret *s, bool tty)
{
	while (s->len < s->cap) {
		ssize_t n = read(fd, s->data + s->len, s->cap - s->len);

		if (n < 0) {
			/* A signal we caught, whose old handler returned. */
			if (errno == EINTR && !(tty && tty_state.caught))
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		s->len += n;
		if (tty && s->data[s->len - 1] == '\n')
			break;
	}
	return 0;
}

/* Drops one "\n" or "\r\n"; the bytes past len stay zero. */
static void strip_newline(struct secret *s)
{
	size_t len = s->len;

	if (len && s->data[len - 1] == '\n') {
		len--;
		if (len && s->data[len - 1] == '\r')
			len--;
	}
	explicit_bzero(s->data + len, s->len - len);
	s->len = len;
}

static int password_check(struct secret *s, char *err, size_t errlen)
{
	/* Past INPUT_MAX the input was cut short: too long as it stands. */
	if (s->len <= INPUT_MAX)
		strip_newline(s);
	if (s->len > PASSWORD_MAX) {
		set_err(err, errlen, "the password is longer than %d bytes",
			PASSWORD_MAX);
		return -EINVAL;
	}
	if (!s->len) {
		set_err(err, errlen, "the password is empty");
		return -EINVAL;
	}
	if (memchr(s->data, 0, s->len)) {
		set_err(err, errlen, "the password contains a NUL byte");
		return -EINVAL;
	}
	if (s->len < PASSWORD_MIN) {
		set_err(err, errlen, "the password is shorter than %d bytes",
			PASSWORD_MIN);
		return -EINVAL;
	}
	return 0;
}

/*
 * Both buffers have the same capacity and are zero past their length, so
 * comparing all of it, without stopping early, hides where they differ.
 */
static bool secret_same(const struct secret *a, const struct secret *b)
{
	volatile uint8_t diff = 0;
	size_t i;

	if (a->cap != b->cap)
		return false;
	for (i = 0; i < a->cap; i++)
		diff |= a->data[i] ^ b->data[i];
	return !diff && a->len == b->len;
}

/*
 * Gives the terminal back, then lets the signal do what it did before: it
 * is blocked while we run, so raise() delivers it once we return.
 */
static void tty_on_signal(int sig)
{
	int saved_errno = errno;
	ssize_t n;
	size_t i;

	tcsetattr(tty_state.fd, TCSAFLUSH, &tty_state.saved);
	/* Cosmetic: the shell's prompt starts on a line of its own. */
	n = write(tty_state.fd, "\n", 1);
	(void)n;
	for (i = 0; i < ARRAY_SIZE(tty_signals); i++)
		if (tty_signals[i] == sig)
			sigaction(sig, &tty_state.old[i], NULL);
	tty_state.caught = sig;
	raise(sig);
	errno = saved_errno;
}

static void tty_restore(void)
{
	size_t i;

	/* TCSAFLUSH: lines typed blind after ours must not reach the shell. */
	tcsetattr(tty_state.fd, TCSAFLUSH, &tty_state.saved);
	for (i = 0; i < ARRAY_SIZE(tty_signals); i++)
		sigaction(tty_signals[i], &tty_state.old[i], NULL);
}

static int tty_echo_off(int fd)
{
	struct sigaction sa;
	struct termios t;
	size_t i;
	int ret;

	if (tcgetattr(fd, &tty_state.saved))
		return -errno;
	tty_state.fd = fd;
	tty_state.caught = 0;

	/* No SA_RESTART: if an old handler returns, the read must end. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = tty_on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < ARRAY_SIZE(tty_signals); i++)
		sigaddset(&sa.sa_mask, tty_signals[i]);
	for (i = 0; i < ARRAY_SIZE(tty_signals); i++) {
		struct sigaction *old = &tty_state.old[i];

		sigaction(tty_signals[i], &sa, old);
		/* An ignored signal (a background job's SIGINT) stays so. */
		if (!(old->sa_flags & SA_SIGINFO) && old->sa_handler == SIG_IGN)
			sigaction(tty_signals[i], old, NULL);
	}

	/*
	 * TCSAFLUSH drops anything typed before the prompt, with echo on.
	 * ICANON and ICRNL: on a terminal left raw by another program, Enter
	 * still ends a line.  tcsetattr() succeeds if any change took, so
	 * check that echo is off.
	 */
	t = tty_state.saved;
	t.c_lflag &= ~(ECHO | ECHONL);
	t.c_lflag |= ICANON;
	t.c_iflag |= ICRNL;
	if (tcsetattr(fd, TCSAFLUSH, &t) || tcgetattr(fd, &t))
		ret = -errno;
	else if ((t.c_lflag & (ECHO | ECHONL)) || !(t.c_lflag & ICANON))
		ret = -EIO;
	else
		return 0;
	tty_restore();
	return ret;
}

static int tty_prompt(int fd, const char *prompt, struct secret *s)
{
	int ret;

	ret = secret_alloc(s, BUF_SIZE);
	if (ret)
		return ret;
	ret = write_all(fd, prompt, strlen(prompt));
	if (ret)
		return ret;
	ret = read_input(fd, s, true);
	/* The Enter was not echoed either (the signal handler wrote one). */
	if (ret != -EINTR)
		write_all(fd, "\n", 1);
	return ret;
}

static int read_tty(bool confirm, struct secret *out, char *err,
		    size_t errlen)
{
	struct secret again = { 0 };
	int fd, ret;

	/* O_NOCTTY: never acquire a terminal, only use the one we have. */
	fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		ret = -errno;
		if (ret == -ENXIO || ret == -ENOENT || ret == -ENODEV) {
			set_err(err, errlen, NO_TTY_MSG);
			return -ENOTTY;
		}
		set_err(err, errlen, "cannot open /dev/tty: %s",
			strerror(-ret));
		return ret;
	}
	ret = tty_echo_off(fd);
	if (ret) {
		close(fd);
		if (ret == -ENOTTY) {
			set_err(err, errlen, NO_TTY_MSG);
			return ret;
		}
		set_err(err, errlen, "cannot turn off echo on the terminal: %s",
			strerror(-ret));
		return ret;
	}

	ret = tty_prompt(fd, "Backup password: ", out);
	if (ret)
		goto io_error;
	/* Check the first entry alone: no use asking again for a bad one. */
	ret = password_check(out, err, errlen);
	if (ret || !confirm)
		goto out;
	ret = tty_prompt(fd, "Repeat the password: ", &again);
	if (ret)
		goto io_error;
	strip_newline(&again);
	if (!secret_same(out, &again)) {
		set_err(err, errlen, "the two passwords differ");
		ret = -EINVAL;
	}
	goto out;

io_error:
	if (ret == -EINTR)
		set_err(err, errlen, "interrupted by a signal");
	else
		set_err(err, errlen, "cannot read the password: %s",
			strerror(-ret));
out:
	tty_restore();
	close(fd);
	secret_free(&again);
	if (ret)
		secret_free(out);
	return ret;
}

static int read_fd(int fd, struct secret *out, char *err, size_t errlen)
{
	int ret;

	ret = secret_alloc(out, BUF_SIZE);
	if (ret) {
		set_err(err, errlen, "cannot allocate the password buffer: %s",
			strerror(-ret));
		return ret;
	}
	ret = read_input(fd, out, false);
	if (ret)
		set_err(err, errlen, "cannot read the password: %s",
			strerror(-ret));
	else
		ret = password_check(out, err, errlen);
	if (ret)
		secret_free(out);
	return ret;
}

static int read_file(const char *path, struct secret *out, char *err,
		     size_t errlen)
{
	int fd, ret;

	/* A symlink could point the read at a file the caller never meant. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	if (fd < 0) {
		ret = -errno;
		if (ret == -ELOOP)
			set_err(err, errlen,
				"%s: symbolic links are not followed", path);
		else
			set_err(err, errlen, "cannot open %s: %s", path,
				strerror(-ret));
		return ret;
	}
	ret = read_fd(fd, out, err, errlen);
	close(fd);
	return ret;
}

int password_read(enum password_source src, int fd, const char *path,
		  bool confirm, struct secret *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	set_err(err, errlen, "%s", "");
	switch (src) {
	case PASSWORD_TTY:
		return read_tty(confirm, out, err, errlen);
	case PASSWORD_FD:
		return read_fd(fd, out, err, errlen);
	case PASSWORD_FILE:
		return read_file(path, out, err, errlen);
	}
	set_err(err, errlen, "unknown password source %d", (int)src);
	return -EINVAL;
}
