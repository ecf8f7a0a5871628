// SPDX-License-Identifier: GPL-2.0
/*
 * The backup file TPMKEY.BAK's header (include/uapi/linux/tpmkey.h), and
 * the copy kept when it could not reach the stick.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "kdf.h"

TPMKEY_EXPORT void
tpmkey_backup_header_init(struct tpmkey_backup_header *hdr,
			  const struct tpmkey_kdf *kdf,
			  const uint8_t salt[TPMKEY_BACKUP_SALT_SIZE],
			  const struct tpmkey_status *st,
			  const uint8_t tpm_id[TPMKEY_TPM_ID_SIZE])
{
	memset(hdr, 0, sizeof(*hdr));
	memcpy(hdr->magic, TPMKEY_BACKUP_MAGIC, sizeof(hdr->magic));
	hdr->version = htole16(TPMKEY_BACKUP_VERSION);
	hdr->header_len = htole16(sizeof(*hdr));
	hdr->kdf = htole32(TPMKEY_KDF_ARGON2ID);
	hdr->kdf_time = htole32(kdf->time);
	hdr->kdf_memory = htole32(kdf->memory_kib);
	hdr->kdf_lanes = htole32(kdf->lanes);
	memcpy(hdr->salt, salt, sizeof(hdr->salt));
	hdr->key_len = htole32(st->key_len);
	memcpy(hdr->key_id, st->key_id, sizeof(hdr->key_id));
	memcpy(hdr->tpm_id, tpm_id, sizeof(hdr->tpm_id));
	hdr->created = htole64(st->created);
}

TPMKEY_EXPORT int
tpmkey_backup_header_parse(const void *file, size_t len,
			   struct tpmkey_kdf *kdf,
			   uint8_t salt[TPMKEY_BACKUP_SALT_SIZE])
{
	struct tpmkey_backup_header hdr;
	uint32_t key_len;

	if (len < sizeof(hdr))
		return -EBADMSG;
	memcpy(&hdr, file, sizeof(hdr));
	key_len = le32toh(hdr.key_len);
	if (memcmp(hdr.magic, TPMKEY_BACKUP_MAGIC, sizeof(hdr.magic)) ||
	    le16toh(hdr.version) != TPMKEY_BACKUP_VERSION ||
	    le16toh(hdr.header_len) != sizeof(hdr) || hdr.flags ||
	    le32toh(hdr.kdf) != TPMKEY_KDF_ARGON2ID ||
	    !TPMKEY_DEK_SIZE_VALID(key_len) ||
	    len != TPMKEY_BACKUP_SIZE(key_len))
		return -EBADMSG;
	kdf->time = le32toh(hdr.kdf_time);
	kdf->memory_kib = le32toh(hdr.kdf_memory);
	kdf->lanes = le32toh(hdr.kdf_lanes);
	memcpy(salt, hdr.salt, TPMKEY_BACKUP_SALT_SIZE);
	return kdf_params_valid(kdf) ? 0 : -EBADMSG;
}

TPMKEY_EXPORT int tpmkey_backup_keep(const char *dir, const void *file,
				     size_t len, char *path, size_t pathlen)
{
	if (snprintf(path, pathlen, "%s/%s", dir, TPMKEY_BACKUP_UNSAVED) >=
	    (int)pathlen)
		return -ENAMETOOLONG;
	return tk_write_file_atomic(dir, TPMKEY_BACKUP_UNSAVED, file, len);
}
