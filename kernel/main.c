// SPDX-License-Identifier: GPL-2.0
/*
 * tpmkey: keeps a disk-encryption key under the protection of the TPM 2.0.
 *
 * /dev/tpmkey is the only interface.  One mutex guards the small state
 * machine in struct tpmkey_dev; every ioctl checks CAP_SYS_ADMIN itself
 * because a file descriptor can be handed to an unprivileged process.
 */

#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/key.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/string.h>
#include <linux/tpm.h>
#include <linux/uaccess.h>

#include <linux/tpmkey.h>

#include "tpmkey.h"

struct tpmkey_dev tpmkey_dev = {
	.lock = __MUTEX_INITIALIZER(tpmkey_dev.lock),
	.state = TPMKEY_STATE_INACTIVE,
};

/*
 * Which backend seals new keys.  A stored key is always unsealed by the
 * backend recorded in its state, whatever this says.
 */
static char *backend = "auto";
module_param(backend, charp, 0444);
MODULE_PARM_DESC(backend,
		 "Sealing backend for new keys: auto (trusted keys where the kernel has them, else tpm2), trusted, tpm2");

/* TPMKEY_BACKEND_* asked for by the parameter; NONE means auto. */
static u32 tpmkey_backend_param;

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

bool tpmkey_reserved_zero(const void *p, size_t len)
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

const struct tpmkey_sealer *tpmkey_sealer_for(u32 backend)
{
	switch (backend) {
	case TPMKEY_BACKEND_TRUSTED:
		return &tpmkey_sealer_trusted;
	case TPMKEY_BACKEND_TPM2:
		return &tpmkey_sealer_tpm2;
	default:
		return NULL;
	}
}

/* The backend ACTIVATE and RESTORE seal with. */
const struct tpmkey_sealer *tpmkey_sealer_for_new_keys(void)
{
	if (tpmkey_backend_param != TPMKEY_BACKEND_NONE)
		return tpmkey_sealer_for(tpmkey_backend_param);
	if (tpmkey_features() & TPMKEY_FEAT_TRUSTED_KEYS)
		return &tpmkey_sealer_trusted;
	return &tpmkey_sealer_tpm2;
}

static int tpmkey_parse_backend_param(void)
{
	if (!strcmp(backend, "auto"))
		tpmkey_backend_param = TPMKEY_BACKEND_NONE;
	else if (!strcmp(backend, "trusted"))
		tpmkey_backend_param = TPMKEY_BACKEND_TRUSTED;
	else if (!strcmp(backend, "tpm2"))
		tpmkey_backend_param = TPMKEY_BACKEND_TPM2;
	else
		return -EINVAL;
	return 0;
}

/* 0 if @sealer can work now, else -ENODEV (no TPM 2.0) or -ENOPKG. */
int tpmkey_check_tpm(const struct tpmkey_sealer *sealer)
{
	u32 flags = tpmkey_tpm_flags();

	if (!(flags & TPMKEY_TPM_PRESENT) || !(flags & TPMKEY_TPM_2))
		return -ENODEV;
	return sealer->check();
}

/* Any failure of the TPM to seal or unseal, as opposed to no TPM at all. */
int tpmkey_tpm_refused(int ret)
{
	if (ret == -ENOMEM || ret == -EINTR || ret == -ENODEV ||
	    ret == -ENOPKG)
		return ret;
	return -EKEYREJECTED;
}

/* Persistent handles are 0x81xxxxxx (TPM 2.0 Part 2, TPM_HT_PERSISTENT). */
bool tpmkey_valid_parent(u32 handle)
{
	return (handle >> 24) == 0x81;
}

/* NV indices are 0x01xxxxxx (TPM_HT_NV_INDEX). */
bool tpmkey_valid_nv_index(u32 index)
{
	return (index >> 24) == 0x01;
}

/* Caller holds tpmkey_dev.lock. */
void tpmkey_set_active(struct key *dek_key, const struct tpmkey_key_info *info,
		       enum tpmkey_allowance backup)
{
	tpmkey_dev.dek_key = dek_key;
	tpmkey_dev.info = *info;
	tpmkey_dev.backup = backup;
	tpmkey_dev.state = TPMKEY_STATE_ACTIVE;
	pr_info("key %*phN active: %u bytes, %s, storage key 0x%08x\n",
		TPMKEY_KEY_ID_SIZE, info->key_id, info->key_len,
		tpmkey_sealer_for(info->backend)->name, info->parent_handle);
}

/**
 * tpmkey_backup_used() - whether the loaded key's backup allowance is gone
 *
 * Reads the key's TPM counter the first time after LOAD.  The allowance is
 * used up once the counter has moved; a counter that cannot be read counts
 * as used up too: refusing a backup is recoverable, a second one is not.
 * Caller holds tpmkey_dev.lock with the state ACTIVE.
 *
 * Return: true if no backup may be made.
 */
bool tpmkey_backup_used(void)
{
	const struct tpmkey_key_info *info = &tpmkey_dev.info;
	u64 value;
	int ret;

	if (tpmkey_dev.backup != TPMKEY_ALLOWANCE_UNKNOWN)
		return tpmkey_dev.backup == TPMKEY_ALLOWANCE_USED;

	ret = tpmkey_counter(info->nv_index, TPMKEY_COUNTER_READ, 0, &value);
	if (ret)
		pr_info("key %*phN: backup counter 0x%08x unreadable (%d): no backup allowed\n",
			TPMKEY_KEY_ID_SIZE, info->key_id, info->nv_index, ret);
	tpmkey_dev.backup = ret || value != info->nv_value ?
			    TPMKEY_ALLOWANCE_USED : TPMKEY_ALLOWANCE_LEFT;
	return tpmkey_dev.backup == TPMKEY_ALLOWANCE_USED;
}

/* Caller holds tpmkey_dev.lock. */
void tpmkey_set_inactive(void)
{
	if (tpmkey_dev.dek_key)
		tpmkey_dek_destroy(tpmkey_dev.dek_key);
	tpmkey_dev.dek_key = NULL;
	memset(&tpmkey_dev.info, 0, sizeof(tpmkey_dev.info));
	tpmkey_dev.backup = TPMKEY_ALLOWANCE_UNKNOWN;
	tpmkey_dev.state = TPMKEY_STATE_INACTIVE;
}

static long tpmkey_ioctl_status(void __user *uarg)
{
	const struct tpmkey_sealer *sealer;
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
	sealer = tpmkey_sealer_for_new_keys();
	st.new_key_backend = sealer->check() ? TPMKEY_BACKEND_NONE :
			     sealer->backend;

	ret = mutex_lock_killable(&tpmkey_dev.lock);
	if (ret)
		return ret;
	st.state = tpmkey_dev.state;
	st.key_len = tpmkey_dev.info.key_len;
	st.parent_handle = tpmkey_dev.info.parent_handle;
	memcpy(st.key_id, tpmkey_dev.info.key_id, sizeof(st.key_id));
	st.created = tpmkey_dev.info.created;
	st.backend = tpmkey_dev.info.backend;
	st.nv_index = tpmkey_dev.info.nv_index;
	st.key_flags = 0;
	if (tpmkey_dev.state == TPMKEY_STATE_ACTIVE && tpmkey_backup_used())
		st.key_flags |= TPMKEY_KEY_BACKED_UP;
	mutex_unlock(&tpmkey_dev.lock);

	return tpmkey_copy_result(uarg, &st, sizeof(st));
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
	case TPMKEY_IOC_BACKUP:
		return tpmkey_ioctl_backup(uarg);
	case TPMKEY_IOC_VERIFY:
		return tpmkey_ioctl_verify(uarg);
	case TPMKEY_IOC_RESTORE:
		return tpmkey_ioctl_restore(uarg);
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

	ret = tpmkey_parse_backend_param();
	if (ret) {
		pr_err("unknown backend \"%s\": use auto, trusted or tpm2\n",
		       backend);
		return ret;
	}

	ret = tpmkey_crypto_init();
	if (ret) {
		pr_err("no gcm(aes) in this kernel (%d)\n", ret);
		return ret;
	}

	ret = tpmkey_keys_init();
	if (ret)
		goto err_crypto;

	ret = misc_register(&tpmkey_misc);
	if (ret)
		goto err_keys;

	pr_info("loaded, uapi version %d, new keys sealed with %s\n",
		TPMKEY_UAPI_VERSION, tpmkey_sealer_for_new_keys()->name);
	return 0;

err_keys:
	tpmkey_keys_exit();
err_crypto:
	tpmkey_crypto_exit();
	return ret;
}

static void __exit tpmkey_exit(void)
{
	misc_deregister(&tpmkey_misc);
	/*
	 * Nobody manages the key once the module is gone: take it out of the
	 * keyring.  dm-crypt mappings made with it keep their own copy.
	 */
	mutex_lock(&tpmkey_dev.lock);
	if (tpmkey_dev.state == TPMKEY_STATE_ACTIVE)
		pr_info("key %*phN removed from the keyring on unload\n",
			TPMKEY_KEY_ID_SIZE, tpmkey_dev.info.key_id);
	tpmkey_set_inactive();
	mutex_unlock(&tpmkey_dev.lock);
	tpmkey_keys_exit();
	tpmkey_crypto_exit();
	pr_info("unloaded\n");
}

module_init(tpmkey_init);
module_exit(tpmkey_exit);

MODULE_DESCRIPTION("TPM-protected disk-encryption key in the kernel keyring");
MODULE_AUTHOR("The tpmkey authors");
MODULE_LICENSE("GPL");
