// SPDX-License-Identifier: GPL-2.0
/*
 * secrets_test: secret.c, password.c and kdf.c on the host, no mocks.
 *
 * Passwords come through real pipes, real files and a real pseudo-terminal:
 * a child process makes the pts its controlling terminal, so that
 * password_read() opens it as /dev/tty, while this process types at the
 * master and reads back what the terminal shows.  Argon2id is checked
 * against the argon2 command-line tool.
 *
 * Prints one TAP line per assertion; exits 1 if any failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"
#include "internal.h"
#include "kdf.h"
#include "password.h"
#include "secret.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define TIMEOUT_MS	10000
#define NO_TTY_MSG	"no terminal: use --password-fd or --password-file"
#define PROMPT		"Backup password: "
#define PROMPT_AGAIN	"Repeat the password: "

/*
 * The known answer: argon2 -id -v 13, 32-byte output, password "password",
 * salt "somesalt" four times.  Recorded with the argon2 CLI of Debian 12
 * (0~20171227-0.3+deb12u1); the test asks the CLI again when it is
 * installed and uses these only when it is not.
 */
#define KAT_PASSWORD	"password"
#define KAT_SALT	"somesaltsomesaltsomesaltsomesalt"
static const struct {
	struct tpmkey_kdf params;
	const char *hex;
} kat[] = {
	{ { 2, 65536, 1 },
	  "d02e95ebe4890faf31a7b8988486f0588b0ac46212bb1c9486885c7ea9d7ad1a" },
	{ { 2, 65536, 2 },
	  "8f99a17b23755b0d942a9c2e0c38f1f4c8c997892e566acaa475037b4123111d" },
};

static bool is_zeroed(const struct secret *s)
{
	return !s->data && !s->len && !s->cap;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void hex(const uint8_t *buf, size_t len, char *out)
{
	size_t i;

	for (i = 0; i < len; i++)
		sprintf(out + 2 * i, "%02x", buf[i]);
}

/* --- secret.c ----------------------------------------------------------- */

/* The VmFlags line of the mapping that holds @addr, from smaps. */
static bool vm_flags(const void *addr, char *flags, size_t size)
{
	unsigned long start, end, a = (unsigned long)addr;
	char line[512];
	bool in = false, found = false;
	FILE *f = fopen("/proc/self/smaps", "re");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		/* A mapping's first line: "START-END PERMS ..." in hex. */
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2)
			in = start <= a && a < end;
		if (in && !strncmp(line, "VmFlags:", 8)) {
			snprintf(flags, size, "%s", line + 8);
			found = true;
			break;
		}
	}
	fclose(f);
	return found;
}

static bool has_flag(const char *flags, const char *flag)
{
	char pad[640], want[8];

	snprintf(pad, sizeof(pad), " %s ", flags);
	pad[strcspn(pad, "\n")] = ' ';
	snprintf(want, sizeof(want), " %s ", flag);
	return strstr(pad, want);
}

static void test_secret(struct tap *t)
{
	struct secret s, z = { 0 };
	struct rlimit rl;
	char flags[512];
	size_t i;
	bool zero = true;
	int ret;

	ret = secret_alloc(&s, 100);
	if (!check(t, ret == 0, "secret_alloc(100) succeeds (%d)", ret))
		return;
	for (i = 0; i < s.cap; i++)
		zero &= !s.data[i];
	check(t, s.cap == 100 && s.len == 0 && zero &&
	      !((uintptr_t)s.data % sysconf(_SC_PAGESIZE)),
	      "secret_alloc gives zeroed pages of its own, len 0, cap 100");
	memset(s.data, 0xa5, s.cap);
	if (check(t, vm_flags(s.data, flags, sizeof(flags)),
		  "the secret's mapping is in /proc/self/smaps")) {
		check(t, has_flag(flags, "dd"),
		      "the secret is excluded from core dumps (VmFlags dd)");
		getrlimit(RLIMIT_MEMLOCK, &rl);
		if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= 65536)
			check(t, has_flag(flags, "lo"),
			      "the secret is locked in RAM (VmFlags lo)");
		else
			skip(t, "the secret is locked # SKIP RLIMIT_MEMLOCK");
	}
	secret_free(&s);
	check(t, is_zeroed(&s), "secret_free zeroes the struct");
	secret_free(&s);
	secret_free(&z);
	check(t, is_zeroed(&s) && is_zeroed(&z),
	      "secret_free is harmless twice and on a zeroed struct");
	s.data = (uint8_t *)"junk";
	s.cap = 9;
	ret = secret_alloc(&s, 0);
	check(t, ret == -EINVAL && is_zeroed(&s),
	      "secret_alloc(0) is -EINVAL and leaves a zeroed struct (%d)",
	      ret);
}

/* --- password.c, from a pipe and from a file ----------------------------- */

struct pw_case {
	const char *name;
	/* The input is head, then n_a times 'a', then tail. */
	const char *head;
	size_t head_len;
	size_t n_a;
	const char *tail;
	size_t tail_len;
	int ret;
	const char *err;
	/* On success the password is head, n_a times 'a', then want_tail. */
	const char *want_tail;
	size_t want_tail_len;
};

#define S(str)	str, sizeof(str) - 1

static const struct pw_case pw_cases[] = {
	{ "exact bytes, no newline", S("correct horse\tbattery"), 0, S(""),
	  0, NULL, S("") },
	{ "trailing \\n stripped", S("correct horse battery"), 0, S("\n"),
	  0, NULL, S("") },
	{ "trailing \\r\\n stripped", S("correct horse battery"), 0,
	  S("\r\n"), 0, NULL, S("") },
	{ "only one trailing \\n stripped",
	  S("p\xc3\xa4sswort \xf0\x9f\x94\x91"), 0, S("\n\n"), 0, NULL,
	  S("\n") },
	{ "a lone trailing \\r is kept", S("password"), 0, S("\r"), 0, NULL,
	  S("\r") },
	{ "inner \\r\\n is kept", S("pass\r\nword"), 0, S("\n"), 0, NULL,
	  S("") },
	{ "8 bytes accepted", S("12345678"), 0, S("\n"), 0, NULL, S("") },
	{ "7 bytes refused", S("1234567"), 0, S("\n"), -EINVAL,
	  "the password is shorter than 8 bytes", S("") },
	{ "512 bytes accepted", S(""), 512, S(""), 0, NULL, S("") },
	{ "512 bytes and \\n accepted", S(""), 512, S("\n"), 0, NULL, S("") },
	{ "512 bytes and \\r\\n accepted", S(""), 512, S("\r\n"), 0, NULL,
	  S("") },
	{ "513 bytes refused", S(""), 513, S(""), -EINVAL,
	  "the password is longer than 512 bytes", S("") },
	{ "513 bytes and \\n refused", S(""), 513, S("\n"), -EINVAL,
	  "the password is longer than 512 bytes", S("") },
	{ "512 bytes, \\r\\n and more refused, not cut", S(""), 512,
	  S("\r\nx"), -EINVAL, "the password is longer than 512 bytes",
	  S("") },
	{ "512 bytes, \\n and a second line refused", S(""), 512,
	  S("\nsecond\n"), -EINVAL, "the password is longer than 512 bytes",
	  S("") },
	{ "4096 bytes refused", S(""), 4096, S("\n"), -EINVAL,
	  "the password is longer than 512 bytes", S("") },
	{ "empty input refused", S(""), 0, S(""), -EINVAL,
	  "the password is empty", S("") },
	{ "a lone \\n refused as empty", S(""), 0, S("\n"), -EINVAL,
	  "the password is empty", S("") },
	{ "a lone \\r\\n refused as empty", S(""), 0, S("\r\n"), -EINVAL,
	  "the password is empty", S("") },
	{ "NUL byte refused", S("pass\0word"), 0, S("\n"), -EINVAL,
	  "the password contains a NUL byte", S("") },
	{ "trailing NUL byte refused", S("password"), 0, S("\0"), -EINVAL,
	  "the password contains a NUL byte", S("") },
};

static size_t build(const struct pw_case *c, char *buf, bool want)
{
	const char *tail = want ? c->want_tail : c->tail;
	size_t tail_len = want ? c->want_tail_len : c->tail_len;

	memcpy(buf, c->head, c->head_len);
	memset(buf + c->head_len, 'a', c->n_a);
	memcpy(buf + c->head_len + c->n_a, tail, tail_len);
	return c->head_len + c->n_a + tail_len;
}

static int read_pipe(const char *in, size_t len, struct secret *out,
		     char *err, size_t errlen)
{
	int p[2], ret;

	/* All inputs fit in the pipe buffer: write first, then read. */
	if (pipe2(p, O_CLOEXEC))
		return -errno;
	ret = tk_write_all(p[1], in, len);
	close(p[1]);
	if (!ret)
		ret = password_read(PASSWORD_FD, p[0], NULL, true, out, err,
				    errlen);
	close(p[0]);
	return ret;
}

static int read_path(const char *path, const char *in, size_t len,
		     struct secret *out, char *err, size_t errlen)
{
	int fd, ret;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	ret = tk_write_all(fd, in, len);
	close(fd);
	if (!ret)
		ret = password_read(PASSWORD_FILE, -1, path, true, out, err,
				    errlen);
	return ret;
}

static void test_pw_cases(struct tap *t, const char *dir)
{
	static char in[8192], want[8192];
	char path[256], err[256];
	struct secret out;
	size_t i, in_len, want_len;
	int src, ret;

	snprintf(path, sizeof(path), "%s/password", dir);
	for (src = 0; src < 2; src++) {
		const char *name = src ? "file" : "pipe";

		for (i = 0; i < ARRAY_SIZE(pw_cases); i++) {
			const struct pw_case *c = &pw_cases[i];

			in_len = build(c, in, false);
			want_len = build(c, want, true);
			strcpy(err, "untouched");
			ret = src ? read_path(path, in, in_len, &out, err,
					      sizeof(err)) :
				    read_pipe(in, in_len, &out, err,
					      sizeof(err));
			if (c->ret == 0)
				check(t, ret == 0 && out.len == want_len &&
				      !memcmp(out.data, want, want_len) &&
				      out.data[out.len] == 0 && !err[0],
				      "%s: %s (ret %d, len %zu, err \"%s\")",
				      name, c->name, ret, out.len, err);
			else
				check(t, ret == c->ret &&
				      !strcmp(err, c->err) && is_zeroed(&out),
				      "%s: %s (ret %d, err \"%s\")", name,
				      c->name, ret, err);
			secret_free(&out);
		}
	}
}

static void test_pw_files(struct tap *t, const char *dir)
{
	char path[256], link[256], missing[256], err[256];
	struct secret out;
	int ret;

	snprintf(path, sizeof(path), "%s/password", dir);
	snprintf(link, sizeof(link), "%s/link", dir);
	snprintf(missing, sizeof(missing), "%s/missing", dir);

	ret = read_path(path, "via a symlink\n", 14, &out, err, sizeof(err));
	check(t, ret == 0, "file: the symlink's target is readable (%d)",
	      ret);
	secret_free(&out);
	if (symlink(path, link)) {
		check(t, false, "symlink: %s", strerror(errno));
		return;
	}
	ret = password_read(PASSWORD_FILE, -1, link, false, &out, err,
			    sizeof(err));
	check(t, ret == -ELOOP && strstr(err, "symbolic link") &&
	      is_zeroed(&out),
	      "file: a symlink is refused (ret %d, err \"%s\")", ret, err);
	ret = password_read(PASSWORD_FILE, -1, missing, false, &out, err,
			    sizeof(err));
	check(t, ret == -ENOENT && strstr(err, "cannot open") &&
	      is_zeroed(&out),
	      "file: a missing file is -ENOENT (err \"%s\")", err);
	ret = password_read(PASSWORD_FD, -1, NULL, false, &out, err,
			    sizeof(err));
	check(t, ret == -EBADF && strstr(err, "cannot read") &&
	      is_zeroed(&out),
	      "fd: a bad descriptor is -EBADF (err \"%s\")", err);
	ret = password_read(PASSWORD_FILE, -1, dir, false, &out, err,
			    sizeof(err));
	check(t, ret == -EISDIR && is_zeroed(&out),
	      "file: a directory is -EISDIR (err \"%s\")", err);
}

/* --- password.c on a pseudo-terminal ------------------------------------ */

enum tty_mode {
	TTY_READ,	/* password_read(PASSWORD_TTY) */
	TTY_PLAIN,	/* a plain read() with echo on: the harness's control */
	TTY_NONE,	/* no controlling terminal at all */
};

/* What the child reports through a pipe. */
struct tty_result {
	int ret;
	bool echo_before;	/* ECHO was on before password_read() */
	bool restored;		/* the termios after equal those before */
	size_t len;
	char pw[PASSWORD_MAX + 1];
	char err[128];
};

struct tty_run {
	enum tty_mode mode;
	bool confirm;
	bool raw;		/* the terminal starts in raw mode */
	const char *answers[2];
	int signal;		/* SIGINT: type ^C at the prompt; else kill() */
	/* Results */
	int prompts;		/* prompts seen and answered */
	bool echo_off[2];	/* ECHO was off when each prompt showed */
	char shown[8192];	/* everything the terminal displayed */
	size_t shown_len;
	bool got_result;
	struct tty_result res;
	int status;
	struct termios initial, final;
};

static bool same_termios(const struct termios *a, const struct termios *b)
{
	return a->c_iflag == b->c_iflag && a->c_oflag == b->c_oflag &&
	       a->c_cflag == b->c_cflag && a->c_lflag == b->c_lflag &&
	       !memcmp(a->c_cc, b->c_cc, sizeof(a->c_cc)) &&
	       cfgetispeed(a) == cfgetispeed(b) &&
	       cfgetospeed(a) == cfgetospeed(b);
}

static void __attribute__((noreturn))
tty_child(struct tty_run *r, const char *pts, int res_fd)
{
	struct tty_result res = { 0 };
	struct termios before, after;
	struct secret out;
	int fd;

	/* Whatever make or the shell set, the prompt must see the defaults. */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	setsid();
	if (r->mode == TTY_NONE) {
		res.ret = password_read(PASSWORD_TTY, -1, NULL, r->confirm,
					&out, res.err, sizeof(res.err));
		tk_write_all(res_fd, &res, sizeof(res));
		_exit(0);
	}
	/* A session leader's first terminal becomes its controlling one. */
	fd = open(pts, O_RDWR);
	if (fd < 0 || ioctl(fd, TIOCSCTTY, 0) || tcgetattr(fd, &before))
		_exit(2);
	if (r->raw) {
		cfmakeraw(&before);
		if (tcsetattr(fd, TCSANOW, &before) || tcgetattr(fd, &before))
			_exit(2);
	}
	res.echo_before = before.c_lflag & ECHO;
	if (r->mode == TTY_PLAIN) {
		if (tk_write_all(fd, PROMPT, strlen(PROMPT)) ||
		    read(fd, res.pw, sizeof(res.pw) - 1) < 0)
			_exit(3);
		_exit(0);
	}
	res.ret = password_read(PASSWORD_TTY, -1, NULL, r->confirm, &out,
				res.err, sizeof(res.err));
	if (tcgetattr(fd, &after))
		_exit(4);
	res.restored = same_termios(&before, &after);
	if (!res.ret) {
		res.len = out.len;
		memcpy(res.pw, out.data, out.len);
	}
	secret_free(&out);
	tk_write_all(res_fd, &res, sizeof(res));
	_exit(0);
}

/* Reads what the terminal shows until @want appears past @from, or EOF. */
static bool tty_wait(struct tty_run *r, int m, const char *want, size_t from)
{
	while (!want || !memmem(r->shown + from, r->shown_len - from, want,
				strlen(want))) {
		struct pollfd p = { .fd = m, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, TIMEOUT_MS) <= 0)
			return false;
		n = read(m, r->shown + r->shown_len,
			 sizeof(r->shown) - 1 - r->shown_len);
		if (n <= 0)	/* EIO: the child closed the terminal */
			return false;
		r->shown_len += n;
	}
	return true;
}

static bool tty_run(struct tty_run *r)
{
	static const char *const prompts[] = { PROMPT, PROMPT_AGAIN };
	char pts[128];
	int m, res[2], i;
	size_t from = 0;
	struct termios now_t;
	pid_t pid;
	ssize_t n;

	m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (m < 0 || grantpt(m) || unlockpt(m) ||
	    ptsname_r(m, pts, sizeof(pts)) || pipe2(res, O_CLOEXEC))
		return false;
	tcgetattr(m, &r->initial);	/* a master reports the slave's */
	pid = fork();
	if (pid < 0)
		return false;
	if (pid == 0) {
		close(m);
		close(res[0]);
		tty_child(r, pts, res[1]);
	}
	close(res[1]);

	for (i = 0; r->mode != TTY_NONE && i < 2 && r->answers[i]; i++) {
		if (!tty_wait(r, m, prompts[i], from))
			break;
		from = r->shown_len;
		/* The prompt is written once echo is off: it must be now. */
		r->echo_off[i] = !tcgetattr(m, &now_t) &&
				 !(now_t.c_lflag & ECHO);
		r->prompts++;
		if (r->signal == SIGINT) {
			/* Type ^C: the terminal sends SIGINT, as for a user. */
			tk_write_all(m, &now_t.c_cc[VINTR], 1);
			break;
		}
		if (r->signal) {
			kill(pid, r->signal);
			break;
		}
		tk_write_all(m, r->answers[i], strlen(r->answers[i]));
	}
	if (r->mode != TTY_NONE)
		tty_wait(r, m, NULL, 0);	/* until the child closes it */
	r->shown[r->shown_len] = 0;

	/* A child stuck in password_read() must fail the test, not hang it. */
	if (poll(&(struct pollfd){ .fd = res[0], .events = POLLIN }, 1,
		 TIMEOUT_MS) <= 0) {
		diag("the child hangs: killing it");
		kill(pid, SIGKILL);
	}
	n = read(res[0], &r->res, sizeof(r->res));
	r->got_result = n == sizeof(r->res);
	close(res[0]);
	if (waitpid(pid, &r->status, 0) != pid)
		r->status = -1;
	tcgetattr(m, &r->final);
	close(m);
	return true;
}

static bool shown(const struct tty_run *r, const char *s)
{
	return memmem(r->shown, r->shown_len, s, strlen(s));
}

static bool exited_ok(const struct tty_run *r)
{
	return r->got_result && WIFEXITED(r->status) &&
	       !WEXITSTATUS(r->status);
}

static void test_tty(struct tap *t)
{
	struct tty_run r;

	memset(&r, 0, sizeof(r));
	r.mode = TTY_PLAIN;
	r.answers[0] = "visible words\n";
	tty_run(&r);
	check(t, shown(&r, "visible words") && r.prompts == 1 &&
	      !r.echo_off[0],
	      "tty: control: the harness sees echo on and what it echoes");

	memset(&r, 0, sizeof(r));
	r.confirm = true;
	r.answers[0] = "tty secret one\n";
	r.answers[1] = "tty secret one\n";
	tty_run(&r);
	check(t, exited_ok(&r) && r.res.ret == 0 && r.res.len == 14 &&
	      !memcmp(r.res.pw, "tty secret one", 14),
	      "tty: matching entries accepted (ret %d, err \"%s\")",
	      r.res.ret, r.res.err);
	check(t, r.prompts == 2 && shown(&r, PROMPT) &&
	      shown(&r, PROMPT_AGAIN),
	      "tty: both prompts were shown on the terminal");
	check(t, r.echo_off[0] && r.echo_off[1],
	      "tty: echo is off while each entry is read");
	check(t, !shown(&r, "tty secret") && !shown(&r, "secret"),
	      "tty: the password is not echoed back");
	check(t, r.res.echo_before && r.res.restored &&
	      same_termios(&r.initial, &r.final),
	      "tty: the termios settings are restored afterwards");

	memset(&r, 0, sizeof(r));
	r.confirm = true;
	r.answers[0] = "first password\n";
	r.answers[1] = "second password\n";
	tty_run(&r);
	check(t, exited_ok(&r) && r.res.ret == -EINVAL &&
	      !strcmp(r.res.err, "the two passwords differ"),
	      "tty: differing entries refused (ret %d, err \"%s\")",
	      r.res.ret, r.res.err);
	check(t, !shown(&r, "first password") &&
	      !shown(&r, "second password") && r.res.restored,
	      "tty: differing entries: nothing echoed, termios restored");

	memset(&r, 0, sizeof(r));
	r.confirm = true;
	r.answers[0] = "short\n";
	r.answers[1] = "short\n";
	tty_run(&r);
	check(t, exited_ok(&r) && r.res.ret == -EINVAL &&
	      !strcmp(r.res.err, "the password is shorter than 8 bytes") &&
	      r.res.restored,
	      "tty: a short password refused (ret %d, err \"%s\")",
	      r.res.ret, r.res.err);
	check(t, r.prompts == 1 && !shown(&r, PROMPT_AGAIN),
	      "tty: a bad first entry is refused before asking again");

	memset(&r, 0, sizeof(r));
	r.answers[0] = "no confirmation\r\n";
	tty_run(&r);
	check(t, exited_ok(&r) && r.res.ret == 0 && r.res.len == 15 &&
	      !memcmp(r.res.pw, "no confirmation", 15) && r.prompts == 1 &&
	      !shown(&r, PROMPT_AGAIN) && r.res.restored,
	      "tty: without confirm, one prompt and one entry");

	memset(&r, 0, sizeof(r));
	r.raw = true;
	r.answers[0] = "typed on a raw terminal\r";	/* raw Enter */
	tty_run(&r);
	check(t, exited_ok(&r) && r.res.ret == 0 && r.res.len == 23 &&
	      !shown(&r, "typed on") && r.res.restored,
	      "tty: a terminal left raw reads a line, raw again afterwards");

	memset(&r, 0, sizeof(r));
	r.mode = TTY_NONE;
	tty_run(&r);
	check(t, exited_ok(&r) && r.res.ret == -ENOTTY &&
	      !strcmp(r.res.err, NO_TTY_MSG),
	      "tty: no terminal is -ENOTTY (err \"%s\")", r.res.err);

	memset(&r, 0, sizeof(r));
	r.confirm = true;
	r.answers[0] = "never typed\n";
	r.signal = SIGINT;
	tty_run(&r);
	check(t, r.prompts == 1 && r.echo_off[0] && WIFSIGNALED(r.status) &&
	      WTERMSIG(r.status) == SIGINT,
	      "tty: ^C at the prompt ends the program by SIGINT");
	check(t, same_termios(&r.initial, &r.final) &&
	      (r.final.c_lflag & ECHO),
	      "tty: ^C at the prompt restores the terminal");

	memset(&r, 0, sizeof(r));
	r.answers[0] = "never typed\n";
	r.signal = SIGTERM;
	tty_run(&r);
	check(t, r.prompts == 1 && WIFSIGNALED(r.status) &&
	      WTERMSIG(r.status) == SIGTERM &&
	      same_termios(&r.initial, &r.final),
	      "tty: SIGTERM at the prompt restores the terminal and kills");
}

/* --- kdf.c -------------------------------------------------------------- */

/* The argon2 CLI's answer, or false when it is not installed. */
static bool argon2_cli(const struct tpmkey_kdf *p, char *out, size_t size)
{
	char cmd[256];
	FILE *f;
	bool ok;

	snprintf(cmd, sizeof(cmd),
		 "command -v argon2 >/dev/null && printf %%s '%s' | "
		 "argon2 %s -id -v 13 -t %u -k %u -p %u -l %d -r",
		 KAT_PASSWORD, KAT_SALT, p->time, p->memory_kib, p->lanes,
		 KDF_KEY_SIZE);
	f = popen(cmd, "re");
	if (!f)
		return false;
	ok = fgets(out, size, f) != NULL;
	if (pclose(f) != 0)
		ok = false;
	out[strcspn(out, "\n")] = 0;
	return ok;
}

static void test_kdf(struct tap *t)
{
	static const struct tpmkey_kdf bad[] = {
		{ 0, 65536, 1 },		/* no pass */
		{ 65, 65536, 1 },		/* too many passes */
		{ 2, 8191, 1 },			/* under 8 MiB */
		{ 2, 4194305, 1 },		/* over 4 GiB */
		{ 2, UINT32_MAX, 1 },		/* 4 TiB, the most in a u32 */
		{ 64, UINT32_MAX, 16 },
		{ 2, 65536, 0 },		/* no lane */
		{ 2, 65536, 17 },		/* too many lanes */
		{ UINT32_MAX, UINT32_MAX, UINT32_MAX },
	};
	static const struct tpmkey_kdf good[] = {
		{ 1, 8192, 1 }, { 64, 4194304, 16 }, { 1, 8192, 16 },
	};
	uint8_t salt[KDF_SALT_SIZE], salt2[KDF_SALT_SIZE];
	char want[2 * KDF_KEY_SIZE + 2], got[2 * KDF_KEY_SIZE + 1] = "";
	struct secret pw, key = { 0 }, key2 = { 0 };
	bool all_bad = true, all_good = true;
	size_t i;
	double t0;
	int ret;

	check(t, kdf_params_valid(&kdf_default) &&
	      kdf_default.memory_kib >= 64 * 1024 &&
	      kdf_default.memory_kib <= 512 * 1024,
	      "the default (t=%u, m=%u KiB, p=%u) is valid, 64..512 MiB",
	      kdf_default.time, kdf_default.memory_kib, kdf_default.lanes);
	for (i = 0; i < ARRAY_SIZE(good); i++)
		all_good &= kdf_params_valid(&good[i]);
	check(t, all_good, "the bounds themselves are valid parameters");

	if (secret_alloc(&pw, 64))
		return;
	memcpy(pw.data, KAT_PASSWORD, strlen(KAT_PASSWORD));
	pw.len = strlen(KAT_PASSWORD);
	memcpy(salt, KAT_SALT, KDF_SALT_SIZE);

	t0 = now();
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		ret = kdf_derive(&bad[i], &pw, salt, &key);
		if (kdf_params_valid(&bad[i]) || ret != -EINVAL ||
		    !is_zeroed(&key)) {
			diag("t=%u m=%u p=%u: valid %d, derive %d", bad[i].time,
			     bad[i].memory_kib, bad[i].lanes,
			     kdf_params_valid(&bad[i]), ret);
			all_bad = false;
		}
		secret_free(&key);
	}
	check(t, all_bad && now() - t0 < 0.05,
	      "out-of-bounds parameters are -EINVAL before any allocation "
	      "(%zu sets in %.1f ms)", ARRAY_SIZE(bad), (now() - t0) * 1e3);

	for (i = 0; i < ARRAY_SIZE(kat); i++) {
		const struct tpmkey_kdf *p = &kat[i].params;
		const char *source = "argon2 CLI";

		if (!argon2_cli(p, want, sizeof(want))) {
			/* No CLI (Debian package argon2): use the record. */
			snprintf(want, sizeof(want), "%s", kat[i].hex);
			source = "recorded vector, no argon2 CLI";
		}
		ret = kdf_derive(p, &pw, salt, &key);
		if (!ret)
			hex(key.data, key.len, got);
		check(t, ret == 0 && key.len == KDF_KEY_SIZE &&
		      !strcmp(got, want),
		      "kdf_derive(t=%u, m=%u, p=%u) matches the %s", p->time,
		      p->memory_kib, p->lanes, source);
		if (ret || strcmp(got, want))
			diag("got %s, want %s (ret %d)", ret ? "-" : got, want,
			     ret);
		check(t, !strcmp(want, kat[i].hex),
		      "the recorded vector for p=%u is the CLI's", p->lanes);
		secret_free(&key);
	}

	ret = kdf_random_salt(salt);
	ret = ret ? ret : kdf_random_salt(salt2);
	check(t, ret == 0 && memcmp(salt, salt2, KDF_SALT_SIZE),
	      "two random salts differ");
	ret = kdf_derive(&good[0], &pw, salt, &key);
	ret = ret ? ret : kdf_derive(&good[0], &pw, salt2, &key2);
	check(t, ret == 0 && memcmp(key.data, key2.data, KDF_KEY_SIZE),
	      "another salt gives another key");
	secret_free(&key);
	secret_free(&key2);

	t0 = now();
	ret = kdf_derive(&kdf_default, &pw, salt, &key);
	check(t, ret == 0 && key.len == KDF_KEY_SIZE,
	      "kdf_derive with the default parameters works");
	diag("the default parameters took %.2f s here", now() - t0);
	secret_free(&key);
	secret_free(&pw);
}

/* kdf_cost_check() against a fake /proc/meminfo in @dir. */
static void test_kdf_cost(struct tap *t, const char *dir)
{
	static const struct {
		struct tpmkey_kdf p;
		uint64_t avail_kib;
		int want;
		const char *what;
	} cases[] = {
		{ { 4, 524288, 2 }, 1048576, 0, "the default on 1 GiB available" },
		{ { 4, 524288, 2 }, 600 * 1024, -ENOMEM,
		  "the default on 600 MiB available (more than 3/4)" },
		{ { 3, 65536, 2 }, 400 * 1024, 0, "t=3, 64 MiB on 400 MiB" },
		{ { 3, 4194304, 2 }, 2097152, -ENOMEM,
		  "4 GiB on a 2 GiB appliance" },
		{ { 8, 4194304, 1 }, 64ULL << 20, 0,
		  "8 passes of 4 GiB (32 GiB-passes, the limit) on 64 GiB" },
		{ { 9, 4194304, 1 }, 64ULL << 20, -ETIME,
		  "9 passes of 4 GiB on 64 GiB: too long" },
		{ { 64, 4194304, 16 }, 64ULL << 20, -ETIME,
		  "the header's worst case on 64 GiB: too long" },
		{ { 64, 524288, 2 }, 64ULL << 20, 0,
		  "64 passes of 512 MiB (the limit)" },
		{ { 64, 1048576, 2 }, 64ULL << 20, -ETIME,
		  "64 passes of 1 GiB: too long" },
	};
	char path[256], err[512];
	size_t i;
	FILE *f;
	int ret;

	snprintf(path, sizeof(path), "%s/meminfo", dir);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		f = fopen(path, "w");
		if (!f)
			return;
		fprintf(f, "MemTotal:       99999999 kB\nMemFree:  1 kB\n"
			"MemAvailable:   %llu kB\nBuffers: 0 kB\n",
			(unsigned long long)cases[i].avail_kib);
		fclose(f);
		err[0] = '\0';
		ret = kdf_cost_check(&cases[i].p, path, err, sizeof(err));
		check(t, ret == cases[i].want &&
		      (!ret || strstr(err, "t=") || strstr(err, "m=")),
		      "kdf_cost_check: %s -> %d (%s)", cases[i].what, ret, err);
	}
	f = fopen(path, "w");
	if (f) {
		fputs("MemTotal: 1 kB\n", f);
		fclose(f);
	}
	ret = kdf_cost_check(&cases[0].p, path, err, sizeof(err));
	check(t, ret == -ENODATA,
	      "kdf_cost_check without MemAvailable -> %d (%s)", ret, err);
	ret = tpmkey_kdf_affordable(&cases[2].p, err, sizeof(err));
	check(t, ret == 0 || ret == -ENOMEM,
	      "tpmkey_kdf_affordable(t=3, 64 MiB) on this host -> %d", ret);
	unlink(path);
}

/* tpmkey_backup_keep(): the file backup could not write to the stick. */
static void test_backup_keep(struct tap *t, const char *dir)
{
	char path[256], want[256], back[300];
	static const char file[224] = "TPMKEY\1 an encrypted backup";
	struct stat sb;
	FILE *f;
	size_t n = 0;
	int ret;

	snprintf(want, sizeof(want), "%s/TPMKEY.BAK.unsaved", dir);
	ret = tpmkey_backup_keep(dir, file, sizeof(file), path, sizeof(path));
	check(t, ret == 0 && !strcmp(path, want),
	      "tpmkey_backup_keep -> %d, %s", ret, path);
	f = fopen(want, "r");
	if (f) {
		n = fread(back, 1, sizeof(back), f);
		fclose(f);
	}
	if (lstat(want, &sb))
		memset(&sb, 0, sizeof(sb));
	check(t, S_ISREG(sb.st_mode) &&
	      (sb.st_mode & 07777) == 0600 && n == sizeof(file) &&
	      !memcmp(back, file, n),
	      "... a regular file, mode 0600, the whole backup (mode %o, %zu bytes)",
	      sb.st_mode & 07777, n);
	ret = tpmkey_backup_keep(dir, file, 16, path, sizeof(path));
	check(t, ret == 0 && !stat(want, &sb) && sb.st_size == 16,
	      "... a second one replaces it");
	snprintf(back, sizeof(back), "ls -A '%s' | grep -q '^\\.TPMKEY'", dir);
	check(t, system(back) != 0, "... and leaves no temporary file");
	unlink(want);
	ret = tpmkey_backup_keep("/nonexistent/dir", file, sizeof(file), path,
				 sizeof(path));
	check(t, ret == -ENOENT, "... into a missing directory -> %d", ret);
}

static int count_fds(void)
{
	char path[64];
	int fd, n = 0;

	for (fd = 0; fd < 1024; fd++) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		n += !access(path, F_OK);
	}
	return n;
}

int main(void)
{
	char dir[] = "/tmp/secrets_test.XXXXXX";
	char path[sizeof(dir) + 16];
	struct tap t = { 0 };
	int fds;

	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	fds = count_fds();
	test_secret(&t);
	test_pw_cases(&t, dir);
	test_pw_files(&t, dir);
	test_tty(&t);
	test_kdf_cost(&t, dir);
	test_backup_keep(&t, dir);
	test_kdf(&t);
	check(&t, count_fds() == fds, "no file descriptor leaked (%d, %d)",
	      fds, count_fds());

	snprintf(path, sizeof(path), "%s/password", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/link", dir);
	unlink(path);
	rmdir(dir);

	printf("1..%u\n", t.run);
	if (t.failed)
		diag("%u of %u failed", t.failed, t.run);
	return t.failed ? 1 : 0;
}
