// SPDX-License-Identifier: GPL-2.0
/*
 * The state blob (struct tpmkey_state_header in the UAPI header, then the
 * sealed KMK, the wrapped DEK, the GCM tag and a SHA-256 checksum): all
 * the helper stores to load the key at boot, none of it secret without
 * the TPM.  The checksum tells accidental damage (refused before any TPM
 * command) from a TPM that cannot unseal; the tag stops deliberate changes.
 */

#include <crypto/sha2.h>
#include <linux/errno.h>
#include <linux/string.h>

#include "tpmkey.h"

static_assert(sizeof(struct tpmkey_state_header) == TPMKEY_STATE_HEADER_SIZE);
static_assert(TPMKEY_STATE_SIZE(TPMKEY_SEALED_SIZE_MAX, TPMKEY_DEK_SIZE_MAX) <=
	      TPMKEY_STATE_SIZE_MAX);
static_assert(TPMKEY_STATE_SUM_SIZE == SHA256_DIGEST_SIZE);

/**
 * tpmkey_state_build() - make the state blob for a new key
 * @info: the key's metadata; @info->key_len bytes of @dek
 * @nonce: fresh GCM nonce for wrapping @dek under @kmk
 * @kmk: the unsealed key-master key
 * @sealed: the KMK as the backend sealed it
 * @sealed_len: its length, at most TPMKEY_SEALED_SIZE_MAX
 * @dek: the data-encryption key
 * @out: receives the blob; at least TPMKEY_STATE_SIZE_MAX bytes
 * @out_len: receives its length
 *
 * Return: 0 or a negative errno.
 */
int tpmkey_state_build(const struct tpmkey_key_info *info, const u8 *nonce,
		       const u8 *kmk, const u8 *sealed, size_t sealed_len,
		       const u8 *dek, u8 *out, size_t *out_len)
{
	struct tpmkey_state_header *hdr = (struct tpmkey_state_header *)out;
	size_t aad_len = sizeof(*hdr) + sealed_len;
	size_t len = TPMKEY_STATE_SIZE(sealed_len, info->key_len);
	int ret;

	if (sealed_len > TPMKEY_SEALED_SIZE_MAX ||
	    info->key_len > TPMKEY_DEK_SIZE_MAX)
		return -EINVAL;

	memset(hdr, 0, sizeof(*hdr));
	memcpy(hdr->magic, TPMKEY_STATE_MAGIC, sizeof(hdr->magic));
	hdr->version = cpu_to_le16(TPMKEY_STATE_VERSION);
	hdr->header_len = cpu_to_le16(sizeof(*hdr));
	hdr->backend = cpu_to_le32(info->backend);
	hdr->parent_handle = cpu_to_le32(info->parent_handle);
	hdr->key_len = cpu_to_le32(info->key_len);
	hdr->sealed_len = cpu_to_le32(sealed_len);
	memcpy(hdr->key_id, info->key_id, sizeof(hdr->key_id));
	hdr->created = cpu_to_le64(info->created);
	hdr->nv_index = cpu_to_le32(info->nv_index);
	hdr->key_handle = cpu_to_le32(info->key_handle);
	hdr->nv_value = cpu_to_le64(info->nv_value);
	memcpy(hdr->nonce, nonce, sizeof(hdr->nonce));
	hdr->lock_pcr = cpu_to_le32(info->lock_pcr);
	hdr->pcr_mask = cpu_to_le32(info->pcr_mask);
	memcpy(hdr->lock_pcr_value, info->lock_pcr_value,
	       sizeof(hdr->lock_pcr_value));
	memcpy(hdr->salt_point, info->salt_point, sizeof(hdr->salt_point));
	memcpy(hdr->nv_name, info->nv_name, sizeof(hdr->nv_name));
	memcpy(out + sizeof(*hdr), sealed, sealed_len);

	ret = tpmkey_seal_gcm(kmk, nonce, out, aad_len, dek, out + aad_len,
			      info->key_len);
	if (ret)
		return ret;
	sha256(out, len - SHA256_DIGEST_SIZE, out + len - SHA256_DIGEST_SIZE);
	*out_len = len;
	return 0;
}

static void tpmkey_state_info(const struct tpmkey_state_header *hdr,
			      struct tpmkey_key_info *info)
{
	info->backend = le32_to_cpu(hdr->backend);
	info->parent_handle = le32_to_cpu(hdr->parent_handle);
	info->key_len = le32_to_cpu(hdr->key_len);
	memcpy(info->key_id, hdr->key_id, sizeof(info->key_id));
	info->created = le64_to_cpu(hdr->created);
	info->nv_index = le32_to_cpu(hdr->nv_index);
	info->key_handle = le32_to_cpu(hdr->key_handle);
	info->nv_value = le64_to_cpu(hdr->nv_value);
	info->lock_pcr = le32_to_cpu(hdr->lock_pcr);
	info->pcr_mask = le32_to_cpu(hdr->pcr_mask);
	memcpy(info->lock_pcr_value, hdr->lock_pcr_value,
	       sizeof(info->lock_pcr_value));
	memcpy(info->salt_point, hdr->salt_point, sizeof(info->salt_point));
	memcpy(info->nv_name, hdr->nv_name, sizeof(info->nv_name));
}

/**
 * tpmkey_state_parse() - check a state blob's structure and checksum
 * @blob: the blob as the helper stored it
 * @len: its length
 * @view: receives the metadata and pointers into @blob
 *
 * Nothing here needs the TPM; the handles are checked against their
 * ranges here, the rest by the backend before it sends anything.
 *
 * Return: 0, or -EBADMSG for anything but a well-formed, undamaged blob of
 * a version this module knows.
 */
int tpmkey_state_parse(const u8 *blob, size_t len,
		       struct tpmkey_state_view *view)
{
	const struct tpmkey_state_header *hdr = (const void *)blob;
	u8 digest[SHA256_DIGEST_SIZE];
	size_t sealed_len, key_len;

	if (len < TPMKEY_STATE_SIZE(0, 0) || len > TPMKEY_STATE_SIZE_MAX)
		return -EBADMSG;
	if (memcmp(hdr->magic, TPMKEY_STATE_MAGIC, sizeof(hdr->magic)) ||
	    le16_to_cpu(hdr->version) != TPMKEY_STATE_VERSION ||
	    le16_to_cpu(hdr->header_len) != sizeof(*hdr) || hdr->flags ||
	    hdr->reserved0 ||
	    !tpmkey_reserved_zero(hdr->reserved, sizeof(hdr->reserved)))
		return -EBADMSG;

	sealed_len = le32_to_cpu(hdr->sealed_len);
	key_len = le32_to_cpu(hdr->key_len);
	if (sealed_len == 0 || sealed_len > TPMKEY_SEALED_SIZE_MAX ||
	    !TPMKEY_DEK_SIZE_VALID(key_len) ||
	    len != TPMKEY_STATE_SIZE(sealed_len, key_len))
		return -EBADMSG;

	sha256(blob, len - SHA256_DIGEST_SIZE, digest);
	if (memcmp(digest, blob + len - SHA256_DIGEST_SIZE, sizeof(digest)))
		return -EBADMSG;

	tpmkey_state_info(hdr, &view->info);
	if (!tpmkey_valid_parent(view->info.parent_handle) ||
	    !tpmkey_valid_nv_index(view->info.nv_index))
		return -EBADMSG;
	view->nonce = hdr->nonce;
	view->aad = blob;
	view->aad_len = sizeof(*hdr) + sealed_len;
	view->sealed = blob + sizeof(*hdr);
	view->sealed_len = sealed_len;
	view->wrapped = blob + view->aad_len;
	return 0;
}

/**
 * tpmkey_state_unwrap() - recover the DEK of a parsed state blob
 * @view: from tpmkey_state_parse()
 * @kmk: the unsealed key-master key
 * @dek: receives @view->info.key_len bytes
 *
 * Return: 0, -EBADMSG when the tag does not match, or a negative errno.
 */
int tpmkey_state_unwrap(const struct tpmkey_state_view *view, const u8 *kmk,
			u8 *dek)
{
	return tpmkey_open_gcm(kmk, view->nonce, view->aad, view->aad_len,
			       view->wrapped, dek, view->info.key_len);
}
