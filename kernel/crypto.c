// SPDX-License-Identifier: GPL-2.0
/*
 * AES-256-GCM through the kernel's AEAD API.  The request works in place on
 * one kmalloc'd buffer (aad | data | tag): scatterlists must not point at
 * the stack, and one buffer means one place to wipe.
 *
 * One transform, allocated when the module loads, serves every call:
 * allocating "gcm(aes)" (the template instance, its ctr and ghash
 * children) was most of the module's own time in LOAD.  Its own mutex
 * serialises the key changes; after each use the key is replaced by an
 * all-zero one, so no key schedule of a real key stays in the transform.
 */

#include <crypto/aead.h>
#include <linux/mutex.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "tpmkey.h"

static struct crypto_aead *tpmkey_aead;
static DEFINE_MUTEX(tpmkey_aead_lock);	/* guards tpmkey_aead's key */

int tpmkey_crypto_init(void)
{
	struct crypto_aead *tfm;
	int ret;

	tfm = crypto_alloc_aead("gcm(aes)", 0, 0);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	ret = crypto_aead_setauthsize(tfm, TPMKEY_GCM_TAG_SIZE);
	if (ret) {
		crypto_free_aead(tfm);
		return ret;
	}
	tpmkey_aead = tfm;
	return 0;
}

void tpmkey_crypto_exit(void)
{
	crypto_free_aead(tpmkey_aead);
	tpmkey_aead = NULL;
}

static int tpmkey_gcm(bool encrypt, const u8 *key, const u8 *nonce,
		      const u8 *aad, size_t aad_len, const u8 *in, u8 *out,
		      size_t len)
{
	static const u8 zero_key[TPMKEY_AES_KEY_SIZE];
	size_t in_len = encrypt ? len : len + TPMKEY_GCM_TAG_SIZE;
	size_t out_len = encrypt ? len + TPMKEY_GCM_TAG_SIZE : len;
	size_t buf_len = aad_len + len + TPMKEY_GCM_TAG_SIZE;
	struct crypto_aead *tfm = tpmkey_aead;
	struct aead_request *req;
	DECLARE_CRYPTO_WAIT(wait);
	struct scatterlist sg;
	u8 iv[TPMKEY_GCM_NONCE_SIZE];
	u8 *buf;
	int ret;

	buf = kmalloc(buf_len, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	req = aead_request_alloc(tfm, GFP_KERNEL);
	if (!req) {
		ret = -ENOMEM;
		goto out_buf;
	}
	mutex_lock(&tpmkey_aead_lock);
	ret = crypto_aead_setkey(tfm, key, TPMKEY_AES_KEY_SIZE);
	if (ret)
		goto out_unlock;

	memcpy(buf, aad, aad_len);
	memcpy(buf + aad_len, in, in_len);
	memcpy(iv, nonce, sizeof(iv));
	sg_init_one(&sg, buf, buf_len);
	aead_request_set_callback(req, CRYPTO_TFM_REQ_MAY_SLEEP,
				  crypto_req_done, &wait);
	aead_request_set_ad(req, aad_len);
	aead_request_set_crypt(req, &sg, &sg, in_len, iv);
	ret = crypto_wait_req(encrypt ? crypto_aead_encrypt(req) :
				      crypto_aead_decrypt(req), &wait);
	if (!ret)
		memcpy(out, buf + aad_len, out_len);

	/* Cannot fail for a 32-byte key once the real one was accepted. */
	crypto_aead_setkey(tfm, zero_key, sizeof(zero_key));
out_unlock:
	mutex_unlock(&tpmkey_aead_lock);
	memzero_explicit(iv, sizeof(iv));
	aead_request_free(req);
out_buf:
	kfree_sensitive(buf);
	return ret;
}

/**
 * tpmkey_seal_gcm() - encrypt and authenticate with AES-256-GCM
 * @key: TPMKEY_AES_KEY_SIZE bytes
 * @nonce: TPMKEY_GCM_NONCE_SIZE bytes, never used twice with @key
 * @aad: authenticated, not encrypted
 * @aad_len: its length
 * @in: @len bytes of plaintext
 * @out: receives @len bytes of ciphertext followed by the tag
 * @len: plaintext length
 *
 * Return: 0 or a negative errno.
 */
int tpmkey_seal_gcm(const u8 *key, const u8 *nonce, const u8 *aad,
		    size_t aad_len, const u8 *in, u8 *out, size_t len)
{
	return tpmkey_gcm(true, key, nonce, aad, aad_len, in, out, len);
}

/**
 * tpmkey_open_gcm() - check and decrypt what tpmkey_seal_gcm() produced
 * @key: TPMKEY_AES_KEY_SIZE bytes
 * @nonce: TPMKEY_GCM_NONCE_SIZE bytes
 * @aad: authenticated data
 * @aad_len: its length
 * @in: @len bytes of ciphertext followed by the tag
 * @out: receives @len bytes of plaintext, only if the tag is right
 * @len: plaintext length
 *
 * Return: 0, -EBADMSG when the tag does not match, or a negative errno.
 */
int tpmkey_open_gcm(const u8 *key, const u8 *nonce, const u8 *aad,
		    size_t aad_len, const u8 *in, u8 *out, size_t len)
{
	return tpmkey_gcm(false, key, nonce, aad, aad_len, in, out, len);
}
