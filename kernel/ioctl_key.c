// SPDX-License-Identifier: GPL-2.0
/*
 * STATUS, ACTIVATE, LOAD, RESEAL and ERASE: the key's way into the
 * keyring, its resealing, and its way out.
 */

#include <crypto/algapi.h>
#include <linux/err.h>
#include <linux/key.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>

#include "tpmkey.h"

long tpmkey_ioctl_status(struct tpmkey_device *tk, void __user *uarg)
{
	const struct tpmkey_backend *b = tk->new_key_backend;
	struct tpmkey_status st;
	int ret;

	ret = tpmkey_copy_request(&st, sizeof(st), TPMKEY_STATUS_SIZE_VER1,
				  uarg);
	if (ret)
		return ret;
	if (st.flags || !tpmkey_reserved_zero(st.reserved, sizeof(st.reserved)))
		return -EINVAL;

	st.uapi_version = TPMKEY_UAPI_VERSION;
	st.tpm_flags = tpmkey_tpm_flags();
	st.features = tk->features;
	st.new_key_backend = b->check(tk) ? TPMKEY_BACKEND_NONE : b->id;
	st.new_key_protections = st.new_key_backend ? b->protections : 0;

	ret = mutex_lock_killable(&tk->lock);
	if (ret)
		return ret;
	st.state = tk->state;
	st.key_len = tk->info.key_len;
	st.parent_handle = tk->info.parent_handle;
	memcpy(st.key_id, tk->info.key_id, sizeof(st.key_id));
	st.created = tk->info.created;
	st.backend = tk->info.backend;
	st.nv_index = tk->info.nv_index;
	st.key_handle = tk->info.key_handle;
	st.pcr_mask = tk->info.pcr_mask;
	st.lock_pcr = tk->state == TPMKEY_STATE_ACTIVE ? tk->info.lock_pcr :
		      tk->boot_lock.pcr;
	st.lock_flags = tpmkey_boot_lock_flags(tk, st.lock_pcr);
	st.protections = 0;
	st.key_flags = 0;
	if (tk->state == TPMKEY_STATE_ACTIVE) {
		st.protections = tpmkey_backend(tk->info.backend)->protections;
		if (!tk->busy && tpmkey_backup_used(tk))
			st.key_flags |= TPMKEY_KEY_BACKED_UP;
	}
	mutex_unlock(&tk->lock);

	return tpmkey_copy_result(uarg, &st, sizeof(st));
}

long tpmkey_ioctl_activate(struct tpmkey_device *tk, void __user *uarg)
{
	struct tpmkey_install in = {
		.op = "activate",
		.done = "created",
		.counter = TPMKEY_COUNTER_READ,
		.to_keyring = true,
	};
	struct tpmkey_activate req;
	int ret;

	ret = tpmkey_copy_request(&req, sizeof(req), TPMKEY_ACTIVATE_SIZE_VER1,
				  uarg);
	if (ret)
		return ret;
	if (req.flags || req.key_handle ||
	    !tpmkey_reserved_zero(req.reserved, sizeof(req.reserved)) ||
	    !TPMKEY_DEK_SIZE_VALID(req.key_len))
		return -EINVAL;
	ret = tpmkey_new_key_request(tk, uarg, &req, sizeof(req),
				     &req.state_len, req.parent_handle,
				     req.nv_index, req.pcr_mask, req.state_ptr);
	if (ret)
		return ret;

	in.sec = kzalloc(sizeof(*in.sec), GFP_KERNEL);
	if (!in.sec)
		return -ENOMEM;
	ret = tpmkey_begin(tk, TPMKEY_STATE_INACTIVE, "activate");
	if (ret)
		goto out_free;
	in.backend = tk->new_key_backend;
	ret = tpmkey_check_tpm(tk, in.backend);
	if (ret)
		goto out_unlock;

	in.info.key_len = req.key_len;
	in.info.parent_handle = req.parent_handle;
	in.info.nv_index = req.nv_index;
	in.info.pcr_mask = req.pcr_mask;
	in.info.created = ktime_get_real_seconds();
	ret = get_random_bytes_wait(in.info.key_id, sizeof(in.info.key_id)) ?:
	      get_random_bytes_wait(in.sec->dek, in.info.key_len);
	if (!ret)
		ret = tpmkey_install_prepare(tk, &in);
	if (ret)
		goto out_unlock;
	tk->busy = true;
	tpmkey_end(tk);

	ret = tpmkey_install_reply(&in, uarg, &req, sizeof(req),
				   &req.state_len, &req.key_handle, req.key_id,
				   req.state_ptr);
	tpmkey_install_finish(tk, &in, ret, TPMKEY_ALLOWANCE_LEFT);
	goto out_free;

out_unlock:
	tpmkey_end(tk);
out_free:
	tpmkey_install_free(&in);
	kfree_sensitive(in.sec);
	return ret;
}

/* Unseals a parsed state and puts its DEK into the keyring. */
static struct key *tpmkey_load_key(struct tpmkey_device *tk,
				   const struct tpmkey_state_view *view)
{
	const struct tpmkey_backend *b = tpmkey_backend(view->info.backend);
	struct tpmkey_secrets *sec;
	struct key *dek_key;
	int ret;

	if (!b) {
		pr_info_ratelimited("load refused: unknown backend %u\n",
				    view->info.backend);
		return ERR_PTR(-EBADMSG);
	}
	ret = tpmkey_check_tpm(tk, b);
	if (ret)
		return ERR_PTR(ret);
	sec = kzalloc(sizeof(*sec), GFP_KERNEL);
	if (!sec)
		return ERR_PTR(-ENOMEM);
	ret = b->unseal(tk, &view->info, view->sealed, view->sealed_len,
			sec->kmk);
	if (ret) {
		pr_info_ratelimited("load refused: the TPM does not unseal key %*phN (%d)\n",
				    TPMKEY_KEY_ID_SIZE, view->info.key_id, ret);
		dek_key = ERR_PTR(tpmkey_tpm_refused(ret));
		goto out;
	}
	ret = tpmkey_state_unwrap(view, sec->kmk, sec->dek);
	if (ret) {
		pr_info_ratelimited("load refused: key %*phN does not authenticate (%d)\n",
				    TPMKEY_KEY_ID_SIZE, view->info.key_id, ret);
		dek_key = ERR_PTR(ret);
		goto out;
	}
	dek_key = tpmkey_dek_install(sec->dek, view->info.key_len);
out:
	kfree_sensitive(sec);
	return dek_key;
}

long tpmkey_ioctl_load(struct tpmkey_device *tk, void __user *uarg)
{
	struct tpmkey_state_view view;
	struct tpmkey_load req;
	struct key *dek_key;
	u8 *blob;
	int ret;

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
	ret = tpmkey_state_parse(blob, req.state_len, &view);
	if (ret) {
		pr_info_ratelimited("load refused: the state is damaged\n");
		goto out_blob;
	}
	ret = tpmkey_begin(tk, TPMKEY_STATE_INACTIVE, "load");
	if (ret)
		goto out_blob;
	dek_key = tpmkey_load_key(tk, &view);
	if (IS_ERR(dek_key)) {
		ret = PTR_ERR(dek_key);
		tpmkey_end(tk);
		goto out_blob;
	}
	tk->busy = true;
	tpmkey_end(tk);

	memcpy(req.key_id, view.info.key_id, sizeof(req.key_id));
	ret = tpmkey_copy_result(uarg, &req, sizeof(req));

	mutex_lock(&tk->lock);
	tpmkey_idle(tk);
	if (ret)
		tpmkey_dek_destroy(dek_key);
	else
		tpmkey_set_active(tk, dek_key, &view.info,
				  TPMKEY_ALLOWANCE_UNKNOWN);
	mutex_unlock(&tk->lock);
out_blob:
	kfree(blob);
	return ret;
}

/* Checks a request's key id against the loaded key's; tk->lock held. */
static int tpmkey_same_key(struct tpmkey_device *tk, const u8 *key_id,
			   const char *op)
{
	if (!memcmp(key_id, tk->info.key_id, TPMKEY_KEY_ID_SIZE))
		return 0;
	pr_info_ratelimited("%s refused: key %*phN is loaded, not %*phN\n", op,
			    TPMKEY_KEY_ID_SIZE, tk->info.key_id,
			    TPMKEY_KEY_ID_SIZE, key_id);
	return -ESTALE;
}

/*
 * Replaces the loaded key's state by a resealed one; tk->lock held.  The
 * old object must go, or every copy of the old state (perhaps bound to
 * fewer PCRs) would still load and ERASE would miss it: if it cannot be
 * evicted, the new object is and the reseal fails, changing nothing.
 */
static int tpmkey_reseal_commit(struct tpmkey_device *tk,
				struct tpmkey_install *in)
{
	const struct tpmkey_backend *old = tpmkey_backend(tk->info.backend);
	int ret = 0;

	/*
	 * An old object that was gone already may have left its handle to
	 * the new one: evicting it then would destroy the new key.
	 */
	if (old->evict && tk->info.key_handle != in->info.key_handle)
		ret = old->evict(&tk->info);
	if (ret && ret != -ENOENT) {
		pr_warn("key %*phN not resealed: its old TPM object 0x%08x could not be evicted (%d)\n",
			TPMKEY_KEY_ID_SIZE, tk->info.key_id,
			tk->info.key_handle, ret);
		tpmkey_install_undo(in);
		return tpmkey_tpm_refused(ret);
	}
	tk->info = in->info;
	pr_info("key %*phN resealed: TPM object 0x%08x, PCRs 0x%06x\n",
		TPMKEY_KEY_ID_SIZE, in->info.key_id, in->info.key_handle,
		in->info.pcr_mask);
	return 0;
}

long tpmkey_ioctl_reseal(struct tpmkey_device *tk, void __user *uarg)
{
	struct tpmkey_install in = {
		.op = "reseal",
		.done = "resealed",
		.counter = TPMKEY_COUNTER_KEEP,
	};
	struct tpmkey_reseal req;
	int ret;

	ret = tpmkey_copy_request(&req, sizeof(req), TPMKEY_RESEAL_SIZE_VER1,
				  uarg);
	if (ret)
		return ret;
	if (req.flags || req.key_handle || req.reserved0 ||
	    !tpmkey_reserved_zero(req.reserved, sizeof(req.reserved)) ||
	    !tpmkey_valid_pcr_mask(tk, req.pcr_mask) || !req.state_ptr)
		return -EINVAL;
	if (req.state_len < TPMKEY_STATE_SIZE_MAX) {
		req.state_len = TPMKEY_STATE_SIZE_MAX;
		return tpmkey_copy_result(uarg, &req, sizeof(req)) ?: -ENOSPC;
	}

	in.sec = kzalloc(sizeof(*in.sec), GFP_KERNEL);
	if (!in.sec)
		return -ENOMEM;
	ret = tpmkey_begin(tk, TPMKEY_STATE_ACTIVE, "reseal");
	if (ret)
		goto out_free;
	in.backend = tk->new_key_backend;
	ret = tpmkey_same_key(tk, req.key_id, "reseal") ?:
	      tpmkey_check_tpm(tk, in.backend);
	if (ret)
		goto out_unlock;
	in.info = tk->info;
	in.info.pcr_mask = req.pcr_mask;
	ret = tpmkey_dek_read(tk->dek_key, in.sec->dek, in.info.key_len) ?:
	      tpmkey_install_prepare(tk, &in);
	if (ret)
		goto out_unlock;
	tk->busy = true;
	tpmkey_end(tk);

	ret = tpmkey_install_reply(&in, uarg, &req, sizeof(req),
				   &req.state_len, &req.key_handle, NULL,
				   req.state_ptr);

	mutex_lock(&tk->lock);
	tpmkey_idle(tk);
	if (ret)
		tpmkey_install_undo(&in);
	else
		ret = tpmkey_reseal_commit(tk, &in);
out_unlock:
	tpmkey_end(tk);
out_free:
	tpmkey_install_free(&in);
	kfree_sensitive(in.sec);
	return ret;
}

long tpmkey_ioctl_erase(struct tpmkey_device *tk, void __user *uarg)
{
	const struct tpmkey_backend *b;
	struct tpmkey_erase req;
	int ret;

	ret = tpmkey_copy_request(&req, sizeof(req), TPMKEY_ERASE_SIZE_VER1,
				  uarg);
	if (ret)
		return ret;
	if (req.flags || !tpmkey_reserved_zero(req.reserved,
					       sizeof(req.reserved)))
		return -EINVAL;

	ret = tpmkey_begin(tk, TPMKEY_STATE_ACTIVE, "erase");
	if (ret)
		return ret;
	ret = tpmkey_same_key(tk, req.key_id, "erase");
	if (ret)
		goto out;
	/* The TPM object first: a key that is gone there is gone for good. */
	b = tpmkey_backend(tk->info.backend);
	if (b->evict) {
		ret = b->evict(&tk->info);
		if (ret == -ENOENT)
			ret = 0;	/* evicted by an erase that was cut */
		if (ret) {
			pr_info("erase refused: the TPM keeps key %*phN's object 0x%08x (%d)\n",
				TPMKEY_KEY_ID_SIZE, tk->info.key_id,
				tk->info.key_handle, ret);
			ret = tpmkey_tpm_refused(ret);
			goto out;
		}
	}
	pr_info("key %*phN erased\n", TPMKEY_KEY_ID_SIZE, tk->info.key_id);
	tpmkey_set_inactive(tk);
out:
	tpmkey_end(tk);
	return ret;
}
