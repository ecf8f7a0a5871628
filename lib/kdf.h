/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KDF_H
#define KDF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libtpmkey.h"
#include "secret.h"

/*
 * Argon2id, version 0x13, turns the backup password into the key that
 * wraps the disk key on the USB stick.  The parameters travel in the backup
 * file, so a damaged or hostile file must not make us burn hours of CPU or
 * allocate terabytes: anything outside the UAPI's TPMKEY_KDF_* bounds is
 * refused before any allocation.
 */
#define KDF_KEY_SIZE		TPMKEY_KEK_SIZE
#define KDF_SALT_SIZE		TPMKEY_BACKUP_SALT_SIZE

/* About one second on a 2-core machine; see kdf.c. */
extern const struct tpmkey_kdf kdf_default;

/* Within the bounds a backup file may carry, 8 KiB of memory per lane. */
bool kdf_params_valid(const struct tpmkey_kdf *p);

/*
 * What this machine affords for a backup file's parameters (verify-backup,
 * restore), before the KDF runs:
 *   memory: at most three quarters of MemAvailable in @meminfo (a quarter
 *           stays for the rest of the system), so a hostile file cannot
 *           call the OOM killer;
 *   time:   passes x memory at most KDF_WORK_MAX KiB-passes, 16 times the
 *           default's (4 x 512 MiB): about 16 s on the development machine,
 *           minutes on a slow appliance, never the header's worst case
 *           (64 x 4 GiB, 128 times the default).  A fixed bound, not a
 *           calibration: the same answer on every machine and every run.
 * Returns 0, -ENOMEM (memory), -ETIME (time), or another negative errno
 * when @meminfo cannot be read; a message in @err.
 */
#define KDF_WORK_MAX	(16ULL * 4 * 512 * 1024)
int kdf_cost_check(const struct tpmkey_kdf *p, const char *meminfo,
		   char *err, size_t errlen);

/*
 * Derives KDF_KEY_SIZE bytes into @key_out, which this allocates.  Returns
 * 0; -EINVAL for parameters kdf_params_valid() refuses (nothing allocated);
 * -ENOMEM when Argon2 (or the key buffer) cannot get its memory; -EIO for
 * any other failure.  On failure *key_out is zeroed.
 */
int kdf_derive(const struct tpmkey_kdf *p, const struct secret *password,
	       const uint8_t salt[KDF_SALT_SIZE], struct secret *key_out);

/* Fresh salt from getrandom(); 0 or -errno. */
int kdf_random_salt(uint8_t salt[KDF_SALT_SIZE]);

#endif /* KDF_H */
