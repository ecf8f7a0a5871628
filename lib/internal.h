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
/* Formats a message into @err (if @errlen) and returns @ret. */
int tk_fail(char *err, size_t errlen, int ret, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Hands a message to the log callback, if the program set one. */
void tk_log(int priority, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* TPMKEY_INTERNAL_H */
