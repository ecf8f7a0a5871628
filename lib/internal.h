/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libtpmkey's private helpers, shared by its files and by nothing outside
 * the library (the public interface is libtpmkey.h).
 */
#ifndef TPMKEY_INTERNAL_H
#define TPMKEY_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>

#include "libtpmkey.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Writes all of @buf, retrying on EINTR; 0 or -errno. */
int tk_write_all(int fd, const void *buf, size_t len);
/* fsync() of a directory, making a rename in it durable; 0 or -errno. */
int tk_fsync_dir(const char *dir);
/*
 * Writes @name in @dir atomically, mode 0600: a temporary file, fsync,
 * rename, fsync of @dir.  0 or -errno; on error nothing changed.
 */
int tk_write_file_atomic(const char *dir, const char *name, const void *buf,
			 size_t len);
/* Formats a message into @err (if @errlen) and returns @ret. */
int tk_fail(char *err, size_t errlen, int ret, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Hands a message to the log callback, if the program set one. */
void tk_log(int priority, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* tpmkey_stick_set_state_dir()'s directory, or NULL. */
const char *tk_stick_state_dir(void);

#endif /* TPMKEY_INTERNAL_H */
