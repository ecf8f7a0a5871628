// SPDX-License-Identifier: GPL-2.0
/*
 * BACKUP, VERIFY and RESTORE: the DEK leaves the kernel only encrypted
 * under a key-encryption key the helper derived from the administrator's
 * password, in the TPMKEY.BAK format of include/uapi/linux/tpmkey.h, and
 * only once per key: the TPM's NV counter is incremented before anything
 * leaves, and a counter that has moved means "already done".  The KDF
 * parameters in a header are the helper's claim (the module never sees
 * the password), so only their bounds are checked here.
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
	       TPMKEY_DEK_SIZE_VALID(key_len) &&
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

/* Reads the KEK and a backup file (at most @max bytes) from the caller. */
static int tpmkey_backup_input(const struct tpmkey_backup *req, size_t len,
			       struct tpmkey_secrets *sec, u8 *file)
{
	if (copy_from_user(sec->kek, u64_to_user_ptr(req->kek_ptr),
			   TPMKEY_KEK_SIZE) ||
	    copy_from_user(file, u64_to_user_ptr(req->file_ptr), len))
		return -EFAULT;
	return 0;
}

/* Encrypts the loaded DEK into @file and spends the allowance. */
static int tpmkey_backup_make(struct tpmkey_device *tk,
			      struct tpmkey_secrets *sec, u8 *file)
{
	struct tpmkey_backup_header *hdr = (void *)file;
	const struct tpmkey_key_info *info = &tk->info;
	u64 value;
	int ret;

	if (!tpmkey_backup_header_valid(hdr) ||
	    le32_to_cpu(hdr->key_len) != info->key_len ||
	    memcmp(hdr->key_id, info->key_id, sizeof(hdr->key_id)) ||
	    le64_to_cpu(hdr->created) != info->created ||
	    memchr_inv(hdr->nonce, 0, sizeof(hdr->nonce)))
		return -EINVAL;
	if (tpmkey_backup_used(tk)) {
		pr_info_ratelimited("backup of key %*phN refused: it was made already\n",
				    TPMKEY_KEY_ID_SIZE, info->key_id);
		return -EALREADY;
	}
	/*
	 * Encrypt before the allowance is spent, so that nothing after the
	 * increment can fail for want of memory.
	 */
	ret = tpmkey_dek_read(tk->dek_key, sec->dek, info->key_len) ?:
	      get_random_bytes_wait(hdr->nonce, sizeof(hdr->nonce));
	if (!ret)
		ret = tpmkey_seal_gcm(sec->kek, hdr->nonce, file, sizeof(*hdr),
				      sec->dek, file + sizeof(*hdr),
				      info->key_len);
	if (ret)
		return ret;

	ret = tpmkey_backend(info->backend)->counter(info,
						      TPMKEY_COUNTER_CONSUME,
						      &value);
	if (ret == -EALREADY || ret == -ENOENT || ret == -ENODATA) {
		pr_info("backup of key %*phN refused: counter 0x%08x %s\n",
			TPMKEY_KEY_ID_SIZE, info->key_id, info->nv_index,
			ret == -EALREADY ? "has moved" : "is missing");
		tk->backup = TPMKEY_ALLOWANCE_USED;
		return -EALREADY;
	}
	if (ret)
		return ret;
	tk->backup = TPMKEY_ALLOWANCE_USED;
	pr_info("key %*phN backed up; counter 0x%08x now %llu\n",
		TPMKEY_KEY_ID_SIZE, info->key_id, info->nv_index, value + 1);
	return 0;
}

long tpmkey_ioctl_backup(struct tpmkey_device *tk, void __user *uarg)
{
	void __user *ufile;
	struct tpmkey_secrets *sec;
	struct tpmkey_backup req;
	size_t len = 0;
	u8 *file;
	int ret;

	ret = tpmkey_backup_request(&req, uarg);
	if (ret)
		return ret;
	if (req.file_len < TPMKEY_BACKUP_SIZE_MAX) {
		req.file_len = TPMKEY_BACKUP_SIZE_MAX;
		return tpmkey_copy_result(uarg, &req, sizeof(req)) ?: -ENOSPC;
	}
	ufile = u64_to_user_ptr(req.file_ptr);

	sec = kzalloc(sizeof(*sec), GFP_KERNEL);
	file = kzalloc(TPMKEY_BACKUP_SIZE_MAX, GFP_KERNEL);
	if (!sec || !file) {
		ret = -ENOMEM;
		goto out_free;
	}
	ret = tpmkey_backup_input(&req, TPMKEY_BACKUP_HEADER_SIZE, sec, file);
	/* The result must be deliverable before the allowance is spent. */
	if (!ret && copy_to_user(ufile, file, TPMKEY_BACKUP_SIZE_MAX))
		ret = -EFAULT;
	if (ret)
		goto out_free;

	ret = tpmkey_begin(tk, TPMKEY_STATE_ACTIVE);
	if (ret)
		goto out_free;
	ret = tpmkey_backup_make(tk, sec, file);
	if (!ret)
		len = TPMKEY_BACKUP_SIZE(tk->info.key_len);
	tpmkey_end(tk);
	if (ret)
		goto out_free;

	req.file_len = len;
	ret = copy_to_user(ufile, file, len) ? -EFAULT :
	      tpmkey_copy_result(uarg, &req, sizeof(req));
	if (ret)
		pr_info("backup failed after the counter moved (%d)\n", ret);
out_free:
	kfree_sensitive(file);
	kfree_sensitive(sec);
	return ret;
}

long tpmkey_ioctl_verify(struct tpmkey_device *tk, void __user *uarg)
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
	file = kzalloc(TPMKEY_BACKUP_SIZE_MAX, GFP_KERNEL);
	if (!sec || !file) {
		ret = -ENOMEM;
		goto out_free;
	}
	plain = (u8 *)(sec + 1);
	hdr = (struct tpmkey_backup_header *)file;
	ret = tpmkey_backup_input(&req, req.file_len, sec, file);
	if (ret)
		goto out_free;
	if (!tpmkey_backup_header_valid(hdr) ||
	    !tpmkey_backup_len_valid(hdr, req.file_len)) {
		ret = -EBADMSG;
		goto out_free;
	}
	key_len = le32_to_cpu(hdr->key_len);

	ret = tpmkey_begin(tk, TPMKEY_STATE_ACTIVE);
	if (ret)
		goto out_free;
	ret = tpmkey_open_gcm(sec->kek, hdr->nonce, file, hdr_len,
			      file + hdr_len, plain, key_len) ?:
	      tpmkey_dek_read(tk->dek_key, sec->dek, tk->info.key_len);
	if (!ret && (key_len != tk->info.key_len ||
		     memcmp(hdr->key_id, tk->info.key_id, sizeof(hdr->key_id)) ||
		     crypto_memneq(plain, sec->dek, key_len)))
		ret = -ESTALE;
	if (!ret || ret == -ESTALE)
		pr_info("key %*phN: backup %s\n", TPMKEY_KEY_ID_SIZE,
			tk->info.key_id, ret ? "holds another key" : "verified");
	tpmkey_end(tk);
out_free:
	kfree_sensitive(file);
	kfree_sensitive(sec);
	return ret;
}

/* Decrypts a backup for RESTORE into @in; rejects a damaged one. */
static int tpmkey_restore_open(struct tpmkey_install *in, u8 *file)
{
	const struct tpmkey_backup_header *hdr = (const void *)file;
	int ret;

	in->info.key_len = le32_to_cpu(hdr->key_len);
	ret = tpmkey_open_gcm(in->sec->kek, hdr->nonce, file, sizeof(*hdr),
			      file + sizeof(*hdr), in->sec->dek,
			      in->info.key_len);
	if (ret) {
		pr_info_ratelimited("restore refused: the backup does not authenticate (%d)\n",
				    ret);
		return ret;
	}
	memcpy(in->info.key_id, hdr->key_id, sizeof(in->info.key_id));
	in->info.created = le64_to_cpu(hdr->created);
	return 0;
}

long tpmkey_ioctl_restore(struct tpmkey_device *tk, void __user *uarg)
{
	struct tpmkey_install in = {
		.op = "restore",
		/* Record the counter, then move it: the key is backed up. */
		.counter = TPMKEY_COUNTER_INCREMENT,
		.to_keyring = true,
	};
	struct tpmkey_backup file_req = {};
	struct tpmkey_restore req;
	u8 *file = NULL;
	int ret;

	BUILD_BUG_ON(sizeof(req) != TPMKEY_RESTORE_SIZE_VER1);
	ret = tpmkey_copy_request(&req, sizeof(req), TPMKEY_RESTORE_SIZE_VER1,
				  uarg);
	if (ret)
		return ret;
	if (req.flags || req.key_handle ||
	    !tpmkey_reserved_zero(req.reserved, sizeof(req.reserved)) ||
	    !req.kek_ptr || !req.file_ptr)
		return -EINVAL;
	ret = tpmkey_new_key_request(tk, uarg, &req, sizeof(req),
				     &req.state_len, req.parent_handle,
				     req.nv_index, req.pcr_mask, req.state_ptr);
	if (ret)
		return ret;
	if (req.file_len < TPMKEY_BACKUP_HEADER_SIZE ||
	    req.file_len > TPMKEY_BACKUP_SIZE_MAX)
		return -EBADMSG;

	in.sec = kzalloc(sizeof(*in.sec), GFP_KERNEL);
	file = kzalloc(TPMKEY_BACKUP_SIZE_MAX, GFP_KERNEL);
	if (!in.sec || !file) {
		ret = -ENOMEM;
		goto out_free;
	}
	file_req.kek_ptr = req.kek_ptr;
	file_req.file_ptr = req.file_ptr;
	ret = tpmkey_backup_input(&file_req, req.file_len, in.sec, file);
	if (ret)
		goto out_free;
	if (!tpmkey_backup_header_valid((void *)file) ||
	    !tpmkey_backup_len_valid((void *)file, req.file_len)) {
		ret = -EBADMSG;
		goto out_free;
	}

	ret = tpmkey_begin(tk, TPMKEY_STATE_INACTIVE);
	if (ret)
		goto out_free;
	in.backend = tk->new_key_backend;
	in.info.parent_handle = req.parent_handle;
	in.info.nv_index = req.nv_index;
	in.info.pcr_mask = req.pcr_mask;
	ret = tpmkey_check_tpm(tk, in.backend) ?:
	      tpmkey_restore_open(&in, file) ?:
	      tpmkey_install_prepare(tk, &in);
	if (ret) {
		tpmkey_end(tk);
		goto out_free;
	}
	tk->busy = true;
	tpmkey_end(tk);

	req.state_len = in.state_len;
	req.key_handle = in.info.key_handle;
	memcpy(req.key_id, in.info.key_id, sizeof(req.key_id));
	ret = tpmkey_install_deliver(&in, req.state_ptr) ?:
	      tpmkey_copy_result(uarg, &req, sizeof(req));
	tpmkey_install_finish(tk, &in, ret, TPMKEY_ALLOWANCE_USED);
out_free:
	tpmkey_install_free(&in);
	kfree_sensitive(in.sec);
	kfree(file);
	return ret;
}
