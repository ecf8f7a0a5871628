// SPDX-License-Identifier: GPL-2.0
/*
 * The state blob: everything the helper stores to load the key at boot,
 * none of it secret without the TPM.  Layout (little endian):
 *
 *	struct tpmkey_state_hdr		88 bytes
 *	sealed KMK			hdr.sealed_len bytes (backend format)
 *	wrapped DEK			hdr.key_len bytes, AES-256-GCM under the KMK
 *	GCM tag				16 bytes; AAD = header | sealed KMK
 *	SHA-256				32 bytes over everything before it
 *
 * The checksum tells accidental damage (refused before any TPM command)
 * from a TPM that cannot unseal; the tag stops deliberate changes.
 */

#include <crypto/sha2.h>
#include <linux/errno.h>
#include <linux/string.h>

#include <linux/tpmkey.h>

#include "tpmkey.h"

#define TPMKEY_STATE_MAGIC	"tpmkeyST"
#define TPMKEY_STATE_VERSION	1

struct tpmkey_state_hdr {
	u8 magic[8];
	__le16 version;
	__le16 hdr_len;
	__le32 flags;
	__le32 backend;
	__le32 parent_handle;
	__le32 key_len;
	__le32 sealed_len;
	u8 key_id[TPMKEY_KEY_ID_SIZE];
	__le64 created;
	__le32 nv_index;
	__le32 reserved;
	__le64 nv_value;
	u8 nonce[TPMKEY_GCM_NONCE_SIZE];
	__le32 reserved2;
} __packed;

static_assert(sizeof(struct tpmkey_state_hdr) == 88);
static_assert(sizeof(struct tpmkey_state_hdr) + TPMKEY_SEALED_SIZE_MAX +
	      TPMKEY_DEK_SIZE_MAX + TPMKEY_GCM_TAG_SIZE + SHA256_DIGEST_SIZE <=
	      TPMKEY_STATE_SIZE_MAX);

static size_t tpmkey_state_len(size_t sealed_len, size_t key_len)
{
	return sizeof(struct tpmkey_state_hdr) + sealed_len + key_len +
	       TPMKEY_GCM_TAG_SIZE + SHA256_DIGEST_SIZE;
}

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
	struct tpmkey_state_hdr *hdr = (struct tpmkey_state_hdr *)out;
	size_t aad_len = sizeof(*hdr) + sealed_len;
	size_t len = tpmkey_state_len(sealed_len, info->key_len);
	int ret;

	if (sealed_len > TPMKEY_SEALED_SIZE_MAX ||
	    info->key_len > TPMKEY_DEK_SIZE_MAX)
		return -EINVAL;

	memset(hdr, 0, sizeof(*hdr));
	memcpy(hdr->magic, TPMKEY_STATE_MAGIC, sizeof(hdr->magic));
	hdr->version = cpu_to_le16(TPMKEY_STATE_VERSION);
	hdr->hdr_len = cpu_to_le16(sizeof(*hdr));
	hdr->backend = cpu_to_le32(info->backend);
	hdr->parent_handle = cpu_to_le32(info->parent_handle);
	hdr->key_len = cpu_to_le32(info->key_len);
	hdr->sealed_len = cpu_to_le32(sealed_len);
	memcpy(hdr->key_id, info->key_id, sizeof(hdr->key_id));
	hdr->created = cpu_to_le64(info->created);
	hdr->nv_index = cpu_to_le32(info->nv_index);
	hdr->nv_value = cpu_to_le64(info->nv_value);
	memcpy(hdr->nonce, nonce, sizeof(hdr->nonce));
	memcpy(out + sizeof(*hdr), sealed, sealed_len);

	ret = tpmkey_seal_gcm(kmk, nonce, out, aad_len, dek, out + aad_len,
			      info->key_len);
	if (ret)
		return ret;
	sha256(out, len - SHA256_DIGEST_SIZE, out + len - SHA256_DIGEST_SIZE);
	*out_len = len;
	return 0;
}

/**
 * tpmkey_state_parse() - check a state blob's structure and checksum
 * @blob: the blob as the helper stored it
 * @len: its length
 * @view: receives the metadata and pointers into @blob
 *
 * Nothing here needs the TPM.
 *
 * Return: 0, or -EBADMSG for anything but a well-formed, undamaged blob of
 * a version this module knows.
 */
int tpmkey_state_parse(const u8 *blob, size_t len,
		       struct tpmkey_state_view *view)
{
	const struct tpmkey_state_hdr *hdr = (const void *)blob;
	u8 digest[SHA256_DIGEST_SIZE];
	size_t sealed_len, key_len;

	if (len < tpmkey_state_len(0, 0) || len > TPMKEY_STATE_SIZE_MAX)
		return -EBADMSG;
	if (memcmp(hdr->magic, TPMKEY_STATE_MAGIC, sizeof(hdr->magic)) ||
	    le16_to_cpu(hdr->version) != TPMKEY_STATE_VERSION ||
	    le16_to_cpu(hdr->hdr_len) != sizeof(*hdr) || hdr->flags ||
	    hdr->reserved || hdr->reserved2)
		return -EBADMSG;

	sealed_len = le32_to_cpu(hdr->sealed_len);
	key_len = le32_to_cpu(hdr->key_len);
	if (sealed_len == 0 || sealed_len > TPMKEY_SEALED_SIZE_MAX ||
	    (key_len != 32 && key_len != 64) ||
	    len != tpmkey_state_len(sealed_len, key_len))
		return -EBADMSG;

	sha256(blob, len - SHA256_DIGEST_SIZE, digest);
	if (memcmp(digest, blob + len - SHA256_DIGEST_SIZE, sizeof(digest)))
		return -EBADMSG;

	view->info.backend = le32_to_cpu(hdr->backend);
	view->info.parent_handle = le32_to_cpu(hdr->parent_handle);
	view->info.key_len = key_len;
	memcpy(view->info.key_id, hdr->key_id, sizeof(view->info.key_id));
	view->info.created = le64_to_cpu(hdr->created);
	view->info.nv_index = le32_to_cpu(hdr->nv_index);
	view->info.nv_value = le64_to_cpu(hdr->nv_value);
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
