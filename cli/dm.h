/* SPDX-License-Identifier: GPL-2.0 */
/* open / close: libdevmapper, quietly (dm.c). */
#ifndef DM_H
#define DM_H

#include <stdbool.h>
#include <stdint.h>

#define TPMKEY_CIPHER	"aes-xts-plain64"

/*
 * Is device-mapper there (/dev/mapper/control, or the kernel lists it in
 * /proc/misc)?  Also silences libdevmapper's own messages and, without
 * udev, makes it create /dev/mapper/NAME itself.
 */
bool dm_ready(void);
bool dm_exists(const char *name);
/* 0, -ENOMEM or -EIO. */
int dm_create_crypt(const char *name, uint64_t sectors, const char *params);
/* 0 or -EBUSY. */
int dm_remove(const char *name);

#endif /* DM_H */
