/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libtpmkey: everything a program needs to manage the tpmkey module's key
 * (tpmkeyctl and management daemons): the device's ioctls, the state file
 * and its lock, TPM provisioning, the KDF, the backup file and the backup
 * stick.  Link with `pkg-config --libs libtpmkey`.
 *
 * Errors are values: every function that can fail returns 0 (or a
 * descriptor) on success and a negative errno value on failure; those that
 * take @err/@errlen also leave a sentence there that says what failed.
 * The library never exits, never prints; it reports through the log
 * callback only if the program sets one (tpmkey_set_log()).  No function
 * ever receives or returns the plaintext data-encryption key: the module
 * keeps it.  Not thread-safe: call from one thread (stick mounts change
 * the process's mount namespace).
 */
#ifndef LIBTPMKEY_H
#define LIBTPMKEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/tpmkey.h>

#ifndef TPMKEY_EXPORT
#define TPMKEY_EXPORT __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define TPMKEY_DEVICE_PATH		"/dev/tpmkey"
#define TPMKEY_STATE_DIR_DEFAULT	"/var/lib/tpmkey"
#define TPMKEY_STATE_FILE		"key.state"
/* The lock every command takes: on /run, so load needs no writable disk. */
#define TPMKEY_LOCK_DIR			"/run/tpmkey"
#define TPMKEY_LOCK_PATH		TPMKEY_LOCK_DIR "/lock"
#define TPMKEY_TCTI_DEFAULT		"device:/dev/tpmrm0"
#define TPMKEY_BACKUP_NAME		"TPMKEY.BAK"
/* Hex of a key id, NUL included. */
#define TPMKEY_ID_HEX_SIZE		(2 * TPMKEY_KEY_ID_SIZE + 1)

/* --- General --------------------------------------------------------- */

/* The library's version (git describe of its build). */
const char *tpmkey_lib_version(void);

/* @priority: a syslog level (LOG_INFO, LOG_WARNING...). */
typedef void (*tpmkey_log_fn)(void *data, int priority, const char *msg);
/* Where the library's rare notes go; NULL (the default): nowhere. */
void tpmkey_set_log(tpmkey_log_fn fn, void *data);

/* TPMKEY_BACKEND_NAMES[@backend], or "unknown". */
const char *tpmkey_backend_name(uint32_t backend);
/* The TPMKEY_BACKEND_* of @name, or -EINVAL. */
int tpmkey_backend_id(const char *name);
/* Lower-case hex of a key id into @buf. */
void tpmkey_format_id(const uint8_t id[TPMKEY_KEY_ID_SIZE],
		      char buf[TPMKEY_ID_HEX_SIZE]);
/*
 * A PCR list as systemd-cryptenroll's --tpm2-pcrs takes it ("0+7", "0,7";
 * "" or "none": no PCR) into a mask within TPMKEY_PCR_MASK_ALLOWED;
 * -EINVAL otherwise.
 */
int tpmkey_parse_pcrs(const char *list, uint32_t *mask);
/* The mask as "0+7" ("" for none), truncated to @size. */
void tpmkey_format_pcrs(uint32_t mask, char *buf, size_t size);

/* --- The device: one function per ioctl ------------------------------ */

/* A descriptor (close-on-exec), or -ENOENT when the module is not loaded. */
int tpmkey_open(void);
/* TPMKEY_IOC_STATUS into @st. */
int tpmkey_get_status(int fd, struct tpmkey_status *st);
/*
 * TPMKEY_IOC_ACTIVATE.  @state: TPMKEY_STATE_SIZE_MAX bytes for the state
 * blob, its length in @state_len.  -EEXIST a key is loaded; -ENODEV no TPM
 * 2.0; -ENOPKG trusted keys missing; -EKEYREJECTED the TPM refused to
 * seal; -ENOENT/-ENODATA the counter is missing or unwritten; -EAGAIN
 * dictionary-attack lockout; -EREMOTEIO TPM failure mode.
 */
int tpmkey_activate(int fd, uint32_t key_len, uint32_t parent,
		    uint32_t nv_index, uint32_t pcr_mask, void *state,
		    size_t *state_len, uint8_t key_id[TPMKEY_KEY_ID_SIZE]);
/*
 * TPMKEY_IOC_LOAD.  -EEXIST a key is loaded; -EBADMSG damaged blob;
 * -EKEYREJECTED this TPM cannot unseal it; -EKEYEXPIRED a bound PCR
 * differs; -EKEYREVOKED the boot-phase lock is closed; -EAGAIN lockout;
 * -EREMOTEIO TPM failure mode.
 */
int tpmkey_load(int fd, const void *state, size_t state_len,
		uint8_t key_id[TPMKEY_KEY_ID_SIZE]);
/* TPMKEY_IOC_ERASE.  -ENOKEY no key; -ESTALE not the loaded key's id. */
int tpmkey_erase(int fd, const uint8_t key_id[TPMKEY_KEY_ID_SIZE]);
/*
 * TPMKEY_IOC_BACKUP.  @file: TPMKEY_BACKUP_SIZE_MAX bytes, the header
 * filled in (tpmkey_backup_header_init()); out: the file, its length in
 * @file_len.  -EALREADY the one backup was made; -ENOKEY no key.
 */
int tpmkey_backup(int fd, const uint8_t kek[TPMKEY_KEK_SIZE], void *file,
		  size_t *file_len);
/* TPMKEY_IOC_VERIFY.  -EBADMSG wrong password/damaged; -ESTALE other key. */
int tpmkey_verify(int fd, const uint8_t kek[TPMKEY_KEK_SIZE],
		  const void *file, size_t file_len);
/* TPMKEY_IOC_RESTORE: as tpmkey_activate(), from a backup file. */
int tpmkey_restore(int fd, const uint8_t kek[TPMKEY_KEK_SIZE],
		   const void *file, size_t file_len, uint32_t parent,
		   uint32_t nv_index, uint32_t pcr_mask, void *state,
		   size_t *state_len, uint8_t key_id[TPMKEY_KEY_ID_SIZE]);
/*
 * TPMKEY_IOC_RESEAL of the loaded key @key_id to @pcr_mask; the new state
 * in @state (TPMKEY_STATE_SIZE_MAX bytes).  -ENOTTY: the module has no
 * RESEAL; -ESTALE: @key_id is not the loaded key.
 */
int tpmkey_reseal(int fd, const uint8_t key_id[TPMKEY_KEY_ID_SIZE],
		  uint32_t pcr_mask, void *state, size_t *state_len);

/* --- The state file and the lock ------------------------------------- */

/*
 * Takes TPMKEY_LOCK_PATH (the directory 0700, the file 0600, made if
 * missing): the descriptor to close when done, -EWOULDBLOCK if another
 * process holds it, or another -errno.
 */
int tpmkey_lock(void);
/* Reads @dir/key.state: -ENOENT none; -EFBIG larger than @size. */
int tpmkey_state_read(const char *dir, void *buf, size_t size, size_t *len);
/*
 * Replaces @dir/key.state atomically: temporary file, fsync, rename,
 * fsync of the directory.  @dir must exist.
 */
int tpmkey_state_write(const char *dir, const void *buf, size_t len);
/*
 * Removes @dir/key.state so that a power cut leaves the old state or none:
 * rename to a hidden name, fsync, overwrite with zeros, unlink, fsync.
 */
int tpmkey_state_destroy(const char *dir);
/*
 * The key id in a state blob's header (struct tpmkey_state_header);
 * -EBADMSG if @state is too short or its magic is not TPMKEY_STATE_MAGIC.
 */
int tpmkey_state_key_id(const void *state, size_t len,
			uint8_t key_id[TPMKEY_KEY_ID_SIZE]);

/* --- The TPM (tpm2-tss ESAPI over @tcti, e.g. TPMKEY_TCTI_DEFAULT) --- */

/*
 * Makes sure the storage key at @parent and the backup counter at
 * @nv_index exist, creating them if not (@srk_created says whether the
 * storage key was made).  -ENODEV no TPM; -EEXIST another object occupies
 * the handle or index; -EACCES owner authorization refused; -EIO other.
 */
int tpmkey_provision(const char *tcti, uint32_t parent, uint32_t nv_index,
		     bool *srk_created, char *err, size_t errlen);
/* The SHA-256 digest in the TPM Name of the storage key at @parent. */
int tpmkey_tpm_id(const char *tcti, uint32_t parent,
		  uint8_t id[TPMKEY_TPM_ID_SIZE], char *err, size_t errlen);

/* --- Memory for secrets ----------------------------------------------- */

/*
 * Zeroed pages for a password or a KEK: locked in RAM where the limits
 * allow, never in a core dump.  NULL when out of memory.
 */
void *tpmkey_secret_alloc(size_t size);
/* Wipes and unmaps what tpmkey_secret_alloc(@size) returned; NULL is ok. */
void tpmkey_secret_free(void *p, size_t size);

/* --- The KDF and the backup file -------------------------------------- */

struct tpmkey_kdf {
	uint32_t time;		/* Argon2 passes */
	uint32_t memory_kib;	/* Argon2 memory, KiB */
	uint32_t lanes;		/* Argon2 lanes (and threads) */
};

/* tpmkeyctl's defaults for a new backup: about 1 s on two cores. */
void tpmkey_kdf_default(struct tpmkey_kdf *kdf);
/*
 * Within the UAPI's TPMKEY_KDF_* bounds (and, for @new_backup, at least
 * TPMKEY_KDF_NEW_TIME_MIN and TPMKEY_KDF_NEW_MEMORY_MIN).
 */
bool tpmkey_kdf_valid(const struct tpmkey_kdf *kdf, bool new_backup);
/*
 * Argon2id (version 0x13) of @password into @kek.  -EINVAL parameters out
 * of bounds; -ENOMEM not enough memory; -EIO other failure.
 */
int tpmkey_kdf_derive(const struct tpmkey_kdf *kdf, const void *password,
		      size_t password_len,
		      const uint8_t salt[TPMKEY_BACKUP_SALT_SIZE],
		      uint8_t kek[TPMKEY_KEK_SIZE]);
/* @len bytes from getrandom(). */
int tpmkey_random(void *buf, size_t len);
/* A backup header for the loaded key (@st), nonce zero, for BACKUP. */
void tpmkey_backup_header_init(struct tpmkey_backup_header *hdr,
			       const struct tpmkey_kdf *kdf,
			       const uint8_t salt[TPMKEY_BACKUP_SALT_SIZE],
			       const struct tpmkey_status *st,
			       const uint8_t tpm_id[TPMKEY_TPM_ID_SIZE]);
/*
 * Checks a backup file's structure and KDF bounds before anything is spent
 * on the KDF; fills @kdf and @salt.  -EBADMSG if it is not a backup file.
 */
int tpmkey_backup_header_parse(const void *file, size_t len,
			       struct tpmkey_kdf *kdf,
			       uint8_t salt[TPMKEY_BACKUP_SALT_SIZE]);

/* --- The backup stick --------------------------------------------------- */

/* One USB storage device with one FAT32 volume (opaque). */
struct tpmkey_stick;

/*
 * Finds the one stick, waiting up to @wait_ms for it to appear, into a new
 * handle *@out.  -ENODEV no USB storage device; -ENOTUNIQ more than one;
 * -EMEDIUMTYPE no usable FAT32 file system; -EIO other.
 */
int tpmkey_stick_find(struct tpmkey_stick **out, unsigned int wait_ms,
		      char *err, size_t errlen);
/* Unmounts if mounted and frees; NULL is ok. */
void tpmkey_stick_free(struct tpmkey_stick *st);
/* The FAT32 volume's device, e.g. "/dev/sda1". */
const char *tpmkey_stick_device(const struct tpmkey_stick *st);
/* Is the disk write-protected? */
bool tpmkey_stick_readonly(const struct tpmkey_stick *st);
/* Is the stick found (or mounted) still the one plugged in? */
bool tpmkey_stick_same(const struct tpmkey_stick *st);
/*
 * Mounts the volume where only this process sees it (a private mount
 * namespace).  -EROFS: a writable mount was refused.
 */
int tpmkey_stick_mount(struct tpmkey_stick *st, bool writable, char *err,
		       size_t errlen);
int tpmkey_stick_umount(struct tpmkey_stick *st);
/* Mounted: -ENOSPC unless @need bytes fit. */
int tpmkey_stick_check_space(const struct tpmkey_stick *st, uint64_t need,
			     char *err, size_t errlen);
/* Mounted: writes, syncs and removes a probe file. */
int tpmkey_stick_probe_write(const struct tpmkey_stick *st, char *err,
			     size_t errlen);
/* Mounted: is there a file @name? */
bool tpmkey_stick_has_file(const struct tpmkey_stick *st, const char *name);
/* Mounted: atomically (temporary file, fsync, rename, fsync). */
int tpmkey_stick_write_file(const struct tpmkey_stick *st, const char *name,
			    const void *buf, size_t len, char *err,
			    size_t errlen);
/* Mounted: -ENOENT missing; -EISDIR a directory; -EFBIG larger than @cap. */
int tpmkey_stick_read_file(const struct tpmkey_stick *st, const char *name,
			   void *buf, size_t cap, size_t *len, char *err,
			   size_t errlen);
/*
 * Writes @file as TPMKEY.BAK through a writable mount and reads it back
 * through a fresh read-only one.  -EROFS, -ENOSPC or -EIO.
 */
int tpmkey_stick_store_backup(struct tpmkey_stick *st, const void *file,
			      size_t len, char *err, size_t errlen);
/* Mounts read-only and reads TPMKEY.BAK (TPMKEY_BACKUP_SIZE_MAX bytes). */
int tpmkey_stick_load_backup(struct tpmkey_stick *st, void *file, size_t *len,
			     char *err, size_t errlen);

#ifdef __cplusplus
}
#endif

#endif /* LIBTPMKEY_H */
