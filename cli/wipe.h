/* SPDX-License-Identifier: GPL-2.0 */
#ifndef WIPE_H
#define WIPE_H

#include <stddef.h>
#include <stdio.h>

/*
 * 0 if @path is a block device nobody holds (no mapping, not mounted);
 * -ENOTBLK, -EBUSY (@holder gets a holder's name) or another -errno.
 */
int wipe_check(const char *path, char *holder, size_t holder_len);
/*
 * Discards, then overwrites the whole device with zeros and syncs it.
 * With wipe_progress set (a terminal) shows bytes done, rate and time
 * left there, like dd status=progress.
 */
int wipe_device(const char *path);
/* Where wipe_device() shows its progress; NULL: nowhere.  In erase.c. */
extern FILE *wipe_progress;

#endif /* WIPE_H */
