// SPDX-License-Identifier: GPL-2.0
/*
 * ptyrun LINE... -- COMMAND [ARG...]: runs COMMAND with a new pseudo-
 * terminal as its controlling terminal and stdin/stdout/stderr, types each
 * LINE (plus Enter) when the terminal has echo turned off, and exits with
 * COMMAND's status.  Prints what COMMAND wrote to the terminal on stderr.
 * For testing password prompts in the guest, where there is no expect.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static void drain(int master)
{
	struct pollfd p = { .fd = master, .events = POLLIN };
	char buf[256];
	ssize_t n;

	while (poll(&p, 1, 100) > 0 && (p.revents & POLLIN)) {
		n = read(master, buf, sizeof(buf));
		if (n <= 0)
			break;
		fwrite(buf, 1, n, stderr);
	}
}

int main(int argc, char *argv[])
{
	int master, i, sep, status, tries;
	struct termios tio;
	pid_t pid;

	for (sep = 1; sep < argc && strcmp(argv[sep], "--"); sep++)
		;
	if (sep + 1 >= argc) {
		fprintf(stderr, "usage: ptyrun LINE... -- COMMAND [ARG...]\n");
		return 2;
	}
	master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master < 0 || grantpt(master) || unlockpt(master))
		return perror("posix_openpt"), 2;

	pid = fork();
	if (pid < 0)
		return perror("fork"), 2;
	if (pid == 0) {
		int slave;

		setsid();
		slave = open(ptsname(master), O_RDWR);
		if (slave < 0)
			_exit(127);
		ioctl(slave, TIOCSCTTY, 0);
		dup2(slave, 0);
		dup2(slave, 1);
		dup2(slave, 2);
		close(master);
		execvp(argv[sep + 1], &argv[sep + 1]);
		_exit(127);
	}

	for (i = 1; i < sep; i++) {
		/* Wait until the program has turned echo off for its prompt. */
		for (tries = 0; tries < 100; tries++) {
			int slave = open(ptsname(master), O_RDWR | O_NOCTTY);

			drain(master);
			if (slave >= 0 && !tcgetattr(slave, &tio) &&
			    !(tio.c_lflag & ECHO)) {
				close(slave);
				break;
			}
			if (slave >= 0)
				close(slave);
		}
		if (write(master, argv[i], strlen(argv[i])) < 0 ||
		    write(master, "\n", 1) < 0)
			break;
		usleep(100000);
	}
	while (waitpid(pid, &status, WNOHANG) == 0)
		drain(master);
	drain(master);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}
