// SPDX-License-Identifier: GPL-2.0
/*
 * What backup, verify-backup and restore share on the command line: the
 * stick search with a note on a terminal, the password and the KDF.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "password.h"

int ctl_find_stick(struct ctl *ctl, struct tpmkey_stick **st)
{
	char err[256];
	int ret;

	/* The wait can take seconds: say why on a terminal, nowhere else. */
	if (ctl->wait_ms && isatty(STDERR_FILENO) && !ctl->out.quiet &&
	    !ctl->out.json)
		fprintf(stderr, "Looking for the USB stick (up to %u s)...\n",
			ctl->wait_ms / 1000);
	ret = tpmkey_stick_find(st, ctl->wait_ms, err, sizeof(err));
	return ret ? ctl_stick_error(ctl, ret, err) : TK_OK;
}

int ctl_derive_kek(struct ctl *ctl, bool confirm, const struct tpmkey_kdf *kdf,
		   const uint8_t salt[TPMKEY_BACKUP_SALT_SIZE], uint8_t *kek)
{
	struct secret password = { 0 };
	char err[256];
	int ret;

	ret = password_read(ctl->pw.source, ctl->pw.fd, ctl->pw.path, confirm,
			    &password, err, sizeof(err));
	if (ret == -EINVAL)
		return out_finish(&ctl->out, TK_EPASSWORD,
				  "password rejected: %s", err);
	if (ret == -ENOTTY)
		return out_finish(&ctl->out, TK_EUSAGE, "%s", err);
	if (ret)
		return out_finish(&ctl->out, TK_EINTERNAL,
				  "cannot read the password: %s", err);

	if (isatty(STDERR_FILENO) && !ctl->out.quiet)
		fprintf(stderr, "Deriving the key from the password (Argon2id, %u MiB, %u passes)...\n",
			kdf->memory_kib / 1024, kdf->time);
	ret = tpmkey_kdf_derive(kdf, password.data, password.len, salt, kek);
	secret_free(&password);
	if (ret == -ENOMEM)
		return out_finish(&ctl->out, TK_EINTERNAL,
				  "not enough memory for the key derivation (%u MiB)",
				  kdf->memory_kib / 1024);
	if (ret)
		return out_finish(&ctl->out, TK_EINTERNAL,
				  "the key derivation failed (%s)",
				  strerror(-ret));
	return TK_OK;
}

/* Finds the one stick, mounts it read-only, reads TPMKEY.BAK. */
static int read_backup(struct ctl *ctl, void *file, size_t *len)
{
	struct tpmkey_stick *st;
	char err[256];
	int ret;

	ret = ctl_find_stick(ctl, &st);
	if (ret)
		return ret;
	ret = tpmkey_stick_load_backup(st, file, len, err, sizeof(err));
	tpmkey_stick_free(st);
	if (ret == -ENOENT || ret == -EISDIR)
		return out_finish(&ctl->out, TK_ENOBACKUP,
				  "there is no backup file %s on the USB stick",
				  TPMKEY_BACKUP_NAME);
	if (ret == -EFBIG)
		return out_finish(&ctl->out, TK_EBADBACKUP,
				  "the backup is not correct: %s is damaged (too large)",
				  TPMKEY_BACKUP_NAME);
	if (ret == -EIO || ret == -EINVAL)
		return out_finish(&ctl->out, TK_EINTERNAL,
				  "cannot read %s: %s", TPMKEY_BACKUP_NAME, err);
	return ret ? ctl_stick_error(ctl, ret, err) : TK_OK;
}

int ctl_backup_kek(struct ctl *ctl, void *file, size_t *len, uint8_t *kek)
{
	uint8_t salt[TPMKEY_BACKUP_SALT_SIZE];
	struct tpmkey_kdf kdf;
	int ret;

	ret = read_backup(ctl, file, len);
	if (ret)
		return ret;
	/* Before the password and the KDF's memory: nothing to spend on junk. */
	if (tpmkey_backup_header_parse(file, *len, &kdf, salt))
		return out_finish(&ctl->out, TK_EBADBACKUP,
				  "the backup is not correct: %s is damaged",
				  TPMKEY_BACKUP_NAME);
	return ctl_derive_kek(ctl, false, &kdf, salt, kek);
}
