// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>

#include "libtpmkey.h"

int tpmkey_open(void)
{
	int fd = open(TPMKEY_DEVICE_PATH, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int tpmkey_get_status(int fd, struct tpmkey_status *st)
{
	memset(st, 0, sizeof(*st));
	st->size = sizeof(*st);
	return ioctl(fd, TPMKEY_IOC_STATUS, st) ? -errno : 0;
}
