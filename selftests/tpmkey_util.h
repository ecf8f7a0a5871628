/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One-call wrappers of the tpmkey ioctls for the kselftests: each returns 0
 * or the errno.
 */
#ifndef TPMKEY_UTIL_H
#define TPMKEY_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/keyctl.h>
#include <linux/tpmkey.h>

static inline long keyring_search(const char *type, const char *desc)
{
	return syscall(__NR_keyctl, KEYCTL_SEARCH, KEY_SPEC_USER_KEYRING,
		       type, desc, 0);
}

static inline int do_status(int fd, struct tpmkey_status *st)
{
	memset(st, 0, sizeof(*st));
	st->size = sizeof(*st);
	return ioctl(fd, TPMKEY_IOC_STATUS, st) ? errno : 0;
}

static inline int do_activate(int fd, __u32 key_len, void *state, __u32 *state_len,
		       __u8 *key_id)
{
	struct tpmkey_activate req = {
		.size = sizeof(req),
		.key_len = key_len,
		.parent_handle = TPMKEY_DEFAULT_PARENT,
		.state_ptr = (unsigned long)state,
		.state_len = TPMKEY_STATE_SIZE_MAX,
		.nv_index = TPMKEY_DEFAULT_NV_INDEX,
	};

	if (ioctl(fd, TPMKEY_IOC_ACTIVATE, &req))
		return errno;
	*state_len = req.state_len;
	memcpy(key_id, req.key_id, sizeof(req.key_id));
	return 0;
}

/*
 * The tests run the module with its lock on the resettable PCR 23
 * (selftests/vm/vm-run): reset it as a reboot would, so that a test may
 * load many times in one boot.  TPM2_PCR_Reset(23) with the empty password.
 */
static inline void test_pcr_reset(void)
{
	static const unsigned char cmd[] = {
		0x80, 0x02, 0x00, 0x00, 0x00, 0x1b, 0x00, 0x00, 0x01, 0x3d,
		0x00, 0x00, 0x00, 0x17, 0x00, 0x00, 0x00, 0x09, 0x40, 0x00,
		0x00, 0x09, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	unsigned char resp[64];
	int fd = open("/dev/tpmrm0", O_RDWR);

	if (fd < 0)
		return;
	if (write(fd, cmd, sizeof(cmd)) == (ssize_t)sizeof(cmd) &&
	    read(fd, resp, sizeof(resp)) < 0)
		perror("PCR_Reset");
	close(fd);
}

static inline int do_load(int fd, const void *state, __u32 state_len, __u8 *key_id)
{
	struct tpmkey_load req = {
		.size = sizeof(req),
		.state_ptr = (unsigned long)state,
		.state_len = state_len,
	};

	test_pcr_reset();

	if (ioctl(fd, TPMKEY_IOC_LOAD, &req))
		return errno;
	if (key_id)
		memcpy(key_id, req.key_id, sizeof(req.key_id));
	return 0;
}

static inline int do_erase(int fd, const __u8 *key_id)
{
	struct tpmkey_erase req = { .size = sizeof(req) };

	memcpy(req.key_id, key_id, sizeof(req.key_id));
	return ioctl(fd, TPMKEY_IOC_ERASE, &req) ? errno : 0;
}

/*
 * Reloads tpmkey.ko (the guest's /lib/modules/tpmkey.ko with the VM's
 * parameters), reopening *@fd: the module forgets its key without ERASE,
 * which would destroy it in the TPM, as a reboot would.
 */
static inline int reload_module(int *fd)
{
	const char *params = getenv("TPMKEY_MODULE_PARAMS");
	int ko, ret = 0;

	close(*fd);
	if (syscall(SYS_delete_module, "tpmkey", O_NONBLOCK))
		return errno;
	ko = open("/lib/modules/tpmkey.ko", O_RDONLY | O_CLOEXEC);
	if (ko < 0)
		return errno;
	if (syscall(SYS_finit_module, ko, params ? params : "", 0))
		ret = errno;
	close(ko);
	*fd = open("/dev/tpmkey", O_RDWR | O_CLOEXEC);
	if (!ret && *fd < 0)
		ret = errno;
	return ret;
}

/* Makes the module INACTIVE and keeps its key loadable (reload_module). */
static inline int make_inactive_keep(int *fd)
{
	struct tpmkey_status st;

	if (!do_status(*fd, &st) && st.state == TPMKEY_STATE_INACTIVE)
		return 0;
	return reload_module(fd);
}

/* Erases whatever key is loaded, so every test starts INACTIVE. */
static inline void make_inactive(int fd)
{
	struct tpmkey_status st;

	if (!do_status(fd, &st) && st.state == TPMKEY_STATE_ACTIVE)
		do_erase(fd, st.key_id);
}

/* A BACKUP request's header for the key @st describes. */
static inline void backup_header_for(struct tpmkey_backup_header *hdr,
				     const struct tpmkey_status *st)
{
	memset(hdr, 0, sizeof(*hdr));
	memcpy(hdr->magic, TPMKEY_BACKUP_MAGIC, sizeof(hdr->magic));
	hdr->version = TPMKEY_BACKUP_VERSION;
	hdr->header_len = sizeof(*hdr);
	hdr->kdf = TPMKEY_KDF_ARGON2ID;
	hdr->kdf_time = 1;
	hdr->kdf_memory = TPMKEY_KDF_MEMORY_MIN;
	hdr->kdf_lanes = 1;
	hdr->key_len = st->key_len;
	memcpy(hdr->key_id, st->key_id, sizeof(hdr->key_id));
	hdr->created = st->created;
}

/* The same for the key loaded now. */
static inline void backup_header(struct tpmkey_backup_header *hdr, int fd)
{
	struct tpmkey_status st;

	do_status(fd, &st);
	backup_header_for(hdr, &st);
}

static inline int do_backup(int fd, const __u8 *kek, void *file, __u32 file_len)
{
	struct tpmkey_backup req = {
		.size = sizeof(req),
		.kek_ptr = (unsigned long)kek,
		.file_ptr = (unsigned long)file,
		.file_len = file_len,
	};

	return ioctl(fd, TPMKEY_IOC_BACKUP, &req) ? errno : 0;
}

static inline int do_verify(int fd, const __u8 *kek, const void *file,
		     __u32 file_len)
{
	struct tpmkey_backup req = {
		.size = sizeof(req),
		.kek_ptr = (unsigned long)kek,
		.file_ptr = (unsigned long)file,
		.file_len = file_len,
	};

	return ioctl(fd, TPMKEY_IOC_VERIFY, &req) ? errno : 0;
}

#endif
