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

/*
 * Version 2 left the ioctl magic 0xB8 (Marvell's CN10K DPI driver owns
 * 0xB8 01-02 in Documentation/userspace-api/ioctl/ioctl-number.rst) and
 * added the boot-phase lock, platform-PCR binding, the per-key TPM object
 * and RESEAL.  Version 1 was never released.
 */
#define TPMKEY_UAPI_VERSION		2
#define TPMKEY_IOC_MAGIC		0xBD
#define TPMKEY_STRUCT_SIZE_MAX		4096

/* Description of the logon key that holds the DEK ("logon" key type). */
#define TPMKEY_KEYRING_DESC		"tpmkey:dek"

#define TPMKEY_KEY_ID_SIZE		16
#define TPMKEY_DEK_SIZE_MIN		32
#define TPMKEY_DEK_SIZE_MAX		64
/*
 * A DEK is one AES-XTS key pair, 2 x 128 or 2 x 256 bits: MIN or MAX,
 * which is twice MIN (the test evaluates @n once).
 */
#define TPMKEY_DEK_SIZE_VALID(n)	((((__u32)(n) - TPMKEY_DEK_SIZE_MIN) & \
					  ~(__u32)TPMKEY_DEK_SIZE_MIN) == 0)
/* Largest state blob ACTIVATE can produce or LOAD accepts. */
#define TPMKEY_STATE_SIZE_MAX		2048
/* Default persistent handle of the TPM storage key that seals the KMK. */
#define TPMKEY_DEFAULT_PARENT		0x81000001u
/* Default NV index of the counter that makes the backup one-time. */
#define TPMKEY_DEFAULT_NV_INDEX		0x01746b01u
/*
 * Persistent handles the module gives the per-key TPM object (the native
 * backend's ECC storage key that parents the sealed KMK and salts the
 * sessions): the first free one of these.  ERASE evicts it.
 */
#define TPMKEY_KEY_HANDLE_FIRST		0x81746b00u
#define TPMKEY_KEY_HANDLE_COUNT		16

/*
 * PCRs.  The boot-phase lock PCR (module parameter lock_pcr, recorded in
 * the state) is one of 8..15 in production; 23 is accepted for tests only
 * (it is resettable at locality 0, so it locks nothing) and STATUS flags
 * it.  Platform PCRs a key may be bound to (ACTIVATE's pcr_mask): 0..15,
 * never the lock PCR.
 */
#define TPMKEY_PCR_COUNT		24
#define TPMKEY_LOCK_PCR_DEFAULT		13
#define TPMKEY_LOCK_PCR_MIN		8
#define TPMKEY_LOCK_PCR_MAX		15
#define TPMKEY_LOCK_PCR_TEST		23
#define TPMKEY_PCR_MASK_ALLOWED		0x0000ffffu
#define TPMKEY_PCR_DIGEST_SIZE		32	/* SHA-256 bank */

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

/* tpmkey_status.key_flags */
#define TPMKEY_KEY_BACKED_UP		(1U << 0)	/* no further backup */

/* tpmkey_status.lock_flags */
#define TPMKEY_LOCK_CLOSED		(1U << 0)	/* extended this boot */
#define TPMKEY_LOCK_TEST_PCR		(1U << 1)	/* resettable: tests only */

/*
 * tpmkey_status.protections and .new_key_protections: what a key's
 * sealing gives.  The native backend gives all; trusted keys give none of
 * them on 6.1 and 6.12 as Debian and this project build them.
 */
/* salted, encrypted, HMAC-checked sessions */
#define TPMKEY_PROT_BUS			(1U << 0)
#define TPMKEY_PROT_BOOT_LOCK		(1U << 1)	/* PCR policy + lock */
#define TPMKEY_PROT_TPM_ERASE		(1U << 2)	/* per-key TPM object */

/* tpmkey_status.features: what the running kernel provides */
#define TPMKEY_FEAT_TRUSTED_KEYS	(1U << 0)	/* "trusted" key type */

/*
 * Sealing backends, recorded in the state blob and shown by STATUS, with
 * the names the module parameter "backend" and tpmkeyctl use.
 */
#define TPMKEY_BACKEND_NONE		0
#define TPMKEY_BACKEND_TRUSTED		1	/* kernel trusted-keys subsystem */
#define TPMKEY_BACKEND_TPM2		2	/* the module's own TPM2 commands */
#define TPMKEY_BACKEND_COUNT		3
#define TPMKEY_BACKEND_NAMES		{ "none", "trusted", "tpm2" }

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
 * @key_flags: out: TPMKEY_KEY_* bits of the loaded key
 * @nv_index: out: NV index of the loaded key's backup counter
 * @new_key_backend: out: TPMKEY_BACKEND_* that ACTIVATE and RESTORE use on
 *	this kernel now (module parameter "backend"); TPMKEY_BACKEND_NONE if
 *	the one asked for is missing
 * @key_handle: out: persistent handle of the loaded key's TPM object; 0
 *	when inactive or for a trusted-keys key
 * @lock_pcr: out: the boot-phase lock PCR of the loaded key, else the one
 *	new keys get (module parameter lock_pcr)
 * @pcr_mask: out: platform PCRs the loaded key is bound to
 * @lock_flags: out: TPMKEY_LOCK_* bits for @lock_pcr
 * @protections: out: TPMKEY_PROT_* of the loaded key; 0 when inactive
 * @new_key_protections: out: TPMKEY_PROT_* that ACTIVATE and RESTORE give
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
	__u32 key_flags;
	__u32 nv_index;
	__u32 new_key_backend;
	__u32 key_handle;
	__u32 lock_pcr;
	__u32 pcr_mask;
	__u32 lock_flags;
	__u32 protections;
	__u32 new_key_protections;
	__u32 reserved[2];
};

#define TPMKEY_STATUS_SIZE_VER1		104

/**
 * struct tpmkey_activate - TPMKEY_IOC_ACTIVATE argument
 * @size: in: sizeof(struct tpmkey_activate) as the caller knows it
 * @flags: in: must be zero
 * @key_len: in: DEK length in bytes, TPMKEY_DEK_SIZE_VALID()
 * @parent_handle: in: persistent handle (0x81xxxxxx) of the storage key
 * @state_ptr: in: user pointer to a buffer for the state blob
 * @state_len: in: size of that buffer; out: length of the state blob
 * @nv_index: in: NV index (0x01xxxxxx) of an 8-byte TPM counter, readable
 *	and incrementable with owner authorization, that makes the backup of
 *	this key one-time; it must exist and have been incremented once
 * @key_id: out: identifier of the new key
 * @pcr_mask: in: platform PCRs (bit n: PCR n, within
 *	TPMKEY_PCR_MASK_ALLOWED, not the lock PCR) whose values of this boot
 *	the key is bound to, besides the boot-phase lock PCR
 * @key_handle: out: persistent handle of the key's TPM object, 0 if the
 *	backend makes none
 * @reserved: must be zero
 *
 * Creates a DEK and a TPM-sealed key-master key, links the DEK into the
 * caller's user keyring and returns the sealed state for the caller to store.
 * The state records the counter's value now; a backup is allowed only while
 * the TPM still shows that value.  Closes the boot-phase lock if no LOAD
 * did in this boot.
 * ENOSPC: @state_len is too small; it then holds the length needed.
 */
struct tpmkey_activate {
	__u32 size;
	__u32 flags;
	__u32 key_len;
	__u32 parent_handle;
	__u64 state_ptr;
	__u32 state_len;
	__u32 nv_index;
	__u8 key_id[TPMKEY_KEY_ID_SIZE];
	__u32 pcr_mask;
	__u32 key_handle;
	__u64 reserved[2];
};

#define TPMKEY_ACTIVATE_SIZE_VER1	72

/**
 * struct tpmkey_load - TPMKEY_IOC_LOAD argument
 * @size: in: sizeof(struct tpmkey_load) as the caller knows it
 * @flags: in: must be zero
 * @state_ptr: in: user pointer to the state blob ACTIVATE returned
 * @state_len: in: its length
 * @reserved0: must be zero
 * @key_id: out: identifier of the loaded key
 * @reserved: must be zero
 *
 * Unseals the key and closes the boot-phase lock in one hold of the TPM:
 * until the next boot nothing, this module included, can unseal it again.
 * EKEYEXPIRED: the boot chain changed (a bound PCR differs).
 * EKEYREVOKED: the lock is closed already in this boot.
 * EKEYREJECTED: this TPM cannot unseal the key (another TPM, an erased key).
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
 *
 * Evicts the key's TPM object, so that no copy of any of its states loads
 * on this TPM again, then takes the DEK out of the keyring.
 */
struct tpmkey_erase {
	__u32 size;
	__u32 flags;
	__u8 key_id[TPMKEY_KEY_ID_SIZE];
	__u64 reserved[2];
};

#define TPMKEY_ERASE_SIZE_VER1		40

/*
 * The backup file TPMKEY.BAK: struct tpmkey_backup_header, then the DEK
 * encrypted with AES-256-GCM (key_len bytes), then the 16-byte GCM tag.
 * The key is the KEK the helper derives from the password with the KDF and
 * parameters recorded in the header; the whole header, nonce included, is
 * the additional authenticated data.  All fields little endian.
 */
#define TPMKEY_BACKUP_MAGIC		"TPMKEYBK"
#define TPMKEY_BACKUP_VERSION		1
#define TPMKEY_KDF_ARGON2ID		1	/* Argon2id, version 0x13 */
#define TPMKEY_KEK_SIZE			32
#define TPMKEY_BACKUP_SALT_SIZE		32
#define TPMKEY_BACKUP_NONCE_SIZE	12
#define TPMKEY_BACKUP_TAG_SIZE		16
#define TPMKEY_TPM_ID_SIZE		32
/*
 * Bounds on the KDF parameters a backup file may carry (VERIFY, RESTORE),
 * and the higher minimum BACKUP demands of a new file: RFC 9106's second
 * recommended option, t=3 and 64 MiB.
 */
#define TPMKEY_KDF_TIME_MIN		1
#define TPMKEY_KDF_TIME_MAX		64
#define TPMKEY_KDF_MEMORY_MIN		8192		/* KiB */
#define TPMKEY_KDF_MEMORY_MAX		4194304		/* KiB */
#define TPMKEY_KDF_LANES_MIN		1
#define TPMKEY_KDF_LANES_MAX		16
#define TPMKEY_KDF_NEW_TIME_MIN		3
#define TPMKEY_KDF_NEW_MEMORY_MIN	65536		/* KiB */

/**
 * struct tpmkey_backup_header - the first 144 bytes of TPMKEY.BAK
 * @magic: TPMKEY_BACKUP_MAGIC, not NUL-terminated
 * @version: TPMKEY_BACKUP_VERSION
 * @header_len: sizeof(struct tpmkey_backup_header)
 * @flags: must be zero
 * @kdf: TPMKEY_KDF_ARGON2ID
 * @kdf_time: Argon2 passes, TPMKEY_KDF_TIME_MIN..MAX
 * @kdf_memory: Argon2 memory in KiB, TPMKEY_KDF_MEMORY_MIN..MAX
 * @kdf_lanes: Argon2 parallelism, TPMKEY_KDF_LANES_MIN..MAX
 * @salt: random KDF salt
 * @nonce: GCM nonce, chosen by the module
 * @key_len: DEK length, TPMKEY_DEK_SIZE_VALID()
 * @key_id: the key's identifier
 * @tpm_id: identifies the TPM the key came from (the SHA-256 digest in the
 *	TPM name of its storage key); informational
 * @created: the key's creation time, seconds since the epoch
 * @reserved: must be zero
 */
struct tpmkey_backup_header {
	__u8 magic[8];
	__le16 version;
	__le16 header_len;
	__le32 flags;
	__le32 kdf;
	__le32 kdf_time;
	__le32 kdf_memory;
	__le32 kdf_lanes;
	__u8 salt[TPMKEY_BACKUP_SALT_SIZE];
	__u8 nonce[TPMKEY_BACKUP_NONCE_SIZE];
	__le32 key_len;
	__u8 key_id[TPMKEY_KEY_ID_SIZE];
	__u8 tpm_id[TPMKEY_TPM_ID_SIZE];
	__le64 created;
	__u8 reserved[8];
};

#define TPMKEY_BACKUP_HEADER_SIZE	144
#define TPMKEY_BACKUP_SIZE(key_len)	(TPMKEY_BACKUP_HEADER_SIZE + (key_len) + \
					 TPMKEY_BACKUP_TAG_SIZE)
#define TPMKEY_BACKUP_SIZE_MAX		TPMKEY_BACKUP_SIZE(TPMKEY_DEK_SIZE_MAX)

/**
 * struct tpmkey_backup - TPMKEY_IOC_BACKUP and TPMKEY_IOC_VERIFY argument
 * @size: in: sizeof(struct tpmkey_backup) as the caller knows it
 * @flags: in: must be zero
 * @kek_ptr: in: user pointer to the TPMKEY_KEK_SIZE-byte key-encryption key
 * @file_ptr: BACKUP: in: a buffer starting with the header the caller
 *	filled (nonce zero); out: the complete backup file.
 *	VERIFY: in: the complete backup file
 * @file_len: BACKUP: in: the buffer's size, at least TPMKEY_BACKUP_SIZE_MAX;
 *	out: the file's length.  VERIFY: in: the file's length
 * @reserved0: must be zero
 * @reserved: must be zero
 *
 * BACKUP wraps the loaded DEK under the KEK, once per key: it increments
 * the key's TPM counter before anything leaves the kernel, and refuses with
 * EALREADY when the counter has moved since the key was created.
 * VERIFY checks that a backup file decrypts to the loaded key: 0, EBADMSG
 * (wrong password or damaged file) or ESTALE (a backup of another key).
 */
struct tpmkey_backup {
	__u32 size;
	__u32 flags;
	__u64 kek_ptr;
	__u64 file_ptr;
	__u32 file_len;
	__u32 reserved0;
	__u64 reserved[2];
};

#define TPMKEY_BACKUP_STRUCT_SIZE_VER1	48

/**
 * struct tpmkey_restore - TPMKEY_IOC_RESTORE argument
 * @size: in: sizeof(struct tpmkey_restore) as the caller knows it
 * @flags: in: must be zero
 * @kek_ptr: in: user pointer to the TPMKEY_KEK_SIZE-byte key-encryption key
 * @file_ptr: in: user pointer to the backup file
 * @file_len: in: its length
 * @parent_handle: in: persistent handle of this TPM's storage key
 * @state_ptr: in: user pointer to a buffer for the new state blob
 * @state_len: in: size of that buffer; out: length of the state blob
 * @nv_index: in: the backup counter's NV index on this TPM (as ACTIVATE)
 * @key_id: out: identifier of the restored key
 * @pcr_mask: in: as ACTIVATE's
 * @key_handle: out: as ACTIVATE's
 * @reserved: must be zero
 *
 * Decrypts the backup, seals the key to this TPM, loads it like LOAD and
 * returns the new state.  The restored key counts as backed up: the module
 * increments the counter after recording its value.
 */
struct tpmkey_restore {
	__u32 size;
	__u32 flags;
	__u64 kek_ptr;
	__u64 file_ptr;
	__u32 file_len;
	__u32 parent_handle;
	__u64 state_ptr;
	__u32 state_len;
	__u32 nv_index;
	__u8 key_id[TPMKEY_KEY_ID_SIZE];
	__u32 pcr_mask;
	__u32 key_handle;
	__u64 reserved[2];
};

#define TPMKEY_RESTORE_SIZE_VER1	88

/**
 * struct tpmkey_reseal - TPMKEY_IOC_RESEAL argument
 * @size: in: sizeof(struct tpmkey_reseal) as the caller knows it
 * @flags: in: must be zero
 * @state_ptr: in: user pointer to a buffer for the new state blob
 * @state_len: in: size of that buffer; out: length of the state blob
 * @pcr_mask: in: platform PCRs of the new state, as ACTIVATE's
 * @key_id: in: identifier of the loaded key
 * @key_handle: out: persistent handle of the new TPM object
 * @reserved0: must be zero
 * @reserved: must be zero
 *
 * Seals the loaded DEK again, to a new KMK and TPM object, with the values
 * this boot's PCRs had before the lock; keeps the recorded counter value;
 * evicts the old key's TPM object once the new state is delivered.  The
 * caller stores the new state in place of the old one.
 */
struct tpmkey_reseal {
	__u32 size;
	__u32 flags;
	__u64 state_ptr;
	__u32 state_len;
	__u32 pcr_mask;
	__u8 key_id[TPMKEY_KEY_ID_SIZE];
	__u32 key_handle;
	__u32 reserved0;
	__u64 reserved[2];
};

#define TPMKEY_RESEAL_SIZE_VER1		64

/*
 * The state blob ACTIVATE, RESTORE and RESEAL return and LOAD takes:
 * struct tpmkey_state_header, the sealed KMK (sealed_len bytes, the
 * backend's format), the DEK wrapped with AES-256-GCM under the KMK
 * (key_len bytes), the GCM tag (16 bytes; AAD = header | sealed KMK), and
 * SHA-256 over everything before it.  Nothing in it is secret without the
 * TPM.  All fields little endian; Documentation/file-formats.rst.
 */
#define TPMKEY_STATE_MAGIC		"tpmkeyST"
#define TPMKEY_STATE_VERSION		2
#define TPMKEY_STATE_TAG_SIZE		16
#define TPMKEY_STATE_SUM_SIZE		32
#define TPMKEY_ECC_COORD_SIZE		32	/* NIST P-256 */
#define TPMKEY_TPM_NAME_SIZE		34	/* TPM_ALG_SHA256 || digest */

/**
 * struct tpmkey_state_header - the first 256 bytes of a state blob
 * @magic: TPMKEY_STATE_MAGIC, not NUL-terminated
 * @version: TPMKEY_STATE_VERSION
 * @header_len: sizeof(struct tpmkey_state_header)
 * @flags: must be zero
 * @backend: TPMKEY_BACKEND_* that sealed the KMK
 * @parent_handle: persistent handle of the storage key the key was made under
 * @key_len: DEK length
 * @sealed_len: length of the sealed KMK that follows the header
 * @key_id: the key's identifier
 * @created: creation time, seconds since the epoch
 * @nv_index: NV index of the backup counter
 * @key_handle: persistent handle of the per-key TPM object, 0 if none
 * @nv_value: the counter's value when the key was made or restored
 * @nonce: GCM nonce of the wrapped DEK
 * @lock_pcr: the boot-phase lock PCR the KMK is sealed to; 0 if none
 * @pcr_mask: platform PCRs the KMK is sealed to
 * @reserved0: must be zero
 * @lock_pcr_value: @lock_pcr's value before the lock when the key was
 *	sealed: the value LOAD expects
 * @salt_point: the per-key object's ECC P-256 public point, x then y: the
 *	sessions are salted to it (recorded at ACTIVATE, trust on first use)
 * @nv_name: TPM Name of the backup counter's NV index, which every
 *	counter command's HMAC covers
 * @reserved: must be zero
 */
struct tpmkey_state_header {
	__u8 magic[8];
	__le16 version;
	__le16 header_len;
	__le32 flags;
	__le32 backend;
	__le32 parent_handle;
	__le32 key_len;
	__le32 sealed_len;
	__u8 key_id[TPMKEY_KEY_ID_SIZE];
	__le64 created;
	__le32 nv_index;
	__le32 key_handle;
	__le64 nv_value;
	__u8 nonce[12];
	__le32 lock_pcr;
	__le32 pcr_mask;
	__le32 reserved0;
	__u8 lock_pcr_value[TPMKEY_PCR_DIGEST_SIZE];
	__u8 salt_point[2 * TPMKEY_ECC_COORD_SIZE];
	__u8 nv_name[TPMKEY_TPM_NAME_SIZE];
	__u8 reserved[30];
};

#define TPMKEY_STATE_HEADER_SIZE	256
#define TPMKEY_STATE_SIZE(sealed_len, key_len) \
	(TPMKEY_STATE_HEADER_SIZE + (sealed_len) + (key_len) + \
	 TPMKEY_STATE_TAG_SIZE + TPMKEY_STATE_SUM_SIZE)

#define TPMKEY_IOC_STATUS	_IOWR(TPMKEY_IOC_MAGIC, 0x00, struct tpmkey_status)
#define TPMKEY_IOC_ACTIVATE	_IOWR(TPMKEY_IOC_MAGIC, 0x01, struct tpmkey_activate)
#define TPMKEY_IOC_LOAD		_IOWR(TPMKEY_IOC_MAGIC, 0x02, struct tpmkey_load)
#define TPMKEY_IOC_ERASE	_IOW(TPMKEY_IOC_MAGIC, 0x03, struct tpmkey_erase)
#define TPMKEY_IOC_BACKUP	_IOWR(TPMKEY_IOC_MAGIC, 0x04, struct tpmkey_backup)
#define TPMKEY_IOC_VERIFY	_IOW(TPMKEY_IOC_MAGIC, 0x05, struct tpmkey_backup)
#define TPMKEY_IOC_RESTORE	_IOWR(TPMKEY_IOC_MAGIC, 0x06, struct tpmkey_restore)
#define TPMKEY_IOC_RESEAL	_IOWR(TPMKEY_IOC_MAGIC, 0x07, struct tpmkey_reseal)

#endif /* _UAPI_LINUX_TPMKEY_H */
