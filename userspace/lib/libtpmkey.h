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
 * @state: receives the state blob; TPMKEY_STATE_SIZE_MAX bytes
 * @state_len: receives its length
 * @key_id: receives the new key's identifier
 *
 * Return: 0; -EEXIST a key is loaded; -ENODEV no TPM 2.0; -ENOPKG the kernel
 * lacks trusted keys; -EKEYREJECTED the TPM refused to seal; other -errno.
 */
int tpmkey_activate(int fd, uint32_t key_len, uint32_t parent, void *state,
		    size_t *state_len, uint8_t key_id[TPMKEY_KEY_ID_SIZE]);

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

#endif /* LIBTPMKEY_H */
