// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <stdbool.h>
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
#include <time.h>
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

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * One line of progress, like dd status=progress: rewritten in place with
 * \r; the last one ends with a newline.
 */
static void show(FILE *f, const char *path, uint64_t done, uint64_t size,
		 double elapsed, bool last)
{
	double mib = 1024.0 * 1024.0, rate = elapsed > 0 ? done / elapsed : 0;

	fprintf(f, "\r%s: %.0f MiB of %.0f MiB (%u%%), %.1f MiB/s, ", path,
		done / mib, size / mib,
		size ? (unsigned int)(done * 100 / size) : 100, rate / mib);
	if (last) {
		fprintf(f, "done in %.0f s\n", elapsed);
	} else if (rate > 0) {
		unsigned long left = (unsigned long)((size - done) / rate);

		fprintf(f, "%lu:%02lu left   ", left / 60, left % 60);
	} else {
		fputs("time left unknown   ", f);
	}
	fflush(f);
}

int wipe_device(const char *path)
{
	FILE *progress = wipe_progress;
	uint64_t size, range[2], done;
	double start = now_s(), shown = start;
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
		if (progress && now_s() - shown >= 0.5) {
			shown = now_s();
			show(progress, path, done, size, shown - start, false);
		}
	}
	if (fsync(fd))
		ret = -errno;
	if (progress && !ret)
		show(progress, path, done, size, now_s() - start, true);
out:
	if (progress && ret)
		fputc('\n', progress);
	free(zeros);
	close(fd);
	return ret;
}
