// SPDX-License-Identifier: GPL-2.0
/*
 * What every part of libtpmkey shares: writing whole buffers, durable
 * renames, error texts, the log callback; and the small format helpers of
 * the public interface (backend names, PCR lists, key ids).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "kdf.h"

#ifndef TPMKEY_VERSION
#define TPMKEY_VERSION "unknown"
#endif

static tpmkey_log_fn log_fn;
static void *log_data;

TPMKEY_EXPORT const char *tpmkey_lib_version(void)
{
	return TPMKEY_VERSION;
}

TPMKEY_EXPORT void tpmkey_set_log(tpmkey_log_fn fn, void *data)
{
	log_fn = fn;
	log_data = data;
}

void tk_log(int priority, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (!log_fn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_fn(log_data, priority, msg);
}

int tk_fail(char *err, size_t errlen, int ret, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return ret;
}

int tk_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= n;
	}
	return 0;
}

int tk_fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int ret = 0;

	if (fd < 0)
		return -errno;
	if (fsync(fd))
		ret = -errno;
	close(fd);
	return ret;
}

int tk_write_file_atomic(const char *dir, const char *name, const void *buf,
			 size_t len)
{
	char tmp[PATH_MAX], path[PATH_MAX];
	int fd, ret;

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    (int)sizeof(path) ||
	    snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir, name) >=
	    (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = mkostemp(tmp, O_CLOEXEC);	/* mode 0600 */
	if (fd < 0)
		return -errno;
	ret = tk_write_all(fd, buf, len);
	if (!ret && fsync(fd))
		ret = -errno;
	if (close(fd) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret) {
		unlink(tmp);
		return ret;
	}
	return tk_fsync_dir(dir);
}

TPMKEY_EXPORT const char *tpmkey_backend_name(uint32_t backend)
{
	static const char *const names[] = TPMKEY_BACKEND_NAMES;

	return backend < ARRAY_SIZE(names) ? names[backend] : "unknown";
}

TPMKEY_EXPORT int tpmkey_backend_id(const char *name)
{
	static const char *const names[] = TPMKEY_BACKEND_NAMES;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(name, names[i]))
			return (int)i;
	return -EINVAL;
}

TPMKEY_EXPORT void tpmkey_format_id(const uint8_t id[TPMKEY_KEY_ID_SIZE],
				    char buf[TPMKEY_ID_HEX_SIZE])
{
	int i;

	for (i = 0; i < TPMKEY_KEY_ID_SIZE; i++)
		sprintf(buf + 2 * i, "%02x", id[i]);
}

/* "0+7", "0,7", "" or "none": like systemd-cryptenroll's --tpm2-pcrs. */
TPMKEY_EXPORT int tpmkey_parse_pcrs(const char *list, uint32_t *mask)
{
	const char *p = list;
	uint32_t m = 0;

	if (!strcmp(list, "none") || !*list) {
		*mask = 0;
		return 0;
	}
	for (;;) {
		char *end;
		unsigned long n;

		if (*p < '0' || *p > '9')
			return -EINVAL;
		errno = 0;
		n = strtoul(p, &end, 10);
		if (errno || end - p > 2 || n >= 32 ||
		    !(TPMKEY_PCR_MASK_ALLOWED & (1U << n)))
			return -EINVAL;
		m |= 1U << n;
		p = end;
		if (!*p)
			break;
		if (*p != '+' && *p != ',')
			return -EINVAL;
		p++;
	}
	*mask = m;
	return 0;
}

TPMKEY_EXPORT void tpmkey_format_pcrs(uint32_t mask, char *buf, size_t size)
{
	size_t used = 0;
	int i;

	if (!size)
		return;
	buf[0] = '\0';
	for (i = 0; i < 32; i++) {
		int n;

		if (!(mask & (1U << i)))
			continue;
		n = snprintf(buf + used, size - used, "%s%d", used ? "+" : "",
			     i);
		if (n < 0 || (size_t)n >= size - used)
			return;
		used += n;
	}
}

/*
 * Measured with kdf_derive() on the 2-core development machine (AMD EPYC):
 * 4 passes over 512 MiB in 2 lanes take 1.0 s (3 passes 0.8 s, 5 passes
 * 1.2 s; 1 GiB would be 2.5 s).  512 MiB is the most an appliance can
 * spare; two lanes use both cores and still work, in twice the time, on
 * one.
 */
const struct tpmkey_kdf kdf_default = {
	.time = 4,
	.memory_kib = 512 * 1024,
	.lanes = 2,
};

TPMKEY_EXPORT void tpmkey_kdf_default(struct tpmkey_kdf *kdf)
{
	*kdf = kdf_default;
}

/*
 * Here rather than in stick.c: tpmkeyctl sets it before every search, and
 * programs that link tpmkeyctl's files with stand-ins for the stick
 * functions (selftests/fuzz) still link.
 */
static char stick_state_dir[256];

TPMKEY_EXPORT void tpmkey_stick_set_state_dir(const char *dir)
{
	snprintf(stick_state_dir, sizeof(stick_state_dir), "%s",
		 dir ? dir : "");
}

const char *tk_stick_state_dir(void)
{
	return stick_state_dir[0] ? stick_state_dir : NULL;
}
