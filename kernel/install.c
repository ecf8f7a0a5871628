// SPDX-License-Identifier: GPL-2.0
/*
 * What ACTIVATE, RESTORE and RESEAL share: seal a new KMK for a DEK, wrap
 * the DEK into a new state blob, and hand the blob to the caller.  The
 * ioctl then commits (tpmkey_set_active()) or rolls back
 * (tpmkey_install_free() after tpmkey_install_undo()).
 */

#include <linux/err.h>
#include <linux/key.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "tpmkey.h"

/**
 * tpmkey_install_prepare() - seal and wrap; the caller holds tk->lock
 * @tk: the device
 * @in: op, backend, info (key_id, created, key_len, parent_handle,
 *	nv_index, pcr_mask; for TPMKEY_COUNTER_KEEP also nv_value and
 *	nv_name), counter, and sec with the DEK; to_keyring if the DEK
 *	goes into the keyring too (not for RESEAL, whose DEK is there)
 *
 * Return: 0 with @in->state holding the blob; or a negative errno, with
 * nothing left in the TPM or the keyring.
 */
int tpmkey_install_prepare(struct tpmkey_device *tk, struct tpmkey_install *in)
{
	const struct tpmkey_backend *b = in->backend;
	struct tpmkey_secrets *sec = in->sec;
	u8 nonce[TPMKEY_GCM_NONCE_SIZE];
	size_t sealed_len = TPMKEY_SEALED_SIZE_MAX;
	u8 *sealed;
	int ret;

	in->dek_key = NULL;
	in->state_len = 0;
	sealed = kmalloc(TPMKEY_SEALED_SIZE_MAX, GFP_KERNEL);
	in->state = kmalloc(TPMKEY_STATE_SIZE_MAX, GFP_KERNEL);
	if (!sealed || !in->state) {
		ret = -ENOMEM;
		goto out;
	}
	in->info.backend = b->id;
	ret = b->seal(tk, &in->info, in->counter, sec->kmk, sealed,
		      &sealed_len);
	if (ret) {
		pr_info_ratelimited("%s refused: %s could not seal under 0x%08x (%d)\n",
				    in->op, b->name, in->info.parent_handle,
				    ret);
		goto out;
	}
	ret = get_random_bytes_wait(nonce, sizeof(nonce));
	if (!ret)
		ret = tpmkey_state_build(&in->info, nonce, sec->kmk, sealed,
					 sealed_len, sec->dek, in->state,
					 &in->state_len);
	if (!ret && in->to_keyring) {
		in->dek_key = tpmkey_dek_install(sec->dek, in->info.key_len);
		ret = PTR_ERR_OR_ZERO(in->dek_key);
		if (ret)
			in->dek_key = NULL;
	}
	if (ret && b->evict)
		b->evict(&in->info);
out:
	memzero_explicit(nonce, sizeof(nonce));
	kfree(sealed);
	return ret;
}

/* 0 if a TPM 2.0 is there and @backend can work now. */
int tpmkey_check_tpm(struct tpmkey_device *tk,
		     const struct tpmkey_backend *backend)
{
	u32 flags = tpmkey_tpm_flags();

	if (!(flags & TPMKEY_TPM_PRESENT) || !(flags & TPMKEY_TPM_2))
		return -ENODEV;
	return backend->check(tk);
}

/* Copies the new state to the caller, without tk->lock. */
int tpmkey_install_deliver(const struct tpmkey_install *in, u64 ustate)
{
	return copy_to_user(u64_to_user_ptr(ustate), in->state,
			    in->state_len) ? -EFAULT : 0;
}

/*
 * Undoes a prepared install that could not be delivered: the new TPM
 * object goes, and the DEK leaves the keyring.  Caller holds tk->lock.
 */
void tpmkey_install_undo(struct tpmkey_install *in)
{
	if (in->backend->evict)
		in->backend->evict(&in->info);
	if (in->dek_key)
		tpmkey_dek_destroy(in->dek_key);
	in->dek_key = NULL;
}

/**
 * tpmkey_install_finish() - commit or roll back a delivered install
 * @tk: the device, busy, not locked
 * @in: the install
 * @ret: 0 if the caller has everything, else why not
 * @backup: the new key's backup allowance
 *
 * For ACTIVATE and RESTORE.  Takes and releases tk->lock.
 */
void tpmkey_install_finish(struct tpmkey_device *tk, struct tpmkey_install *in,
			   int ret, enum tpmkey_allowance backup)
{
	mutex_lock(&tk->lock);
	tk->busy = false;
	if (ret) {
		tpmkey_install_undo(in);
	} else {
		pr_info("%s: key %*phN sealed\n", in->op, TPMKEY_KEY_ID_SIZE,
			in->info.key_id);
		tpmkey_set_active(tk, in->dek_key, &in->info, backup);
		in->dek_key = NULL;
	}
	mutex_unlock(&tk->lock);
}

void tpmkey_install_free(struct tpmkey_install *in)
{
	kfree(in->state);
	in->state = NULL;
}
