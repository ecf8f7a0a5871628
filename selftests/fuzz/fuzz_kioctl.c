// SPDX-License-Identifier: GPL-2.0
/*
 * The module's whole ioctl surface, built as userspace code with kshim/:
 * kernel/main.c (included here, to reach the static tpmkey_ioctl() and the
 * "backend" module parameter), lifecycle.c, backup.c, state.c, tpm2_cmd.c
 * and seal_tpm2.c are the real files; crypto.c, dek.c, keys.c and
 * seal_trusted.c are stand-ins (kshim/kfake.c).  The TPM answers with
 * responses taken from the input, so tpm2_cmd.c's response parsers and
 * seal_tpm2.c's sealed-blob parser see fuzzed data.
 *
 * Input layout:
 *	u8   command: bits 0-2 select STATUS..RESTORE, 7 = the raw ioctl
 *	     number in the next 4 bytes
 *	u8   env1: 0x01 !capable  0x02 mutex EINTR  0x04 no TPM  0x08 TPM 1.2
 *	     0x10 no trusted keys  0x20 a key is loaded  0x40 repair tags
 *	     and checksums  0x80 the fake trusted backend fails to seal
 *	u8   env2: bits 0-1 backend parameter (auto, trusted, tpm2, auto)
 *	     0x04 fake unseal fails  0x08 the logon key cannot be made
 *	     bits 4-5 loaded key's allowance (unknown, left, used, unknown)
 *	     0x40 loaded key is 64 bytes  0x80 keep the TPM's length fields
 *	u8   sealed length of the fake trusted backend / 2
 *	u16  length of the TPM script (le), then the script: responses, each
 *	     a length byte and the bytes
 *	u16  length of the ioctl struct (le), then the struct
 *	     the rest: user memory ("arena")
 * Pointer fields of the struct holding 1..0xffff point at arena + value-1;
 * others stay as they are (and fault).  Only the struct and the arena are
 * user memory.
 *
 * Checks, besides ASan/UBSan and leaks: the return value is 0 or an errno;
 * the mutex and TPM chip references are balanced; a failed request leaves
 * the module's state as it was; a success reaches the state it should; no
 * result byte lands past the version-1 struct; the state blob ACTIVATE
 * and RESTORE return parses, describes the loaded key and (fake trusted
 * backend) unwraps to its DEK; the file BACKUP returns keeps the caller's
 * header and decrypts under the KEK to the loaded DEK.
 */
#include <openssl/evp.h>

#include "kshim.h"
#include "../../kernel/main.c"
#include "fuzz.h"

void kstate_fixup(u8 *blob, size_t len, unsigned int mode, const u8 *kmk);

static const unsigned int ioc_cmds[7] = {
	TPMKEY_IOC_STATUS, TPMKEY_IOC_ACTIVATE, TPMKEY_IOC_LOAD,
	TPMKEY_IOC_ERASE, TPMKEY_IOC_BACKUP, TPMKEY_IOC_VERIFY,
	TPMKEY_IOC_RESTORE,
};

/* Offsets of the user pointers in each struct; 0 ends the list. */
static const size_t ptr_fields[7][4] = {
	{ 0 },							/* STATUS */
	{ offsetof(struct tpmkey_activate, state_ptr) },	/* ACTIVATE */
	{ offsetof(struct tpmkey_load, state_ptr) },		/* LOAD */
	{ 0 },							/* ERASE */
	{ offsetof(struct tpmkey_backup, kek_ptr),
	  offsetof(struct tpmkey_backup, file_ptr) },		/* BACKUP */
	{ offsetof(struct tpmkey_backup, kek_ptr),
	  offsetof(struct tpmkey_backup, file_ptr) },		/* VERIFY */
	{ offsetof(struct tpmkey_restore, kek_ptr),
	  offsetof(struct tpmkey_restore, file_ptr),
	  offsetof(struct tpmkey_restore, state_ptr) },		/* RESTORE */
};

static const u8 loaded_key_id[TPMKEY_KEY_ID_SIZE] = "kioctl loaded k";
#define LOADED_CREATED	1764000000ull
#define LOADED_NV_VALUE	5

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

/* Makes a backup file's tag right under the KEK the request points at. */
static void fix_backup(u8 *arena, size_t arena_len, u8 *st, size_t st_len)
{
	u8 *kek, *file, plain[TPMKEY_DEK_SIZE_MAX];
	u32 file_len, key_len;

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
	if (tpmkey_seal_gcm(kek, file + offsetof(struct tpmkey_backup_header,
						 nonce),
			    file, TPMKEY_BACKUP_HEADER_SIZE, plain,
			    file + TPMKEY_BACKUP_HEADER_SIZE, key_len))
		abort();
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
		kstate_fixup(blob, len, 0x03, kshim_kmk);
}

static void setup_loaded_key(unsigned int env2)
{
	struct tpmkey_key_info info = {
		.created = LOADED_CREATED,
		.key_len = env2 & 0x40 ? 64 : 32,
		.parent_handle = TPMKEY_DEFAULT_PARENT,
		.backend = TPMKEY_BACKEND_TRUSTED,
		.nv_index = TPMKEY_DEFAULT_NV_INDEX,
		.nv_value = LOADED_NV_VALUE,
	};
	static const enum tpmkey_allowance allowance[4] = {
		TPMKEY_ALLOWANCE_UNKNOWN, TPMKEY_ALLOWANCE_LEFT,
		TPMKEY_ALLOWANCE_USED, TPMKEY_ALLOWANCE_UNKNOWN,
	};
	struct key *k;

	memcpy(info.key_id, loaded_key_id, sizeof(info.key_id));
	k = tpmkey_dek_install(kshim_dek, info.key_len);
	if (IS_ERR(k))
		abort();
	tpmkey_set_active(k, &info, allowance[(env2 >> 4) & 3]);
}

/* Version-1 sizes: the module writes no result byte past them. */
static const size_t ksizes[7] = {
	sizeof(struct tpmkey_status), sizeof(struct tpmkey_activate),
	sizeof(struct tpmkey_load), sizeof(struct tpmkey_erase),
	sizeof(struct tpmkey_backup), sizeof(struct tpmkey_backup),
	sizeof(struct tpmkey_restore),
};

/*
 * A state blob that ACTIVATE or RESTORE handed out: it parses, describes
 * the key now loaded, and (fake trusted backend: the KMK is known)
 * unwraps to the loaded DEK.
 */
static void check_state_out(const u8 *blob, u32 len, const u8 *key_id)
{
	const struct tpmkey_key_info *info = &tpmkey_dev.info;
	u8 dek[TPMKEY_DEK_SIZE_MAX], loaded[TPMKEY_DEK_SIZE_MAX];
	struct tpmkey_state_view view;

	FUZZ_CHECK(len <= TPMKEY_STATE_SIZE_MAX);
	FUZZ_CHECK(tpmkey_state_parse(blob, len, &view) == 0);
	FUZZ_CHECK(!memcmp(view.info.key_id, key_id, TPMKEY_KEY_ID_SIZE));
	FUZZ_CHECK(!memcmp(view.info.key_id, info->key_id,
			   TPMKEY_KEY_ID_SIZE));
	FUZZ_CHECK(view.info.key_len == info->key_len &&
		   view.info.parent_handle == info->parent_handle &&
		   view.info.backend == info->backend &&
		   view.info.nv_index == info->nv_index &&
		   view.info.nv_value == info->nv_value &&
		   view.info.created == info->created);
	if (info->backend != TPMKEY_BACKEND_TRUSTED)
		return;
	FUZZ_CHECK(tpmkey_state_unwrap(&view, kshim_kmk, dek) == 0);
	FUZZ_CHECK(tpmkey_dek_read(tpmkey_dev.dek_key, loaded,
				   info->key_len) == 0);
	FUZZ_CHECK(!memcmp(dek, loaded, info->key_len));
}

/* What BACKUP handed out: the loaded DEK under the KEK, header kept. */
static void check_backup_out(const u8 *file, u32 len, const u8 *kek,
			     const u8 *hdr_in)
{
	u8 dek[TPMKEY_DEK_SIZE_MAX], loaded[TPMKEY_DEK_SIZE_MAX];
	const size_t nonce = offsetof(struct tpmkey_backup_header, nonce);
	u32 key_len = tpmkey_dev.info.key_len;

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
	FUZZ_CHECK(tpmkey_dek_read(tpmkey_dev.dek_key, loaded, key_len) == 0);
	FUZZ_CHECK(!memcmp(dek, loaded, key_len));
}

/* TPMKEY_FUZZ_DEBUG=1: say what each ioctl returned (for the seeds). */
static bool debug;

static int run_one(const uint8_t *data, size_t size)
{
	static char *backends[4] = { "auto", "trusted", "tpm2", "auto" };
	struct input in = { data, size };
	unsigned int sel, cmd, env1 = 0, env2 = 0;
	u8 b = 0, *st, *arena, *script;
	size_t st_len, arena_len, script_len, i;
	u8 kek[TPMKEY_KEK_SIZE], hdr_in[TPMKEY_BACKUP_HEADER_SIZE], *st_before;
	enum tpmkey_state before;
	u8 id_before[TPMKEY_KEY_ID_SIZE];
	long ret;

	if (!take(&in, &b, 1))
		return 0;
	sel = b & 7;
	cmd = sel < 7 ? ioc_cmds[sel] : 0;
	if (sel == 7 && !take(&in, &cmd, 4))
		return 0;
	b = 0;
	take(&in, &b, 1);
	env1 = b;
	b = 0;
	take(&in, &b, 1);
	env2 = b;
	b = 0;
	take(&in, &b, 1);

	kshim_reset();
	kshim.capable = !(env1 & 0x01);
	kshim.tpm_present = !(env1 & 0x04);
	kshim.tpm2 = !(env1 & 0x08);
	kshim.trusted_keys = !(env1 & 0x10);
	kshim.seal_fails = env1 & 0x80;
	kshim.unseal_fails = env2 & 0x04;
	kshim.tpm_fix_length = !(env2 & 0x80);
	kshim.sealed_len = 1 + 2 * (u32)b;	/* 1..511 */
	backend = backends[env2 & 3];
	if (tpmkey_parse_backend_param())
		abort();
	if (env1 & 0x20)
		setup_loaded_key(env2);
	kshim.dek_install_fails = env2 & 0x08;

	script_len = take_u16(&in);
	if (script_len > in.left)
		script_len = in.left;
	script = malloc(script_len ? script_len : 1);
	take(&in, script, script_len);
	kshim.tpm_script = script;
	kshim.tpm_script_len = script_len;

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

	for (i = 0; sel < 7 && i < 4 && ptr_fields[sel][i]; i++) {
		size_t off = ptr_fields[sel][i];
		u64 v;

		if (off + 8 > st_len)
			break;
		v = get_u64(st + off);
		if (v >= 1 && v <= 0xffff)
			put_u64(st + off, (uintptr_t)(arena + v - 1));
	}
	if (env1 & 0x40) {
		if (sel == 2)
			fix_state(arena, arena_len, st, st_len);
		if (sel == 5 || sel == 6)
			fix_backup(arena, arena_len, st, st_len);
	}

	/* What the checks after the call need from before it. */
	st_before = malloc(st_len ? st_len : 1);
	memcpy(st_before, st, st_len);
	memset(kek, 0, sizeof(kek));
	memset(hdr_in, 0, sizeof(hdr_in));
	if (sel == 4 && st_len >= offsetof(struct tpmkey_backup, reserved0)) {
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
	before = tpmkey_dev.state;
	memcpy(id_before, tpmkey_dev.info.key_id, sizeof(id_before));
	kshim.mutex_eintr = env1 & 0x02;
	kshim.debug = debug;
	ret = tpmkey_ioctl(NULL, cmd, (unsigned long)(uintptr_t)st);

	if (debug)
		fprintf(stderr, "kioctl: command %u returned %ld, state %d\n",
			sel, ret, tpmkey_dev.state);
	FUZZ_CHECK(ret <= 0 && ret >= -MAX_ERRNO);
	FUZZ_CHECK(!tpmkey_dev.lock.locked);
	kshim_check_balanced();
	if (ret || sel == 0 || sel == 4 || sel == 5 || sel == 7) {
		/* A failed request, or one that changes nothing. */
		FUZZ_CHECK(tpmkey_dev.state == before);
		FUZZ_CHECK(!memcmp(tpmkey_dev.info.key_id, id_before,
				   sizeof(id_before)));
	} else if (sel == 3) {
		FUZZ_CHECK(before == TPMKEY_STATE_ACTIVE &&
			   tpmkey_dev.state == TPMKEY_STATE_INACTIVE);
	} else {
		FUZZ_CHECK(before == TPMKEY_STATE_INACTIVE &&
			   tpmkey_dev.state == TPMKEY_STATE_ACTIVE);
		FUZZ_CHECK(tpmkey_dev.dek_key != NULL);
	}
	if (tpmkey_dev.state == TPMKEY_STATE_ACTIVE)
		FUZZ_CHECK(tpmkey_dev.info.key_len == 32 ||
			   tpmkey_dev.info.key_len == 64);
	/* Results go no further than the struct the module knows. */
	if (sel < 7 && st_len > ksizes[sel])
		FUZZ_CHECK(!memcmp(st + ksizes[sel], st_before + ksizes[sel],
				   st_len - ksizes[sel]));
	if (!ret && sel == 1) {
		struct tpmkey_activate *a = (void *)st;

		check_state_out(u64_to_user_ptr(a->state_ptr), a->state_len,
				a->key_id);
		FUZZ_CHECK(a->key_len == tpmkey_dev.info.key_len);
	} else if (!ret && sel == 6) {
		struct tpmkey_restore *r = (void *)st;

		check_state_out(u64_to_user_ptr(r->state_ptr), r->state_len,
				r->key_id);
	} else if (!ret && sel == 4) {
		struct tpmkey_backup *bk = (void *)st;

		check_backup_out(u64_to_user_ptr(bk->file_ptr), bk->file_len,
				 kek, hdr_in);
	}
	free(st_before);

	mutex_lock(&tpmkey_dev.lock);
	tpmkey_set_inactive();
	mutex_unlock(&tpmkey_dev.lock);
	free(script);
	free(st);
	free(arena);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return run_one(data, size);
}

/* ---- seeds: valid requests, made with the module's own code ---- */

static void put_be16(struct fuzz_buf *b, u16 v)
{
	v = cpu_to_be16(v);
	fuzz_put(b, &v, 2);
}

static void put_be32(struct fuzz_buf *b, u32 v)
{
	v = cpu_to_be32(v);
	fuzz_put(b, &v, 4);
}

/* One TPM response: header, then @body; into a script. */
static void tpm_response(struct fuzz_buf *script, const struct fuzz_buf *body,
			 u32 rc)
{
	struct fuzz_buf r = { .len = 0 };

	put_be16(&r, 0x8002);
	put_be32(&r, 10 + body->len);
	put_be32(&r, rc);
	fuzz_put(&r, body->data, body->len);
	fuzz_put_u8(script, r.len);
	fuzz_put(script, r.data, r.len);
}

static const u8 session_ok[5] = { 0, 0, 1, 0, 0 };

static void tpm_nv_read(struct fuzz_buf *script, u64 value)
{
	struct fuzz_buf b = { .len = 0 };

	put_be32(&b, 10);
	put_be16(&b, 8);
	put_be32(&b, value >> 32);
	put_be32(&b, (u32)value);
	fuzz_put(&b, session_ok, sizeof(session_ok));
	tpm_response(script, &b, 0);
}

static void tpm_empty(struct fuzz_buf *script)
{
	struct fuzz_buf b = { .len = 0 };

	put_be32(&b, 0);
	fuzz_put(&b, session_ok, sizeof(session_ok));
	tpm_response(script, &b, 0);
}

/* TPM2B_PRIVATE (20 bytes) || TPM2B_PUBLIC (30 bytes) */
static void sealed_object(struct fuzz_buf *b)
{
	u8 x[30];

	memset(x, 0x33, sizeof(x));
	put_be16(b, 20);
	fuzz_put(b, x, 20);
	put_be16(b, 30);
	fuzz_put(b, x, 30);
}

static void tpm_create(struct fuzz_buf *script)
{
	struct fuzz_buf b = { .len = 0 }, obj = { .len = 0 };

	sealed_object(&obj);
	put_be32(&b, obj.len + 4);
	fuzz_put(&b, obj.data, obj.len);
	put_be16(&b, 0);	/* creationData, cut short */
	put_be16(&b, 0);
	fuzz_put(&b, session_ok, sizeof(session_ok));
	tpm_response(script, &b, 0);
}

static void tpm_load_unseal(struct fuzz_buf *script)
{
	struct fuzz_buf b = { .len = 0 };

	put_be32(&b, 0x80000001);	/* objectHandle */
	put_be32(&b, 2);
	put_be16(&b, 0);		/* name */
	fuzz_put(&b, session_ok, sizeof(session_ok));
	tpm_response(script, &b, 0);
	b.len = 0;
	put_be32(&b, 2 + 32);
	put_be16(&b, 32);
	fuzz_put(&b, kshim_kmk, 32);
	fuzz_put(&b, session_ok, sizeof(session_ok));
	tpm_response(script, &b, 0);
}

static void seed(const char *dir, int *n, unsigned int sel,
		 unsigned int env1, unsigned int env2,
		 const struct fuzz_buf *script, const void *st, size_t st_len,
		 const void *arena, size_t arena_len)
{
	struct fuzz_buf in = { .len = 0 };
	u16 v;

	fuzz_put_u8(&in, sel);
	fuzz_put_u8(&in, env1);
	fuzz_put_u8(&in, env2);
	fuzz_put_u8(&in, 50);
	v = cpu_to_le16(script ? script->len : 0);
	fuzz_put(&in, &v, 2);
	if (script)
		fuzz_put(&in, script->data, script->len);
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

static void make_seeds(const char *dir)
{
	struct fuzz_buf script = { .len = 0 };
	u8 arena[4096], sealed[64];
	struct tpmkey_status status = { .size = sizeof(status) };
	struct tpmkey_activate act = {
		.size = sizeof(act), .key_len = 64,
		.parent_handle = TPMKEY_DEFAULT_PARENT, .state_ptr = 1,
		.state_len = TPMKEY_STATE_SIZE_MAX,
		.nv_index = TPMKEY_DEFAULT_NV_INDEX,
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
	struct tpmkey_key_info info = {
		.key_id = "kioctl state id",
		.created = LOADED_CREATED,
		.key_len = 64,
		.parent_handle = TPMKEY_DEFAULT_PARENT,
		.backend = TPMKEY_BACKEND_TRUSTED,
		.nv_index = TPMKEY_DEFAULT_NV_INDEX,
		.nv_value = 3,
	};
	struct fuzz_buf obj = { .len = 0 };
	u8 nonce[TPMKEY_GCM_NONCE_SIZE] = "seed nonce!";
	struct tpmkey_backup_header *h = (void *)(arena + 32);
	size_t len;
	int n = 0;

	memset(arena, 0, sizeof(arena));
	seed(dir, &n, 0, 0, 0, NULL, &status, sizeof(status), NULL, 0);
	seed(dir, &n, 0, 0x20, 0x10, NULL, &status, sizeof(status), NULL, 0);

	/* ACTIVATE, trusted keys and the native backend */
	tpm_nv_read(&script, 3);
	seed(dir, &n, 1, 0, 1, &script, &act, sizeof(act), arena, 2048);
	tpm_create(&script);
	seed(dir, &n, 1, 0, 2, &script, &act, sizeof(act), arena, 2048);

	/* LOAD, both backends */
	memset(sealed, 0x5a, sizeof(sealed));
	if (tpmkey_state_build(&info, nonce, kshim_kmk, sealed, 50, kshim_dek,
			       arena, &len))
		abort();
	load.state_len = len;
	seed(dir, &n, 2, 0x40, 0, NULL, &load, sizeof(load), arena, len);
	sealed_object(&obj);
	info.backend = TPMKEY_BACKEND_TPM2;
	if (tpmkey_state_build(&info, nonce, kshim_kmk, obj.data, obj.len,
			       kshim_dek, arena, &len))
		abort();
	load.state_len = len;
	script.len = 0;
	tpm_load_unseal(&script);
	seed(dir, &n, 2, 0x40, 0, &script, &load, sizeof(load), arena, len);

	/* ERASE */
	memcpy(erase.key_id, loaded_key_id, sizeof(erase.key_id));
	seed(dir, &n, 3, 0x20, 0, NULL, &erase, sizeof(erase), NULL, 0);

	/* BACKUP: header as tpmkeyctl fills it, nonce zero */
	memset(arena, 0, sizeof(arena));
	memset(arena, 0x77, 32);			/* KEK */
	backup_header(h, 64);
	script.len = 0;
	tpm_nv_read(&script, LOADED_NV_VALUE);	/* tpmkey_backup_used() */
	tpm_nv_read(&script, LOADED_NV_VALUE);	/* CONSUME: read, */
	tpm_empty(&script);			/* then increment */
	seed(dir, &n, 4, 0x20, 0x40, &script, &bk, sizeof(bk), arena,
	     32 + TPMKEY_BACKUP_SIZE_MAX);

	/* VERIFY and RESTORE: the plaintext is the loaded DEK */
	memset(h->nonce, 0x42, sizeof(h->nonce));
	memcpy(arena + 32 + TPMKEY_BACKUP_HEADER_SIZE, kshim_dek, 64);
	bk.file_len = TPMKEY_BACKUP_SIZE(64);
	seed(dir, &n, 5, 0x60, 0x40, NULL, &bk, sizeof(bk), arena,
	     32 + TPMKEY_BACKUP_SIZE_MAX);
	rs.file_len = TPMKEY_BACKUP_SIZE(64);
	script.len = 0;
	tpm_nv_read(&script, 9);
	tpm_empty(&script);
	seed(dir, &n, 6, 0x40, 1, &script, &rs, sizeof(rs), arena,
	     32 + 224 + 2048);
	tpm_create(&script);
	seed(dir, &n, 6, 0x40, 2, &script, &rs, sizeof(rs), arena,
	     32 + 224 + 2048);
	/* a longer struct, its tail zero */
	{
		u8 big[sizeof(rs) + 16] = { 0 };

		memcpy(big, &rs, sizeof(rs));
		((struct tpmkey_restore *)big)->size = sizeof(big);
		seed(dir, &n, 6, 0x40, 1, &script, big, sizeof(big), arena,
		     32 + 224 + 2048);
	}
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
	return 0;
}
