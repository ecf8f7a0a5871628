// SPDX-License-Identifier: GPL-2.0
/*
 * Stand-ins for the parts of the module that talk to the rest of the
 * kernel or to the TPM: kernel/crypto.c (AES-256-GCM, here through
 * OpenSSL), dek.c (the logon key), keys.c (the private keyring and the
 * feature probe), and the two sealing backends of seal_tpm2.c and
 * seal_trusted.c with the boot-phase lock and the backup counter, over a
 * fake TPM (struct kfake_tpm in kshim.h) whose KMK is always kshim_kmk.
 * The fakes follow the real backends' order of steps and their errors;
 * the TPM commands, sessions and blob formats of tpm2_*.c are not here
 * (the in-guest fuzzer and the VM tests cover them against swtpm).
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

/* ---- the fake TPM ---- */

struct kfake_tpm kfake;

/* tpmkey_tpm_open(): a TPM 2.0 chip, else -ENODEV. */
static int kfake_chip(void)
{
	return kshim.tpm_present && kshim.tpm2 ? 0 : -ENODEV;
}

/* The slot of a tpmkey persistent handle, or -1. */
static int kfake_slot(u32 handle)
{
	if (handle < TPMKEY_KEY_HANDLE_FIRST ||
	    handle >= TPMKEY_KEY_HANDLE_FIRST + TPMKEY_KEY_HANDLE_COUNT)
		return -1;
	return handle - TPMKEY_KEY_HANDLE_FIRST;
}

static bool kfake_present(u32 handle)
{
	int slot = kfake_slot(handle);

	return slot >= 0 && kfake.objects[slot];
}

void kfake_nv_name(u32 nv_index, u8 *name)
{
	u8 in[12] = "kfake nv ";

	memcpy(in + 8, &nv_index, 4);
	name[0] = 0x00;		/* TPM_ALG_SHA256 */
	name[1] = 0x0b;
	sha256(in, sizeof(in), name + 2);
}

void kfake_salt_point(unsigned int slot, u8 *point)
{
	u8 in[2] = { 'x', (u8)slot };

	sha256(in, sizeof(in), point);
	in[0] = 'y';
	sha256(in, sizeof(in), point + TPMKEY_ECC_COORD_SIZE);
}

void kfake_sealed(u32 backend, u8 *sealed, size_t len)
{
	memset(sealed, 0x5a, len);
	if (len)
		sealed[0] ^= (u8)backend;
}

/* What seal_tpm2.c's tpmkey_lock_extend() does to a PCR. */
void kfake_extend(u8 *pcr)
{
	static const char event[] = "tpmkey: boot-phase lock closed";
	u8 buf[2 * SHA256_DIGEST_SIZE];

	memcpy(buf, pcr, SHA256_DIGEST_SIZE);
	sha256((const u8 *)event, sizeof(event) - 1, buf + SHA256_DIGEST_SIZE);
	sha256(buf, sizeof(buf), pcr);
}

static int kfake_pcr_extend(u32 pcr)
{
	if (pcr >= TPMKEY_PCR_COUNT) {
		fprintf(stderr, "kfake: extend of PCR %u\n", pcr);
		abort();
	}
	if (kfake.extend_err)
		return kfake.extend_err;
	kfake.extends++;
	kfake_extend(kfake.pcr[pcr]);
	return 0;
}

/* ---- seal_tpm2.c: the boot-phase lock (the same logic, fake PCRs) ---- */

void tpmkey_boot_lock_init(struct tpmkey_device *tk, u32 pcr)
{
	tk->boot_lock.pcr = pcr;
}

u32 tpmkey_boot_lock_flags(const struct tpmkey_device *tk, u32 pcr)
{
	u32 flags = 0;

	if (tk->boot_lock.closed && tk->boot_lock.closed_pcr == pcr)
		flags |= TPMKEY_LOCK_CLOSED;
	if (pcr == TPMKEY_LOCK_PCR_TEST)
		flags |= TPMKEY_LOCK_TEST_PCR;
	return flags;
}

static int kfake_lock_close(struct tpmkey_device *tk, u32 pcr,
			    const u8 *prelock, bool unsealed)
{
	struct tpmkey_boot_lock *bl = &tk->boot_lock;
	int ret;

	if (!unsealed && bl->closed && bl->closed_pcr == pcr)
		return 0;
	ret = kfake_pcr_extend(pcr);
	if (ret)
		return ret;
	bl->closed = true;
	bl->closed_pcr = pcr;
	memcpy(bl->prelock, prelock, sizeof(bl->prelock));
	return 0;
}

int tpmkey_boot_lock_relock(struct tpmkey_device *tk)
{
	int ret = 0;

	mutex_lock(&tk->lock);
	if (tk->boot_lock.closed)
		ret = kfake_chip() ?: kfake_pcr_extend(tk->boot_lock.closed_pcr);
	mutex_unlock(&tk->lock);
	return ret;
}

/* ---- the backup counter (seal_tpm2.c's tpmkey_tpm2_counter()) ---- */

int tpmkey_tpm2_counter(const struct tpmkey_key_info *info,
			enum tpmkey_counter_op op, u64 *value)
{
	u8 name[TPMKEY_TPM_NAME_SIZE];
	int ret;

	ret = kfake_chip();
	if (ret)
		return ret;
	kfake.counters++;
	/* The session is salted to the per-key object: it must be there. */
	if (info->key_handle && !kfake_present(info->key_handle))
		return -ENOENT;
	if (kfake.counter_err)
		return kfake.counter_err;
	/* The response HMAC covers the recorded Name. */
	kfake_nv_name(info->nv_index, name);
	if (memchr_inv(info->nv_name, 0, sizeof(name)) &&
	    memcmp(info->nv_name, name, sizeof(name)))
		return -EBADMSG;
	*value = kfake.nv_counter;
	if (op == TPMKEY_COUNTER_CONSUME && *value != info->nv_value)
		return -EALREADY;
	if (op != TPMKEY_COUNTER_READ)
		kfake.nv_counter++;
	return 0;
}

static void kfake_check_sealed(const u8 *sealed, size_t sealed_len)
{
	if (!sealed_len || sealed_len > TPMKEY_SEALED_SIZE_MAX) {
		fprintf(stderr, "kfake: unseal of %zu bytes\n", sealed_len);
		abort();
	}
	(void)*(volatile const u8 *)&sealed[sealed_len - 1];	/* ASan */
}

/* ---- seal_tpm2.c: the native backend ---- */

static int kfake_tpm2_check(struct tpmkey_device *tk)
{
	return kfake.no_ecdh ? -ENOPKG : 0;
}

/*
 * As tpmkey_tpm2_seal(): the counter's Name (its errors as they are), the
 * lock PCR's pre-lock value, a per-key object at the first free handle,
 * the counter in the session, the sealed KMK, the lock closed; on failure
 * the object is evicted again.
 */
static int kfake_tpm2_seal(struct tpmkey_device *tk,
			   struct tpmkey_key_info *info,
			   enum tpmkey_counter_op op, u8 *kmk, u8 *sealed,
			   size_t *sealed_len)
{
	const struct tpmkey_boot_lock *bl = &tk->boot_lock;
	unsigned int slot;
	int ret;

	kfake.seals++;
	ret = kfake_chip();
	if (ret)
		return ret;
	memcpy(kmk, kshim_kmk, TPMKEY_KMK_SIZE);
	info->key_handle = 0;
	if (op != TPMKEY_COUNTER_KEEP ||
	    !memchr_inv(info->nv_name, 0, sizeof(info->nv_name))) {
		ret = kfake.counter_err;
		if (ret)
			goto out;
		kfake_nv_name(info->nv_index, info->nv_name);
	}
	info->lock_pcr = bl->pcr;
	memcpy(info->lock_pcr_value,
	       bl->closed && bl->closed_pcr == bl->pcr ? bl->prelock :
							 kfake.pcr[bl->pcr],
	       sizeof(info->lock_pcr_value));
	for (slot = 0; slot < TPMKEY_KEY_HANDLE_COUNT; slot++)
		if (!kfake.objects[slot])
			break;
	if (slot == TPMKEY_KEY_HANDLE_COUNT) {
		ret = -ENOSPC;
		goto out;
	}
	kfake.objects[slot] = true;
	info->key_handle = TPMKEY_KEY_HANDLE_FIRST + slot;
	kfake_salt_point(slot, info->salt_point);
	if (op != TPMKEY_COUNTER_KEEP) {
		info->nv_value = kfake.nv_counter;
		if (op == TPMKEY_COUNTER_INCREMENT)
			kfake.nv_counter++;
	}
	if (kfake.seal_err) {
		ret = tpmkey_tpm_refused(kfake.seal_err);
		goto out;
	}
	*sealed_len = kfake.sealed_len;
	kfake_sealed(TPMKEY_BACKEND_TPM2, sealed, *sealed_len);
	ret = kfake_lock_close(tk, info->lock_pcr, info->lock_pcr_value, false);
	if (ret)
		ret = tpmkey_tpm_refused(ret);
out:
	if (ret) {
		if (info->key_handle)
			kfake.objects[kfake_slot(info->key_handle)] = false;
		info->key_handle = 0;
		memzero_explicit(kmk, TPMKEY_KMK_SIZE);
	}
	return ret;
}

/* seal_tpm2.c's tpmkey_tpm2_info_valid() */
static bool kfake_tpm2_info_valid(const struct tpmkey_key_info *info)
{
	return info->key_handle >= TPMKEY_KEY_HANDLE_FIRST &&
	       info->key_handle < TPMKEY_KEY_HANDLE_FIRST +
				  TPMKEY_KEY_HANDLE_COUNT &&
	       ((info->lock_pcr >= TPMKEY_LOCK_PCR_MIN &&
		 info->lock_pcr <= TPMKEY_LOCK_PCR_MAX) ||
		info->lock_pcr == TPMKEY_LOCK_PCR_TEST) &&
	       !(info->pcr_mask & ~TPMKEY_PCR_MASK_ALLOWED) &&
	       !(info->pcr_mask & BIT(info->lock_pcr));
}

/*
 * As tpmkey_tpm2_unseal(): the session needs the object and its recorded
 * salt point, the policy the lock PCR's pre-lock value (else EKEYREVOKED)
 * and the bound PCRs (else EKEYEXPIRED); the lock closes after.
 */
static int kfake_tpm2_unseal(struct tpmkey_device *tk,
			     const struct tpmkey_key_info *info,
			     const u8 *sealed, size_t sealed_len, u8 *kmk)
{
	u8 point[2 * TPMKEY_ECC_COORD_SIZE];
	int ret;

	kfake.unseals++;
	kfake_check_sealed(sealed, sealed_len);
	if (!kfake_tpm2_info_valid(info))
		return -EBADMSG;
	ret = kfake_chip();
	if (ret)
		return ret;
	if (!kfake_present(info->key_handle))
		return -ENOENT;
	kfake_salt_point(kfake_slot(info->key_handle), point);
	if (memcmp(point, info->salt_point, sizeof(point)))
		return -EIO;	/* the TPM cannot decrypt the salt */
	if (kfake.unseal_err)
		return kfake.unseal_err;
	if (sealed[0] != (0x5a ^ TPMKEY_BACKEND_TPM2))
		return -EBADMSG;	/* not a sealed object of ours */
	if (memcmp(kfake.pcr[info->lock_pcr], info->lock_pcr_value,
		   TPMKEY_PCR_DIGEST_SIZE))
		return -EKEYREVOKED;
	if (kfake.boot_chain_changed && info->pcr_mask)
		return -EKEYEXPIRED;
	memcpy(kmk, kshim_kmk, TPMKEY_KMK_SIZE);
	ret = kfake_lock_close(tk, info->lock_pcr, info->lock_pcr_value, true);
	if (ret)
		memzero_explicit(kmk, TPMKEY_KMK_SIZE);
	return ret;
}

static int kfake_tpm2_evict(const struct tpmkey_key_info *info)
{
	int ret, slot;

	if (kfake.evicts < KFAKE_EVICTS_SEEN)
		kfake.evicted[kfake.evicts] = info->key_handle;
	kfake.evicts++;
	if (!info->key_handle)
		return 0;
	ret = kfake_chip();
	if (ret)
		return ret;
	if (kfake.evict_err)
		return kfake.evict_err;
	slot = kfake_slot(info->key_handle);
	if (slot < 0 || !kfake.objects[slot])
		return -ENOENT;
	kfake.objects[slot] = false;
	return 0;
}

const struct tpmkey_backend tpmkey_backend_tpm2 = {
	.id = TPMKEY_BACKEND_TPM2,
	.name = "tpm2",
	.protections = TPMKEY_PROT_BUS | TPMKEY_PROT_BOOT_LOCK |
		       TPMKEY_PROT_TPM_ERASE,
	.check = kfake_tpm2_check,
	.seal = kfake_tpm2_seal,
	.unseal = kfake_tpm2_unseal,
	.evict = kfake_tpm2_evict,
	.counter = tpmkey_tpm2_counter,
};

/* ---- seal_trusted.c: trusted keys, no per-key object, no lock ---- */

static int kfake_trusted_check(struct tpmkey_device *tk)
{
	return tk->features & TPMKEY_FEAT_TRUSTED_KEYS ? 0 : -ENOPKG;
}

/* As tpmkey_trusted_seal(): the counter first, then "new 32". */
static int kfake_trusted_seal(struct tpmkey_device *tk,
			      struct tpmkey_key_info *info,
			      enum tpmkey_counter_op op, u8 *kmk, u8 *sealed,
			      size_t *sealed_len)
{
	int ret;

	kfake.seals++;
	if (op != TPMKEY_COUNTER_KEEP) {
		ret = tpmkey_tpm2_counter(info, op, &info->nv_value);
		if (ret)
			return ret;
	}
	if (kfake.seal_err)
		return tpmkey_tpm_refused(kfake.seal_err);
	memcpy(kmk, kshim_kmk, TPMKEY_KMK_SIZE);
	*sealed_len = kfake.sealed_len;
	kfake_sealed(TPMKEY_BACKEND_TRUSTED, sealed, *sealed_len);
	return 0;
}

static int kfake_trusted_unseal(struct tpmkey_device *tk,
				const struct tpmkey_key_info *info,
				const u8 *sealed, size_t sealed_len, u8 *kmk)
{
	kfake.unseals++;
	kfake_check_sealed(sealed, sealed_len);
	if (kfake.unseal_err)
		return kfake.unseal_err;
	if (sealed[0] != (0x5a ^ TPMKEY_BACKEND_TRUSTED))
		return -EPERM;	/* what trusted keys say to any TPM error */
	memcpy(kmk, kshim_kmk, TPMKEY_KMK_SIZE);
	return 0;
}

const struct tpmkey_backend tpmkey_backend_trusted = {
	.id = TPMKEY_BACKEND_TRUSTED,
	.name = "trusted",
	.protections = 0,
	.check = kfake_trusted_check,
	.seal = kfake_trusted_seal,
	.unseal = kfake_trusted_unseal,
	.counter = tpmkey_tpm2_counter,
};

void kshim_reset(void)
{
	unsigned int i;

	memset(&kshim, 0, sizeof(kshim));
	kshim.capable = true;
	kshim.tpm_present = true;
	kshim.tpm2 = true;
	kshim.trusted_keys = true;
	kshim.random_state = 0x9e3779b97f4a7c15ull;
	kshim_user_reset();

	memset(&kfake, 0, sizeof(kfake));
	kfake.sealed_len = 100;
	for (i = 0; i < TPMKEY_PCR_COUNT; i++)
		memset(kfake.pcr[i], 0x40 + i, TPMKEY_PCR_DIGEST_SIZE);
}
