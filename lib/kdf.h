/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KDF_H
#define KDF_H

#include <stdbool.h>
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
