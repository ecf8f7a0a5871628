// SPDX-License-Identifier: GPL-2.0
/*
 * ACTIVATE, LOAD and ERASE: the key's way into the keyring and out of it.
 */

#include <linux/err.h>
#include <linux/key.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>

#include <linux/tpmkey.h>

#include "tpmkey.h"

/**
 * tpmkey_seal_and_install() - what ACTIVATE and RESTORE share
 * @op: "activate" or "restore", for the log
 * @sealer: the backend that seals the new KMK
 * @info: the key's metadata, complete
 * @sec: holds the DEK; receives the new KMK
 * @ustate: user buffer of TPMKEY_STATE_SIZE_MAX bytes for the state blob
 * @state_len: receives the blob's length
 *
 * Seals a new KMK to this TPM, wraps the DEK under it, hands the state
 * blob to the caller and puts the DEK into the keyring.  The caller holds
 * tpmkey_dev.lock, finishes its reply and then calls tpmkey_set_active(),
 * or tpmkey_dek_destroy() if the reply cannot be delivered.
 *
 * Return: the DEK's keyring key, or an ERR_PTR.
 */
struct key *tpmkey_seal_and_install(const char *op,
				    const struct tpmkey_sealer *sealer,
				    const struct tpmkey_key_info *info,
				    struct tpmkey_secrets *sec,
				    void __user *ustate, size_t *state_len)
{
	u8 nonce[TPMKEY_GCM_NONCE_SIZE];
	struct key *dek_key = NULL;
	u8 *sealed, *blob;
	size_t sealed_len;
	int ret = -ENOMEM;

	sealed = kmalloc(TPMKEY_SEALED_SIZE_MAX, GFP_KERNEL);
	blob = kmalloc(TPMKEY_STATE_SIZE_MAX, GFP_KERNEL);
	if (!sealed || !blob)
		goto out;
	ret = sealer->seal_new(info->parent_handle, sec->kmk, sealed,
			       &sealed_len);
	if (ret) {
		pr_info("%s refused: %s could not seal under 0x%08x (%d)\n",
			op, sealer->name, info->parent_handle, ret);
		ret = tpmkey_tpm_refused(ret);
		goto out;
	}
	get_random_bytes(nonce, sizeof(nonce));
	ret = tpmkey_state_build(info, nonce, sec->kmk, sealed, sealed_len,
				 sec->dek, blob, state_len);
	if (ret)
		goto out;
	if (copy_to_user(ustate, blob, *state_len)) {
		ret = -EFAULT;
		goto out;
	}
	dek_key = tpmkey_dek_install(sec->dek, info->key_len);
	ret = PTR_ERR_OR_ZERO(dek_key);
out:
	memzero_explicit(nonce, sizeof(nonce));
	kfree(blob);
	kfree(sealed);
	return ret ? ERR_PTR(ret) : dek_key;
}

long tpmkey_ioctl_activate(void __user *uarg)
{
	const struct tpmkey_sealer *sealer = tpmkey_sealer_for_new_keys();
	struct tpmkey_key_info info = {};
	struct tpmkey_secrets *sec = NULL;
	struct tpmkey_activate req;
	struct key *dek_key;
	size_t blob_len;
	int ret;

	BUILD_BUG_ON(sizeof(req) != TPMKEY_ACTIVATE_SIZE_VER1);
	ret = tpmkey_copy_request(&req, sizeof(req),
				  TPMKEY_ACTIVATE_SIZE_VER1, uarg);
	if (ret)
		return ret;
	if (req.flags ||
	    !tpmkey_reserved_zero(req.reserved, sizeof(req.reserved)) ||
	    (req.key_len != 32 && req.key_len != 64) ||
	    !tpmkey_valid_parent(req.parent_handle) ||
	    !tpmkey_valid_nv_index(req.nv_index) || !req.state_ptr)
		return -EINVAL;
	if (req.state_len < TPMKEY_STATE_SIZE_MAX) {
		req.state_len = TPMKEY_STATE_SIZE_MAX;
		ret = tpmkey_copy_result(uarg, &req, sizeof(req));
		return ret ? ret : -ENOSPC;
	}

	ret = mutex_lock_killable(&tpmkey_dev.lock);
	if (ret)
		return ret;
	if (tpmkey_dev.state != TPMKEY_STATE_INACTIVE) {
		pr_info("activate refused: key %*phN is loaded\n",
			TPMKEY_KEY_ID_SIZE, tpmkey_dev.info.key_id);
		ret = -EEXIST;
		goto out_unlock;
	}
	ret = tpmkey_check_tpm(sealer);
	if (ret)
		goto out_unlock;

	info.key_len = req.key_len;
	info.parent_handle = req.parent_handle;
	info.backend = sealer->backend;
	info.nv_index = req.nv_index;
	ret = tpmkey_counter(info.nv_index, TPMKEY_COUNTER_READ, 0,
			     &info.nv_value);
	if (ret) {
		pr_info("activate refused: backup counter 0x%08x unusable (%d)\n",
			info.nv_index, ret);
		goto out_unlock;
	}

	sec = kzalloc(sizeof(*sec), GFP_KERNEL);
	if (!sec) {
		ret = -ENOMEM;
		goto out_unlock;
	}
	info.created = ktime_get_real_seconds();
	get_random_bytes(info.key_id, sizeof(info.key_id));
	get_random_bytes(sec->dek, info.key_len);

	dek_key = tpmkey_seal_and_install("activate", sealer, &info, sec,
					  u64_to_user_ptr(req.state_ptr),
					  &blob_len);
	if (IS_ERR(dek_key)) {
		ret = PTR_ERR(dek_key);
		goto out_free;
	}
	req.state_len = blob_len;
	memcpy(req.key_id, info.key_id, sizeof(req.key_id));
	ret = tpmkey_copy_result(uarg, &req, sizeof(req));
	if (ret) {
		tpmkey_dek_destroy(dek_key);
		goto out_free;
	}
	pr_info("key %*phN created\n", TPMKEY_KEY_ID_SIZE, info.key_id);
	tpmkey_set_active(dek_key, &info, TPMKEY_ALLOWANCE_LEFT);

out_free:
	kfree_sensitive(sec);
out_unlock:
	mutex_unlock(&tpmkey_dev.lock);
	return ret;
}

long tpmkey_ioctl_load(void __user *uarg)
{
	const struct tpmkey_sealer *sealer;
	struct tpmkey_state_view view;
	struct tpmkey_secrets *sec = NULL;
	struct tpmkey_load req;
	struct key *dek_key;
	u8 *blob = NULL;
	int ret;

	BUILD_BUG_ON(sizeof(req) != TPMKEY_LOAD_SIZE_VER1);
	ret = tpmkey_copy_request(&req, sizeof(req), TPMKEY_LOAD_SIZE_VER1,
				  uarg);
	if (ret)
		return ret;
	if (req.flags || req.reserved0 ||
	    !tpmkey_reserved_zero(req.reserved, sizeof(req.reserved)) ||
	    !req.state_ptr || !req.state_len)
		return -EINVAL;
	if (req.state_len > TPMKEY_STATE_SIZE_MAX)
		return -EBADMSG;

	blob = memdup_user(u64_to_user_ptr(req.state_ptr), req.state_len);
	if (IS_ERR(blob))
		return PTR_ERR(blob);

	ret = mutex_lock_killable(&tpmkey_dev.lock);
	if (ret)
		goto out_blob;
	if (tpmkey_dev.state != TPMKEY_STATE_INACTIVE) {
		ret = -EEXIST;
		goto out_unlock;
	}
	ret = tpmkey_state_parse(blob, req.state_len, &view);
	if (ret) {
		pr_info("load refused: the state is damaged\n");
		goto out_unlock;
	}
	sealer = tpmkey_sealer_for(view.info.backend);
	if (!sealer) {
		pr_info("load refused: unknown backend %u\n",
			view.info.backend);
		ret = -EBADMSG;
		goto out_unlock;
	}
	ret = tpmkey_check_tpm(sealer);
	if (ret)
		goto out_unlock;

	sec = kzalloc(sizeof(*sec), GFP_KERNEL);
	if (!sec) {
		ret = -ENOMEM;
		goto out_unlock;
	}
	ret = sealer->unseal(view.info.parent_handle, view.sealed,
			     view.sealed_len, sec->kmk);
	if (ret) {
		pr_info("load refused: the TPM cannot unseal key %*phN (%d)\n",
			TPMKEY_KEY_ID_SIZE, view.info.key_id, ret);
		ret = tpmkey_tpm_refused(ret);
		goto out_free;
	}
	ret = tpmkey_state_unwrap(&view, sec->kmk, sec->dek);
	if (ret) {
		if (ret == -EBADMSG)
			pr_info("load refused: key %*phN does not authenticate\n",
				TPMKEY_KEY_ID_SIZE, view.info.key_id);
		else
			pr_info("load failed: unwrapping key %*phN (%d)\n",
				TPMKEY_KEY_ID_SIZE, view.info.key_id, ret);
		goto out_free;
	}

	dek_key = tpmkey_dek_install(sec->dek, view.info.key_len);
	if (IS_ERR(dek_key)) {
		ret = PTR_ERR(dek_key);
		goto out_free;
	}
	memcpy(req.key_id, view.info.key_id, sizeof(req.key_id));
	ret = tpmkey_copy_result(uarg, &req, sizeof(req));
	if (ret) {
		tpmkey_dek_destroy(dek_key);
		goto out_free;
	}
	tpmkey_set_active(dek_key, &view.info, TPMKEY_ALLOWANCE_UNKNOWN);

out_free:
	kfree_sensitive(sec);
out_unlock:
	mutex_unlock(&tpmkey_dev.lock);
out_blob:
	kfree(blob);
	return ret;
}

long tpmkey_ioctl_erase(void __user *uarg)
{
	struct tpmkey_erase req;
	int ret;

	BUILD_BUG_ON(sizeof(req) != TPMKEY_ERASE_SIZE_VER1);
	ret = tpmkey_copy_request(&req, sizeof(req), TPMKEY_ERASE_SIZE_VER1,
				  uarg);
	if (ret)
		return ret;
	if (req.flags ||
	    !tpmkey_reserved_zero(req.reserved, sizeof(req.reserved)))
		return -EINVAL;

	ret = mutex_lock_killable(&tpmkey_dev.lock);
	if (ret)
		return ret;
	if (tpmkey_dev.state != TPMKEY_STATE_ACTIVE) {
		ret = -ENOKEY;
	} else if (memcmp(req.key_id, tpmkey_dev.info.key_id,
			  sizeof(req.key_id))) {
		pr_info("erase refused: key %*phN is loaded, not %*phN\n",
			TPMKEY_KEY_ID_SIZE, tpmkey_dev.info.key_id,
			TPMKEY_KEY_ID_SIZE, req.key_id);
		ret = -ESTALE;
	} else {
		pr_info("key %*phN erased\n", TPMKEY_KEY_ID_SIZE,
			tpmkey_dev.info.key_id);
		tpmkey_set_inactive();
	}
	mutex_unlock(&tpmkey_dev.lock);
	return ret;
}
