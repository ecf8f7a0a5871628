/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * tpmkey: a TPM-protected disk-encryption key in the kernel keyring.
 *
 * Userspace interface of /dev/tpmkey.  Every ioctl takes a pointer to a
 * struct whose first two fields are:
 *
 *	__u32 size	sizeof() the struct as the caller knows it
 *	__u32 flags	request flags; bits not defined here must be zero
 *
 * The struct may grow at its end in later versions.  The module accepts a
 * size at least the version-1 size (TPMKEY_*_SIZE_VER1) and at most
 * TPMKEY_STRUCT_SIZE_MAX: a shorter caller's missing fields read as zero, a
 * longer caller's unknown tail must be zero (else E2BIG).  Results are
 * written back only up to the smaller of the two sizes.  The ioctl numbers
 * encode the version-1 size and never change.  Every field named "reserved"
 * must be zero on input (else EINVAL).
 *
 * The plaintext data-encryption key (DEK) never crosses this interface.
 */
#ifndef _UAPI_LINUX_TPMKEY_H
#define _UAPI_LINUX_TPMKEY_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define TPMKEY_UAPI_VERSION		1
#define TPMKEY_IOC_MAGIC		0xB8
#define TPMKEY_STRUCT_SIZE_MAX		4096

/* Description of the logon key that holds the DEK ("logon" key type). */
#define TPMKEY_KEYRING_DESC		"tpmkey:dek"

#define TPMKEY_KEY_ID_SIZE		16
#define TPMKEY_DEK_SIZE_MIN		32
#define TPMKEY_DEK_SIZE_MAX		64
/* Largest state blob ACTIVATE can produce or LOAD accepts. */
#define TPMKEY_STATE_SIZE_MAX		2048
/* Default persistent handle of the TPM storage key that seals the KMK. */
#define TPMKEY_DEFAULT_PARENT		0x81000001u

/**
 * enum tpmkey_state - state of the module's key
 * @TPMKEY_STATE_INACTIVE: no key is loaded
 * @TPMKEY_STATE_ACTIVE: a key is loaded and linked into the keyring
 */
enum tpmkey_state {
	TPMKEY_STATE_INACTIVE = 0,
	TPMKEY_STATE_ACTIVE = 1,
};

/* tpmkey_status.tpm_flags */
#define TPMKEY_TPM_PRESENT		(1U << 0)	/* a TPM chip is registered */
#define TPMKEY_TPM_2			(1U << 1)	/* ... and it is a TPM 2.0 */

/* tpmkey_status.features: what the running kernel provides */
#define TPMKEY_FEAT_TRUSTED_KEYS	(1U << 0)	/* "trusted" key type */

/* Sealing backends, recorded in the state blob and shown by STATUS. */
#define TPMKEY_BACKEND_NONE		0
#define TPMKEY_BACKEND_TRUSTED		1	/* kernel trusted-keys subsystem */

/**
 * struct tpmkey_status - TPMKEY_IOC_STATUS argument
 * @size: in: sizeof(struct tpmkey_status) as the caller knows it
 * @flags: in: must be zero
 * @uapi_version: out: TPMKEY_UAPI_VERSION of the module
 * @state: out: enum tpmkey_state
 * @tpm_flags: out: TPMKEY_TPM_* bits
 * @features: out: TPMKEY_FEAT_* bits
 * @key_len: out: DEK length in bytes; 0 when inactive
 * @parent_handle: out: persistent handle of the storage key; 0 when inactive
 * @key_id: out: random identifier of the loaded key; zero when inactive
 * @created: out: creation time of the loaded key, seconds since the epoch
 * @backend: out: TPMKEY_BACKEND_* of the loaded key
 * @reserved: must be zero
 */
struct tpmkey_status {
	__u32 size;
	__u32 flags;
	__u32 uapi_version;
	__u32 state;
	__u32 tpm_flags;
	__u32 features;
	__u32 key_len;
	__u32 parent_handle;
	__u8 key_id[TPMKEY_KEY_ID_SIZE];
	__u64 created;
	__u32 backend;
	__u32 reserved[5];
};

#define TPMKEY_STATUS_SIZE_VER1		80

/**
 * struct tpmkey_activate - TPMKEY_IOC_ACTIVATE argument
 * @size: in: sizeof(struct tpmkey_activate) as the caller knows it
 * @flags: in: must be zero
 * @key_len: in: DEK length in bytes, 32 or 64
 * @parent_handle: in: persistent handle (0x81xxxxxx) of the storage key
 * @state_ptr: in: user pointer to a buffer for the state blob
 * @state_len: in: size of that buffer; out: length of the state blob
 * @reserved0: must be zero
 * @key_id: out: identifier of the new key
 * @reserved: must be zero
 *
 * Creates a DEK and a TPM-sealed key-master key, links the DEK into the
 * caller's user keyring and returns the sealed state for the caller to store.
 * ENOSPC: @state_len is too small; it then holds the length needed.
 */
struct tpmkey_activate {
	__u32 size;
	__u32 flags;
	__u32 key_len;
	__u32 parent_handle;
	__u64 state_ptr;
	__u32 state_len;
	__u32 reserved0;
	__u8 key_id[TPMKEY_KEY_ID_SIZE];
	__u64 reserved[2];
};

#define TPMKEY_ACTIVATE_SIZE_VER1	64

/**
 * struct tpmkey_load - TPMKEY_IOC_LOAD argument
 * @size: in: sizeof(struct tpmkey_load) as the caller knows it
 * @flags: in: must be zero
 * @state_ptr: in: user pointer to the state blob ACTIVATE returned
 * @state_len: in: its length
 * @reserved0: must be zero
 * @key_id: out: identifier of the loaded key
 * @reserved: must be zero
 */
struct tpmkey_load {
	__u32 size;
	__u32 flags;
	__u64 state_ptr;
	__u32 state_len;
	__u32 reserved0;
	__u8 key_id[TPMKEY_KEY_ID_SIZE];
	__u64 reserved[2];
};

#define TPMKEY_LOAD_SIZE_VER1		56

/**
 * struct tpmkey_erase - TPMKEY_IOC_ERASE argument
 * @size: in: sizeof(struct tpmkey_erase) as the caller knows it
 * @flags: in: must be zero
 * @key_id: in: identifier of the key to erase; must match the loaded key
 * @reserved: must be zero
 */
struct tpmkey_erase {
	__u32 size;
	__u32 flags;
	__u8 key_id[TPMKEY_KEY_ID_SIZE];
	__u64 reserved[2];
};

#define TPMKEY_ERASE_SIZE_VER1		40

#define TPMKEY_IOC_STATUS	_IOWR(TPMKEY_IOC_MAGIC, 0x00, struct tpmkey_status)
#define TPMKEY_IOC_ACTIVATE	_IOWR(TPMKEY_IOC_MAGIC, 0x01, struct tpmkey_activate)
#define TPMKEY_IOC_LOAD		_IOWR(TPMKEY_IOC_MAGIC, 0x02, struct tpmkey_load)
#define TPMKEY_IOC_ERASE	_IOW(TPMKEY_IOC_MAGIC, 0x03, struct tpmkey_erase)

#endif /* _UAPI_LINUX_TPMKEY_H */
