// SPDX-License-Identifier: GPL-2.0
/*
 * The public face of usb.c: an opaque stick handle, errors as negative
 * errno values, and the two whole-file jobs of the backup commands.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "usb.h"

struct tpmkey_stick {
	struct usb_stick usb;
};

/* usb.c's codes (which are tpmkeyctl's exit codes) as errno values. */
static int stick_errno(int ret)
{
	switch (ret) {
	case USB_OK:
		return 0;
	case USB_NONE:
		return -ENODEV;
	case USB_MANY:
		return -ENOTUNIQ;
	case USB_READONLY:
		return -EROFS;
	case USB_NOSPACE:
		return -ENOSPC;
	case USB_NOFS:
		return -EMEDIUMTYPE;
	default:
		return ret < 0 ? ret : -EIO;
	}
}

TPMKEY_EXPORT int tpmkey_stick_find(struct tpmkey_stick **out,
				    unsigned int wait_ms, char *err,
				    size_t errlen)
{
	struct tpmkey_stick *st = calloc(1, sizeof(*st));
	int ret;

	*out = NULL;
	if (!st)
		return -ENOMEM;
	ret = stick_errno(usb_find("/sys", "/dev", &st->usb, wait_ms, err,
				   errlen));
	if (ret) {
		free(st);
		return ret;
	}
	*out = st;
	return 0;
}

TPMKEY_EXPORT void tpmkey_stick_free(struct tpmkey_stick *st)
{
	if (!st)
		return;
	usb_umount(&st->usb);
	free(st);
}

TPMKEY_EXPORT const char *tpmkey_stick_device(const struct tpmkey_stick *st)
{
	return st->usb.fs_dev;
}

TPMKEY_EXPORT bool tpmkey_stick_readonly(const struct tpmkey_stick *st)
{
	return st->usb.readonly;
}

TPMKEY_EXPORT bool tpmkey_stick_same(const struct tpmkey_stick *st)
{
	return usb_same_stick(&st->usb);
}

TPMKEY_EXPORT int tpmkey_stick_mount(struct tpmkey_stick *st, bool writable,
				     char *err, size_t errlen)
{
	return stick_errno(usb_mount(&st->usb, writable, err, errlen));
}

TPMKEY_EXPORT int tpmkey_stick_umount(struct tpmkey_stick *st)
{
	return usb_umount(&st->usb);
}

TPMKEY_EXPORT int tpmkey_stick_check_space(const struct tpmkey_stick *st,
					   uint64_t need, char *err,
					   size_t errlen)
{
	return stick_errno(usb_check_space(&st->usb, need, err, errlen));
}

TPMKEY_EXPORT int tpmkey_stick_probe_write(const struct tpmkey_stick *st,
					   char *err, size_t errlen)
{
	return stick_errno(usb_probe_write(&st->usb, err, errlen));
}

TPMKEY_EXPORT bool tpmkey_stick_has_file(const struct tpmkey_stick *st,
					 const char *name)
{
	char path[sizeof(st->usb.mnt) + 256];

	if (!st->usb.mnt[0] ||
	    snprintf(path, sizeof(path), "%s/%s", st->usb.mnt, name) >=
	    (int)sizeof(path))
		return false;
	return !access(path, F_OK);
}

TPMKEY_EXPORT int tpmkey_stick_write_file(const struct tpmkey_stick *st,
					  const char *name, const void *buf,
					  size_t len, char *err, size_t errlen)
{
	return stick_errno(usb_write_file(&st->usb, name, buf, len, err,
					  errlen));
}

TPMKEY_EXPORT int tpmkey_stick_read_file(const struct tpmkey_stick *st,
					 const char *name, void *buf,
					 size_t cap, size_t *len, char *err,
					 size_t errlen)
{
	return stick_errno(usb_read_file(&st->usb, name, buf, cap, len, err,
					 errlen));
}

TPMKEY_EXPORT int tpmkey_stick_store_backup(struct tpmkey_stick *st,
					    const void *file, size_t len,
					    char *err, size_t errlen)
{
	uint8_t back[TPMKEY_BACKUP_SIZE_MAX];
	size_t back_len;
	int ret;

	ret = tpmkey_stick_mount(st, true, err, errlen);
	if (ret)
		return ret;
	ret = tpmkey_stick_write_file(st, TPMKEY_BACKUP_NAME, file, len, err,
				      errlen);
	usb_umount(&st->usb);
	if (ret)
		return ret;
	/* Read back through a fresh mount, so the page cache proves nothing. */
	ret = tpmkey_stick_mount(st, false, err, errlen);
	if (ret)
		return ret;
	ret = tpmkey_stick_read_file(st, TPMKEY_BACKUP_NAME, back,
				     sizeof(back), &back_len, err, errlen);
	usb_umount(&st->usb);
	if (!ret && (back_len != len || memcmp(back, file, len)))
		return tk_fail(err, errlen, -EIO,
			       "the file read back differs from what was written");
	return ret ? -EIO : 0;
}

TPMKEY_EXPORT int tpmkey_stick_load_backup(struct tpmkey_stick *st,
					   void *file, size_t *len, char *err,
					   size_t errlen)
{
	int ret;

	ret = tpmkey_stick_mount(st, false, err, errlen);
	if (ret)
		return ret;
	ret = tpmkey_stick_read_file(st, TPMKEY_BACKUP_NAME, file,
				     TPMKEY_BACKUP_SIZE_MAX, len, err, errlen);
	usb_umount(&st->usb);
	return ret;
}
