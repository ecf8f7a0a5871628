/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TPMKEY_H
#define _TPMKEY_H

#include <linux/miscdevice.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/types.h>

#include <linux/tpmkey.h>

struct key;

#define TPMKEY_KMK_SIZE		32
#define TPMKEY_AES_KEY_SIZE	32
#define TPMKEY_GCM_NONCE_SIZE	12
#define TPMKEY_GCM_TAG_SIZE	TPMKEY_STATE_TAG_SIZE
/* Largest sealed KMK a backend may produce (trusted keys: MAX_BLOB_SIZE). */
#define TPMKEY_SEALED_SIZE_MAX	512

/* What the module knows about a key: all of it is in the state header. */
struct tpmkey_key_info {
	u8 key_id[TPMKEY_KEY_ID_SIZE];
	u64 created;
	u32 key_len;
	u32 parent_handle;
	u32 backend;
	u32 nv_index;
	u64 nv_value;
	u32 key_handle;
	u32 lock_pcr;
	u32 pcr_mask;
	u8 lock_pcr_value[TPMKEY_PCR_DIGEST_SIZE];
	u8 salt_point[2 * TPMKEY_ECC_COORD_SIZE];
	u8 nv_name[TPMKEY_TPM_NAME_SIZE];
};

enum tpmkey_allowance {
	TPMKEY_ALLOWANCE_UNKNOWN,		/* not read since LOAD */
	TPMKEY_ALLOWANCE_LEFT,
	TPMKEY_ALLOWANCE_USED,
};

/**
 * struct tpmkey_boot_lock - the boot-phase lock PCR in this boot
 * @pcr: the PCR new keys are sealed to (module parameter lock_pcr)
 * @closed: tpmkey extended a lock PCR in this boot
 * @closed_pcr: which one
 * @prelock: @closed_pcr's value before that: what the next boot's LOAD
 *	finds, so new keys are sealed to it
 */
struct tpmkey_boot_lock {
	u32 pcr;
	bool closed;
	u32 closed_pcr;
	u8 prelock[TPMKEY_PCR_DIGEST_SIZE];
};

struct tpmkey_backend;

/**
 * struct tpmkey_device - /dev/tpmkey and the key it manages
 * @misc: the misc device; ioctls find the device from it
 * @lock: serialises every ioctl that reads or changes what follows
 * @state: INACTIVE: no key; ACTIVE: @dek_key is in the keyring, @info
 *	describes it.  ACTIVATE, LOAD and RESTORE go INACTIVE -> ACTIVE,
 *	ERASE goes back; RESEAL replaces @info.
 * @busy: an ioctl is copying its result to the caller without @lock and
 *	commits or rolls back afterwards; other changes wait for it (EBUSY)
 * @dek_key: the logon key holding the DEK, with a reference
 * @info: the loaded key's metadata
 * @backup: the loaded key's backup allowance, read from its TPM counter
 *	only when somebody asks (STATUS, BACKUP), so that LOAD at boot
 *	sends the TPM nothing it does not need
 * @boot_lock: the boot-phase lock
 * @new_key_backend: the backend ACTIVATE and RESTORE seal with
 * @features: TPMKEY_FEAT_* of the running kernel, probed once
 * @pm_notifier: re-closes the lock after resume from hibernation
 */
struct tpmkey_device {
	struct miscdevice misc;
	struct mutex lock;
	enum tpmkey_state state;
	bool busy;
	struct key *dek_key;
	struct tpmkey_key_info info;
	enum tpmkey_allowance backup;
	struct tpmkey_boot_lock boot_lock;
	const struct tpmkey_backend *new_key_backend;
	u32 features;
	struct notifier_block pm_notifier;
};

/* Key material of one operation, in one allocation to wipe. */
struct tpmkey_secrets {
	u8 dek[TPMKEY_DEK_SIZE_MAX];
	u8 kmk[TPMKEY_KMK_SIZE];
	u8 kek[TPMKEY_KEK_SIZE];
};

enum tpmkey_counter_op {
	TPMKEY_COUNTER_KEEP,		/* the value recorded in the key */
	TPMKEY_COUNTER_READ,
	TPMKEY_COUNTER_INCREMENT,	/* read, then increment */
	TPMKEY_COUNTER_CONSUME,		/* increment if still the recorded */
};

/**
 * struct tpmkey_backend - a way of sealing the key-master key to the TPM
 * @id: TPMKEY_BACKEND_*, recorded in the state blob
 * @name: TPMKEY_BACKEND_NAMES[@id]: the parameter's and the log's word
 * @protections: TPMKEY_PROT_* its keys get
 * @check: 0 if usable now, else -ENOPKG (the kernel lacks a feature)
 * @seal: make a random KMK and seal it for @info (parent_handle,
 *	nv_index, pcr_mask in; the rest of the TPM side out), handling the
 *	counter as @op says; at most TPMKEY_SEALED_SIZE_MAX bytes
 * @unseal: recover the KMK of a parsed state (LOAD)
 * @evict: destroy the key's TPM object (ERASE, and a new state that could
 *	not be delivered); NULL if the backend makes none
 * @counter: read the key's backup counter, or consume the allowance
 */
struct tpmkey_backend {
	u32 id;
	const char *name;
	u32 protections;
	int (*check)(struct tpmkey_device *tk);
	int (*seal)(struct tpmkey_device *tk, struct tpmkey_key_info *info,
		    enum tpmkey_counter_op op, u8 *kmk, u8 *sealed,
		    size_t *sealed_len);
	int (*unseal)(struct tpmkey_device *tk,
		      const struct tpmkey_key_info *info, const u8 *sealed,
		      size_t sealed_len, u8 *kmk);
	int (*evict)(const struct tpmkey_key_info *info);
	int (*counter)(const struct tpmkey_key_info *info,
		       enum tpmkey_counter_op op, u64 *value);
};

/* backend.c: the table, and the parameter that picks new keys' backend */
const struct tpmkey_backend *tpmkey_backend(u32 id);
int tpmkey_backend_select(struct tpmkey_device *tk, const char *name);
extern const struct tpmkey_backend tpmkey_backend_trusted;
extern const struct tpmkey_backend tpmkey_backend_tpm2;

/* core.c: the state machine and what ioctls share */
int tpmkey_copy_request(void *dst, size_t ksize, size_t min_size,
			void __user *uarg);
int tpmkey_copy_result(void __user *uarg, const void *src, size_t ksize);
bool tpmkey_reserved_zero(const void *p, size_t len);
bool tpmkey_valid_parent(u32 handle);
bool tpmkey_valid_nv_index(u32 index);
bool tpmkey_valid_pcr_mask(const struct tpmkey_device *tk, u32 pcr_mask);
int tpmkey_new_key_request(struct tpmkey_device *tk, void __user *uarg,
			   void *req, size_t req_size, u32 *state_len,
			   u32 parent, u32 nv_index, u32 pcr_mask,
			   u64 state_ptr);
int tpmkey_tpm_refused(int ret);
int tpmkey_begin(struct tpmkey_device *tk, enum tpmkey_state want);
void tpmkey_end(struct tpmkey_device *tk);
void tpmkey_set_active(struct tpmkey_device *tk, struct key *dek_key,
		       const struct tpmkey_key_info *info,
		       enum tpmkey_allowance backup);
void tpmkey_set_inactive(struct tpmkey_device *tk);
bool tpmkey_backup_used(struct tpmkey_device *tk);
u32 tpmkey_tpm_flags(void);

/* install.c: what ACTIVATE, RESTORE and RESEAL share */
struct tpmkey_install {
	const char *op;
	const struct tpmkey_backend *backend;
	struct tpmkey_key_info info;
	enum tpmkey_counter_op counter;
	struct tpmkey_secrets *sec;
	bool to_keyring;
	struct key *dek_key;
	u8 *state;
	size_t state_len;
};

int tpmkey_install_prepare(struct tpmkey_device *tk, struct tpmkey_install *in);
int tpmkey_check_tpm(struct tpmkey_device *tk,
		     const struct tpmkey_backend *backend);
int tpmkey_install_deliver(const struct tpmkey_install *in, u64 ustate);
void tpmkey_install_finish(struct tpmkey_device *tk, struct tpmkey_install *in,
			   int ret, enum tpmkey_allowance backup);
void tpmkey_install_undo(struct tpmkey_install *in);
void tpmkey_install_free(struct tpmkey_install *in);

/* ioctl_key.c, ioctl_backup.c: the ioctls */
long tpmkey_ioctl_status(struct tpmkey_device *tk, void __user *uarg);
long tpmkey_ioctl_activate(struct tpmkey_device *tk, void __user *uarg);
long tpmkey_ioctl_load(struct tpmkey_device *tk, void __user *uarg);
long tpmkey_ioctl_erase(struct tpmkey_device *tk, void __user *uarg);
long tpmkey_ioctl_reseal(struct tpmkey_device *tk, void __user *uarg);
long tpmkey_ioctl_backup(struct tpmkey_device *tk, void __user *uarg);
long tpmkey_ioctl_verify(struct tpmkey_device *tk, void __user *uarg);
long tpmkey_ioctl_restore(struct tpmkey_device *tk, void __user *uarg);

/* seal_tpm2.c: the boot-phase lock, which only the native backend has */
void tpmkey_boot_lock_init(struct tpmkey_device *tk, u32 pcr);
int tpmkey_boot_lock_relock(struct tpmkey_device *tk);
u32 tpmkey_boot_lock_flags(const struct tpmkey_device *tk, u32 pcr);
int tpmkey_tpm2_counter(const struct tpmkey_key_info *info,
			enum tpmkey_counter_op op, u64 *value);

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
