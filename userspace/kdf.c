// SPDX-License-Identifier: GPL-2.0
#include <argon2.h>
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>

#include "kdf.h"

/*
 * Measured with kdf_derive() on the 2-core development machine (AMD EPYC):
 * 4 passes over 512 MiB in 2 lanes take 1.0 s (3 passes 0.8 s, 5 passes
 * 1.2 s; 1 GiB would be 2.5 s).  512 MiB is the most an appliance can
 * spare; two lanes use both cores and still work, in twice the time, on
 * one.
 */
const struct kdf_params kdf_default = {
	.time = 4,
	.memory_kib = 512 * 1024,
	.lanes = 2,
};

bool kdf_params_valid(const struct kdf_params *p)
{
	return p->time >= KDF_TIME_MIN && p->time <= KDF_TIME_MAX &&
	       p->memory_kib >= KDF_MEMORY_MIN_KIB &&
	       p->memory_kib <= KDF_MEMORY_MAX_KIB &&
	       p->lanes >= KDF_LANES_MIN && p->lanes <= KDF_LANES_MAX &&
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

int kdf_derive(const struct kdf_params *p, const struct secret *password,
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
	size_t done = 0;

	while (done < KDF_SALT_SIZE) {
		ssize_t n = getrandom(salt + done, KDF_SALT_SIZE - done, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		done += n;
	}
	return 0;
}
