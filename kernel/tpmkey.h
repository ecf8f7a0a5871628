/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TPMKEY_H
#define _TPMKEY_H

#include <linux/mutex.h>
#include <linux/types.h>

#include <linux/tpmkey.h>

struct key;

#define TPMKEY_KMK_SIZE		32
#define TPMKEY_AES_KEY_SIZE	32
#define TPMKEY_GCM_NONCE_SIZE	12
#define TPMKEY_GCM_TAG_SIZE	16
/* Largest sealed KMK a backend may produce (trusted keys: MAX_BLOB_SIZE). */
#define TPMKEY_SEALED_SIZE_MAX	512

/* What the module knows about a key: nothing secret. */
struct tpmkey_key_info {
	u8 key_id[TPMKEY_KEY_ID_SIZE];
	u64 created;
	u32 key_len;
	u32 parent_handle;
	u32 backend;
	u32 nv_index;
	u64 nv_value;
};

enum tpmkey_allowance {
	TPMKEY_ALLOWANCE_UNKNOWN,		/* not read since LOAD */
	TPMKEY_ALLOWANCE_LEFT,
	TPMKEY_ALLOWANCE_USED,
};

/**
 * struct tpmkey_dev - the module's state, guarded by @lock
 * @lock: serialises every ioctl that reads or changes the state
 * @state: INACTIVE: no key; ACTIVE: @dek_key is in the keyring, @info
 *	   describes it.  ACTIVATE, LOAD and RESTORE go INACTIVE -> ACTIVE,
 *	   ERASE goes back; everything else leaves the state alone.
 * @dek_key: the logon key holding the DEK, with a reference
 * @info: the loaded key's metadata
 * @backup: the loaded key's backup allowance, read from its TPM counter
 *	    only when somebody asks (STATUS, BACKUP), so that LOAD at boot
 *	    sends the TPM no more than the trusted-keys floor
 */
struct tpmkey_dev {
	struct mutex lock;	/* guards the fields below */
	enum tpmkey_state state;
	struct key *dek_key;
	struct tpmkey_key_info info;
	enum tpmkey_allowance backup;
};

extern struct tpmkey_dev tpmkey_dev;

/* Key material of one operation, in one allocation to wipe. */
struct tpmkey_secrets {
	u8 dek[TPMKEY_DEK_SIZE_MAX];
	u8 kmk[TPMKEY_KMK_SIZE];
	u8 kek[TPMKEY_KEK_SIZE];
};

/**
 * struct tpmkey_sealer - a way of sealing the key-master key to the TPM
 * @backend: TPMKEY_BACKEND_*, recorded in the state blob
 * @name: for messages
 * @check: 0 if usable now, else -ENODEV (no TPM) or -ENOPKG (kernel lacks
 *	   a feature)
 * @seal_new: make a random TPMKEY_KMK_SIZE-byte KMK, sealed under the
 *	      storage key at @parent; at most TPMKEY_SEALED_SIZE_MAX bytes
 * @unseal: recover the KMK from what @seal_new produced
 */
struct tpmkey_sealer {
	u32 backend;
	const char *name;
	int (*check)(void);
	int (*seal_new)(u32 parent, u8 *kmk, u8 *sealed, size_t *sealed_len);
	int (*unseal)(u32 parent, const u8 *sealed, size_t sealed_len,
		      u8 *kmk);
};

extern const struct tpmkey_sealer tpmkey_sealer_trusted;
extern const struct tpmkey_sealer tpmkey_sealer_tpm2;

/* main.c */
int tpmkey_copy_request(void *dst, size_t ksize, size_t min_size,
			void __user *uarg);
int tpmkey_copy_result(void __user *uarg, const void *src, size_t ksize);
bool tpmkey_reserved_zero(const void *p, size_t len);
const struct tpmkey_sealer *tpmkey_sealer_for(u32 backend);
const struct tpmkey_sealer *tpmkey_sealer_for_new_keys(void);
int tpmkey_check_tpm(const struct tpmkey_sealer *sealer);
int tpmkey_tpm_refused(int ret);
bool tpmkey_valid_parent(u32 handle);
bool tpmkey_valid_nv_index(u32 index);
void tpmkey_set_active(struct key *dek_key, const struct tpmkey_key_info *info,
		       enum tpmkey_allowance backup);
bool tpmkey_backup_used(void);
void tpmkey_set_inactive(void);

/* lifecycle.c */
struct key *tpmkey_seal_and_install(const char *op,
				    const struct tpmkey_sealer *sealer,
				    const struct tpmkey_key_info *info,
				    struct tpmkey_secrets *sec,
				    void __user *ustate, size_t *state_len);
long tpmkey_ioctl_activate(void __user *uarg);
long tpmkey_ioctl_load(void __user *uarg);
long tpmkey_ioctl_erase(void __user *uarg);

/* backup.c */
long tpmkey_ioctl_backup(void __user *uarg);
long tpmkey_ioctl_verify(void __user *uarg);
long tpmkey_ioctl_restore(void __user *uarg);

/* tpm2_cmd.c */
enum tpmkey_counter_op {
	TPMKEY_COUNTER_READ,
	TPMKEY_COUNTER_INCREMENT,
	TPMKEY_COUNTER_CONSUME,
};

int tpmkey_counter(u32 index, enum tpmkey_counter_op op, u64 expected,
		   u64 *value);
int tpmkey_tpm2_seal(u32 parent, const u8 *secret, size_t secret_len,
		     u8 *sealed, size_t *sealed_len);
int tpmkey_tpm2_unseal(u32 parent, const u8 *sealed, size_t sealed_len,
		       u8 *secret, size_t secret_len);

/* keys.c: the module's private keyring and what the kernel offers */
extern struct key *tpmkey_keyring;
int tpmkey_keys_init(void);
void tpmkey_keys_exit(void);
u32 tpmkey_features(void);

/* dek.c */
struct key *tpmkey_dek_install(const u8 *dek, size_t len);
void tpmkey_dek_destroy(struct key *key);
int tpmkey_dek_read(struct key *key, u8 *dek, size_t len);

/* crypto.c */
int tpmkey_crypto_init(void);
void tpmkey_crypto_exit(void);
int tpmkey_seal_gcm(const u8 *key, const u8 *nonce, const u8 *aad,
		    size_t aad_len, const u8 *in, u8 *out, size_t len);
int tpmkey_open_gcm(const u8 *key, const u8 *nonce, const u8 *aad,
		    size_t aad_len, const u8 *in, u8 *out, size_t len);

/* state.c */
struct tpmkey_state_view {
	struct tpmkey_key_info info;
	const u8 *nonce;
	const u8 *aad;
	size_t aad_len;
	const u8 *sealed;
	size_t sealed_len;
	const u8 *wrapped;
};

int tpmkey_state_build(const struct tpmkey_key_info *info, const u8 *nonce,
		       const u8 *kmk, const u8 *sealed, size_t sealed_len,
		       const u8 *dek, u8 *out, size_t *out_len);
int tpmkey_state_parse(const u8 *blob, size_t len,
		       struct tpmkey_state_view *view);
int tpmkey_state_unwrap(const struct tpmkey_state_view *view, const u8 *kmk,
			u8 *dek);

#endif /* _TPMKEY_H */
