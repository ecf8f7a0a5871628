/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libtpmkey: the management interface of the tpmkey module.
 *
 * Every function returns 0 on success or a negative errno value; errno
 * itself is left as the failing call set it.  No function ever receives or
 * returns the plaintext data-encryption key: the module keeps it.
 */
#ifndef LIBTPMKEY_H
#define LIBTPMKEY_H

#include <stddef.h>
#include <stdint.h>

#include <linux/tpmkey.h>

#define TPMKEY_DEVICE_PATH	"/dev/tpmkey"

/**
 * tpmkey_open() - open the tpmkey device
 *
 * Return: a file descriptor (close-on-exec), or a negative errno value:
 * -ENOENT when the module is not loaded.
 */
int tpmkey_open(void);

/**
 * tpmkey_get_status() - fill @st from the module (TPMKEY_IOC_STATUS)
 */
int tpmkey_get_status(int fd, struct tpmkey_status *st);

/**
 * tpmkey_activate() - create a new key (TPMKEY_IOC_ACTIVATE)
 * @fd: from tpmkey_open()
 * @key_len: DEK length, 32 or 64
 * @parent: persistent handle of the TPM storage key
 * @nv_index: the backup counter (must exist and have been incremented)
 * @state: receives the state blob; TPMKEY_STATE_SIZE_MAX bytes
 * @state_len: receives its length
 * @key_id: receives the new key's identifier
 *
 * Return: 0; -EEXIST a key is loaded; -ENODEV no TPM 2.0; -ENOPKG the kernel
 * lacks trusted keys that backend=trusted asks for; -EKEYREJECTED the TPM
 * refused to seal; -ENOENT or
 * -ENODATA the counter is missing or unwritten; other -errno.
 */
int tpmkey_activate(int fd, uint32_t key_len, uint32_t parent,
		    uint32_t nv_index, void *state, size_t *state_len,
		    uint8_t key_id[TPMKEY_KEY_ID_SIZE]);

/**
 * tpmkey_load() - load a key from its state blob (TPMKEY_IOC_LOAD)
 *
 * Return: 0; -EEXIST a key is loaded; -EBADMSG the blob is damaged;
 * -EKEYREJECTED the TPM cannot unseal it; -ENODEV, -ENOPKG as above.
 */
int tpmkey_load(int fd, const void *state, size_t state_len,
		uint8_t key_id[TPMKEY_KEY_ID_SIZE]);

/**
 * tpmkey_erase() - destroy the loaded key (TPMKEY_IOC_ERASE)
 *
 * Return: 0; -ENOKEY no key is loaded; -ESTALE @key_id is not the loaded
 * key's.
 */
int tpmkey_erase(int fd, const uint8_t key_id[TPMKEY_KEY_ID_SIZE]);

/**
 * tpmkey_backup() - the one-time backup (TPMKEY_IOC_BACKUP)
 * @fd: from tpmkey_open()
 * @kek: TPMKEY_KEK_SIZE bytes derived from the password
 * @file: in: the header filled in, nonce zero; out: the file;
 *	  TPMKEY_BACKUP_SIZE_MAX bytes
 * @file_len: receives the file's length
 *
 * Return: 0; -EALREADY the backup was made; -ENOKEY no key; -EINVAL the
 * header does not describe the loaded key; other -errno.
 */
int tpmkey_backup(int fd, const uint8_t *kek, void *file, size_t *file_len);

/**
 * tpmkey_verify() - check a backup against the loaded key
 *
 * Return: 0; -EBADMSG wrong password or damaged file; -ESTALE a backup of
 * another key; -ENOKEY no key loaded; other -errno.
 */
int tpmkey_verify(int fd, const uint8_t *kek, const void *file,
		  size_t file_len);

/**
 * tpmkey_restore() - bring a backed-up key back on this TPM
 *
 * Return: 0; -EEXIST a key is loaded; -EBADMSG wrong password or damaged
 * file; -ENODEV, -ENOPKG, -EKEYREJECTED as for activate; other -errno.
 */
int tpmkey_restore(int fd, const uint8_t *kek, const void *file,
		   size_t file_len, uint32_t parent, uint32_t nv_index,
		   void *state, size_t *state_len,
		   uint8_t key_id[TPMKEY_KEY_ID_SIZE]);

#endif /* LIBTPMKEY_H */
