// SPDX-License-Identifier: GPL-2.0
/*
 * BACKUP, VERIFY and RESTORE: the DEK leaves the kernel only encrypted
 * under a key-encryption key the helper derived from the administrator's
 * password, in the TPMKEY.BAK format of include/uapi/linux/tpmkey.h, and
 * only once per key: the TPM's NV counter is incremented before anything
 * leaves, and a counter that has moved means "already done".
 */

#include <crypto/algapi.h>
#include <linux/err.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include <linux/tpmkey.h>

#include "tpmkey.h"

static_assert(sizeof(struct tpmkey_backup_header) ==
	      TPMKEY_BACKUP_HEADER_SIZE);

/* Structure and bounds of a backup header; says nothing about its key. */
static bool tpmkey_backup_header_valid(const struct tpmkey_backup_header *hdr)
{
	u32 time = le32_to_cpu(hdr->kdf_time);
	u32 memory = le32_to_cpu(hdr->kdf_memory);
	u32 lanes = le32_to_cpu(hdr->kdf_lanes);
	u32 key_len = le32_to_cpu(hdr->key_len);

	return !memcmp(hdr->magic, TPMKEY_BACKUP_MAGIC, sizeof(hdr->magic)) &&
	       le16_to_cpu(hdr->version) == TPMKEY_BACKUP_VERSION &&
	       le16_to_cpu(hdr->header_len) == sizeof(*hdr) && !hdr->flags &&
	       le32_to_cpu(hdr->kdf) == TPMKEY_KDF_ARGON2ID &&
	       time >= TPMKEY_KDF_TIME_MIN && time <= TPMKEY_KDF_TIME_MAX &&
	       memory >= TPMKEY_KDF_MEMORY_MIN &&
	       memory <= TPMKEY_KDF_MEMORY_MAX &&
	       lanes >= TPMKEY_KDF_LANES_MIN &&
	       lanes <= TPMKEY_KDF_LANES_MAX && memory >= 8 * lanes &&
	       (key_len == 32 || key_len == 64) &&
	       tpmkey_reserved_zero(hdr->reserved, sizeof(hdr->reserved));
}

/* A file length that fits the header's key length. */
static bool tpmkey_backup_len_valid(const struct tpmkey_backup_header *hdr,
				    size_t len)
{
	return len == TPMKEY_BACKUP_SIZE(le32_to_cpu(hdr->key_len));
}

/* Checks the common fields of BACKUP and VERIFY requests. */
static int tpmkey_backup_request(struct tpmkey_backup *req, void __user *uarg)
{
	int ret;

	BUILD_BUG_ON(sizeof(*req) != TPMKEY_BACKUP_STRUCT_SIZE_VER1);
	ret = tpmkey_copy_request(req, sizeof(*req),
				  TPMKEY_BACKUP_STRUCT_SIZE_VER1, uarg);
	if (ret)
		return ret;
	if (req->flags || req->reserved0 ||
	    !tpmkey_reserved_zero(req->reserved, sizeof(req->reserved)) ||
	    !req->kek_ptr || !req->file_ptr)
		return -EINVAL;
	return 0;
}

long tpmkey_ioctl_backup(void __user *uarg)
{
	const size_t hdr_len = sizeof(struct tpmkey_backup_header);
	struct tpmkey_backup_header *hdr;
	struct tpmkey_secrets *sec;
	struct tpmkey_backup req;
	void __user *ufile;
	size_t len;
	u8 *file;
	u64 value;
	int ret;

	ret = tpmkey_backup_request(&req, uarg);
	if (ret)
		return ret;
	if (req.file_len < TPMKEY_BACKUP_SIZE_MAX) {
		req.file_len = TPMKEY_BACKUP_SIZE_MAX;
		ret = tpmkey_copy_result(uarg, &req, sizeof(req));
		return ret ? ret : -ENOSPC;
	}
	ufile = u64_to_user_ptr(req.file_ptr);

	sec = kzalloc(sizeof(*sec), GFP_KERNEL);
	file = kzalloc(TPMKEY_BACKUP_SIZE_MAX, GFP_KERNEL);
	if (!sec || !file) {
		ret = -ENOMEM;
		goto out_free;
	}
	hdr = (struct tpmkey_backup_header *)file;
	if (copy_from_user(sec->kek, u64_to_user_ptr(req.kek_ptr),
			   TPMKEY_KEK_SIZE) ||
	    copy_from_user(hdr, ufile, hdr_len)) {
		ret = -EFAULT;
		goto out_free;
	}

	ret = mutex_lock_killable(&tpmkey_dev.lock);
	if (ret)
		goto out_free;
	if (tpmkey_dev.state != TPMKEY_STATE_ACTIVE) {
		ret = -ENOKEY;
		goto out_unlock;
	}
	if (!tpmkey_backup_header_valid(hdr) ||
	    le32_to_cpu(hdr->key_len) != tpmkey_dev.info.key_len ||
	    memcmp(hdr->key_id, tpmkey_dev.info.key_id, sizeof(hdr->key_id)) ||
	    le64_to_cpu(hdr->created) != tpmkey_dev.info.created ||
	    memchr_inv(hdr->nonce, 0, sizeof(hdr->nonce))) {
		ret = -EINVAL;
		goto out_unlock;
	}
	if (tpmkey_backup_used()) {
		pr_info("backup of key %*phN refused: it was made already\n",
			TPMKEY_KEY_ID_SIZE, tpmkey_dev.info.key_id);
		ret = -EALREADY;
		goto out_unlock;
	}
	len = TPMKEY_BACKUP_SIZE(tpmkey_dev.info.key_len);
	/* The result must be deliverable before the allowance is spent. */
	if (copy_to_user(ufile, file, len)) {
		ret = -EFAULT;
		goto out_unlock;
	}
	ret = tpmkey_dek_read(tpmkey_dev.dek_key, sec->dek,
			      tpmkey_dev.info.key_len);
	if (ret)
		goto out_unlock;
	/*
	 * Encrypt before the allowance is spent, so that nothing after the
	 * increment can fail for want of memory; the file stays in the kernel
	 * until the counter has moved.
	 */
	get_random_bytes(hdr->nonce, sizeof(hdr->nonce));
	ret = tpmkey_seal_gcm(sec->kek, hdr->nonce, file, hdr_len, sec->dek,
			      file + hdr_len, tpmkey_dev.info.key_len);
	if (ret)
		goto out_unlock;

	ret = tpmkey_counter(tpmkey_dev.info.nv_index, TPMKEY_COUNTER_CONSUME,
			     tpmkey_dev.info.nv_value, &value);
	if (ret == -EALREADY || ret == -ENOENT || ret == -ENODATA) {
		pr_info("backup of key %*phN refused: counter 0x%08x %s\n",
			TPMKEY_KEY_ID_SIZE, tpmkey_dev.info.key_id,
			tpmkey_dev.info.nv_index,
			ret == -EALREADY ? "has moved" : "is missing");
		tpmkey_dev.backup = TPMKEY_ALLOWANCE_USED;
		ret = -EALREADY;
		goto out_unlock;
	} else if (ret) {
		goto out_unlock;
	}
	tpmkey_dev.backup = TPMKEY_ALLOWANCE_USED;

	if (copy_to_user(ufile, file, len))
		ret = -EFAULT;
	if (ret) {
		pr_info("backup of key %*phN failed after the counter moved (%d)\n",
			TPMKEY_KEY_ID_SIZE, tpmkey_dev.info.key_id, ret);
		goto out_unlock;
	}
	req.file_len = len;
	ret = tpmkey_copy_result(uarg, &req, sizeof(req));
	pr_info("key %*phN backed up; counter 0x%08x now %llu\n",
		TPMKEY_KEY_ID_SIZE, tpmkey_dev.info.key_id,
		tpmkey_dev.info.nv_index, value + 1);

out_unlock:
	mutex_unlock(&tpmkey_dev.lock);
out_free:
	kfree_sensitive(file);
	kfree_sensitive(sec);
	return ret;
}

long tpmkey_ioctl_verify(void __user *uarg)
{
	const size_t hdr_len = sizeof(struct tpmkey_backup_header);
	struct tpmkey_backup_header *hdr;
	struct tpmkey_secrets *sec;
	struct tpmkey_backup req;
	u8 *file, *plain;
	u32 key_len;
	int ret;

	ret = tpmkey_backup_request(&req, uarg);
	if (ret)
		return ret;
	if (req.file_len < hdr_len || req.file_len > TPMKEY_BACKUP_SIZE_MAX)
		return -EBADMSG;

	sec = kzalloc(sizeof(*sec) + TPMKEY_DEK_SIZE_MAX, GFP_KERNEL);
	if (!sec)
		return -ENOMEM;
	plain = (u8 *)(sec + 1);
	file = memdup_user(u64_to_user_ptr(req.file_ptr), req.file_len);
	if (IS_ERR(file)) {
		kfree_sensitive(sec);
		return PTR_ERR(file);
	}
	hdr = (struct tpmkey_backup_header *)file;
	if (copy_from_user(sec->kek, u64_to_user_ptr(req.kek_ptr),
			   TPMKEY_KEK_SIZE)) {
		ret = -EFAULT;
		goto out_free;
	}
	if (!tpmkey_backup_header_valid(hdr) ||
	    !tpmkey_backup_len_valid(hdr, req.file_len)) {
		ret = -EBADMSG;
		goto out_free;
	}
	key_len = le32_to_cpu(hdr->key_len);

	ret = mutex_lock_killable(&tpmkey_dev.lock);
	if (ret)
		goto out_free;
	if (tpmkey_dev.state != TPMKEY_STATE_ACTIVE) {
		ret = -ENOKEY;
		goto out_unlock;
	}
	ret = tpmkey_open_gcm(sec->kek, hdr->nonce, file, hdr_len,
			      file + hdr_len, plain, key_len);
	if (ret)
		goto out_unlock;
	ret = tpmkey_dek_read(tpmkey_dev.dek_key, sec->dek,
			      tpmkey_dev.info.key_len);
	if (ret)
		goto out_unlock;
	if (key_len != tpmkey_dev.info.key_len ||
	    memcmp(hdr->key_id, tpmkey_dev.info.key_id, sizeof(hdr->key_id)) ||
	    crypto_memneq(plain, sec->dek, key_len))
		ret = -ESTALE;
	pr_info("key %*phN: backup %s\n", TPMKEY_KEY_ID_SIZE,
		tpmkey_dev.info.key_id,
		ret ? "holds another key" : "verified");

out_unlock:
	mutex_unlock(&tpmkey_dev.lock);
out_free:
	kfree(file);
	kfree_sensitive(sec);
	return ret;
}

long tpmkey_ioctl_restore(void __user *uarg)
{
	const struct tpmkey_sealer *sealer = tpmkey_sealer_for_new_keys();
	const size_t hdr_len = sizeof(struct tpmkey_backup_header);
	struct tpmkey_key_info info = {};
	struct tpmkey_backup_header *hdr;
	struct tpmkey_secrets *sec = NULL;
	struct tpmkey_restore req;
	struct key *dek_key;
	size_t blob_len;
	u8 *file;
	int ret;

	BUILD_BUG_ON(sizeof(req) != TPMKEY_RESTORE_SIZE_VER1);
	ret = tpmkey_copy_request(&req, sizeof(req), TPMKEY_RESTORE_SIZE_VER1,
				  uarg);
	if (ret)
		return ret;
	if (req.flags ||
	    !tpmkey_reserved_zero(req.reserved, sizeof(req.reserved)) ||
	    !req.kek_ptr || !req.file_ptr || !req.state_ptr ||
	    !tpmkey_valid_parent(req.parent_handle) ||
	    !tpmkey_valid_nv_index(req.nv_index))
		return -EINVAL;
	if (req.state_len < TPMKEY_STATE_SIZE_MAX) {
		req.state_len = TPMKEY_STATE_SIZE_MAX;
		ret = tpmkey_copy_result(uarg, &req, sizeof(req));
		return ret ? ret : -ENOSPC;
	}
	if (req.file_len < hdr_len || req.file_len > TPMKEY_BACKUP_SIZE_MAX)
		return -EBADMSG;

	file = memdup_user(u64_to_user_ptr(req.file_ptr), req.file_len);
	if (IS_ERR(file))
		return PTR_ERR(file);
	hdr = (struct tpmkey_backup_header *)file;
	sec = kzalloc(sizeof(*sec), GFP_KERNEL);
	if (!sec) {
		ret = -ENOMEM;
		goto out_free;
	}
	if (copy_from_user(sec->kek, u64_to_user_ptr(req.kek_ptr),
			   TPMKEY_KEK_SIZE)) {
		ret = -EFAULT;
		goto out_free;
	}
	if (!tpmkey_backup_header_valid(hdr) ||
	    !tpmkey_backup_len_valid(hdr, req.file_len)) {
		ret = -EBADMSG;
		goto out_free;
	}

	ret = mutex_lock_killable(&tpmkey_dev.lock);
	if (ret)
		goto out_free;
	if (tpmkey_dev.state != TPMKEY_STATE_INACTIVE) {
		pr_info("restore refused: key %*phN is loaded\n",
			TPMKEY_KEY_ID_SIZE, tpmkey_dev.info.key_id);
		ret = -EEXIST;
		goto out_unlock;
	}
	ret = tpmkey_check_tpm(sealer);
	if (ret)
		goto out_unlock;

	info.key_len = le32_to_cpu(hdr->key_len);
	ret = tpmkey_open_gcm(sec->kek, hdr->nonce, file, hdr_len,
			      file + hdr_len, sec->dek, info.key_len);
	if (ret) {
		if (ret == -EBADMSG)
			pr_info("restore refused: the backup does not authenticate\n");
		else
			pr_info("restore failed: decrypting the backup (%d)\n",
				ret);
		goto out_unlock;
	}
	memcpy(info.key_id, hdr->key_id, sizeof(info.key_id));
	info.created = le64_to_cpu(hdr->created);
	info.parent_handle = req.parent_handle;
	info.backend = sealer->backend;
	info.nv_index = req.nv_index;

	/* Record the counter, then move it: the restored key is backed up. */
	ret = tpmkey_counter(info.nv_index, TPMKEY_COUNTER_INCREMENT, 0,
			     &info.nv_value);
	if (ret) {
		pr_info("restore refused: backup counter 0x%08x unusable (%d)\n",
			info.nv_index, ret);
		goto out_unlock;
	}
	dek_key = tpmkey_seal_and_install("restore", sealer, &info, sec,
					  u64_to_user_ptr(req.state_ptr),
					  &blob_len);
	if (IS_ERR(dek_key)) {
		ret = PTR_ERR(dek_key);
		goto out_unlock;
	}
	req.state_len = blob_len;
	memcpy(req.key_id, info.key_id, sizeof(req.key_id));
	ret = tpmkey_copy_result(uarg, &req, sizeof(req));
	if (ret) {
		tpmkey_dek_destroy(dek_key);
		goto out_unlock;
	}
	pr_info("key %*phN restored from a backup\n", TPMKEY_KEY_ID_SIZE,
		info.key_id);
	tpmkey_set_active(dek_key, &info, TPMKEY_ALLOWANCE_USED);

out_unlock:
	mutex_unlock(&tpmkey_dev.lock);
out_free:
	kfree_sensitive(sec);
	kfree(file);
	return ret;
}
