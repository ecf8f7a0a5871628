// SPDX-License-Identifier: GPL-2.0
/*
 * The native backend's two TPM objects and the commands that make and use
 * them.  The per-key object is an ECC P-256 storage key (restricted,
 * decrypt, noDA), made under the storage key and kept at a persistent
 * handle: it parents the sealed KMK and salts every session, and evicting
 * it (ERASE) makes every copy of the key's state useless on this TPM.  The
 * sealed KMK is a keyed-hash object without userWithAuth whose authPolicy
 * is a PolicyPCR over the boot-phase lock PCR and the bound platform PCRs.
 */

#include <crypto/algapi.h>
#include <crypto/sha2.h>
#include <linux/string.h>

#include "tpm2_compat.h"
#include "tpm2_object.h"

#define TPMKEY_KEY_ATTRS	(TPM2_OA_FIXED_TPM | TPM2_OA_FIXED_PARENT | \
				 TPM2_OA_SENSITIVE_DATA_ORIGIN | \
				 TPM2_OA_USER_WITH_AUTH | TPM2_OA_NO_DA | \
				 TPM2_OA_RESTRICTED | TPM2_OA_DECRYPT)
/*
 * No userWithAuth: the empty password must not bypass the policy; and
 * adminWithPolicy, so that admin actions need it too.
 */
#define TPMKEY_SEALED_ATTRS	(TPM2_OA_FIXED_TPM | TPM2_OA_FIXED_PARENT | \
				 TPM2_OA_ADMIN_WITH_POLICY | TPM2_OA_NO_DA)
#ifndef TPM2_OA_ADMIN_WITH_POLICY
#define TPM2_OA_ADMIN_WITH_POLICY	BIT(7)
#endif

/* TPMT_PUBLIC of the per-key key; @point NULL gives Create's template. */
static void tpmkey_key_public(struct tpm_buf *p, const u8 *point)
{
	tpm_buf_append_u16(p, TPM_ALG_ECC);
	tpm_buf_append_u16(p, TPM_ALG_SHA256);
	tpm_buf_append_u32(p, TPMKEY_KEY_ATTRS);
	tpm_buf_append_u16(p, 0);			/* authPolicy */
	tpm_buf_append_u16(p, TPM_ALG_AES);		/* symmetric */
	tpm_buf_append_u16(p, 128);
	tpm_buf_append_u16(p, TPM_ALG_CFB);
	tpm_buf_append_u16(p, TPM_ALG_NULL);		/* scheme */
	tpm_buf_append_u16(p, TPM2_ECC_NIST_P256);
	tpm_buf_append_u16(p, TPM_ALG_NULL);		/* kdf */
	tpm_buf_append_u16(p, point ? TPMKEY_ECC_COORD_SIZE : 0);
	if (point)
		tpm_buf_append(p, point, TPMKEY_ECC_COORD_SIZE);
	tpm_buf_append_u16(p, point ? TPMKEY_ECC_COORD_SIZE : 0);
	if (point)
		tpm_buf_append(p, point + TPMKEY_ECC_COORD_SIZE,
			       TPMKEY_ECC_COORD_SIZE);
}

/**
 * tpmkey_key_name() - the per-key object's Name from its recorded point
 * @tpm: the hold (its params buffer is used as scratch)
 * @point: x then y
 * @name: receives the Name
 */
void tpmkey_key_name(struct tpmkey_tpm *tpm, const u8 *point,
		     struct tpmkey_name *name)
{
	struct tpm_buf *p = tpmkey_tpm2_params(tpm);

	tpmkey_key_public(p, point);
	tpmkey_digest_name(p->data + TPM_HEADER_SIZE,
			   tpm_buf_length(p) - TPM_HEADER_SIZE, name);
}

/**
 * tpmkey_policy_digest() - the authPolicy of a sealed KMK
 * @pcr_mask: the PCRs of the policy
 * @digests: their values, TPMKEY_PCR_COUNT digests indexed by PCR
 * @policy: receives H(0...0 || TPM_CC_PolicyPCR || pcrs || H(values))
 */
void tpmkey_policy_digest(u32 pcr_mask, const u8 *digests, u8 *policy)
{
	u8 sel[4 + 2 + 1 + 3], values[SHA256_DIGEST_SIZE], cc[4];
	struct sha256_state sha;
	unsigned int pcr;

	sha256_init(&sha);
	for (pcr = 0; pcr < TPMKEY_PCR_COUNT; pcr++)
		if (pcr_mask & BIT(pcr))
			sha256_update(&sha, digests +
				      pcr * TPMKEY_PCR_DIGEST_SIZE,
				      TPMKEY_PCR_DIGEST_SIZE);
	sha256_final(&sha, values);

	put_unaligned_be32(1, sel);
	put_unaligned_be16(TPM_ALG_SHA256, sel + 4);
	sel[6] = 3;
	sel[7] = pcr_mask & 0xff;
	sel[8] = (pcr_mask >> 8) & 0xff;
	sel[9] = (pcr_mask >> 16) & 0xff;

	put_unaligned_be32(TPM2_CC_POLICY_PCR, cc);
	memset(policy, 0, SHA256_DIGEST_SIZE);
	sha256_init(&sha);
	sha256_update(&sha, policy, SHA256_DIGEST_SIZE);
	sha256_update(&sha, cc, sizeof(cc));
	sha256_update(&sha, sel, sizeof(sel));
	sha256_update(&sha, values, sizeof(values));
	sha256_final(&sha, policy);
}

/* The TPM2B_PRIVATE and TPM2B_PUBLIC that TPM2_Create returned. */
static int tpmkey_created(const struct tpmkey_cmd *cmd, const u8 **pub,
			  int *pub_len, int *priv_len)
{
	*priv_len = tpmkey_tpm2b(cmd->resp, cmd->resp_len);
	if (*priv_len <= 0)
		return -EFAULT;
	*pub_len = tpmkey_tpm2b(cmd->resp + 2 + *priv_len,
				cmd->resp_len - 2 - *priv_len);
	if (*pub_len <= 0)
		return -EFAULT;
	*pub = cmd->resp + 2 + *priv_len + 2;
	return 0;
}

/* TPM2_Load of TPM2B_PRIVATE || TPM2B_PUBLIC; the empty password. */
static int tpmkey_load(struct tpmkey_tpm *tpm, u32 parent, const u8 *blob,
		       size_t len, u32 *handle)
{
	struct tpmkey_cmd cmd = {
		.cc = TPM2_CC_LOAD,
		.handles = { parent },
		.nr_handles = 1,
		.auth = true,
		.resp_handles = 1,
	};
	int ret;

	tpm_buf_append(tpmkey_tpm2_params(tpm), blob, len);
	ret = tpmkey_tpm2_run(tpm, &cmd);
	if (!ret)
		*handle = cmd.resp_handle;
	return ret;
}

/*
 * Persists @object at the first free tpmkey handle: -ENOSPC when all of
 * them are taken or the TPM's NV is full.  Objects whose state files are
 * gone (a power cut between ACTIVATE and the state write) are left for
 * the administrator: the module cannot tell them from a key whose state
 * lives elsewhere.
 */
static int tpmkey_persist(struct tpmkey_tpm *tpm, u32 object, u32 *handle)
{
	unsigned int i;
	int ret = -ENOSPC;

	for (i = 0; i < TPMKEY_KEY_HANDLE_COUNT; i++) {
		ret = tpmkey_tpm2_evict(tpm, object,
					TPMKEY_KEY_HANDLE_FIRST + i);
		if (ret != -EEXIST)
			break;
	}
	if (!ret)
		*handle = TPMKEY_KEY_HANDLE_FIRST + i;
	else if (ret == -EEXIST)
		ret = -ENOSPC;
	return ret;
}

/**
 * tpmkey_key_create() - make the per-key object
 * @tpm: the hold
 * @parent: persistent handle of the storage key
 * @handle: receives the persistent handle it was given
 * @point: receives its public point, x then y
 *
 * TPM2_Create (the TPM makes the private part: nothing secret crosses the
 * bus), TPM2_Load, TPM2_EvictControl and TPM2_FlushContext.  The private
 * part is kept nowhere but at @handle.
 *
 * Return: 0; -ENOENT no storage key at @parent; -ENOSPC every tpmkey
 * handle is taken; -EFAULT a malformed response or a public area that is
 * not the one asked for; or another negative errno.
 */
int tpmkey_key_create(struct tpmkey_tpm *tpm, u32 parent, u32 *handle,
		      u8 *point)
{
	struct tpmkey_cmd cmd = {
		.cc = TPM2_CC_CREATE,
		.desc = "creating the tpmkey key object",
		.handles = { parent },
		.nr_handles = 1,
		.auth = true,
	};
	int priv_len, pub_len, ret, flush_ret;
	u8 *blob = NULL, *expect;
	struct tpm_buf *p;
	const u8 *pub;
	u32 transient;

	p = tpmkey_tpm2_params(tpm);
	tpm_buf_append_u16(p, 4);		/* inSensitive: empty */
	tpm_buf_append_u16(p, 0);
	tpm_buf_append_u16(p, 0);
	tpm_buf_append_u16(p, 2 + 2 + 4 + 2 + 6 + 2 + 2 + 2 + 4);
	tpmkey_key_public(p, NULL);
	tpm_buf_append_u16(p, 0);		/* outsideInfo */
	tpm_buf_append_u32(p, 0);		/* creationPCR */
	ret = tpmkey_tpm2_run(tpm, &cmd);
	if (ret)
		return ret;
	ret = tpmkey_created(&cmd, &pub, &pub_len, &priv_len);
	if (ret)
		return ret;
	/* unique: x and y of 32 bytes each, at the end of the area */
	if (pub_len < 4 + 2 * TPMKEY_ECC_COORD_SIZE ||
	    get_unaligned_be16(pub + pub_len - 4 - 2 * TPMKEY_ECC_COORD_SIZE) !=
	    TPMKEY_ECC_COORD_SIZE)
		return -EFAULT;
	memcpy(point, pub + pub_len - 2 - 2 * TPMKEY_ECC_COORD_SIZE,
	       TPMKEY_ECC_COORD_SIZE);
	memcpy(point + TPMKEY_ECC_COORD_SIZE,
	       pub + pub_len - TPMKEY_ECC_COORD_SIZE, TPMKEY_ECC_COORD_SIZE);

	blob = kmemdup(cmd.resp, 2 + priv_len + 2 + pub_len, GFP_KERNEL);
	if (!blob)
		return -ENOMEM;
	/* The area must be the template with the TPM's point, nothing else. */
	p = tpmkey_tpm2_params(tpm);
	tpmkey_key_public(p, point);
	expect = p->data + TPM_HEADER_SIZE;
	if (tpm_buf_length(p) - TPM_HEADER_SIZE != pub_len ||
	    memcmp(expect, blob + 2 + priv_len + 2, pub_len)) {
		ret = -EFAULT;
		goto out;
	}

	ret = tpmkey_load(tpm, parent, blob, 2 + priv_len + 2 + pub_len,
			  &transient);
	if (ret)
		goto out;
	ret = tpmkey_persist(tpm, transient, handle);
	flush_ret = tpmkey_tpm2_flush(tpm, transient);
	if (!ret && flush_ret) {
		tpmkey_tpm2_evict(tpm, *handle, *handle);
		ret = flush_ret;
	}
out:
	kfree(blob);
	return ret;
}

/**
 * tpmkey_sealed_create() - seal the KMK under the per-key object
 * @tpm: the hold
 * @key_handle: the per-key object
 * @key_name: its Name
 * @s: a session salted to it, which encrypts the KMK on its way in;
 *	NULL only for the test that proves the bus sniffer works
 * @policy: the authPolicy
 * @kmk: the KMK, TPMKEY_KMK_SIZE bytes
 * @sealed: receives TPM2B_PRIVATE || TPM2B_PUBLIC
 * @sealed_len: in: room in @sealed; out: the length
 *
 * Return: 0 or a negative errno.
 */
int tpmkey_sealed_create(struct tpmkey_tpm *tpm, u32 key_handle,
			 const struct tpmkey_name *key_name,
			 struct tpmkey_session *s, const u8 *policy,
			 const u8 *kmk, u8 *sealed, size_t *sealed_len)
{
	struct tpmkey_cmd cmd = {
		.cc = TPM2_CC_CREATE,
		.desc = "sealing the tpmkey KMK",
		.handles = { key_handle },
		.names = { key_name },
		.nr_handles = 1,
		.auth = true,
		.session = s,
	};
	int priv_len, pub_len, ret;
	struct tpm_buf *p;
	const u8 *pub;

	p = tpmkey_tpm2_params(tpm);
	/* inSensitive: TPM2B_SENSITIVE_CREATE { userAuth, data } */
	tpm_buf_append_u16(p, 2 + 2 + TPMKEY_KMK_SIZE);
	tpm_buf_append_u16(p, 0);
	tpm_buf_append_u16(p, TPMKEY_KMK_SIZE);
	tpm_buf_append(p, kmk, TPMKEY_KMK_SIZE);
	/* inPublic: a keyed-hash object without scheme is a sealed object */
	tpm_buf_append_u16(p, 2 + 2 + 4 + 2 + SHA256_DIGEST_SIZE + 2 + 2);
	tpm_buf_append_u16(p, TPM_ALG_KEYEDHASH);
	tpm_buf_append_u16(p, TPM_ALG_SHA256);
	tpm_buf_append_u32(p, TPMKEY_SEALED_ATTRS);
	tpm_buf_append_u16(p, SHA256_DIGEST_SIZE);
	tpm_buf_append(p, policy, SHA256_DIGEST_SIZE);
	tpm_buf_append_u16(p, TPM_ALG_NULL);		/* scheme */
	tpm_buf_append_u16(p, 0);			/* unique */
	tpm_buf_append_u16(p, 0);			/* outsideInfo */
	tpm_buf_append_u32(p, 0);			/* creationPCR */

	if (s)
		s->attrs = TPM2_SA_DECRYPT;	/* the session's last command */
	ret = tpmkey_tpm2_run(tpm, &cmd);
	if (ret)
		return ret;
	ret = tpmkey_created(&cmd, &pub, &pub_len, &priv_len);
	if (ret)
		return ret;
	if (2 + priv_len + 2 + pub_len > *sealed_len)
		return -EFAULT;
	*sealed_len = 2 + priv_len + 2 + pub_len;
	memcpy(sealed, cmd.resp, *sealed_len);
	return 0;
}

/* The sealed object's Name, from the public area in @sealed. */
static int tpmkey_sealed_name(const u8 *sealed, size_t len,
			      struct tpmkey_name *name)
{
	int priv_len, pub_len;

	priv_len = tpmkey_tpm2b(sealed, len);
	if (priv_len < 0)
		return -EBADMSG;
	pub_len = tpmkey_tpm2b(sealed + 2 + priv_len, len - 2 - priv_len);
	if (pub_len <= 0 || 2 + priv_len + 2 + pub_len != len)
		return -EBADMSG;
	tpmkey_digest_name(sealed + 2 + priv_len + 2, pub_len, name);
	return 0;
}

/**
 * tpmkey_sealed_unseal() - load the sealed KMK and unseal it
 * @tpm: the hold
 * @key_handle: the per-key object that parents it
 * @s: a policy session salted to the per-key object, its PolicyPCR done;
 *	the TPM encrypts the KMK to it, and flushes it
 * @sealed: TPM2B_PRIVATE || TPM2B_PUBLIC
 * @len: their length
 * @kmk: receives TPMKEY_KMK_SIZE bytes
 *
 * TPM2_Load, TPM2_Unseal, TPM2_FlushContext.
 *
 * Return: 0; -EBADMSG @sealed is malformed; -ENOENT no per-key object;
 * -EKEYEXPIRED the policy does not hold; -EBADMSG a forged response; or
 * another negative errno.
 */
int tpmkey_sealed_unseal(struct tpmkey_tpm *tpm, u32 key_handle,
			 struct tpmkey_session *s, const u8 *sealed,
			 size_t len, u8 *kmk)
{
	struct tpmkey_name name;
	struct tpmkey_cmd cmd = {
		.cc = TPM2_CC_UNSEAL,
		.handles = { 0 },
		.names = { &name },
		.nr_handles = 1,
		.auth = true,
		.session = s,
	};
	u32 handle;
	int ret, flush_ret;

	ret = tpmkey_sealed_name(sealed, len, &name);
	if (ret)
		return ret;
	ret = tpmkey_load(tpm, key_handle, sealed, len, &handle);
	if (ret)
		return ret;
	cmd.handles[0] = handle;
	tpmkey_tpm2_params(tpm);
	s->attrs = TPM2_SA_ENCRYPT;
	ret = tpmkey_tpm2_run(tpm, &cmd);
	if (!ret && tpmkey_tpm2b(cmd.resp, cmd.resp_len) != TPMKEY_KMK_SIZE)
		ret = -EFAULT;
	if (!ret)
		memcpy(kmk, cmd.resp + 2, TPMKEY_KMK_SIZE);
	flush_ret = tpmkey_tpm2_flush(tpm, handle);
	return ret ? ret : flush_ret;
}
