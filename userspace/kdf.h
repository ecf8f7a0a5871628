/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KDF_H
#define KDF_H

#include <stdbool.h>
#include <stdint.h>

#include "secret.h"

/*
 * Argon2id, version 0x13, turns the backup password into the key that
 * wraps the disk key on the USB stick.  The parameters travel in the backup
 * file, so a damaged or hostile file must not make us burn hours of CPU or
 * allocate terabytes: anything outside these bounds is refused before any
 * allocation.
 */
struct kdf_params {
	uint32_t time;		/* passes over the memory */
	uint32_t memory_kib;	/* KiB of memory */
	uint32_t lanes;		/* lanes, computed by as many threads */
};

#define KDF_KEY_SIZE		32
#define KDF_SALT_SIZE		32

#define KDF_TIME_MIN		1
#define KDF_TIME_MAX		64
#define KDF_MEMORY_MIN_KIB	8192		/* 8 MiB */
#define KDF_MEMORY_MAX_KIB	4194304		/* 4 GiB */
#define KDF_LANES_MIN		1
#define KDF_LANES_MAX		16

/* About one second on a 2-core machine; see kdf.c. */
extern const struct kdf_params kdf_default;

/* Within the bounds above, and at least 8 KiB of memory per lane. */
bool kdf_params_valid(const struct kdf_params *p);

/*
 * Derives KDF_KEY_SIZE bytes into @key_out, which this allocates.  Returns
 * 0; -EINVAL for parameters kdf_params_valid() refuses (nothing allocated);
 * -ENOMEM when Argon2 (or the key buffer) cannot get its memory; -EIO for
 * any other failure.
 * On failure *key_out is zeroed.
 */
int kdf_derive(const struct kdf_params *p, const struct secret *password,
	       const uint8_t salt[KDF_SALT_SIZE], struct secret *key_out);

/* Fresh salt from getrandom(); 0 or -errno. */
int kdf_random_salt(uint8_t salt[KDF_SALT_SIZE]);

#endif /* KDF_H */
