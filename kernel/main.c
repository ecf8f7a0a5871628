// SPDX-License-Identifier: GPL-2.0
/*
 * tpmkey: keeps a disk-encryption key under the protection of the TPM 2.0.
 *
 * /dev/tpmkey is the only interface.  One mutex guards the small state
 * machine below; every ioctl checks CAP_SYS_ADMIN itself because a file
 * descriptor can be handed to an unprivileged process.
 */

#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/key.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/tpm.h>
#include <linux/uaccess.h>

#include <linux/tpmkey.h>

#include "tpmkey.h"

/*
 * INACTIVE: no key in the kernel.  ACTIVE: @dek_key is in the keyring and
 * @info describes it.  ACTIVATE and LOAD go INACTIVE -> ACTIVE, ERASE goes
 * back; everything else leaves the state alone.
 */
static DEFINE_MUTEX(tpmkey_lock);
static enum tpmkey_state tpmkey_state;
static struct key *tpmkey_dek_key;
static struct tpmkey_key_info tpmkey_info;

/* Key material of one operation, in one allocation to wipe. */
struct tpmkey_secrets {
	u8 dek[TPMKEY_DEK_SIZE_MAX];
	u8 kmk[TPMKEY_KMK_SIZE];
};

/**
 * tpmkey_copy_request() - copy an extensible request struct from userspace
 * @dst: kernel copy, @ksize bytes
 * @ksize: size of the struct this module knows
 * @min_size: the struct's version-1 size
 * @uarg: user pointer to the struct, whose first __u32 is its size
 *
 * Return: 0, -EFAULT, -EINVAL for a size below @min_size or above
 * TPMKEY_STRUCT_SIZE_MAX, or -E2BIG for a non-zero tail this module does
 * not know.  On success the size field of @dst holds the caller's size.
 */
int tpmkey_copy_request(void *dst, size_t ksize, size_t min_size,
			void __user *uarg)
{
	u32 usize;
	int ret;

	if (get_user(usize, (u32 __user *)uarg))
		return -EFAULT;
	if (usize < min_size || usize > TPMKEY_STRUCT_SIZE_MAX)
		return -EINVAL;
	ret = copy_struct_from_user(dst, ksize, uarg, usize);
	if (ret)
		return ret;
	*(u32 *)dst = usize;
	return 0;
}

/**
 * tpmkey_copy_result() - copy a result struct back to userspace
 * @uarg: user pointer the request came from
 * @src: kernel copy, @ksize bytes; its first __u32 is the caller's size
 * @ksize: size of the struct this module knows
 *
 * Writes no more than the caller's struct holds.
 *
 * Return: 0 or -EFAULT.
 */
int tpmkey_copy_result(void __user *uarg, const void *src, size_t ksize)
{
	size_t n = min_t(size_t, ksize, *(const u32 *)src);

	return copy_to_user(uarg, src, n) ? -EFAULT : 0;
}

static bool tpmkey_reserved_zero(const void *p, size_t len)
{
	return !memchr_inv(p, 0, len);
}

static u32 tpmkey_tpm_flags(void)
{
	struct tpm_chip *chip;
	u32 flags = 0;

	chip = tpm_default_chip();
	if (!chip)
		return 0;
	flags |= TPMKEY_TPM_PRESENT;
	if (tpm_is_tpm2(chip) > 0)
		flags |= TPMKEY_TPM_2;
	put_device(&chip->dev);
	return flags;
}

static long tpmkey_ioctl_status(void __user *uarg)
{
	struct tpmkey_status st;
	int ret;

	BUILD_BUG_ON(sizeof(st) != TPMKEY_STATUS_SIZE_VER1);
	ret = tpmkey_copy_request(&st, sizeof(st), TPMKEY_STATUS_SIZE_VER1,
				  uarg);
	if (ret)
		return ret;
	if (st.flags)
		return -EINVAL;
	if (!tpmkey_reserved_zero(st.reserved, sizeof(st.reserved)))
		return -EINVAL;

	st.uapi_version = TPMKEY_UAPI_VERSION;
	st.tpm_flags = tpmkey_tpm_flags();
	st.features = tpmkey_features();

	ret = mutex_lock_killable(&tpmkey_lock);
	if (ret)
		return ret;
	st.state = tpmkey_state;
	st.key_len = tpmkey_info.key_len;
	st.parent_handle = tpmkey_info.parent_handle;
	memcpy(st.key_id, tpmkey_info.key_id, sizeof(st.key_id));
	st.created = tpmkey_info.created;
	st.backend = tpmkey_info.backend;
	mutex_unlock(&tpmkey_lock);

	return tpmkey_copy_result(uarg, &st, sizeof(st));
}

static const struct tpmkey_sealer *tpmkey_sealer_for(u32 backend)
{
	if (backend == TPMKEY_BACKEND_TRUSTED)
		return &tpmkey_sealer_trusted;
	return NULL;
}

static int tpmkey_check_tpm(const struct tpmkey_sealer *sealer)
{
	u32 flags = tpmkey_tpm_flags();

	if (!(flags & TPMKEY_TPM_PRESENT) || !(flags & TPMKEY_TPM_2))
		return -ENODEV;
	return sealer->check();
}

/* Persistent handles are 0x81xxxxxx (TPM 2.0 Part 2, TPM_HT_PERSISTENT). */
static bool tpmkey_valid_parent(u32 handle)
{
	return (handle >> 24) == 0x81;
}

/* Caller holds tpmkey_lock. */
static void tpmkey_set_active(struct key *dek_key,
			      const struct tpmkey_key_info *info)
{
	tpmkey_dek_key = dek_key;
	tpmkey_info = *info;
	tpmkey_state = TPMKEY_STATE_ACTIVE;
	pr_info("key %*phN active: %u bytes, %s, storage key 0x%08x\n",
		TPMKEY_KEY_ID_SIZE, info->key_id, info->key_len,
		tpmkey_sealer_for(info->backend)->name, info->parent_handle);
}

/* Caller holds tpmkey_lock. */
static void tpmkey_set_inactive(void)
{
	if (tpmkey_dek_key)
		tpmkey_dek_destroy(tpmkey_dek_key);
	tpmkey_dek_key = NULL;
	memset(&tpmkey_info, 0, sizeof(tpmkey_info));
	tpmkey_state = TPMKEY_STATE_INACTIVE;
}

static long tpmkey_ioctl_activate(void __user *uarg)
{
	const struct tpmkey_sealer *sealer = &tpmkey_sealer_trusted;
	struct tpmkey_key_info info = {};
	struct tpmkey_secrets *sec = NULL;
	struct tpmkey_activate req;
	u8 nonce[TPMKEY_GCM_NONCE_SIZE];
	size_t sealed_len, blob_len;
	u8 *sealed = NULL, *blob = NULL;
	struct key *dek_key;
	int ret;

	BUILD_BUG_ON(sizeof(req) != TPMKEY_ACTIVATE_SIZE_VER1);
	ret = tpmkey_copy_request(&req, sizeof(req),
				  TPMKEY_ACTIVATE_SIZE_VER1, uarg);
	if (ret)
		return ret;
	if (req.flags || req.reserved0 ||
	    !tpmkey_reserved_zero(req.reserved, sizeof(req.reserved)) ||
	    (req.key_len != 32 && req.key_len != 64) ||
	    !tpmkey_valid_parent(req.parent_handle) || !req.state_ptr)
		return -EINVAL;
	if (req.state_len < TPMKEY_STATE_SIZE_MAX) {
		req.state_len = TPMKEY_STATE_SIZE_MAX;
		ret = tpmkey_copy_result(uarg, &req, sizeof(req));
		return ret ? ret : -ENOSPC;
	}

	ret = mutex_lock_killable(&tpmkey_lock);
	if (ret)
		return ret;
	if (tpmkey_state != TPMKEY_STATE_INACTIVE) {
		ret = -EEXIST;
		goto out_unlock;
	}
	ret = tpmkey_check_tpm(sealer);
	if (ret)
		goto out_unlock;

	ret = -ENOMEM;
	sec = kzalloc(sizeof(*sec), GFP_KERNEL);
	sealed = kmalloc(TPMKEY_SEALED_SIZE_MAX, GFP_KERNEL);
	blob = kmalloc(TPMKEY_STATE_SIZE_MAX, GFP_KERNEL);
	if (!sec || !sealed || !blob)
		goto out_free;

	info.key_len = req.key_len;
	info.parent_handle = req.parent_handle;
	info.backend = sealer->backend;
	info.created = ktime_get_real_seconds();
	get_random_bytes(info.key_id, sizeof(info.key_id));
	get_random_bytes(nonce, sizeof(nonce));
	get_random_bytes(sec->dek, info.key_len);

	ret = sealer->seal_new(info.parent_handle, sec->kmk, sealed,
			       &sealed_len);
	if (ret) {
		pr_info("activate refused: %s could not seal under 0x%08x (%d)\n",
			sealer->name, info.parent_handle, ret);
		if (ret != -ENOMEM && ret != -EINTR && ret != -ENODEV)
			ret = -EKEYREJECTED;
		goto out_free;
	}
	ret = tpmkey_state_build(&info, nonce, sec->kmk, sealed, sealed_len,
				 sec->dek, blob, &blob_len);
	if (ret)
		goto out_free;
	if (copy_to_user(u64_to_user_ptr(req.state_ptr), blob, blob_len)) {
		ret = -EFAULT;
		goto out_free;
	}

	dek_key = tpmkey_dek_install(sec->dek, info.key_len);
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
	tpmkey_set_active(dek_key, &info);

out_free:
	kfree(blob);
	kfree(sealed);
	kfree_sensitive(sec);
	memzero_explicit(nonce, sizeof(nonce));
out_unlock:
	mutex_unlock(&tpmkey_lock);
	return ret;
}

static long tpmkey_ioctl_load(void __user *uarg)
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

	ret = mutex_lock_killable(&tpmkey_lock);
	if (ret)
		goto out_blob;
	if (tpmkey_state != TPMKEY_STATE_INACTIVE) {
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
		if (ret != -ENOMEM && ret != -EINTR && ret != -ENODEV)
			ret = -EKEYREJECTED;
		goto out_free;
	}
	ret = tpmkey_state_unwrap(&view, sec->kmk, sec->dek);
	if (ret) {
		pr_info("load refused: key %*phN does not authenticate\n",
			TPMKEY_KEY_ID_SIZE, view.info.key_id);
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
	tpmkey_set_active(dek_key, &view.info);

out_free:
	kfree_sensitive(sec);
out_unlock:
	mutex_unlock(&tpmkey_lock);
out_blob:
	kfree(blob);
	return ret;
}

static long tpmkey_ioctl_erase(void __user *uarg)
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

	ret = mutex_lock_killable(&tpmkey_lock);
	if (ret)
		return ret;
	if (tpmkey_state != TPMKEY_STATE_ACTIVE) {
		ret = -ENOKEY;
	} else if (memcmp(req.key_id, tpmkey_info.key_id,
			  sizeof(req.key_id))) {
		ret = -ESTALE;
	} else {
		pr_info("key %*phN erased\n", TPMKEY_KEY_ID_SIZE,
			tpmkey_info.key_id);
		tpmkey_set_inactive();
	}
	mutex_unlock(&tpmkey_lock);
	return ret;
}

static long tpmkey_ioctl(struct file *file, unsigned int cmd,
			 unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;

	switch (cmd) {
	case TPMKEY_IOC_STATUS:
		return tpmkey_ioctl_status(uarg);
	case TPMKEY_IOC_ACTIVATE:
		return tpmkey_ioctl_activate(uarg);
	case TPMKEY_IOC_LOAD:
		return tpmkey_ioctl_load(uarg);
	case TPMKEY_IOC_ERASE:
		return tpmkey_ioctl_erase(uarg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations tpmkey_fops = {
	.owner = THIS_MODULE,
	.open = nonseekable_open,
	.unlocked_ioctl = tpmkey_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice tpmkey_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "tpmkey",
	.fops = &tpmkey_fops,
	.mode = 0600,
};

static int __init tpmkey_init(void)
{
	int ret;

	ret = tpmkey_keys_init();
	if (ret)
		return ret;

	ret = misc_register(&tpmkey_misc);
	if (ret)
		goto err_keys;

	pr_info("loaded, uapi version %d\n", TPMKEY_UAPI_VERSION);
	return 0;

err_keys:
	tpmkey_keys_exit();
	return ret;
}

static void __exit tpmkey_exit(void)
{
	misc_deregister(&tpmkey_misc);
	/*
	 * Nobody manages the key once the module is gone: take it out of the
	 * keyring.  dm-crypt mappings made with it keep their own copy.
	 */
	mutex_lock(&tpmkey_lock);
	if (tpmkey_state == TPMKEY_STATE_ACTIVE)
		pr_info("key %*phN removed from the keyring on unload\n",
			TPMKEY_KEY_ID_SIZE, tpmkey_info.key_id);
	tpmkey_set_inactive();
	mutex_unlock(&tpmkey_lock);
	tpmkey_keys_exit();
	pr_info("unloaded\n");
}

module_init(tpmkey_init);
module_exit(tpmkey_exit);

MODULE_DESCRIPTION("TPM-protected disk-encryption key in the kernel keyring");
MODULE_AUTHOR("The tpmkey authors");
MODULE_LICENSE("GPL");
