/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libtpmkey: the management interface of the tpmkey module.
 *
 * Every function returns 0 on success or a negative errno value; errno
 * itself is left as the failing call set it.  No function ever receives or
 * returns the plaintext data-encryption key: the module keeps it.
 */
#ifndef LIBTPMKEY_H
#define LIBTPMKEY_H

#include <stddef.h>
#include <stdint.h>

#include <linux/tpmkey.h>

#define TPMKEY_DEVICE_PATH	"/dev/tpmkey"

/**
 * tpmkey_open() - open the tpmkey device
 *
 * Return: a file descriptor (close-on-exec), or a negative errno value:
 * -ENOENT when the module is not loaded.
 */
int tpmkey_open(void);

/**
 * tpmkey_get_status() - fill @st from the module (TPMKEY_IOC_STATUS)
 */
int tpmkey_get_status(int fd, struct tpmkey_status *st);

#endif /* LIBTPMKEY_H */
