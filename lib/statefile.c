// SPDX-License-Identifier: GPL-2.0
/*
 * The state file @dir/key.state (the blob ACTIVATE returned: sealed
 * material only) and the lock every tpmkeyctl command takes.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

TPMKEY_EXPORT int tpmkey_state_read(const char *dir, void *buf, size_t size, size_t *len)
{
	char path[PATH_MAX];
	size_t total = 0;
	int fd, ret = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, TPMKEY_STATE_FILE);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	for (;;) {
		char extra;
		ssize_t n;

		/* Read one byte past @size to tell "too large" from "full". */
		n = total < size ? read(fd, (char *)buf + total, size - total) :
				   read(fd, &extra, 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			break;
		}
		if (n == 0)
			break;
		if (total >= size) {
			ret = -EFBIG;
			break;
		}
		total += n;
	}
	close(fd);
	*len = total;
	return ret;
}

/* Overwrites a file with zeros, makes that durable, removes it. */
static int wipe_and_unlink(const char *path)
{
	char zeros[4096] = { 0 };
	struct stat st;
	off_t left;
	int fd, ret = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st))
		ret = -errno;
	for (left = st.st_size; !ret && left > 0; left -= sizeof(zeros))
		ret = tk_write_all(fd, zeros, left < (off_t)sizeof(zeros) ?
				(size_t)left : sizeof(zeros));
	if (!ret && fsync(fd))
		ret = -errno;
	close(fd);
	if (ret)
		return ret;
	return unlink(path) ? -errno : 0;
}

/* Where state_destroy() puts the state it is about to wipe. */
static void doomed_path(char *buf, size_t size, const char *dir)
{
	snprintf(buf, size, "%s/.%s.erased", dir, TPMKEY_STATE_FILE);
}

/* A state a power cut left half-destroyed: wiped and removed now. */
static int remove_doomed(const char *dir)
{
	char doomed[PATH_MAX];
	int ret;

	doomed_path(doomed, sizeof(doomed), dir);
	ret = wipe_and_unlink(doomed);
	return ret == -ENOENT ? 0 : ret;
}

TPMKEY_EXPORT int tpmkey_state_write(const char *dir, const void *buf, size_t len)
{
	int ret;

	ret = remove_doomed(dir);
	if (ret)
		return ret;
	return tk_write_file_atomic(dir, TPMKEY_STATE_FILE, buf, len);
}

/*
 * The state goes in one step, a rename to a name no reader looks at, made
 * durable before the copy is overwritten and removed: a power cut leaves
 * either the old state or none, never a damaged key.state.  What a cut
 * leaves under the doomed name, the next state_write() or state_destroy()
 * wipes.
 */
TPMKEY_EXPORT int tpmkey_state_destroy(const char *dir)
{
	char path[PATH_MAX], doomed[PATH_MAX];
	int ret;

	snprintf(path, sizeof(path), "%s/%s", dir, TPMKEY_STATE_FILE);
	doomed_path(doomed, sizeof(doomed), dir);
	ret = remove_doomed(dir);
	if (ret)
		return ret;
	if (rename(path, doomed))
		return -errno;
	ret = tk_fsync_dir(dir);
	if (ret)
		return ret;
	ret = wipe_and_unlink(doomed);
	if (ret)
		return ret;
	return tk_fsync_dir(dir);
}

TPMKEY_EXPORT int tpmkey_lock(void)
{
	int fd;

	if (mkdir(TPMKEY_LOCK_DIR, 0700) && errno != EEXIST)
		return -errno;
	fd = open(TPMKEY_LOCK_PATH, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
		  0600);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		int ret = errno == EWOULDBLOCK ? -EWOULDBLOCK : -errno;

		close(fd);
		return ret;
	}
	return fd;
}

TPMKEY_EXPORT int tpmkey_state_key_id(const void *state, size_t len,
				      uint8_t key_id[TPMKEY_KEY_ID_SIZE])
{
	const struct tpmkey_state_header *hdr = state;

	if (len < sizeof(*hdr) ||
	    memcmp(hdr->magic, TPMKEY_STATE_MAGIC, sizeof(hdr->magic)))
		return -EBADMSG;
	memcpy(key_id, hdr->key_id, TPMKEY_KEY_ID_SIZE);
	return 0;
}
