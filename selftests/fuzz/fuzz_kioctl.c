// SPDX-License-Identifier: GPL-2.0
/*
 * The module's whole ioctl surface, built as userspace code with kshim/:
 * kernel/main.c (included here, to reach the static tpmkey_ioctl(), the
 * device object and the module parameters), core.c, install.c,
 * ioctl_key.c, ioctl_backup.c, backend.c and state.c are the real files;
 * crypto.c, dek.c, keys.c and both sealing backends with the boot-phase
 * lock and the backup counter are stand-ins over a fake TPM
 * (kshim/kfake.c).  seal_tpm2.c, seal_trusted.c and tpm2_*.c are not built
 * (the in-guest fuzzer and the VM tests run them against swtpm).
 *
 * Input layout:
 *	u8   command: bits 0-3: 0-7 STATUS, ACTIVATE, LOAD, ERASE, BACKUP,
 *	     VERIFY, RESTORE, RESEAL; 8 the PM notifier, action in the next
 *	     byte; 9 module unload and load, the next byte's bits 0x01
 *	     register_pm_notifier() fails, 0x02 misc_register() fails, 0x04
 *	     lock_pcr=7, 0x08 backend=bogus; 10-15 the raw ioctl number in
 *	     the next 4 bytes
 *	u8   env1: 0x01 !capable  0x02 mutex EINTR  0x04 no TPM  0x08 TPM 1.2
 *	     0x10 no trusted keys  0x20 a key is loaded  0x40 repair tags
 *	     and checksums of LOAD's state and of VERIFY's and RESTORE's
 *	     file, whose DEK becomes one derived from the input's (see
 *	     fix_backup())  0x80 the backend fails to seal
 *	u8   env2: bits 0-1 backend parameter (auto, trusted, tpm2, auto)
 *	     0x04 unseal fails  0x08 the logon key cannot be made
 *	     bits 4-5 loaded key's allowance (unknown, left, used, unknown)
 *	     0x40 loaded key is 64 bytes  0x80 loaded key is the native
 *	     backend's (handle TPMKEY_KEY_HANDLE_FIRST), else trusted keys'
 *	u8   sealed length of the fake backends / 2
 *	u8   env3 (fake TPM): bits 0-1 evict fails (no, EIO, EINTR, EAGAIN)
 *	     bits 2-3 the counter fails (no, ENOENT, ENODATA, EIO)
 *	     0x10 no ECDH (native backend unusable)  0x20 lock closed in this
 *	     boot  0x40 every tpmkey handle taken  0x80 lock_pcr=23
 *	u8   env4: bits 0-2 the errno of a failing seal/unseal; bits 3-4 the
 *	     counter's lead over the loaded key's recorded value (0, 1, 7, 0)
 *	     0x20 a bound platform PCR changed  0x40 the object at the first
 *	     tpmkey handle is gone  0x80 PCR_Extend fails
 *	u16  length of the ioctl struct (le), then the struct
 *	     the rest: user memory ("arena")
 * Pointer fields of the struct holding 1..0xffff point at arena + value-1;
 * others stay as they are (and fault).  Only the struct and the arena are
 * user memory.
 *
 * Checks, besides ASan/UBSan and leaks: the return value is 0 or an errno;
 * the mutex is free, the device not busy, TPM chip references balanced;
 * a failed request (and STATUS, BACKUP, VERIFY) leaves the key, its
 * metadata and its logon key as they were; a success reaches the state it
 * should; no result byte lands past the struct the module knows; no DEK
 * or KMK appears in user memory that was not there before; the state blob
 * ACTIVATE, RESTORE and RESEAL return parses, describes the loaded key and
 * unwraps to its DEK; a native key's object exists and the boot lock is
 * closed at its recorded pre-lock value; a trusted-keys key records no
 * object and no lock PCR; no new TPM object outlives a request unless it
 * is the loaded key's; ERASE evicted the key's object; RESEAL keeps the
 * key's id, creation, length, counter index and value, and evicts the old
 * object; the counter moves only for BACKUP and RESTORE, and BACKUP
 * succeeds only from the recorded value, moving it by one; the file
 * BACKUP returns keeps the caller's header and decrypts under the KEK to
 * the loaded DEK; STATUS reports the device as it is.
 */
#include <string.h>

#include "kshim.h"
#include "../../kernel/main.c"
#include "fuzz.h"

void kstate_fixup(u8 *blob, size_t len, unsigned int mode, const u8 *kmk);

static struct tpmkey_device *const dev = &tpmkey_device;

enum {
	C_STATUS, C_ACTIVATE, C_LOAD, C_ERASE, C_BACKUP, C_VERIFY, C_RESTORE,
	C_RESEAL, C_IOCTLS,
	C_PM = C_IOCTLS, C_RELOAD, C_RAW,
};

static const unsigned int ioc_cmds[C_IOCTLS] = {
	TPMKEY_IOC_STATUS, TPMKEY_IOC_ACTIVATE, TPMKEY_IOC_LOAD,
	TPMKEY_IOC_ERASE, TPMKEY_IOC_BACKUP, TPMKEY_IOC_VERIFY,
	TPMKEY_IOC_RESTORE, TPMKEY_IOC_RESEAL,
};

/* Offsets of the user pointers in each struct; 0 ends the list. */
static const size_t ptr_fields[C_IOCTLS][4] = {
	[C_ACTIVATE] = { offsetof(struct tpmkey_activate, state_ptr) },
	[C_LOAD] = { offsetof(struct tpmkey_load, state_ptr) },
	[C_BACKUP] = { offsetof(struct tpmkey_backup, kek_ptr),
		       offsetof(struct tpmkey_backup, file_ptr) },
	[C_VERIFY] = { offsetof(struct tpmkey_backup, kek_ptr),
		       offsetof(struct tpmkey_backup, file_ptr) },
	[C_RESTORE] = { offsetof(struct tpmkey_restore, kek_ptr),
			offsetof(struct tpmkey_restore, file_ptr),
			offsetof(struct tpmkey_restore, state_ptr) },
	[C_RESEAL] = { offsetof(struct tpmkey_reseal, state_ptr) },
};

/* The structs the module knows: it writes no result byte past them. */
static const size_t ksizes[C_IOCTLS] = {
	sizeof(struct tpmkey_status), sizeof(struct tpmkey_activate),
	sizeof(struct tpmkey_load), sizeof(struct tpmkey_erase),
	sizeof(struct tpmkey_backup), sizeof(struct tpmkey_backup),
	sizeof(struct tpmkey_restore), sizeof(struct tpmkey_reseal),
};

static const u8 loaded_key_id[TPMKEY_KEY_ID_SIZE] = "kioctl loaded k";
#define LOADED_CREATED	1764000000ull
#define LOADED_NV_VALUE	5
#define LOADED_PCR_MASK	0x0001		/* PCR 0 */

static char *const backends[4] = { "auto", "trusted", "tpm2", "auto" };
static const int errnos[8] = {
	-EPERM, -EIO, -EKEYEXPIRED, -EKEYREVOKED, -EAGAIN, -EREMOTEIO,
	-ENOMEM, -EINTR,
};

struct input {
	const u8 *p;
	size_t left;
};

static bool take(struct input *in, void *dst, size_t n)
{
	if (in->left < n)
		return false;
	memcpy(dst, in->p, n);
	in->p += n;
	in->left -= n;
	return true;
}

static u8 take_u8(struct input *in)
{
	u8 v = 0;

	take(in, &v, 1);
	return v;
}

static u16 take_u16(struct input *in)
{
	u16 v = 0;

	take(in, &v, 2);
	return le16_to_cpu(v);
}

static u64 get_u64(const u8 *p)
{
	u64 v;

	memcpy(&v, p, 8);
	return v;
}

static u32 get_u32(const u8 *p)
{
	u32 v;

	memcpy(&v, p, 4);
	return v;
}

static void put_u64(u8 *p, u64 v)
{
	memcpy(p, &v, 8);
}

/* @p..@p+@n inside the arena? */
static bool in_arena(const u8 *arena, size_t arena_len, const u8 *p,
		     size_t n)
{
	return p >= arena && (size_t)(p - arena) <= arena_len &&
	       n <= arena_len - (size_t)(p - arena);
}

static bool present(u32 handle)
{
	return handle >= TPMKEY_KEY_HANDLE_FIRST &&
	       handle < TPMKEY_KEY_HANDLE_FIRST + TPMKEY_KEY_HANDLE_COUNT &&
	       kfake.objects[handle - TPMKEY_KEY_HANDLE_FIRST];
}

static bool evicted(u32 handle)
{
	unsigned int i;

	for (i = 0; i < kfake.evicts && i < KFAKE_EVICTS_SEEN; i++)
		if (kfake.evicted[i] == handle)
			return true;
	return false;
}

/* Field by field: the struct has padding. */
static bool info_equal(const struct tpmkey_key_info *a,
		       const struct tpmkey_key_info *b)
{
	return !memcmp(a->key_id, b->key_id, sizeof(a->key_id)) &&
	       a->created == b->created && a->key_len == b->key_len &&
	       a->parent_handle == b->parent_handle &&
	       a->backend == b->backend && a->nv_index == b->nv_index &&
	       a->nv_value == b->nv_value && a->key_handle == b->key_handle &&
	       a->lock_pcr == b->lock_pcr && a->pcr_mask == b->pcr_mask &&
	       !memcmp(a->lock_pcr_value, b->lock_pcr_value,
		       sizeof(a->lock_pcr_value)) &&
	       !memcmp(a->salt_point, b->salt_point, sizeof(a->salt_point)) &&
	       !memcmp(a->nv_name, b->nv_name, sizeof(a->nv_name));
}

static void fix_state(u8 *arena, size_t arena_len, u8 *st, size_t st_len)
{
	u8 *blob;
	u32 len;

	if (st_len < offsetof(struct tpmkey_load, reserved0))
		return;
	blob = (u8 *)(uintptr_t)get_u64(st + offsetof(struct tpmkey_load,
						      state_ptr));
	len = get_u32(st + offsetof(struct tpmkey_load, state_len));
	if (in_arena(arena, arena_len, blob, len))
		kstate_fixup(blob, len, 0x0b, kshim_kmk);
}

/* The metadata of the key the harness loads, as its backend made it. */
static void loaded_info(struct tpmkey_key_info *info, unsigned int env2,
			u32 lock_pcr)
{
	memset(info, 0, sizeof(*info));
	memcpy(info->key_id, loaded_key_id, sizeof(info->key_id));
	info->created = LOADED_CREATED;
	info->key_len = env2 & 0x40 ? 64 : 32;
	info->parent_handle = TPMKEY_DEFAULT_PARENT;
	info->nv_index = TPMKEY_DEFAULT_NV_INDEX;
	info->nv_value = LOADED_NV_VALUE;
	info->pcr_mask = LOADED_PCR_MASK;
	if (!(env2 & 0x80)) {
		info->backend = TPMKEY_BACKEND_TRUSTED;
		return;
	}
	info->backend = TPMKEY_BACKEND_TPM2;
	info->key_handle = TPMKEY_KEY_HANDLE_FIRST;
	info->lock_pcr = lock_pcr;
	memcpy(info->lock_pcr_value, kfake.pcr[lock_pcr],
	       sizeof(info->lock_pcr_value));
	kfake_salt_point(0, info->salt_point);
	kfake_nv_name(info->nv_index, info->nv_name);
}

static void setup_loaded_key(unsigned int env2)
{
	static const enum tpmkey_allowance allowance[4] = {
		TPMKEY_ALLOWANCE_UNKNOWN, TPMKEY_ALLOWANCE_LEFT,
		TPMKEY_ALLOWANCE_USED, TPMKEY_ALLOWANCE_UNKNOWN,
	};
	struct tpmkey_key_info info;
	struct key *k;

	loaded_info(&info, env2, dev->boot_lock.pcr);
	k = tpmkey_dek_install(kshim_dek, info.key_len);
	if (IS_ERR(k))
		abort();
	mutex_lock(&dev->lock);
	tpmkey_set_active(dev, k, &info, allowance[(env2 >> 4) & 3]);
	mutex_unlock(&dev->lock);
}

/* Closes the boot-phase lock on @pcr as a LOAD earlier in this boot did. */
static void close_lock(u32 pcr)
{
	struct tpmkey_boot_lock *bl = &dev->boot_lock;

	memcpy(bl->prelock, kfake.pcr[pcr], sizeof(bl->prelock));
	kfake_extend(kfake.pcr[pcr]);
	bl->closed = true;
	bl->closed_pcr = pcr;
}

/* The loaded DEK, or false. */
static bool loaded_dek(u8 *dek, u32 *len)
{
	if (dev->state != TPMKEY_STATE_ACTIVE)
		return false;
	*len = dev->info.key_len;
	FUZZ_CHECK(tpmkey_dek_read(dev->dek_key, dek, *len) == 0);
	return true;
}

/*
 * Comparisons that involve a secret.  libFuzzer feeds the operands of
 * memcmp(), memmem() and of instrumented compares back into its inputs,
 * so with those the harness would teach the fuzzer the fake DEK it then
 * looks for.  These are not instrumented and call nothing.
 */
__attribute__((no_sanitize("coverage")))
static bool secret_equal(const u8 *a, const u8 *b, size_t n)
{
	while (n--)
		if (*a++ != *b++)
			return false;
	return true;
}

__attribute__((no_sanitize("coverage")))
static bool secret_in(const u8 *mem, size_t len, const u8 *secret, size_t n)
{
	size_t i;

	for (i = 0; i + n <= len; i++)
		if (secret_equal(mem + i, secret, n))
			return true;
	return false;
}

/*
 * The call wrote a secret into user memory if it is there now, was nowhere
 * there before, and the call wrote at least LEAK_MIN_BYTES of it.  The
 * fuzzer's inputs carry the fake DEK themselves (the VERIFY and RESTORE
 * seeds hold it as plaintext), and a copy short of a byte is completed by
 * a public zero the module writes after it: CI saw BACKUP do so with 63
 * bytes of the DEK in the arena and a zero of its output as the 64th.
 */
#define LEAK_MIN_BYTES 8

__attribute__((no_sanitize("coverage")))
static bool secret_written(const u8 *mem, const u8 *before, size_t len,
			   const u8 *secret, size_t n)
{
	size_t i, j, written;

	for (i = 0; i + n <= len; i++) {
		if (!secret_equal(mem + i, secret, n))
			continue;
		for (written = 0, j = i; j < i + n; j++)
			written += mem[j] != before[j];
		if (written >= LEAK_MIN_BYTES)
			return !secret_in(before, len, secret, n);
	}
	return false;
}

/*
 * Makes a backup file's tag right under the KEK the request points at.
 * Its plaintext becomes the DEK of a successful RESTORE, which the
 * secret checks then look for in user memory: unless it is the loaded DEK
 * (a VERIFY that should match), it is replaced by one the fuzzer cannot
 * write (SHA-256 of it, chained), so that a run of zeros or of any byte
 * the module writes as padding cannot be "the DEK".
 */
static void fix_backup(u8 *arena, size_t arena_len, u8 *st, size_t st_len)
{
	u8 *kek, *file, plain[TPMKEY_DEK_SIZE_MAX], loaded[TPMKEY_DEK_SIZE_MAX];
	u32 file_len, key_len, loaded_len;

	/* struct tpmkey_restore starts as struct tpmkey_backup does */
	BUILD_BUG_ON(offsetof(struct tpmkey_restore, file_len) !=
		     offsetof(struct tpmkey_backup, file_len));
	if (st_len < offsetof(struct tpmkey_backup, reserved0))
		return;
	kek = (u8 *)(uintptr_t)get_u64(st + offsetof(struct tpmkey_backup,
						     kek_ptr));
	file = (u8 *)(uintptr_t)get_u64(st + offsetof(struct tpmkey_backup,
						      file_ptr));
	file_len = get_u32(st + offsetof(struct tpmkey_backup, file_len));
	if (!in_arena(arena, arena_len, kek, TPMKEY_KEK_SIZE) ||
	    !in_arena(arena, arena_len, file, file_len) ||
	    file_len < TPMKEY_BACKUP_HEADER_SIZE)
		return;
	key_len = le32_to_cpu(get_u32(file + offsetof(struct tpmkey_backup_header,
						      key_len)));
	if ((key_len != 32 && key_len != 64) ||
	    file_len != TPMKEY_BACKUP_SIZE(key_len))
		return;
	memcpy(plain, file + TPMKEY_BACKUP_HEADER_SIZE, key_len);
	if (!loaded_dek(loaded, &loaded_len) || loaded_len != key_len ||
	    !secret_equal(plain, loaded, key_len)) {
		sha256(plain, key_len, plain);
		sha256(plain, SHA256_DIGEST_SIZE, plain + SHA256_DIGEST_SIZE);
	}
	if (tpmkey_seal_gcm(kek, file + offsetof(struct tpmkey_backup_header,
						 nonce),
			    file, TPMKEY_BACKUP_HEADER_SIZE, plain,
			    file + TPMKEY_BACKUP_HEADER_SIZE, key_len))
		abort();
}

/*
 * A state blob the module handed out: it parses, describes the key now
 * loaded, and unwraps to the loaded DEK under the fake backends' KMK.
 */
static void check_state_out(const u8 *blob, u32 len, const u8 *key_id,
			    u32 key_handle)
{
	u8 dek[TPMKEY_DEK_SIZE_MAX], loaded[TPMKEY_DEK_SIZE_MAX];
	struct tpmkey_state_view view;
	u64 *copy;
	u32 n;

	FUZZ_CHECK(len <= TPMKEY_STATE_SIZE_MAX);
	/* In a copy aligned as memdup_user() gives it to LOAD. */
	copy = malloc(len ? len : 1);
	memcpy(copy, blob, len);
	FUZZ_CHECK(tpmkey_state_parse((u8 *)copy, len, &view) == 0);
	FUZZ_CHECK(!memcmp(view.info.key_id, key_id, TPMKEY_KEY_ID_SIZE));
	FUZZ_CHECK(info_equal(&view.info, &dev->info));
	FUZZ_CHECK(key_handle == dev->info.key_handle);
	FUZZ_CHECK(tpmkey_state_unwrap(&view, kshim_kmk, dek) == 0);
	FUZZ_CHECK(loaded_dek(loaded, &n) && n == view.info.key_len);
	FUZZ_CHECK(secret_equal(dek, loaded, n));
	free(copy);
}

/* What BACKUP handed out: the loaded DEK under the KEK, header kept. */
static void check_backup_out(const u8 *file, u32 len, const u8 *kek,
			     const u8 *hdr_in)
{
	u8 dek[TPMKEY_DEK_SIZE_MAX], loaded[TPMKEY_DEK_SIZE_MAX];
	const size_t nonce = offsetof(struct tpmkey_backup_header, nonce);
	u32 key_len = dev->info.key_len, n;

	FUZZ_CHECK(len == TPMKEY_BACKUP_SIZE(key_len));
	FUZZ_CHECK(!memcmp(file, hdr_in, nonce));
	FUZZ_CHECK(!memcmp(file + nonce + TPMKEY_BACKUP_NONCE_SIZE,
			   hdr_in + nonce + TPMKEY_BACKUP_NONCE_SIZE,
			   TPMKEY_BACKUP_HEADER_SIZE - nonce -
			   TPMKEY_BACKUP_NONCE_SIZE));
	FUZZ_CHECK(tpmkey_open_gcm(kek, file + nonce, file,
				   TPMKEY_BACKUP_HEADER_SIZE,
				   file + TPMKEY_BACKUP_HEADER_SIZE, dek,
				   key_len) == 0);
	FUZZ_CHECK(loaded_dek(loaded, &n) && n == key_len);
	FUZZ_CHECK(secret_equal(dek, loaded, key_len));
}

/* What STATUS reported: the device as it is. */
static void check_status_out(const struct tpmkey_status *st)
{
	bool active = dev->state == TPMKEY_STATE_ACTIVE;

	FUZZ_CHECK(st->uapi_version == TPMKEY_UAPI_VERSION);
	FUZZ_CHECK(st->state == dev->state);
	FUZZ_CHECK(st->key_len == dev->info.key_len &&
		   st->parent_handle == dev->info.parent_handle &&
		   st->key_handle == dev->info.key_handle &&
		   st->nv_index == dev->info.nv_index &&
		   st->created == dev->info.created &&
		   !memcmp(st->key_id, dev->info.key_id, sizeof(st->key_id)));
	FUZZ_CHECK(st->lock_pcr == (active ? dev->info.lock_pcr :
				    dev->boot_lock.pcr));
	FUZZ_CHECK(!!(st->lock_flags & TPMKEY_LOCK_CLOSED) ==
		   (dev->boot_lock.closed &&
		    dev->boot_lock.closed_pcr == st->lock_pcr));
	FUZZ_CHECK(st->protections ==
		   (active ? tpmkey_backend(dev->info.backend)->protections :
			     0));
	FUZZ_CHECK(st->new_key_backend == TPMKEY_BACKEND_NONE ||
		   st->new_key_backend == dev->new_key_backend->id);
	if (active && (st->key_flags & TPMKEY_KEY_BACKED_UP) == 0)
		FUZZ_CHECK(dev->backup == TPMKEY_ALLOWANCE_LEFT);
}

/* No secret reaches the caller's memory (see secret_written()). */
static void check_no_secret(const u8 *secret, size_t n, const u8 *st,
			    const u8 *st_before, size_t st_len,
			    const u8 *arena, const u8 *arena_before,
			    size_t arena_len)
{
	FUZZ_CHECK(!secret_written(st, st_before, st_len, secret, n));
	FUZZ_CHECK(!secret_written(arena, arena_before, arena_len, secret, n));
}

/* Module unload and load; the harness's module must be loaded after. */
static void reload(unsigned int how)
{
	long ret;

	kshim_module_exit();
	FUZZ_CHECK(dev->state == TPMKEY_STATE_INACTIVE && !dev->dek_key);
	kshim.pm_register_fails = how & 0x01;
	kshim.misc_register_fails = how & 0x02;
	if (how & 0x04)
		lock_pcr = 7;
	if (how & 0x08)
		backend = "bogus";
	ret = kshim_module_init();
	FUZZ_CHECK(ret <= 0 && ret >= -MAX_ERRNO);
	FUZZ_CHECK(!ret == !(how & 0x0f));
	FUZZ_CHECK(!dev->lock.locked);
	if (!ret)
		return;
	kshim.pm_register_fails = false;
	kshim.misc_register_fails = false;
	lock_pcr = TPMKEY_LOCK_PCR_DEFAULT;
	backend = "auto";
	FUZZ_CHECK(kshim_module_init() == 0);
}

/* TPMKEY_FUZZ_DEBUG=1: say what each request returned (for the seeds). */
static bool debug;

static int run_one(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	unsigned int sel, cmd = 0, action = 0, env1, env2, env3, env4;
	u8 *st, *arena, *st_before, *arena_before;
	size_t st_len, arena_len, i;
	u8 kek[TPMKEY_KEK_SIZE], hdr_in[TPMKEY_BACKUP_HEADER_SIZE];
	u8 dek_before[TPMKEY_DEK_SIZE_MAX], dek_after[TPMKEY_DEK_SIZE_MAX];
	bool objects_before[TPMKEY_KEY_HANDLE_COUNT], had_dek, has_dek;
	const struct tpmkey_backend *old_backend;
	struct tpmkey_key_info info_before;
	struct file file = { .private_data = &dev->misc };
	enum tpmkey_state before;
	struct key *dek_key_before;
	u32 dek_before_len = 0, dek_after_len = 0, sealed_half;
	u64 counter_before;
	unsigned int extends_before;
	long ret;

	if (!take(&in, &sel, 1))
		return 0;
	sel &= 15;
	if (sel == C_PM || sel == C_RELOAD) {
		action = take_u8(&in);
	} else if (sel >= C_RAW) {
		sel = C_RAW;
		if (!take(&in, &cmd, 4))
			return 0;
	} else {
		cmd = ioc_cmds[sel];
	}
	env1 = take_u8(&in);
	env2 = take_u8(&in);
	sealed_half = take_u8(&in);
	env3 = take_u8(&in);
	env4 = take_u8(&in);

	kshim_reset();
	kshim.capable = !(env1 & 0x01);
	kshim.tpm_present = !(env1 & 0x04);
	kshim.tpm2 = !(env1 & 0x08);
	kshim.trusted_keys = !(env1 & 0x10);
	kfake.sealed_len = 1 + 2 * sealed_half;	/* 1..511 */
	kfake.seal_err = env1 & 0x80 ? errnos[env4 & 7] : 0;
	kfake.unseal_err = env2 & 0x04 ? errnos[env4 & 7] : 0;
	kfake.evict_err = (const int[4]){ 0, -EIO, -EINTR, -EAGAIN }[env3 & 3];
	kfake.counter_err = (const int[4]){ 0, -ENOENT, -ENODATA,
					    -EIO }[(env3 >> 2) & 3];
	kfake.no_ecdh = env3 & 0x10;
	kfake.boot_chain_changed = env4 & 0x20;
	kfake.extend_err = env4 & 0x80 ? -EIO : 0;
	kfake.nv_counter = LOADED_NV_VALUE +
			   (const u64[4]){ 0, 1, 7, 0 }[(env4 >> 3) & 3];
	for (i = 0; i < TPMKEY_KEY_HANDLE_COUNT; i++)
		kfake.objects[i] = env3 & 0x40;
	kfake.objects[0] = !(env4 & 0x40);

	/* The module as loaded with these parameters, in this boot. */
	backend = backends[env2 & 3];
	lock_pcr = env3 & 0x80 ? TPMKEY_LOCK_PCR_TEST :
				 TPMKEY_LOCK_PCR_DEFAULT;
	memset(&dev->boot_lock, 0, sizeof(dev->boot_lock));
	dev->busy = false;
	if (tpmkey_params(dev))
		abort();
	dev->features = tpmkey_features();
	if (env1 & 0x20)
		setup_loaded_key(env2);
	if (env3 & 0x20)
		close_lock(dev->boot_lock.pcr);
	kshim.dek_install_fails = env2 & 0x08;

	st_len = take_u16(&in);
	if (st_len > TPMKEY_STRUCT_SIZE_MAX + 64)
		st_len = TPMKEY_STRUCT_SIZE_MAX + 64;
	if (st_len > in.left)
		st_len = in.left;
	st = malloc(st_len ? st_len : 1);
	take(&in, st, st_len);
	arena_len = in.left;
	arena = malloc(arena_len ? arena_len : 1);
	take(&in, arena, arena_len);
	kshim_user_region(st, st_len);
	kshim_user_region(arena, arena_len);

	for (i = 0; sel < C_IOCTLS && i < 4 && ptr_fields[sel][i]; i++) {
		size_t off = ptr_fields[sel][i];
		u64 v;

		if (off + 8 > st_len)
			break;
		v = get_u64(st + off);
		if (v >= 1 && v <= 0xffff)
			put_u64(st + off, (uintptr_t)(arena + v - 1));
	}
	if (env1 & 0x40) {
		if (sel == C_LOAD)
			fix_state(arena, arena_len, st, st_len);
		if (sel == C_VERIFY || sel == C_RESTORE)
			fix_backup(arena, arena_len, st, st_len);
	}

	/* What the checks after the call need from before it. */
	st_before = malloc(st_len ? st_len : 1);
	memcpy(st_before, st, st_len);
	arena_before = malloc(arena_len ? arena_len : 1);
	memcpy(arena_before, arena, arena_len);
	memset(kek, 0, sizeof(kek));
	memset(hdr_in, 0, sizeof(hdr_in));
	if (sel == C_BACKUP &&
	    st_len >= offsetof(struct tpmkey_backup, reserved0)) {
		const u8 *p;

		p = (u8 *)(uintptr_t)get_u64(st + offsetof(struct tpmkey_backup,
							   kek_ptr));
		if (in_arena(arena, arena_len, p, sizeof(kek)))
			memcpy(kek, p, sizeof(kek));
		p = (u8 *)(uintptr_t)get_u64(st + offsetof(struct tpmkey_backup,
							   file_ptr));
		if (in_arena(arena, arena_len, p, sizeof(hdr_in)))
			memcpy(hdr_in, p, sizeof(hdr_in));
	}
	before = dev->state;
	info_before = dev->info;
	dek_key_before = dev->dek_key;
	old_backend = tpmkey_backend(dev->info.backend);
	had_dek = loaded_dek(dek_before, &dek_before_len);
	memcpy(objects_before, kfake.objects, sizeof(objects_before));
	counter_before = kfake.nv_counter;
	extends_before = kfake.extends;

	kshim.mutex_eintr = env1 & 0x02;
	kshim.debug = debug;
	if (sel == C_PM)
		ret = dev->pm_notifier.notifier_call(&dev->pm_notifier,
						     action & 7, NULL);
	else if (sel == C_RELOAD)
		reload(action), ret = 0;
	else
		ret = tpmkey_ioctl(&file, cmd, (unsigned long)(uintptr_t)st);
	kshim.mutex_eintr = false;

	if (debug)
		fprintf(stderr, "kioctl: command %u returned %ld, state %d\n",
			sel, ret, dev->state);
	FUZZ_CHECK(!dev->lock.locked && !dev->busy);
	kshim_check_balanced();
	if (sel == C_PM) {
		bool relock = dev->boot_lock.closed &&
			      ((action & 7) == PM_POST_HIBERNATION ||
			       (action & 7) == PM_POST_RESTORE);

		FUZZ_CHECK(ret == NOTIFY_OK || ret == NOTIFY_DONE);
		FUZZ_CHECK(kfake.extends == extends_before +
			   (relock && !kfake.extend_err &&
			    kshim.tpm_present && kshim.tpm2));
	} else {
		FUZZ_CHECK(ret <= 0 && ret >= -MAX_ERRNO);
	}

	if (sel == C_RELOAD) {
		FUZZ_CHECK(dev->state == TPMKEY_STATE_INACTIVE);
	} else if (ret || sel == C_STATUS || sel == C_BACKUP ||
		   sel == C_VERIFY || sel >= C_PM) {
		/* A failed request, or one that changes nothing. */
		FUZZ_CHECK(dev->state == before);
		FUZZ_CHECK(info_equal(&dev->info, &info_before));
		FUZZ_CHECK(dev->dek_key == dek_key_before);
	} else if (sel == C_ERASE) {
		FUZZ_CHECK(before == TPMKEY_STATE_ACTIVE &&
			   dev->state == TPMKEY_STATE_INACTIVE &&
			   !dev->dek_key);
		if (old_backend->evict) {
			FUZZ_CHECK(evicted(info_before.key_handle));
			FUZZ_CHECK(!present(info_before.key_handle));
		}
	} else if (sel == C_RESEAL) {
		FUZZ_CHECK(before == TPMKEY_STATE_ACTIVE &&
			   dev->state == TPMKEY_STATE_ACTIVE);
		FUZZ_CHECK(dev->dek_key == dek_key_before);
		FUZZ_CHECK(!memcmp(dev->info.key_id, info_before.key_id,
				   sizeof(info_before.key_id)));
		FUZZ_CHECK(dev->info.nv_value == info_before.nv_value &&
			   dev->info.nv_index == info_before.nv_index &&
			   dev->info.created == info_before.created &&
			   dev->info.key_len == info_before.key_len &&
			   dev->info.parent_handle == info_before.parent_handle);
		FUZZ_CHECK(dev->info.backend == dev->new_key_backend->id);
		FUZZ_CHECK(dev->info.pcr_mask ==
			   ((struct tpmkey_reseal *)st_before)->pcr_mask);
		/* the old object goes, unless the new one took its handle */
		if (old_backend->evict && !kfake.evict_err &&
		    info_before.key_handle != dev->info.key_handle)
			FUZZ_CHECK(evicted(info_before.key_handle));
		if (dev->info.key_handle)
			FUZZ_CHECK(present(dev->info.key_handle));
	} else {
		FUZZ_CHECK(before == TPMKEY_STATE_INACTIVE &&
			   dev->state == TPMKEY_STATE_ACTIVE);
		FUZZ_CHECK(dev->dek_key != NULL);
		FUZZ_CHECK(dev->backup == (sel == C_ACTIVATE ?
					   TPMKEY_ALLOWANCE_LEFT :
					   sel == C_RESTORE ?
					   TPMKEY_ALLOWANCE_USED :
					   TPMKEY_ALLOWANCE_UNKNOWN));
	}
	if (dev->state == TPMKEY_STATE_ACTIVE)
		FUZZ_CHECK(dev->info.key_len == 32 || dev->info.key_len == 64);
	if (!ret && (sel == C_ACTIVATE || sel == C_LOAD || sel == C_RESTORE ||
		     sel == C_RESEAL)) {
		const struct tpmkey_key_info *info = &dev->info;
		const struct tpmkey_boot_lock *bl = &dev->boot_lock;

		if (info->backend == TPMKEY_BACKEND_TPM2) {
			/* Its object is there, the lock closed after it. */
			FUZZ_CHECK(present(info->key_handle));
			FUZZ_CHECK(bl->closed && bl->closed_pcr == info->lock_pcr &&
				   !memcmp(bl->prelock, info->lock_pcr_value,
					   sizeof(bl->prelock)));
		} else if (sel != C_LOAD) {
			/* Trusted keys: no object, no lock (a new state). */
			FUZZ_CHECK(info->key_handle == 0 &&
				   info->lock_pcr == 0);
		}
	}
	/* No TPM object is left behind but the loaded key's. */
	if (!kfake.evict_err)
		for (i = 0; i < TPMKEY_KEY_HANDLE_COUNT; i++)
			if (kfake.objects[i] && !objects_before[i])
				FUZZ_CHECK(dev->state == TPMKEY_STATE_ACTIVE &&
					   dev->info.key_handle ==
					   TPMKEY_KEY_HANDLE_FIRST + i);
	/* The counter moves for BACKUP and RESTORE only. */
	if (sel != C_BACKUP && sel != C_RESTORE)
		FUZZ_CHECK(kfake.nv_counter == counter_before);
	if (!ret && sel == C_BACKUP)
		FUZZ_CHECK(counter_before == dev->info.nv_value &&
			   kfake.nv_counter == counter_before + 1 &&
			   dev->backup == TPMKEY_ALLOWANCE_USED);

	/* Results go no further than the struct the module knows. */
	if (sel < C_IOCTLS && st_len > ksizes[sel])
		FUZZ_CHECK(!memcmp(st + ksizes[sel], st_before + ksizes[sel],
				   st_len - ksizes[sel]));
	/* No key in the clear reaches the caller. */
	has_dek = loaded_dek(dek_after, &dek_after_len);
	check_no_secret(kshim_kmk, sizeof(kshim_kmk), st, st_before, st_len,
			arena, arena_before, arena_len);
	if (had_dek)
		check_no_secret(dek_before, dek_before_len, st, st_before,
				st_len, arena, arena_before, arena_len);
	if (has_dek)
		check_no_secret(dek_after, dek_after_len, st, st_before,
				st_len, arena, arena_before, arena_len);

	if (!ret && sel == C_ACTIVATE) {
		struct tpmkey_activate *a = (void *)st;

		check_state_out(u64_to_user_ptr(a->state_ptr), a->state_len,
				a->key_id, a->key_handle);
		FUZZ_CHECK(a->key_len == dev->info.key_len);
	} else if (!ret && sel == C_RESTORE) {
		struct tpmkey_restore *r = (void *)st;

		check_state_out(u64_to_user_ptr(r->state_ptr), r->state_len,
				r->key_id, r->key_handle);
	} else if (!ret && sel == C_RESEAL) {
		struct tpmkey_reseal *r = (void *)st;

		check_state_out(u64_to_user_ptr(r->state_ptr), r->state_len,
				r->key_id, r->key_handle);
	} else if (!ret && sel == C_LOAD) {
		struct tpmkey_load *l = (void *)st;

		FUZZ_CHECK(!memcmp(l->key_id, dev->info.key_id,
				   sizeof(l->key_id)));
	} else if (!ret && sel == C_BACKUP) {
		struct tpmkey_backup *bk = (void *)st;

		check_backup_out(u64_to_user_ptr(bk->file_ptr), bk->file_len,
				 kek, hdr_in);
	} else if (!ret && sel == C_STATUS &&
		   st_len >= sizeof(struct tpmkey_status) &&
		   get_u32(st) >= sizeof(struct tpmkey_status)) {
		check_status_out((void *)st);
	}
	free(st_before);
	free(arena_before);

	mutex_lock(&dev->lock);
	tpmkey_set_inactive(dev);
	mutex_unlock(&dev->lock);
	free(st);
	free(arena);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return run_one(data, size);
}

/* ---- seeds: valid requests, made with the module's own code ---- */

static void seed(const char *dir, int *n, unsigned int sel,
		 unsigned int env1, unsigned int env2, unsigned int env3,
		 unsigned int env4, const void *st, size_t st_len,
		 const void *arena, size_t arena_len)
{
	struct fuzz_buf in = { .len = 0 };
	u16 v;

	fuzz_put_u8(&in, sel);
	if (sel == C_PM || sel == C_RELOAD)
		fuzz_put_u8(&in, PM_POST_HIBERNATION);
	fuzz_put_u8(&in, env1);
	fuzz_put_u8(&in, env2);
	fuzz_put_u8(&in, 50);
	fuzz_put_u8(&in, env3);
	fuzz_put_u8(&in, env4);
	v = cpu_to_le16(st_len);
	fuzz_put(&in, &v, 2);
	fuzz_put(&in, st, st_len);
	fuzz_put(&in, arena, arena_len);
	fuzz_write_seed(dir, (*n)++, in.data, in.len);
}

static void backup_header(struct tpmkey_backup_header *h, u32 key_len)
{
	memset(h, 0, sizeof(*h));
	memcpy(h->magic, TPMKEY_BACKUP_MAGIC, 8);
	h->version = cpu_to_le16(TPMKEY_BACKUP_VERSION);
	h->header_len = cpu_to_le16(sizeof(*h));
	h->kdf = cpu_to_le32(TPMKEY_KDF_ARGON2ID);
	h->kdf_time = cpu_to_le32(4);
	h->kdf_memory = cpu_to_le32(512 * 1024);
	h->kdf_lanes = cpu_to_le32(2);
	memset(h->salt, 0x11, sizeof(h->salt));
	h->key_len = cpu_to_le32(key_len);
	memcpy(h->key_id, loaded_key_id, sizeof(h->key_id));
	h->created = cpu_to_le64(LOADED_CREATED);
}

/* A state blob of the key the harness loads (env2), as its backend made it. */
static size_t state_seed(u8 *arena, unsigned int env2)
{
	u8 nonce[TPMKEY_GCM_NONCE_SIZE] = "seed nonce!";
	u64 blob[TPMKEY_STATE_SIZE_MAX / 8];
	struct tpmkey_key_info info;
	u8 sealed[50];
	size_t len;

	kshim_reset();
	loaded_info(&info, env2, TPMKEY_LOCK_PCR_DEFAULT);
	kfake_sealed(info.backend, sealed, sizeof(sealed));
	if (tpmkey_state_build(&info, nonce, kshim_kmk, sealed, sizeof(sealed),
			       kshim_dek, (u8 *)blob, &len))
		abort();
	memcpy(arena, blob, len);
	return len;
}

static void make_seeds(const char *dir)
{
	u8 arena[4096];
	struct tpmkey_status status = { .size = sizeof(status) };
	struct tpmkey_activate act = {
		.size = sizeof(act), .key_len = 64,
		.parent_handle = TPMKEY_DEFAULT_PARENT, .state_ptr = 1,
		.state_len = TPMKEY_STATE_SIZE_MAX,
		.nv_index = TPMKEY_DEFAULT_NV_INDEX, .pcr_mask = 0x0081,
	};
	struct tpmkey_load load = { .size = sizeof(load), .state_ptr = 1 };
	struct tpmkey_erase erase = { .size = sizeof(erase) };
	struct tpmkey_backup bk = {
		.size = sizeof(bk), .kek_ptr = 1, .file_ptr = 33,
		.file_len = TPMKEY_BACKUP_SIZE_MAX,
	};
	struct tpmkey_restore rs = {
		.size = sizeof(rs), .kek_ptr = 1, .file_ptr = 33,
		.parent_handle = TPMKEY_DEFAULT_PARENT, .state_ptr = 33 + 224,
		.state_len = TPMKEY_STATE_SIZE_MAX,
		.nv_index = TPMKEY_DEFAULT_NV_INDEX,
	};
	struct tpmkey_reseal rsl = {
		.size = sizeof(rsl), .state_ptr = 1,
		.state_len = TPMKEY_STATE_SIZE_MAX, .pcr_mask = 0x0003,
	};
	struct tpmkey_backup_header *h = (void *)(arena + 32);
	unsigned int b;
	int n = 0;

	memset(arena, 0, sizeof(arena));
	seed(dir, &n, C_STATUS, 0, 0, 0, 0, &status, sizeof(status), NULL, 0);
	seed(dir, &n, C_STATUS, 0x20, 0x10, 0, 0, &status, sizeof(status),
	     NULL, 0);
	seed(dir, &n, C_STATUS, 0x20, 0x90, 0x20, 0, &status, sizeof(status),
	     NULL, 0);

	/* ACTIVATE, trusted keys and the native backend */
	seed(dir, &n, C_ACTIVATE, 0, 1, 0, 0, &act, sizeof(act), arena, 2048);
	seed(dir, &n, C_ACTIVATE, 0, 2, 0, 0, &act, sizeof(act), arena, 2048);

	/* LOAD, both backends; lock open, then closed (EKEYREVOKED) */
	for (b = 0; b < 2; b++) {
		load.state_len = state_seed(arena, b ? 0x80 : 0);
		seed(dir, &n, C_LOAD, 0, 0, 0, 0, &load, sizeof(load), arena,
		     load.state_len);
		seed(dir, &n, C_LOAD, 0x40, 0, 0x20, 0, &load, sizeof(load),
		     arena, load.state_len);
	}

	/* ERASE, both backends; the native key's object gone (ENOENT) */
	memcpy(erase.key_id, loaded_key_id, sizeof(erase.key_id));
	seed(dir, &n, C_ERASE, 0x20, 0, 0, 0, &erase, sizeof(erase), NULL, 0);
	seed(dir, &n, C_ERASE, 0x20, 0x80, 0x20, 0, &erase, sizeof(erase),
	     NULL, 0);
	seed(dir, &n, C_ERASE, 0x20, 0x80, 0x20, 0x40, &erase, sizeof(erase),
	     NULL, 0);

	/* RESEAL of either key with either backend */
	memcpy(rsl.key_id, loaded_key_id, sizeof(rsl.key_id));
	memset(arena, 0, sizeof(arena));
	seed(dir, &n, C_RESEAL, 0x20, 0x82, 0x20, 0, &rsl, sizeof(rsl), arena,
	     2048);
	seed(dir, &n, C_RESEAL, 0x20, 0x02, 0x20, 0, &rsl, sizeof(rsl), arena,
	     2048);
	seed(dir, &n, C_RESEAL, 0x20, 0x01, 0x20, 0, &rsl, sizeof(rsl), arena,
	     2048);
	seed(dir, &n, C_RESEAL, 0x20, 0x81, 0x20, 0, &rsl, sizeof(rsl), arena,
	     2048);
	/* ... of a native key whose object somebody evicted */
	seed(dir, &n, C_RESEAL, 0x20, 0x82, 0x20, 0x40, &rsl, sizeof(rsl),
	     arena, 2048);

	/* BACKUP: header as tpmkeyctl fills it, nonce zero */
	memset(arena, 0, sizeof(arena));
	memset(arena, 0x77, 32);			/* KEK */
	backup_header(h, 64);
	seed(dir, &n, C_BACKUP, 0x20, 0x40, 0, 0, &bk, sizeof(bk), arena,
	     32 + TPMKEY_BACKUP_SIZE_MAX);
	seed(dir, &n, C_BACKUP, 0x20, 0xc0, 0x20, 0, &bk, sizeof(bk), arena,
	     32 + TPMKEY_BACKUP_SIZE_MAX);

	/* VERIFY and RESTORE: the plaintext is the loaded DEK */
	memset(h->nonce, 0x42, sizeof(h->nonce));
	memcpy(arena + 32 + TPMKEY_BACKUP_HEADER_SIZE, kshim_dek, 64);
	bk.file_len = TPMKEY_BACKUP_SIZE(64);
	seed(dir, &n, C_VERIFY, 0x60, 0x40, 0, 0, &bk, sizeof(bk), arena,
	     32 + TPMKEY_BACKUP_SIZE_MAX);
	rs.file_len = TPMKEY_BACKUP_SIZE(64);
	seed(dir, &n, C_RESTORE, 0x40, 1, 0, 0, &rs, sizeof(rs), arena,
	     32 + 224 + 2048);
	seed(dir, &n, C_RESTORE, 0x40, 2, 0, 0, &rs, sizeof(rs), arena,
	     32 + 224 + 2048);
	/* a longer struct, its tail zero */
	{
		u8 big[sizeof(rs) + 16] = { 0 };

		memcpy(big, &rs, sizeof(rs));
		((struct tpmkey_restore *)big)->size = sizeof(big);
		seed(dir, &n, C_RESTORE, 0x40, 2, 0, 0, big, sizeof(big),
		     arena, 32 + 224 + 2048);
	}

	/* resume from hibernation with the lock closed; a module reload */
	seed(dir, &n, C_PM, 0x20, 0x80, 0x20, 0, NULL, 0, NULL, 0);
	seed(dir, &n, C_RELOAD, 0x20, 0x80, 0x20, 0, NULL, 0, NULL, 0);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = getenv("TPMKEY_FUZZ_SEEDS");

	(void)argc;
	(void)argv;
	kshim_reset();
	debug = getenv("TPMKEY_FUZZ_DEBUG");
	if (dir) {
		make_seeds(dir);
		exit(0);
	}
	/* module_init(): the device, the PM notifier and the parameters */
	if (kshim_module_init())
		abort();
	return 0;
}
