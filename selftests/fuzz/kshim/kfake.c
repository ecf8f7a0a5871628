// SPDX-License-Identifier: GPL-2.0
/*
 * Stand-ins for the parts of the module that talk to the rest of the
 * kernel and hold no parser: kernel/crypto.c (AES-256-GCM, here through
 * OpenSSL), dek.c (the logon key), keys.c (the private keyring and the
 * feature probe) and seal_trusted.c (the trusted-keys backend, here a
 * fake whose KMK is kshim_kmk).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "kshim.h"
#include "../../../kernel/tpmkey.h"

const u8 kshim_kmk[32] = "kshim fixed key-master key 32 B";
const u8 kshim_dek[64] = "kshim fixed data-encryption key, sixty-four bytes long.........";

/* ---- crypto.c ---- */

int tpmkey_crypto_init(void)
{
	return 0;
}

void tpmkey_crypto_exit(void)
{
}

static int gcm(bool encrypt, const u8 *key, const u8 *nonce, const u8 *aad,
	       size_t aad_len, const u8 *in, u8 *out, size_t len)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	u8 tag[TPMKEY_GCM_TAG_SIZE];
	u8 *tmp = malloc(len ? len : 1);
	int n, ret = -EIO;

	if (!ctx || !tmp)
		goto out;
	if (!EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL,
			       encrypt) ||
	    !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN,
				 TPMKEY_GCM_NONCE_SIZE, NULL) ||
	    !EVP_CipherInit_ex(ctx, NULL, NULL, key, nonce, encrypt) ||
	    !EVP_CipherUpdate(ctx, NULL, &n, aad, aad_len) ||
	    !EVP_CipherUpdate(ctx, tmp, &n, in, len))
		goto out;
	if (encrypt) {
		if (!EVP_CipherFinal_ex(ctx, tmp + n, &n) ||
		    !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG,
					 TPMKEY_GCM_TAG_SIZE, tag))
			goto out;
		memcpy(out, tmp, len);
		memcpy(out + len, tag, TPMKEY_GCM_TAG_SIZE);
	} else {
		memcpy(tag, in + len, TPMKEY_GCM_TAG_SIZE);
		if (!EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG,
					 TPMKEY_GCM_TAG_SIZE, tag))
			goto out;
		if (EVP_CipherFinal_ex(ctx, tmp + n, &n) <= 0) {
			ret = -EBADMSG;
			goto out;
		}
		memcpy(out, tmp, len);
	}
	ret = 0;
out:
	if (tmp) {
		explicit_bzero(tmp, len);
		free(tmp);
	}
	EVP_CIPHER_CTX_free(ctx);
	return ret;
}

int tpmkey_seal_gcm(const u8 *key, const u8 *nonce, const u8 *aad,
		    size_t aad_len, const u8 *in, u8 *out, size_t len)
{
	return gcm(true, key, nonce, aad, aad_len, in, out, len);
}

int tpmkey_open_gcm(const u8 *key, const u8 *nonce, const u8 *aad,
		    size_t aad_len, const u8 *in, u8 *out, size_t len)
{
	return gcm(false, key, nonce, aad, aad_len, in, out, len);
}

/* ---- dek.c: a "logon key" is a malloc()ed copy of the DEK ---- */

struct key {
	size_t len;
	u8 dek[TPMKEY_DEK_SIZE_MAX];
};

struct key *tpmkey_dek_install(const u8 *dek, size_t len)
{
	struct key *k;

	if (kshim.dek_install_fails)
		return ERR_PTR(-EDQUOT);
	if (len < TPMKEY_DEK_SIZE_MIN || len > TPMKEY_DEK_SIZE_MAX) {
		fprintf(stderr, "kfake: DEK of %zu bytes installed\n", len);
		abort();
	}
	k = calloc(1, sizeof(*k));
	if (!k)
		return ERR_PTR(-ENOMEM);
	k->len = len;
	memcpy(k->dek, dek, len);
	return k;
}

void tpmkey_dek_destroy(struct key *key)
{
	free(key);
}

int tpmkey_dek_read(struct key *key, u8 *dek, size_t len)
{
	if (len != key->len)
		return -EKEYREVOKED;
	memcpy(dek, key->dek, len);
	return 0;
}

/* ---- keys.c ---- */

struct key *tpmkey_keyring;

int tpmkey_keys_init(void)
{
	return 0;
}

void tpmkey_keys_exit(void)
{
}

u32 tpmkey_features(void)
{
	return kshim.trusted_keys ? TPMKEY_FEAT_TRUSTED_KEYS : 0;
}

/* ---- seal_trusted.c: a fake backend ---- */

static int fake_check(void)
{
	return kshim.trusted_keys ? 0 : -ENOPKG;
}

static int fake_seal_new(u32 parent, u8 *kmk, u8 *sealed,
			 size_t *sealed_len)
{
	(void)parent;
	if (kshim.seal_fails)
		return -EIO;
	memcpy(kmk, kshim_kmk, TPMKEY_KMK_SIZE);
	*sealed_len = kshim.sealed_len;
	memset(sealed, 0x5a, *sealed_len);
	return 0;
}

static int fake_unseal(u32 parent, const u8 *sealed, size_t sealed_len,
		       u8 *kmk)
{
	(void)parent;
	if (!sealed_len || sealed_len > TPMKEY_SEALED_SIZE_MAX) {
		fprintf(stderr, "kfake: unseal of %zu bytes\n", sealed_len);
		abort();
	}
	(void)sealed[sealed_len - 1];	/* ASan: all of it is there */
	if (kshim.unseal_fails)
		return -EINVAL;
	memcpy(kmk, kshim_kmk, TPMKEY_KMK_SIZE);
	return 0;
}

const struct tpmkey_sealer tpmkey_sealer_trusted = {
	.backend = TPMKEY_BACKEND_TRUSTED,
	.name = "kshim-fake",
	.check = fake_check,
	.seal_new = fake_seal_new,
	.unseal = fake_unseal,
};

void kshim_reset(void)
{
	memset(&kshim, 0, sizeof(kshim));
	kshim.capable = true;
	kshim.tpm_present = true;
	kshim.tpm2 = true;
	kshim.trusted_keys = true;
	kshim.sealed_len = 100;
	kshim.tpm_fix_length = true;
	kshim.random_state = 0x9e3779b97f4a7c15ull;
	kshim_user_reset();
}
