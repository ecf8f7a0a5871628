/* SPDX-License-Identifier: GPL-2.0 */
#ifndef WIPE_H
#define WIPE_H

#include <stddef.h>

/*
 * 0 if @path is a block device nobody holds (no mapping, not mounted);
 * -ENOTBLK, -EBUSY (@holder gets a holder's name) or another -errno.
 */
int wipe_check(const char *path, char *holder, size_t holder_len);
/* Discards, then overwrites the whole device with zeros and syncs it. */
int wipe_device(const char *path);

#endif /* WIPE_H */
