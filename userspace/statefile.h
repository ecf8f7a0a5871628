/* SPDX-License-Identifier: GPL-2.0 */
#ifndef STATEFILE_H
#define STATEFILE_H

#include <stddef.h>

#define TPMKEY_STATE_FILE	"key.state"

/*
 * The state file holds the blob ACTIVATE returned: sealed material only.
 * All functions return 0 or a negative errno value.
 */

/* -ENOENT: no state file; -EFBIG: larger than any valid blob. */
int state_read(const char *dir, void *buf, size_t size, size_t *len);
/* Temporary file, fsync, rename over the old one, fsync of the directory. */
int state_write(const char *dir, const void *buf, size_t len);
/*
 * Rename to a hidden name and fsync the directory (the state is gone), then
 * overwrite with zeros, fsync, unlink, fsync the directory.  A copy a power
 * cut left under the hidden name goes at the next state_write() or
 * state_destroy().
 */
int state_destroy(const char *dir);
/* -EWOULDBLOCK: another tpmkeyctl holds the lock.  Returns the lock fd. */
int state_lock(const char *dir);

#endif /* STATEFILE_H */
