// SPDX-License-Identifier: GPL-2.0
#include <argon2.h>
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>

#include "internal.h"
#include "kdf.h"

bool kdf_params_valid(const struct tpmkey_kdf *p)
{
	return p->time >= TPMKEY_KDF_TIME_MIN &&
	       p->time <= TPMKEY_KDF_TIME_MAX &&
	       p->memory_kib >= TPMKEY_KDF_MEMORY_MIN &&
	       p->memory_kib <= TPMKEY_KDF_MEMORY_MAX &&
	       p->lanes >= TPMKEY_KDF_LANES_MIN &&
	       p->lanes <= TPMKEY_KDF_LANES_MAX &&
	       p->memory_kib >= 8 * p->lanes;
}

/*
 * Argon2's working memory is derived from the password: whoever reads it
 * can test guesses or finish the computation.  Keep it out of core dumps.
 * It is not locked: hundreds of MiB would exceed any RLIMIT_MEMLOCK.
 * Argon2 wipes it before freeing.
 */
static int kdf_map(uint8_t **memory, size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		*memory = NULL;
		return ARGON2_MEMORY_ALLOCATION_ERROR;
	}
	/* Best effort: a kernel without it still computes the right key. */
	madvise(p, size, MADV_DONTDUMP);
	*memory = p;
	return ARGON2_OK;
}

static void kdf_unmap(uint8_t *memory, size_t size)
{
	munmap(memory, size);
}

int kdf_derive(const struct tpmkey_kdf *p, const struct secret *password,
	       const uint8_t salt[KDF_SALT_SIZE], struct secret *key_out)
{
	argon2_context ctx;
	int ret;

	memset(key_out, 0, sizeof(*key_out));
	if (!kdf_params_valid(p) || (uint64_t)password->len > UINT32_MAX)
		return -EINVAL;
	ret = secret_alloc(key_out, KDF_KEY_SIZE);
	if (ret)
		return ret;

	/*
	 * argon2_ctx() rather than argon2id_hash_raw(): it lets us pin the
	 * version (a library default could change under old backups) and
	 * place the working memory ourselves.
	 */
	memset(&ctx, 0, sizeof(ctx));
	ctx.out = key_out->data;
	ctx.outlen = KDF_KEY_SIZE;
	/* Argon2 writes to pwd only with ARGON2_FLAG_CLEAR_PASSWORD. */
	ctx.pwd = password->data;
	ctx.pwdlen = password->len;
	ctx.salt = (uint8_t *)salt;
	ctx.saltlen = KDF_SALT_SIZE;
	ctx.t_cost = p->time;
	ctx.m_cost = p->memory_kib;
	ctx.lanes = p->lanes;
	ctx.threads = p->lanes;
	ctx.version = ARGON2_VERSION_13;
	ctx.allocate_cbk = kdf_map;
	ctx.free_cbk = kdf_unmap;
	ctx.flags = ARGON2_DEFAULT_FLAGS;

	ret = argon2_ctx(&ctx, Argon2_id);
	if (ret == ARGON2_OK) {
		key_out->len = KDF_KEY_SIZE;
		return 0;
	}
	secret_free(key_out);
	return ret == ARGON2_MEMORY_ALLOCATION_ERROR ? -ENOMEM : -EIO;
}

int kdf_random_salt(uint8_t salt[KDF_SALT_SIZE])
{
	return tpmkey_random(salt, KDF_SALT_SIZE);
}

TPMKEY_EXPORT int tpmkey_random(void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = getrandom((uint8_t *)buf + done, len - done, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		done += n;
	}
	return 0;
}

TPMKEY_EXPORT bool tpmkey_kdf_valid(const struct tpmkey_kdf *kdf,
				    bool new_backup)
{
	if (new_backup && (kdf->time < TPMKEY_KDF_NEW_TIME_MIN ||
			   kdf->memory_kib < TPMKEY_KDF_NEW_MEMORY_MIN))
		return false;
	return kdf_params_valid(kdf);
}

TPMKEY_EXPORT int tpmkey_kdf_derive(const struct tpmkey_kdf *kdf,
				    const void *password, size_t password_len,
				    const uint8_t salt[TPMKEY_BACKUP_SALT_SIZE],
				    uint8_t kek[TPMKEY_KEK_SIZE])
{
	struct secret pw = { .data = (uint8_t *)password, .len = password_len,
			     .cap = password_len };
	struct secret key = { 0 };
	int ret;

	ret = kdf_derive(kdf, &pw, salt, &key);
	if (ret)
		return ret;
	memcpy(kek, key.data, TPMKEY_KEK_SIZE);
	secret_free(&key);
	return 0;
}
