/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PASSWORD_H
#define PASSWORD_H

#include <stdbool.h>
#include <stddef.h>

#include "secret.h"

/* Lengths in bytes, after the trailing newline is stripped. */
#define PASSWORD_MIN	8
#define PASSWORD_MAX	512

enum password_source {
	PASSWORD_TTY,	/* prompt on /dev/tty with echo off */
	PASSWORD_FD,	/* everything up to EOF on @fd, which stays open */
	PASSWORD_FILE,	/* everything in @path, which must not be a symlink */
};

/*
 * Reads the backup password into @out (allocated here; out->data[out->len]
 * is 0 and the password holds no NUL byte).  Exactly one trailing "\n" or
 * "\r\n" is stripped.  @confirm asks twice on the terminal; FD and FILE
 * input is taken as given once.
 *
 * Returns 0; -EINVAL when the password is rejected; -ENOTTY when there is
 * no terminal; -EINTR when a signal ended the prompt; another -errno when
 * reading fails.  On failure @err (if any) says why and *out is zeroed.
 *
 * The terminal prompt installs handlers for SIGINT, SIGTERM, SIGHUP and
 * SIGQUIT while echo is off: not for concurrent use from several threads.
 */
int password_read(enum password_source src, int fd, const char *path,
		  bool confirm, struct secret *out, char *err, size_t errlen);

#endif /* PASSWORD_H */
