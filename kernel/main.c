// SPDX-License-Identifier: GPL-2.0
/*
 * tpmkey: keeps a disk-encryption key under the protection of the TPM 2.0.
 *
 * /dev/tpmkey is the only interface.  The device object is passed to
 * every handler; every ioctl checks CAP_SYS_ADMIN itself because a file
 * descriptor can be handed to an unprivileged process.
 */

#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/suspend.h>

#include "tpmkey.h"

/*
 * Which backend seals new keys.  A stored key is always unsealed by the
 * backend recorded in its state, whatever this says.
 */
static char *backend = "auto";
module_param(backend, charp, 0444);
MODULE_PARM_DESC(backend,
		 "Sealing backend for new keys: auto (tpm2), tpm2, trusted (no bus protection, boot-phase lock or TPM-side erase)");

static uint lock_pcr = TPMKEY_LOCK_PCR_DEFAULT;
module_param(lock_pcr, uint, 0444);
MODULE_PARM_DESC(lock_pcr,
		 "PCR of the boot-phase lock for new keys: 8-15 (default 13); 23 for tests only (resettable)");

static const struct tpmkey_ioctl {
	unsigned int cmd;
	long (*handler)(struct tpmkey_device *tk, void __user *uarg);
} tpmkey_ioctls[] = {
	{ TPMKEY_IOC_STATUS, tpmkey_ioctl_status },
	{ TPMKEY_IOC_ACTIVATE, tpmkey_ioctl_activate },
	{ TPMKEY_IOC_LOAD, tpmkey_ioctl_load },
	{ TPMKEY_IOC_ERASE, tpmkey_ioctl_erase },
	{ TPMKEY_IOC_BACKUP, tpmkey_ioctl_backup },
	{ TPMKEY_IOC_VERIFY, tpmkey_ioctl_verify },
	{ TPMKEY_IOC_RESTORE, tpmkey_ioctl_restore },
	{ TPMKEY_IOC_RESEAL, tpmkey_ioctl_reseal },
};

static long tpmkey_ioctl(struct file *file, unsigned int cmd,
			 unsigned long arg)
{
	struct tpmkey_device *tk = container_of(file->private_data,
						struct tpmkey_device, misc);
	unsigned int i;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	for (i = 0; i < ARRAY_SIZE(tpmkey_ioctls); i++)
		if (tpmkey_ioctls[i].cmd == cmd)
			return tpmkey_ioctls[i].handler(tk, (void __user *)arg);
	return -ENOTTY;
}

static const struct file_operations tpmkey_fops = {
	.owner = THIS_MODULE,
	.open = nonseekable_open,
	.unlocked_ioctl = tpmkey_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct tpmkey_device tpmkey_device = {
	.misc = {
		.minor = MISC_DYNAMIC_MINOR,
		.name = "tpmkey",
		.fops = &tpmkey_fops,
		.mode = 0600,
	},
	.lock = __MUTEX_INITIALIZER(tpmkey_device.lock),
	.state = TPMKEY_STATE_INACTIVE,
};

static int tpmkey_pm_notify(struct notifier_block *nb, unsigned long action,
			    void *data)
{
	struct tpmkey_device *tk = container_of(nb, struct tpmkey_device,
						pm_notifier);
	int ret;

	if (action != PM_POST_HIBERNATION && action != PM_POST_RESTORE)
		return NOTIFY_DONE;
	ret = tpmkey_boot_lock_relock(tk);
	if (ret)
		pr_err("the boot-phase lock could not be closed again after hibernation (%d)\n",
		       ret);
	return NOTIFY_OK;
}

static int tpmkey_params(struct tpmkey_device *tk)
{
	if (lock_pcr != TPMKEY_LOCK_PCR_TEST &&
	    (lock_pcr < TPMKEY_LOCK_PCR_MIN || lock_pcr > TPMKEY_LOCK_PCR_MAX)) {
		pr_err("lock_pcr=%u: use %d-%d\n", lock_pcr,
		       TPMKEY_LOCK_PCR_MIN, TPMKEY_LOCK_PCR_MAX);
		return -EINVAL;
	}
	if (lock_pcr == TPMKEY_LOCK_PCR_TEST)
		pr_warn("lock_pcr=%d is resettable: the boot-phase lock locks nothing (tests only)\n",
			TPMKEY_LOCK_PCR_TEST);
	tpmkey_boot_lock_init(tk, lock_pcr);
	if (tpmkey_backend_select(tk, backend)) {
		pr_err("unknown backend \"%s\": use auto, trusted or tpm2\n",
		       backend);
		return -EINVAL;
	}
	return 0;
}

static int __init tpmkey_init(void)
{
	struct tpmkey_device *tk = &tpmkey_device;
	int ret;

	ret = tpmkey_params(tk);
	if (ret)
		return ret;

	ret = tpmkey_crypto_init();
	if (ret) {
		pr_err("no gcm(aes) in this kernel (%d)\n", ret);
		return ret;
	}

	ret = tpmkey_keys_init();
	if (ret)
		goto err_crypto;
	tk->features = tpmkey_features();

	tk->pm_notifier.notifier_call = tpmkey_pm_notify;
	ret = register_pm_notifier(&tk->pm_notifier);
	if (ret)
		goto err_keys;

	ret = misc_register(&tk->misc);
	if (ret)
		goto err_pm;

	pr_info("loaded, uapi version %d, new keys sealed with %s, lock PCR %u\n",
		TPMKEY_UAPI_VERSION, tk->new_key_backend->name,
		tk->boot_lock.pcr);
	return 0;

err_pm:
	unregister_pm_notifier(&tk->pm_notifier);
err_keys:
	tpmkey_keys_exit();
err_crypto:
	tpmkey_crypto_exit();
	return ret;
}

static void __exit tpmkey_exit(void)
{
	struct tpmkey_device *tk = &tpmkey_device;

	misc_deregister(&tk->misc);
	unregister_pm_notifier(&tk->pm_notifier);
	/*
	 * Nobody manages the key once the module is gone: take it out of the
	 * keyring.  dm-crypt mappings made with it keep their own copy.
	 */
	mutex_lock(&tk->lock);
	if (tk->state == TPMKEY_STATE_ACTIVE)
		pr_info("key %*phN removed from the keyring on unload\n",
			TPMKEY_KEY_ID_SIZE, tk->info.key_id);
	tpmkey_set_inactive(tk);
	mutex_unlock(&tk->lock);
	tpmkey_keys_exit();
	tpmkey_crypto_exit();
	pr_info("unloaded\n");
}

module_init(tpmkey_init);
module_exit(tpmkey_exit);

MODULE_DESCRIPTION("TPM-protected disk-encryption key in the kernel keyring");
MODULE_AUTHOR("The tpmkey authors");
MODULE_LICENSE("GPL");
/* The native backend's session salt; Debian builds ECDH as modules. */
MODULE_SOFTDEP("pre: ecdh_generic");
