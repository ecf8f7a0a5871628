// SPDX-License-Identifier: LGPL-2.1-or-later
/* The device /dev/tpmkey: one function per ioctl. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>

#include "internal.h"

TPMKEY_EXPORT int tpmkey_open(void)
{
	int fd = open(TPMKEY_DEVICE_PATH, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

TPMKEY_EXPORT int tpmkey_get_status(int fd, struct tpmkey_status *st)
{
	memset(st, 0, sizeof(*st));
	st->size = sizeof(*st);
	return ioctl(fd, TPMKEY_IOC_STATUS, st) ? -errno : 0;
}

TPMKEY_EXPORT int tpmkey_activate(int fd, uint32_t key_len, uint32_t parent,
		    uint32_t nv_index, uint32_t pcr_mask, void *state,
		    size_t *state_len,
		    uint8_t key_id[TPMKEY_KEY_ID_SIZE])
{
	struct tpmkey_activate req = {
		.size = sizeof(req),
		.key_len = key_len,
		.parent_handle = parent,
		.nv_index = nv_index,
		.state_ptr = (uintptr_t)state,
		.state_len = TPMKEY_STATE_SIZE_MAX,
		.pcr_mask = pcr_mask,
	};

	if (ioctl(fd, TPMKEY_IOC_ACTIVATE, &req))
		return -errno;
	*state_len = req.state_len;
	memcpy(key_id, req.key_id, sizeof(req.key_id));
	return 0;
}

TPMKEY_EXPORT int tpmkey_load(int fd, const void *state, size_t state_len,
		uint8_t key_id[TPMKEY_KEY_ID_SIZE])
{
	struct tpmkey_load req = {
		.size = sizeof(req),
		.state_ptr = (uintptr_t)state,
		.state_len = state_len,
	};

	if (state_len > UINT32_MAX)
		return -EBADMSG;
	if (ioctl(fd, TPMKEY_IOC_LOAD, &req))
		return -errno;
	memcpy(key_id, req.key_id, sizeof(req.key_id));
	return 0;
}

TPMKEY_EXPORT int tpmkey_erase(int fd, const uint8_t key_id[TPMKEY_KEY_ID_SIZE])
{
	struct tpmkey_erase req = { .size = sizeof(req) };

	memcpy(req.key_id, key_id, sizeof(req.key_id));
	return ioctl(fd, TPMKEY_IOC_ERASE, &req) ? -errno : 0;
}

TPMKEY_EXPORT int tpmkey_backup(int fd, const uint8_t kek[TPMKEY_KEK_SIZE], void *file, size_t *file_len)
{
	struct tpmkey_backup req = {
		.size = sizeof(req),
		.kek_ptr = (uintptr_t)kek,
		.file_ptr = (uintptr_t)file,
		.file_len = TPMKEY_BACKUP_SIZE_MAX,
	};

	if (ioctl(fd, TPMKEY_IOC_BACKUP, &req))
		return -errno;
	*file_len = req.file_len;
	return 0;
}

TPMKEY_EXPORT int tpmkey_verify(int fd, const uint8_t kek[TPMKEY_KEK_SIZE], const void *file,
		  size_t file_len)
{
	struct tpmkey_backup req = {
		.size = sizeof(req),
		.kek_ptr = (uintptr_t)kek,
		.file_ptr = (uintptr_t)file,
		.file_len = file_len,
	};

	if (file_len > TPMKEY_BACKUP_SIZE_MAX)
		return -EBADMSG;
	return ioctl(fd, TPMKEY_IOC_VERIFY, &req) ? -errno : 0;
}

TPMKEY_EXPORT int tpmkey_restore(int fd, const uint8_t kek[TPMKEY_KEK_SIZE], const void *file,
		   size_t file_len, uint32_t parent, uint32_t nv_index,
		   uint32_t pcr_mask, void *state, size_t *state_len,
		   uint8_t key_id[TPMKEY_KEY_ID_SIZE])
{
	struct tpmkey_restore req = {
		.size = sizeof(req),
		.kek_ptr = (uintptr_t)kek,
		.file_ptr = (uintptr_t)file,
		.file_len = file_len,
		.parent_handle = parent,
		.state_ptr = (uintptr_t)state,
		.state_len = TPMKEY_STATE_SIZE_MAX,
		.nv_index = nv_index,
		.pcr_mask = pcr_mask,
	};

	if (file_len > TPMKEY_BACKUP_SIZE_MAX)
		return -EBADMSG;
	if (ioctl(fd, TPMKEY_IOC_RESTORE, &req))
		return -errno;
	*state_len = req.state_len;
	memcpy(key_id, req.key_id, sizeof(req.key_id));
	return 0;
}

TPMKEY_EXPORT int tpmkey_reseal(int fd, const uint8_t key_id[TPMKEY_KEY_ID_SIZE],
				uint32_t pcr_mask, void *state,
				size_t *state_len)
{
	struct tpmkey_reseal req = {
		.size = sizeof(req),
		.state_ptr = (uintptr_t)state,
		.state_len = TPMKEY_STATE_SIZE_MAX,
		.pcr_mask = pcr_mask,
	};

	memcpy(req.key_id, key_id, sizeof(req.key_id));
	if (ioctl(fd, TPMKEY_IOC_RESEAL, &req))
		return -errno;
	*state_len = req.state_len;
	return 0;
}
