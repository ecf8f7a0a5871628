// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "wipe.h"

#define WIPE_CHUNK	(1024 * 1024)

int wipe_check(const char *path, char *holder, size_t holder_len)
{
	char dir[128];
	struct dirent *de;
	struct stat st;
	DIR *d;
	int fd;

	if (stat(path, &st))
		return -errno;
	if (!S_ISBLK(st.st_mode))
		return -ENOTBLK;
	snprintf(dir, sizeof(dir), "/sys/dev/block/%u:%u/holders",
		 major(st.st_rdev), minor(st.st_rdev));
	d = opendir(dir);
	if (d) {
		while ((de = readdir(d))) {
			if (de->d_name[0] == '.')
				continue;
			snprintf(holder, holder_len, "%s", de->d_name);
			closedir(d);
			return -EBUSY;
		}
		closedir(d);
	}
	/* O_EXCL on a block device fails while it is mounted or claimed. */
	fd = open(path, O_RDONLY | O_EXCL | O_CLOEXEC);
	if (fd < 0) {
		if (errno == EBUSY)
			snprintf(holder, holder_len, "a mounted file system");
		return -errno;
	}
	close(fd);
	return 0;
}

int wipe_device(const char *path)
{
	uint64_t size, range[2], done;
	void *zeros;
	int fd, ret = 0;

	fd = open(path, O_WRONLY | O_EXCL | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	zeros = calloc(1, WIPE_CHUNK);
	if (!zeros) {
		close(fd);
		return -ENOMEM;
	}
	if (ioctl(fd, BLKGETSIZE64, &size)) {
		ret = -errno;
		goto out;
	}
	/* Discard first so that thin or flash storage drops the blocks... */
	range[0] = 0;
	range[1] = size;
	ioctl(fd, BLKDISCARD, range);
	/* ...then overwrite, because a discard need not erase anything. */
	for (done = 0; done < size; ) {
		size_t n = size - done < WIPE_CHUNK ? size - done : WIPE_CHUNK;
		ssize_t w = pwrite(fd, zeros, n, done);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			goto out;
		}
		done += w;
	}
	if (fsync(fd))
		ret = -errno;
out:
	free(zeros);
	close(fd);
	return ret;
}
