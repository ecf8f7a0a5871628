// SPDX-License-Identifier: GPL-2.0
/*
 * Sealing backend on the kernel's trusted-keys subsystem.  The subsystem
 * cannot seal a value we supply, so the KMK is whatever random key it
 * creates ("new"); we read the key and its sealed blob out of the payload
 * and drop the trusted key at once.  Unsealing is a "load" of that blob.
 * On 6.1 and on 6.12 without CONFIG_TCG_TPM2_HMAC the KMK crosses the TPM
 * bus in clear, there is no policy and nothing to evict: its keys carry
 * no TPMKEY_PROT_* (backend.c warns when it is chosen).
 */

#include <keys/trusted-type.h>
#include <linux/err.h>
#include <linux/key.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "tpmkey.h"

#define TPMKEY_KMK_DESC		"tpmkey:kmk"

static int tpmkey_trusted_check(struct tpmkey_device *tk)
{
	return tk->features & TPMKEY_FEAT_TRUSTED_KEYS ? 0 : -ENOPKG;
}

/*
 * Instantiates a trusted key from @datablob (@len bytes, the subsystem's
 * "new"/"load" syntax) in the private keyring, copies out the key (and its
 * sealed blob if @sealed), and destroys the key.
 */
static int tpmkey_trusted_instantiate(const char *datablob, size_t len,
				      u8 *kmk, u8 *sealed, size_t *sealed_len)
{
	struct trusted_key_payload *p;
	struct key *key;
	key_ref_t ref;
	int ret = 0;

	ref = key_create_or_update(make_key_ref(tpmkey_keyring, true),
				   "trusted", TPMKEY_KMK_DESC, datablob, len,
				   KEY_POS_VIEW, KEY_ALLOC_NOT_IN_QUOTA);
	if (IS_ERR(ref))
		return PTR_ERR(ref);
	key = key_ref_to_ptr(ref);

	down_read(&key->sem);
	/* Same as dereference_key_locked(), which sparse cannot parse. */
	p = key->payload.data[0];
	if (!p || p->key_len != TPMKEY_KMK_SIZE || !p->blob_len ||
	    p->blob_len > TPMKEY_SEALED_SIZE_MAX) {
		ret = -EBADMSG;
	} else {
		memcpy(kmk, p->key, TPMKEY_KMK_SIZE);
		if (sealed) {
			memcpy(sealed, p->blob, p->blob_len);
			*sealed_len = p->blob_len;
		}
	}
	up_read(&key->sem);

	key_unlink(tpmkey_keyring, key);
	key_invalidate(key);
	key_ref_put(ref);
	return ret;
}

static int tpmkey_trusted_seal(struct tpmkey_device *tk,
			       struct tpmkey_key_info *info,
			       enum tpmkey_counter_op op, u8 *kmk, u8 *sealed,
			       size_t *sealed_len)
{
	char datablob[64];
	int len, ret;

	if (op != TPMKEY_COUNTER_KEEP) {
		ret = tpmkey_tpm2_counter(info, op, &info->nv_value);
		if (ret)
			return ret;
	}
	len = scnprintf(datablob, sizeof(datablob), "new %d keyhandle=0x%08x",
			TPMKEY_KMK_SIZE, info->parent_handle);
	ret = tpmkey_trusted_instantiate(datablob, len, kmk, sealed,
					 sealed_len);
	return ret ? tpmkey_tpm_refused(ret) : 0;
}

static int tpmkey_trusted_unseal(struct tpmkey_device *tk,
				 const struct tpmkey_key_info *info,
				 const u8 *sealed, size_t sealed_len, u8 *kmk)
{
	size_t len = sealed_len * 2 + 64;
	char *datablob, *p;
	int ret;

	datablob = kmalloc(len, GFP_KERNEL);
	if (!datablob)
		return -ENOMEM;
	p = datablob + scnprintf(datablob, len, "load ");
	p = bin2hex(p, sealed, sealed_len);
	p += scnprintf(p, len - (p - datablob), " keyhandle=0x%08x",
		       info->parent_handle);

	ret = tpmkey_trusted_instantiate(datablob, p - datablob, kmk, NULL,
					 NULL);
	kfree(datablob);
	return ret;
}

const struct tpmkey_backend tpmkey_backend_trusted = {
	.id = TPMKEY_BACKEND_TRUSTED,
	.name = "trusted",
	.protections = 0,
	.check = tpmkey_trusted_check,
	.seal = tpmkey_trusted_seal,
	.unseal = tpmkey_trusted_unseal,
	.counter = tpmkey_tpm2_counter,
};
