/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BACKUPFILE_H
#define BACKUPFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/tpmkey.h>

#include "kdf.h"
#include "password.h"
#include "usb.h"

#define TPMKEY_BACKUP_NAME	"TPMKEY.BAK"

struct ctl;

/* How the password reaches tpmkeyctl: --password-fd, --password-file, tty. */
struct password_options {
	enum password_source source;
	int fd;
	const char *path;
};

enum { OPT_PASSWORD_FD = 0x200, OPT_PASSWORD_FILE, OPT_WAIT };

#define PASSWORD_LONG_OPTIONS \
	{ "password-fd", required_argument, NULL, OPT_PASSWORD_FD }, \
	{ "password-file", required_argument, NULL, OPT_PASSWORD_FILE }, \
	{ "wait", required_argument, NULL, OPT_WAIT }

/* Options every backup command shares; false if @c is another option. */
bool backup_option(struct ctl *ctl, struct password_options *pw,
		   unsigned int *wait_ms, int c, const char *arg, int *ret);

void backup_header_init(struct tpmkey_backup_header *hdr,
			const struct kdf_params *kdf,
			const uint8_t salt[KDF_SALT_SIZE],
			const struct tpmkey_status *st,
			const uint8_t tpm_id[TPMKEY_TPM_ID_SIZE]);

/*
 * Checks a backup file's structure and KDF parameters (before any memory
 * is spent on the KDF); fills @kdf and @salt.
 */
bool backup_header_parse(const void *file, size_t len,
			 struct kdf_params *kdf, uint8_t salt[KDF_SALT_SIZE]);

/* Reads the password and derives the KEK; finishes the command on failure. */
int ctl_derive_kek(struct ctl *ctl, const struct password_options *pw,
		   bool confirm, const struct kdf_params *kdf,
		   const uint8_t salt[KDF_SALT_SIZE], struct secret *kek);

/* Finds the one stick, mounts it read-only, reads TPMKEY.BAK. */
int ctl_read_backup(struct ctl *ctl, unsigned int wait_ms, void *file,
		    size_t *len);

/* usb_find() of the one stick, saying so on a terminal while it waits. */
int ctl_find_stick(struct ctl *ctl, struct usb_stick *st,
		   unsigned int wait_ms, char *err, size_t errlen);

/*
 * verify-backup and restore: reads TPMKEY.BAK from the one stick, checks
 * its header, asks for the password once and derives the KEK; finishes
 * the command on failure.
 */
int ctl_backup_kek(struct ctl *ctl, const struct password_options *pw,
		   unsigned int wait_ms, void *file, size_t *len,
		   struct secret *kek);

/* Finishes a command with 13: wrong password or damaged backup. */
int ctl_bad_backup(struct ctl *ctl);

/* Finishes a command with the exit code of a usb_*() failure. */
int ctl_usb_error(struct ctl *ctl, int ret, const char *err);

#endif /* BACKUPFILE_H */
