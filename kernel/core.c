// SPDX-License-Identifier: GPL-2.0
/*
 * The core the ioctls stand on: copying requests and results, the checks
 * every request shares, and the small state machine of struct
 * tpmkey_device.  An ioctl does its work under tk->lock, marks the device
 * busy, copies its result to the caller without the lock (a caller that
 * stalls the copy stalls only itself), then commits or rolls back under
 * the lock: a failed ACTIVATE, LOAD, RESTORE or RESEAL changes nothing.
 */

#include <linux/key.h>
#include <linux/string.h>
#include <linux/tpm.h>
#include <linux/uaccess.h>

#include "tpmkey.h"

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

/* Platform PCRs a key may be bound to: never the lock PCR. */
bool tpmkey_valid_pcr_mask(const struct tpmkey_device *tk, u32 pcr_mask)
{
	return !(pcr_mask & ~TPMKEY_PCR_MASK_ALLOWED) &&
	       !(pcr_mask & BIT(tk->boot_lock.pcr));
}

/* The checks ACTIVATE and RESTORE share; ENOSPC tells the size needed. */
int tpmkey_new_key_request(struct tpmkey_device *tk, void __user *uarg,
				  void *req, size_t req_size,
				  u32 *state_len, u32 parent, u32 nv_index,
				  u32 pcr_mask, u64 state_ptr)
{
	if (!tpmkey_valid_parent(parent) || !tpmkey_valid_nv_index(nv_index) ||
	    !tpmkey_valid_pcr_mask(tk, pcr_mask) || !state_ptr)
		return -EINVAL;
	if (*state_len < TPMKEY_STATE_SIZE_MAX) {
		*state_len = TPMKEY_STATE_SIZE_MAX;
		return tpmkey_copy_result(uarg, req, req_size) ?: -ENOSPC;
	}
	return 0;
}

/* Any failure of the TPM to seal or unseal, as opposed to no TPM at all. */
int tpmkey_tpm_refused(int ret)
{
	switch (ret) {
	case -ENOMEM:
	case -EINTR:
	case -ENODEV:
	case -ENOPKG:
	case -EKEYEXPIRED:
	case -EKEYREVOKED:
	case -EAGAIN:
	case -EREMOTEIO:
	case -ENOSPC:
		return ret;
	}
	return -EKEYREJECTED;
}

u32 tpmkey_tpm_flags(void)
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

/**
 * tpmkey_begin() - take the device for a change
 * @tk: the device
 * @want: the state the change starts from
 *
 * Return: 0 with tk->lock held; else the lock is not held and: -EINTR,
 * -EBUSY another ioctl is finishing, -EEXIST a key is loaded, -ENOKEY no
 * key is.
 */
int tpmkey_begin(struct tpmkey_device *tk, enum tpmkey_state want)
{
	int ret;

	ret = mutex_lock_killable(&tk->lock);
	if (ret)
		return ret;
	if (tk->busy)
		ret = -EBUSY;
	else if (tk->state != want)
		ret = want == TPMKEY_STATE_INACTIVE ? -EEXIST : -ENOKEY;
	if (ret)
		mutex_unlock(&tk->lock);
	return ret;
}

void tpmkey_end(struct tpmkey_device *tk)
{
	mutex_unlock(&tk->lock);
}

/* Caller holds tk->lock. */
void tpmkey_set_active(struct tpmkey_device *tk, struct key *dek_key,
		       const struct tpmkey_key_info *info,
		       enum tpmkey_allowance backup)
{
	tk->dek_key = dek_key;
	tk->info = *info;
	tk->backup = backup;
	tk->state = TPMKEY_STATE_ACTIVE;
	pr_info("key %*phN active: %u bytes, %s, storage key 0x%08x\n",
		TPMKEY_KEY_ID_SIZE, info->key_id, info->key_len,
		tpmkey_backend(info->backend)->name, info->parent_handle);
}

/* Caller holds tk->lock. */
void tpmkey_set_inactive(struct tpmkey_device *tk)
{
	if (tk->dek_key)
		tpmkey_dek_destroy(tk->dek_key);
	tk->dek_key = NULL;
	memset(&tk->info, 0, sizeof(tk->info));
	tk->backup = TPMKEY_ALLOWANCE_UNKNOWN;
	tk->state = TPMKEY_STATE_INACTIVE;
}

/**
 * tpmkey_backup_used() - whether the loaded key's backup allowance is gone
 * @tk: the device, locked, with the state ACTIVE
 *
 * Reads the key's TPM counter the first time after LOAD.  The allowance is
 * used up once the counter has moved.  A counter that cannot be read now
 * counts as used up for this answer (refusing a backup is recoverable, a
 * second one is not), but is read again next time: a passing failure is
 * not remembered as a backup made.
 *
 * Return: true if no backup may be made.
 */
bool tpmkey_backup_used(struct tpmkey_device *tk)
{
	const struct tpmkey_key_info *info = &tk->info;
	u64 value;
	int ret;

	if (tk->backup != TPMKEY_ALLOWANCE_UNKNOWN)
		return tk->backup == TPMKEY_ALLOWANCE_USED;

	ret = tpmkey_backend(info->backend)->counter(info, TPMKEY_COUNTER_READ,
						      &value);
	if (ret == -ENOENT || ret == -ENODATA) {
		tk->backup = TPMKEY_ALLOWANCE_USED;	/* the counter is gone */
	} else if (ret) {
		pr_info_ratelimited("key %*phN: backup counter 0x%08x unreadable (%d)\n",
				    TPMKEY_KEY_ID_SIZE, info->key_id,
				    info->nv_index, ret);
		return true;
	} else {
		tk->backup = value != info->nv_value ? TPMKEY_ALLOWANCE_USED :
			     TPMKEY_ALLOWANCE_LEFT;
	}
	return tk->backup == TPMKEY_ALLOWANCE_USED;
}
