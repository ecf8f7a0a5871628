// SPDX-License-Identifier: GPL-2.0
/*
 * backup: the one-time, password-protected backup of the key to exactly
 * one USB stick.  Everything that can fail is checked before the module is
 * asked for the key, because the module allows one export per key: the
 * key, the stick, its file system, space, a probe write, the password.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "backupfile.h"
#include "ctl.h"
#include "lib/libtpmkey.h"

#define BACKUP_WRITE_TRIES	3

/* Room for the file, its temporary twin and FAT's cluster rounding. */
#define BACKUP_SPACE_NEEDED	(64 * 1024)

static bool ask_retry(const char *why)
{
	char answer[16];
	FILE *tty = fopen("/dev/tty", "r+");
	bool retry;

	if (!tty)
		return false;
	fprintf(tty, "Writing the backup failed: %s\n"
		"The encrypted key is kept in memory. Re-insert the stick and press Enter\n"
		"to try again, or type 'abort': ", why);
	fflush(tty);
	retry = fgets(answer, sizeof(answer), tty) && answer[0] == '\n';
	fclose(tty);
	return retry;
}

/* Writes @file to the stick and reads it back; 0 or an exit code. */
static int write_backup(struct ctl *ctl, struct usb_stick *st,
			const void *file, size_t len, char *err, size_t errlen)
{
	uint8_t back[TPMKEY_BACKUP_SIZE_MAX];
	size_t back_len;
	int ret;

	ret = usb_mount(st, true, err, errlen);
	if (ret)
		return ret;
	ret = usb_write_file(st, TPMKEY_BACKUP_NAME, file, len, err, errlen);
	usb_umount(st);
	if (ret)
		return ret;
	/* Read back through a fresh mount, so the page cache proves nothing. */
	ret = usb_mount(st, false, err, errlen);
	if (ret)
		return ret;
	ret = usb_read_file(st, TPMKEY_BACKUP_NAME, back, sizeof(back),
			    &back_len, err, errlen);
	usb_umount(st);
	if (!ret && (back_len != len || memcmp(back, file, len))) {
		snprintf(err, errlen, "the file read back differs from what was written");
		ret = USB_IO;
	}
	(void)ctl;
	return ret < 0 ? USB_IO : ret;
}

/* Every check that needs no key material; 0 or an exit code. */
static int preflight(struct ctl *ctl, struct usb_stick *st,
		     unsigned int wait_ms)
{
	char err[256], path[sizeof(st->mnt) + sizeof(TPMKEY_BACKUP_NAME) + 1];
	bool exists;
	int ret;

	ret = ctl_find_stick(ctl, st, wait_ms, err, sizeof(err));
	if (ret)
		return ctl_usb_error(ctl, ret, err);
	if (st->readonly)
		return ctl_usb_error(ctl, USB_READONLY, NULL);
	ret = usb_mount(st, true, err, sizeof(err));
	if (ret)
		return ctl_usb_error(ctl, ret, err);
	snprintf(path, sizeof(path), "%s/%s", st->mnt, TPMKEY_BACKUP_NAME);
	exists = !access(path, F_OK);
	if (exists) {
		usb_umount(st);
		return out_finish(&ctl->out, TK_EUSAGE,
				  "the stick already holds a %s: use an empty stick, or move the old file away first",
				  TPMKEY_BACKUP_NAME);
	}
	ret = usb_check_space(st, BACKUP_SPACE_NEEDED, err, sizeof(err));
	if (!ret)
		ret = usb_probe_write(st, err, sizeof(err));
	usb_umount(st);
	if (ret)
		return ctl_usb_error(ctl, ret, err);
	return TK_OK;
}

int cmd_backup(struct ctl *ctl, int argc, char *argv[])
{
	static const struct option options[] = {
		PASSWORD_LONG_OPTIONS,
		{ "tcti", required_argument, NULL, OPT_TCTI },
		{ "kdf-time", required_argument, NULL, 't' },
		{ "kdf-memory", required_argument, NULL, 'm' },
		{ "kdf-lanes", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct password_options pw = { .source = PASSWORD_TTY };
	struct tpm_options tpm = TPM_OPTIONS_DEFAULT;
	struct kdf_params kdf = kdf_default;
	unsigned int wait_ms = 5000, *param;
	unsigned long v;
	struct output *o = &ctl->out;
	struct tpmkey_backup_header *hdr;
	uint8_t salt[KDF_SALT_SIZE], tpm_id[TPMKEY_TPM_ID_SIZE];
	struct secret kek = { 0 }, file = { 0 };
	char id[TPMKEY_ID_HEX_SIZE], err[256], *end;
	int fd = -1, lock_fd = -1, ret, c, tries;
	struct tpmkey_status st;
	struct usb_stick stick;
	size_t file_len;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		if (backup_option(ctl, &pw, &wait_ms, c, optarg, &ret) ||
		    ctl_tpm_option(ctl, &tpm, c, optarg, &ret)) {
			if (ret)
				return ret;
			continue;
		}
		switch (c) {
		case 't':
		case 'm':
		case 'l':
			param = c == 't' ? &kdf.time :
				c == 'm' ? &kdf.memory_kib : &kdf.lanes;
			/* Not narrowed before the check (4294967297 is not 1). */
			errno = 0;
			v = strtoul(optarg, &end, 10);
			*param = v;
			if (*end || errno || !isdigit((unsigned char)*optarg) ||
			    v > UINT32_MAX)
				return out_finish(o, TK_EUSAGE,
						  "--kdf-time, --kdf-memory (KiB) and --kdf-lanes take numbers");
			break;
		case 'h':
			printf("Usage: tpmkeyctl backup [--password-fd N | --password-file PATH] [--wait SECONDS]\n"
			       "                        [--kdf-time N] [--kdf-memory KIB] [--kdf-lanes N]\n");
			return TK_OK;
		default:
			return ctl_usage_error(ctl);
		}
	}
	if (optind != argc)
		return out_finish(o, TK_EUSAGE, "backup takes no arguments");
	if (!kdf_params_valid(&kdf))
		return out_finish(o, TK_EUSAGE,
				  "KDF parameters out of bounds: time %d-%d, memory %d-%d KiB, lanes %d-%d",
				  KDF_TIME_MIN, KDF_TIME_MAX, KDF_MEMORY_MIN_KIB,
				  KDF_MEMORY_MAX_KIB, KDF_LANES_MIN, KDF_LANES_MAX);

	ret = ctl_lock(ctl, &lock_fd);
	if (ret)
		return ret;
	ret = ctl_open_device(ctl, &fd);
	if (ret)
		goto out;
	ret = tpmkey_get_status(fd, &st);
	if (ret) {
		ret = ctl_kernel_error(ctl, ret, "status");
		goto out;
	}
	if (st.state != TPMKEY_STATE_ACTIVE) {
		ret = ctl_kernel_error(ctl, -ENOKEY, "backup");
		goto out;
	}
	if (st.key_flags & TPMKEY_KEY_BACKED_UP) {
		ret = ctl_kernel_error(ctl, -EALREADY, "backup");
		goto out;
	}
	tpm.parent = st.parent_handle;
	ret = ctl_tpm_id(ctl, &tpm, tpm_id);
	if (ret)
		goto out;
	ret = preflight(ctl, &stick, wait_ms);
	if (ret)
		goto out;

	ret = kdf_random_salt(salt);
	if (ret) {
		ret = out_finish(o, TK_EINTERNAL, "no random salt: %s",
				 strerror(-ret));
		goto out;
	}
	ret = ctl_derive_kek(ctl, &pw, true, &kdf, salt, &kek);
	if (ret)
		goto out;
	ret = secret_alloc(&file, TPMKEY_BACKUP_SIZE_MAX);
	if (ret) {
		ret = out_finish(o, TK_EINTERNAL, "out of memory");
		goto out;
	}
	hdr = (struct tpmkey_backup_header *)file.data;
	backup_header_init(hdr, &kdf, salt, &st, tpm_id);

	if (!usb_same_stick(&stick)) {
		ret = out_finish(o, TK_ENOSTICK,
				 "the USB stick was removed or replaced: insert it and run the command again");
		goto out;
	}
	ret = tpmkey_backup(fd, kek.data, file.data, &file_len);
	if (ret) {
		ret = ctl_kernel_error(ctl, ret, "backup");
		goto out;
	}
	file.len = file_len;

	/* The allowance is spent: do not lose what the module gave us. */
	for (tries = 1;; tries++) {
		ret = write_backup(ctl, &stick, file.data, file.len, err,
				   sizeof(err));
		if (!ret)
			break;
		if (isatty(STDIN_FILENO) ? !ask_retry(err) :
					   tries >= BACKUP_WRITE_TRIES) {
			ret = out_finish(o, TK_EINTERNAL,
					 "the key left the kernel for its one backup, but writing it to the stick failed: %s. No backup exists and no further one is allowed; if the TPM fails the data is lost. Erase and re-encrypt to start over",
					 err);
			goto out;
		}
		sleep(isatty(STDIN_FILENO) ? 0 : 2);
		if (ctl_find_stick(ctl, &stick, wait_ms, err, sizeof(err)) ||
		    stick.readonly)
			continue;
	}

	ret = tpmkey_verify(fd, kek.data, file.data, file.len);
	if (ret) {
		ret = out_finish(o, TK_EINTERNAL,
				 "the backup was written but does not verify (%s)",
				 strerror(-ret));
		goto out;
	}
	ctl_format_id(st.key_id, id);
	out_field_str(o, "key_id", id);
	out_field_str(o, "device", stick.fs_dev);
	out_field_str(o, "file", TPMKEY_BACKUP_NAME);
	out_field_uint(o, "kdf_time", kdf.time);
	out_field_uint(o, "kdf_memory_kib", kdf.memory_kib);
	out_field_uint(o, "kdf_lanes", kdf.lanes);
	out_info(o, "Backed up key %s to %s on %s and verified it.", id,
		 TPMKEY_BACKUP_NAME, stick.fs_dev);
	out_info(o, "Keep the stick and the password in a safe place, apart from each other. No further backup of this key is possible.");
	ret = out_finish(o, TK_OK, NULL);
out:
	secret_free(&kek);
	secret_free(&file);
	if (fd >= 0)
		close(fd);
	if (lock_fd >= 0)
		close(lock_fd);
	return ret;
}
