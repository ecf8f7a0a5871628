// SPDX-License-Identifier: GPL-2.0
/*
 * What backup, verify-backup and restore share: the TPMKEY.BAK header
 * (include/uapi/linux/tpmkey.h), the password and the KDF, and reading the
 * file from the stick.
 */
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backupfile.h"
#include "ctl.h"

bool backup_option(struct ctl *ctl, struct password_options *pw,
		   unsigned int *wait_ms, int c, const char *arg, int *ret)
{
	char *end;
	long v;

	*ret = TK_OK;
	switch (c) {
	case OPT_PASSWORD_FD:
		v = strtol(arg, &end, 10);
		/* end == arg: "" is no number, not descriptor 0 (stdin). */
		if (end == arg || *end || v < 0 || v > 1024 * 1024) {
			*ret = out_finish(&ctl->out, TK_EUSAGE,
					  "--password-fd takes a file descriptor number");
			return true;
		}
		pw->source = PASSWORD_FD;
		pw->fd = v;
		return true;
	case OPT_PASSWORD_FILE:
		pw->source = PASSWORD_FILE;
		pw->path = arg;
		return true;
	case OPT_WAIT:
		v = strtol(arg, &end, 10);
		/* Out of range, v * 1000 would overflow: no assignment. */
		if (end == arg || *end || v < 0 || v > 3600) {
			*ret = out_finish(&ctl->out, TK_EUSAGE,
					  "--wait takes seconds, 0-3600");
			return true;
		}
		*wait_ms = v * 1000;
		return true;
	default:
		return false;
	}
}

void backup_header_init(struct tpmkey_backup_header *hdr,
			const struct kdf_params *kdf,
			const uint8_t salt[KDF_SALT_SIZE],
			const struct tpmkey_status *st,
			const uint8_t tpm_id[TPMKEY_TPM_ID_SIZE])
{
	memset(hdr, 0, sizeof(*hdr));
	memcpy(hdr->magic, TPMKEY_BACKUP_MAGIC, sizeof(hdr->magic));
	hdr->version = htole16(TPMKEY_BACKUP_VERSION);
	hdr->header_len = htole16(sizeof(*hdr));
	hdr->kdf = htole32(TPMKEY_KDF_ARGON2ID);
	hdr->kdf_time = htole32(kdf->time);
	hdr->kdf_memory = htole32(kdf->memory_kib);
	hdr->kdf_lanes = htole32(kdf->lanes);
	memcpy(hdr->salt, salt, sizeof(hdr->salt));
	hdr->key_len = htole32(st->key_len);
	memcpy(hdr->key_id, st->key_id, sizeof(hdr->key_id));
	memcpy(hdr->tpm_id, tpm_id, sizeof(hdr->tpm_id));
	hdr->created = htole64(st->created);
}

bool backup_header_parse(const void *file, size_t len,
			 struct kdf_params *kdf, uint8_t salt[KDF_SALT_SIZE])
{
	struct tpmkey_backup_header hdr;
	uint32_t key_len;

	if (len < sizeof(hdr))
		return false;
	memcpy(&hdr, file, sizeof(hdr));
	key_len = le32toh(hdr.key_len);
	if (memcmp(hdr.magic, TPMKEY_BACKUP_MAGIC, sizeof(hdr.magic)) ||
	    le16toh(hdr.version) != TPMKEY_BACKUP_VERSION ||
	    le16toh(hdr.header_len) != sizeof(hdr) || hdr.flags ||
	    le32toh(hdr.kdf) != TPMKEY_KDF_ARGON2ID ||
	    (key_len != 32 && key_len != 64) ||
	    len != TPMKEY_BACKUP_SIZE(key_len))
		return false;
	kdf->time = le32toh(hdr.kdf_time);
	kdf->memory_kib = le32toh(hdr.kdf_memory);
	kdf->lanes = le32toh(hdr.kdf_lanes);
	memcpy(salt, hdr.salt, KDF_SALT_SIZE);
	return kdf_params_valid(kdf);
}

int ctl_derive_kek(struct ctl *ctl, const struct password_options *pw,
		   bool confirm, const struct kdf_params *kdf,
		   const uint8_t salt[KDF_SALT_SIZE], struct secret *kek)
{
	struct secret password = { 0 };
	char err[256];
	int ret;

	ret = password_read(pw->source, pw->fd, pw->path, confirm, &password,
			    err, sizeof(err));
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
	ret = kdf_derive(kdf, &password, salt, kek);
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

int ctl_find_stick(struct ctl *ctl, struct usb_stick *st,
		   unsigned int wait_ms, char *err, size_t errlen)
{
	/* The wait can take seconds: say why on a terminal, nowhere else. */
	if (wait_ms && isatty(STDERR_FILENO) && !ctl->out.quiet &&
	    !ctl->out.json)
		fprintf(stderr, "Looking for the USB stick (up to %u s)...\n",
			wait_ms / 1000);
	return usb_find("/sys", "/dev", st, wait_ms, err, errlen);
}

int ctl_usb_error(struct ctl *ctl, int ret, const char *err)
{
	struct output *o = &ctl->out;

	switch (ret) {
	case USB_NONE:
		return out_finish(o, TK_ENOSTICK,
				  "no USB storage device is connected: insert exactly one USB stick and run the command again");
	case USB_MANY:
		return out_finish(o, TK_EMANYSTICKS,
				  "more than one USB storage device is connected: remove all but one and run the command again");
	case USB_READONLY:
		return out_finish(o, TK_ESTICKRO,
				  "the USB stick is write-protected: unlock it (write-protect switch) or use another one");
	case USB_NOSPACE:
		return out_finish(o, TK_ENOSPACE,
				  "%s: delete files on it or use another stick",
				  err);
	case USB_NOFS:
		return out_finish(o, TK_ENOFS,
				  "the USB stick has no usable FAT32 file system (%s): format it with FAT32",
				  err);
	default:
		return out_finish(o, TK_EINTERNAL, "USB stick: %s", err);
	}
}

int ctl_read_backup(struct ctl *ctl, unsigned int wait_ms, void *file,
		    size_t *len)
{
	struct usb_stick st;
	char err[256];
	int ret;

	ret = ctl_find_stick(ctl, &st, wait_ms, err, sizeof(err));
	if (ret)
		return ctl_usb_error(ctl, ret, err);
	ret = usb_mount(&st, false, err, sizeof(err));
	if (ret)
		return ctl_usb_error(ctl, ret, err);
	ret = usb_read_file(&st, TPMKEY_BACKUP_NAME, file,
			    TPMKEY_BACKUP_SIZE_MAX, len, err, sizeof(err));
	usb_umount(&st);
	if (ret == -ENOENT || ret == -EISDIR)
		return out_finish(&ctl->out, TK_ENOBACKUP,
				  "there is no backup file %s on the USB stick",
				  TPMKEY_BACKUP_NAME);
	if (ret == -EFBIG)
		return out_finish(&ctl->out, TK_EBADBACKUP,
				  "the backup is not correct: %s is damaged (too large)",
				  TPMKEY_BACKUP_NAME);
	if (ret < 0)
		return out_finish(&ctl->out, TK_EINTERNAL,
				  "cannot read %s: %s", TPMKEY_BACKUP_NAME, err);
	if (ret > 0)
		return ctl_usb_error(ctl, ret, err);
	return TK_OK;
}

int ctl_bad_backup(struct ctl *ctl)
{
	return out_finish(&ctl->out, TK_EBADBACKUP,
			  "the backup is not correct: wrong password or damaged file");
}

int ctl_backup_kek(struct ctl *ctl, const struct password_options *pw,
		   unsigned int wait_ms, void *file, size_t *len,
		   struct secret *kek)
{
	uint8_t salt[KDF_SALT_SIZE];
	struct kdf_params kdf;
	int ret;

	ret = ctl_read_backup(ctl, wait_ms, file, len);
	if (ret)
		return ret;
	/* Before the password and the KDF's memory: nothing to spend on junk. */
	if (!backup_header_parse(file, *len, &kdf, salt))
		return out_finish(&ctl->out, TK_EBADBACKUP,
				  "the backup is not correct: %s is damaged",
				  TPMKEY_BACKUP_NAME);
	return ctl_derive_kek(ctl, pw, false, &kdf, salt, kek);
}
