// SPDX-License-Identifier: GPL-2.0
/*
 * backup: the one-time, password-protected backup of the key to exactly
 * one USB stick.  Everything that can fail is checked before the module is
 * asked for the key, because the module allows one export per key: the
 * key, the stick, its file system, space, a probe write, the password.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"

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

/* Every check that needs no key material; TK_OK or finished. */
static int preflight(struct ctl *ctl, struct tpmkey_stick **stp)
{
	struct tpmkey_stick *st;
	char err[256];
	int ret;

	ret = ctl_find_stick(ctl, stp);
	if (ret)
		return ret;
	st = *stp;
	if (tpmkey_stick_readonly(st))
		return ctl_stick_error(ctl, -EROFS, NULL);
	ret = tpmkey_stick_mount(st, true, err, sizeof(err));
	if (ret)
		return ctl_stick_error(ctl, ret, err);
	if (tpmkey_stick_has_file(st, TPMKEY_BACKUP_NAME)) {
		tpmkey_stick_umount(st);
		return out_finish(&ctl->out, TK_EUSAGE,
				  "the stick already holds a %s: use an empty stick, or move the old file away first",
				  TPMKEY_BACKUP_NAME);
	}
	ret = tpmkey_stick_check_space(st, BACKUP_SPACE_NEEDED, err,
				       sizeof(err));
	if (!ret)
		ret = tpmkey_stick_probe_write(st, err, sizeof(err));
	tpmkey_stick_umount(st);
	return ret ? ctl_stick_error(ctl, ret, err) : TK_OK;
}

/* The allowance is spent: do not lose what the module gave us. */
static int store(struct ctl *ctl, struct tpmkey_stick **st, const void *file,
		 size_t len)
{
	bool tty = isatty(STDIN_FILENO);
	char err[256];
	int tries;

	for (tries = 1;; tries++) {
		if (*st && !tpmkey_stick_store_backup(*st, file, len, err,
						      sizeof(err)))
			return TK_OK;
		if (tty ? !ask_retry(err) : tries >= BACKUP_WRITE_TRIES)
			return out_finish(&ctl->out, TK_EINTERNAL,
					  "the key left the kernel for its one backup, but writing it to the stick failed: %s. No backup exists and no further one is allowed; if the TPM fails the data is lost. Erase and re-encrypt to start over",
					  err);
		sleep(tty ? 0 : 2);
		tpmkey_stick_free(*st);
		if (tpmkey_stick_find(st, ctl->wait_ms, err, sizeof(err)) ||
		    tpmkey_stick_readonly(*st)) {
			tpmkey_stick_free(*st);
			*st = NULL;
		}
	}
}

/* Salt, password, KEK and header: the file the module fills in. */
static int prepare_file(struct ctl *ctl, uint8_t *kek, void *file)
{
	uint8_t salt[TPMKEY_BACKUP_SALT_SIZE], tpm_id[TPMKEY_TPM_ID_SIZE];
	char err[512];
	int ret;

	ret = tpmkey_tpm_id(ctl->tpm.tcti, ctl->st.parent_handle, tpm_id, err,
			    sizeof(err));
	if (ret)
		return out_finish(&ctl->out, TK_ENOTPM, "%s", err);
	ret = tpmkey_random(salt, sizeof(salt));
	if (ret)
		return out_finish(&ctl->out, TK_EINTERNAL,
				  "no random salt: %s", strerror(-ret));
	ret = ctl_derive_kek(ctl, true, &ctl->kdf, salt, kek);
	if (!ret)
		tpmkey_backup_header_init(file, &ctl->kdf, salt, &ctl->st,
					  tpm_id);
	return ret;
}

static int backup_with(struct ctl *ctl, uint8_t *kek, void *file)
{
	struct output *o = &ctl->out;
	struct tpmkey_stick *st = NULL;
	char id[TPMKEY_ID_HEX_SIZE];
	size_t len;
	int ret;

	ret = preflight(ctl, &st);
	if (!ret)
		ret = prepare_file(ctl, kek, file);
	if (!ret && !tpmkey_stick_same(st))
		ret = out_finish(o, TK_ENOSTICK,
				 "the USB stick was removed or replaced: insert it and run the command again");
	if (!ret) {
		ret = tpmkey_backup(ctl->fd, kek, file, &len);
		ret = ret ? ctl_error(ctl, ret, "backup") :
			    store(ctl, &st, file, len);
	}
	if (!ret && (ret = tpmkey_verify(ctl->fd, kek, file, len)))
		ret = out_finish(o, TK_EINTERNAL,
				 "the backup was written but does not verify (%s)",
				 strerror(-ret));
	if (!ret) {
		tpmkey_format_id(ctl->st.key_id, id);
		out_field_str(o, "key_id", id);
		out_field_str(o, "device", tpmkey_stick_device(st));
		out_field_str(o, "file", TPMKEY_BACKUP_NAME);
		out_field_uint(o, "kdf_time", ctl->kdf.time);
		out_field_uint(o, "kdf_memory_kib", ctl->kdf.memory_kib);
		out_field_uint(o, "kdf_lanes", ctl->kdf.lanes);
		out_info(o, "Backed up key %s to %s on %s and verified it.", id,
			 TPMKEY_BACKUP_NAME, tpmkey_stick_device(st));
		out_info(o, "Keep the stick and the password in a safe place, apart from each other. No further backup of this key is possible.");
		ret = out_finish(o, TK_OK, NULL);
	}
	tpmkey_stick_free(st);
	return ret;
}

int cmd_backup(struct ctl *ctl)
{
	uint8_t *kek, *file;
	int ret;

	if (!tpmkey_kdf_valid(&ctl->kdf, false))
		return out_finish(&ctl->out, TK_EUSAGE,
				  "KDF parameters out of bounds: time %d-%d, memory %d-%d KiB, lanes %d-%d",
				  TPMKEY_KDF_TIME_MIN, TPMKEY_KDF_TIME_MAX,
				  TPMKEY_KDF_MEMORY_MIN, TPMKEY_KDF_MEMORY_MAX,
				  TPMKEY_KDF_LANES_MIN, TPMKEY_KDF_LANES_MAX);
	if (ctl->st.state != TPMKEY_STATE_ACTIVE)
		return ctl_error(ctl, -ENOKEY, "backup");
	if (ctl->st.key_flags & TPMKEY_KEY_BACKED_UP)
		return ctl_error(ctl, -EALREADY, "backup");
	kek = tpmkey_secret_alloc(TPMKEY_KEK_SIZE);
	file = tpmkey_secret_alloc(TPMKEY_BACKUP_SIZE_MAX);
	ret = kek && file ? backup_with(ctl, kek, file) :
		out_finish(&ctl->out, TK_EINTERNAL, "out of memory");
	tpmkey_secret_free(kek, TPMKEY_KEK_SIZE);
	tpmkey_secret_free(file, TPMKEY_BACKUP_SIZE_MAX);
	return ret;
}
