// SPDX-License-Identifier: GPL-2.0
/*
 * Running the system's own tools: "modprobe tpmkey" when /dev/tpmkey is
 * missing (run.c) and "update-initramfs -u -k all" after the state file
 * changed (initramfs.c).  Their standard output goes to tpmkeyctl's
 * standard error, so that --json keeps stdout to its one object.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ctl.h"

extern char **environ;

int ctl_spawn(char *const argv[], bool quiet)
{
	posix_spawn_file_actions_t fa;
	int ret, status;
	pid_t pid;

	ret = posix_spawn_file_actions_init(&fa);
	if (ret)
		return -ret;
	/* No question can reach the tool: nobody would see it. */
	ret = posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null",
					       O_RDONLY, 0);
	if (!ret)
		ret = quiet ? posix_spawn_file_actions_addopen(&fa,
				STDOUT_FILENO, "/dev/null", O_WRONLY, 0) :
			      posix_spawn_file_actions_adddup2(&fa,
				STDERR_FILENO, STDOUT_FILENO);
	fflush(stdout);
	fflush(stderr);
	if (!ret)
		ret = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (ret)
		return -ret;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}
