// SPDX-License-Identifier: GPL-2.0
/*
 * tpmkey_failnth [OP...]: allocation failures at every point of an ioctl.
 *
 * For each OP (activate, load, backup, verify, restore, reseal, erase;
 * default all) and N = 1, 2, ...: bring the module into the state the
 * ioctl needs (with unfaulted ioctls), write N to
 * /proc/thread-self/fail-nth, call the ioctl once, and read fail-nth back.
 * Non-zero means the ioctl made fewer than N calls that can fail: every
 * fault point has been tried, this was an unfaulted call that must
 * succeed, and the OP is done.  Zero means the N-th one failed (failslab /
 * fail_page_alloc, which the guest script configures); then the ioctl must
 *   - fail with an errno the interface documents for it, or succeed;
 *   - on failure leave STATUS (state, key id, key flags, TPM object) and
 *     the keyring (the logon key "tpmkey:dek" in @u) as they were, with
 *     the documented exception that BACKUP may have spent the backup
 *     counter (BACKUP then reports the key as backed up);
 *   - leave in the TPM exactly the persistent tpmkey objects
 *     (0x81746b00-0f) that live states use: counted with a raw
 *     TPM2_GetCapability(TPM_CAP_HANDLES) through /dev/tpmrm0, and no
 *     transient object or session (through /dev/tpm0);
 *   - and keep the key's states working: after a failed LOAD, ERASE or
 *     RESEAL the state still loads (the module forgets the key by being
 *     reloaded, as a reboot would: ERASE would evict the TPM object); a
 *     new state from ACTIVATE, RESTORE or RESEAL loads; after a RESEAL the
 *     old state does not, nor after an ERASE the erased key's (where new
 *     keys get a per-key TPM object: the native backend).
 * The program keeps one key at a time (one live state, one TPM object).
 * The module runs with its boot-phase lock on the test PCR 23
 * (lock_pcr=23): every LOAD, ACTIVATE, RESTORE and RESEAL is preceded by a
 * reset of that PCR, outside the faulted call (the reset is itself a TPM
 * command whose allocations fail-nth would count).  Sealing takes the lock
 * PCR's pre-lock value from the PCR only while the module has not closed
 * the lock since it was loaded, and from its memory afterwards; a LOAD
 * needs the PCR at that value.  With the reset before each, every state
 * records the reset value and every LOAD finds it.
 *
 * Leaks are kmemleak's job (the guest init scans at the end).  Prints one
 * TAP line per OP with the number of fault points and the errnos seen.
 *
 * Needs the backup counter at TPMKEY_DEFAULT_NV_INDEX and the storage key at
 * TPMKEY_DEFAULT_PARENT (the guest script defines the counter), the module
 * at /lib/modules/tpmkey.ko with its parameters in TPMKEY_MODULE_PARAMS
 * (reload_module()), and the native backend: no other TPM user.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/tpmkey.h>

#include "tpmkey_util.h"

#define MAX_NTH		5000
#define MAX_HANDLES	64

static int dev = -1, nth_fd = -1;

/*
 * The one key: its state (whose TPM object is in the TPM while have_state)
 * and a backup file of a key (file_key_id).  out_* receive what the call
 * under test returns, copied over state or file only when it succeeded.
 */
static unsigned char state[TPMKEY_STATE_SIZE_MAX];
static __u32 state_len;
static int have_state;
static unsigned char old_state[TPMKEY_STATE_SIZE_MAX];
static __u32 old_state_len;
static unsigned char out_state[TPMKEY_STATE_SIZE_MAX];
static __u32 out_state_len, out_handle;
static unsigned char file[TPMKEY_BACKUP_SIZE_MAX];
static __u32 file_len;
static __u8 file_key_id[TPMKEY_KEY_ID_SIZE];
static unsigned char out_file[TPMKEY_BACKUP_SIZE_MAX];
static unsigned char kek[TPMKEY_KEK_SIZE];
static int failed;
/*
 * Whether new keys get a per-key TPM object (TPMKEY_PROT_TPM_ERASE: the
 * native backend), which ERASE and RESEAL evict.  Trusted keys have none:
 * their old states keep loading, by design.
 */
static int tpm_erase;
/* STATUS as of just before the call: ERASE, BACKUP and RESEAL take the
 * key's id and creation time from it, so no STATUS runs under fail-nth. */
static struct tpmkey_status cur;

struct snap {
	__u32 state, key_flags, key_handle;
	__u8 key_id[TPMKEY_KEY_ID_SIZE];
	int dek;
};

static void fatal(const char *what, int err)
{
	printf("not ok - fail-nth setup: %s: %s\n", what, strerror(err));
	exit(1);
}

static void must(const char *what, int err)
{
	if (err)
		fatal(what, err);
}

/* ---- Raw TPM commands through /dev/tpmrm0 ---- */

/*
 * Sends one command to @path; the response length, or -1 (the TPM's code
 * in *rc).
 */
static int tpm_cmd_to(const char *path, const unsigned char *cmd, size_t len,
		      unsigned char *resp, size_t resp_size, __u32 *rc)
{
	int fd = open(path, O_RDWR);
	ssize_t n = -1;

	*rc = 0;
	if (fd < 0)
		return -1;
	if (write(fd, cmd, len) == (ssize_t)len)
		n = read(fd, resp, resp_size);
	close(fd);
	if (n < 10)
		return -1;
	*rc = be32toh(*(__u32 *)(resp + 6));
	return *rc ? -1 : (int)n;
}

static int tpm_cmd(const unsigned char *cmd, size_t len, unsigned char *resp,
		   size_t resp_size, __u32 *rc)
{
	return tpm_cmd_to("/dev/tpmrm0", cmd, len, resp, resp_size, rc);
}

static __u32 get_be32(const unsigned char *p)
{
	return (__u32)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static void put_be32(unsigned char *p, __u32 v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/*
 * The handles in [@first, @end) through @path: TPM2_GetCapability
 * (TPM_CAP_HANDLES, @first), repeated while the TPM has more of that type.
 * Saved sessions (@first 0x03000000) come back with their 0x02 or 0x03
 * handles: @end 0 takes every handle of the answer.  Returns their number,
 * or -1.
 */
static int tpm_handles(const char *path, __u32 first, __u32 end,
		       __u32 *handles, int max)
{
	unsigned char cmd[22] = {
		0x80, 0x01, 0x00, 0x00, 0x00, 0x16, 0x00, 0x00, 0x01, 0x7a,
		0x00, 0x00, 0x00, 0x01,		/* TPM_CAP_HANDLES */
	};
	unsigned char resp[4096];
	__u32 next = first, rc, count, h, i;
	int n = 0, len, more;

	do {
		put_be32(cmd + 14, next);
		put_be32(cmd + 18, 64);
		len = tpm_cmd_to(path, cmd, sizeof(cmd), resp, sizeof(resp),
				 &rc);
		if (len < 19 || get_be32(resp + 11) != 1)
			return -1;
		more = resp[10];
		count = get_be32(resp + 15);
		if (19 + 4 * count > (__u32)len)
			return -1;
		for (i = 0; i < count; i++) {
			h = get_be32(resp + 19 + 4 * i);
			if (!end) {
				if (n < max)
					handles[n++] = h;
				continue;
			}
			if (h >> 24 != first >> 24 || h >= end)
				return n;
			if (h >= first && n < max)
				handles[n++] = h;
			next = h + 1;
		}
	} while (more && count && end);
	return n;
}

/* The persistent tpmkey objects (TPMKEY_KEY_HANDLE_FIRST..+COUNT). */
static int tpm_key_handles(__u32 *handles, int max)
{
	return tpm_handles("/dev/tpmrm0", TPMKEY_KEY_HANDLE_FIRST,
			   TPMKEY_KEY_HANDLE_FIRST + TPMKEY_KEY_HANDLE_COUNT,
			   handles, max);
}

/* TPM2_EvictControl(TPM_RH_OWNER, @handle, @handle), the empty password. */
static int tpm_evict(__u32 handle)
{
	unsigned char cmd[35] = {
		0x80, 0x02, 0x00, 0x00, 0x00, 0x23, 0x00, 0x00, 0x01, 0x20,
		0x40, 0x00, 0x00, 0x01,		/* TPM_RH_OWNER */
		0, 0, 0, 0,			/* the object */
		0x00, 0x00, 0x00, 0x09,		/* authorization size */
		0x40, 0x00, 0x00, 0x09,		/* TPM_RS_PW */
		0x00, 0x00, 0x00, 0x00, 0x00,	/* nonce, attributes, hmac */
		0, 0, 0, 0,			/* persistentHandle */
	};
	unsigned char resp[64];
	__u32 rc;

	put_be32(cmd + 14, handle);
	put_be32(cmd + 31, handle);
	return tpm_cmd(cmd, sizeof(cmd), resp, sizeof(resp), &rc) < 0 ? -1 : 0;
}

/* The TPM object a state names. */
static __u32 state_handle(const unsigned char *blob)
{
	const struct tpmkey_state_header *h = (const void *)blob;

	return le32toh(h->key_handle);
}

static const __u8 *state_key_id(const unsigned char *blob)
{
	return ((const struct tpmkey_state_header *)blob)->key_id;
}

/*
 * The TPM must hold exactly the object of the live state, or none.  A
 * leftover is reported and evicted, so that the 16 handles do not run out
 * and the run goes on.  Returns 1 if something was wrong.
 */
static int check_handles(const char *op, unsigned int n, const char *when)
{
	/* A trusted-keys state names no object (0). */
	__u32 h[MAX_HANDLES], want = have_state ? state_handle(state) : 0;
	int cnt = tpm_key_handles(h, MAX_HANDLES), i, found = 0, bad = 0;

	if (cnt < 0) {
		printf("# %s, fault %u %s: TPM2_GetCapability failed\n", op, n,
		       when);
		return 1;
	}
	for (i = 0; i < cnt; i++) {
		if (h[i] == want) {
			found = 1;
			continue;
		}
		printf("# %s, fault %u %s: persistent handle 0x%08x left in the TPM (live: %s0x%08x)\n",
		       op, n, when, h[i], have_state ? "" : "none, ", want);
		if (tpm_evict(h[i]))
			printf("# could not evict 0x%08x\n", h[i]);
		bad = 1;
	}
	if (want && !found) {
		printf("# %s, fault %u %s: the live state's object 0x%08x is gone\n",
		       op, n, when, want);
		bad = 1;
	}
	return bad;
}

/*
 * The module sends its commands outside any resource-manager space: an
 * object or session it does not flush stays in the TPM until a reset, and
 * a few such leaks make every later Load fail for want of a slot (what
 * trusted keys do when their own flush cannot allocate).  At rest the TPM
 * must hold no transient object and no session; /dev/tpm0 (not the
 * resource manager, which shows only its own space's) sees them.  A
 * leftover is reported and flushed.  Returns 1 if something was left.
 */
static int check_transients(const char *op, unsigned int n, const char *when)
{
	static const __u32 ranges[][2] = {
		{ 0x80000000, 0x81000000 },	/* transient objects */
		{ 0x02000000, 0 },		/* loaded sessions */
		{ 0x03000000, 0 },		/* saved sessions */
	};
	static int no_tpm0;
	unsigned char flush[14] = {
		0x80, 0x01, 0x00, 0x00, 0x00, 0x0e, 0x00, 0x00, 0x01, 0x65,
	};
	unsigned char resp[64];
	__u32 h[MAX_HANDLES], rc;
	int r, i, cnt, bad = 0;

	if (no_tpm0)
		return 0;
	for (r = 0; r < 3; r++) {
		cnt = tpm_handles("/dev/tpm0", ranges[r][0], ranges[r][1], h,
				  MAX_HANDLES);
		if (cnt < 0) {
			printf("# /dev/tpm0 cannot be asked for handles (%s): transient objects and sessions not checked\n",
			       strerror(errno));
			no_tpm0 = 1;
			return 0;
		}
		for (i = 0; i < cnt; i++) {
			printf("# %s, fault %u %s: %s 0x%08x left in the TPM\n",
			       op, n, when, !r ? "transient object" :
			       r == 1 ? "loaded session" : "saved session",
			       h[i]);
			put_be32(flush + 10, h[i]);
			if (tpm_cmd_to("/dev/tpm0", flush, sizeof(flush), resp,
				       sizeof(resp), &rc) < 0)
				printf("# could not flush 0x%08x (0x%x)\n", h[i],
				       rc);
			bad = 1;
		}
	}
	return bad;
}

/* ---- Module helpers, unfaulted ---- */

static int get_status(struct tpmkey_status *st)
{
	int ret = do_status(dev, st);

	if (!ret)
		cur = *st;
	return ret;
}

static void snap(struct snap *s)
{
	struct tpmkey_status st;

	must("STATUS", get_status(&st));
	s->state = st.state;
	s->key_flags = st.key_flags;
	s->key_handle = st.key_handle;
	memcpy(s->key_id, st.key_id, sizeof(s->key_id));
	s->dek = keyring_search("logon", TPMKEY_KEYRING_DESC) >= 0;
}

/* LOAD without the PCR reset of do_load(): the call under test. */
static int raw_load(const unsigned char *blob, __u32 len)
{
	struct tpmkey_load req = {
		.size = sizeof(req),
		.state_ptr = (unsigned long)blob,
		.state_len = len,
	};

	return ioctl(dev, TPMKEY_IOC_LOAD, &req) ? errno : 0;
}

/* A LOAD as after a reboot: the lock PCR reset first. */
static int load_blob(const unsigned char *blob, __u32 len)
{
	test_pcr_reset();
	return raw_load(blob, len);
}

/* Forgets the loaded key without ERASE, as a reboot would. */
static void forget(void)
{
	must("reload tpmkey.ko", reload_module(&dev));
}

static void set_state(const unsigned char *blob, __u32 len)
{
	memcpy(state, blob, len);
	state_len = len;
	have_state = 1;
}

/* A new key: INACTIVE, no live state before. */
static void new_key(void)
{
	__u8 key_id[TPMKEY_KEY_ID_SIZE];

	test_pcr_reset();
	must("ACTIVATE", do_activate(dev, 64, out_state, &out_state_len,
				     key_id));
	set_state(out_state, out_state_len);
}

/* INACTIVE, and no TPM object left: the key is erased. */
static void drop_key(void)
{
	struct tpmkey_status st;

	must("STATUS", get_status(&st));
	if (st.state != TPMKEY_STATE_ACTIVE && have_state) {
		must("LOAD before ERASE", load_blob(state, state_len));
		must("STATUS", get_status(&st));
	}
	if (st.state == TPMKEY_STATE_ACTIVE)
		must("ERASE", do_erase(dev, st.key_id));
	have_state = 0;
}

static void to_inactive(void)
{
	drop_key();
	test_pcr_reset();
}

static void to_loaded(void)
{
	struct tpmkey_status st;

	must("STATUS", get_status(&st));
	if (st.state == TPMKEY_STATE_ACTIVE)
		return;
	if (have_state)
		must("LOAD", load_blob(state, state_len));
	else
		new_key();
}

/* The live state's key, not loaded; the PCR as after a reboot. */
static void to_forgotten(void)
{
	struct tpmkey_status st;

	must("STATUS", get_status(&st));
	if (!have_state) {
		if (st.state == TPMKEY_STATE_ACTIVE)
			drop_key();
		new_key();
		st.state = TPMKEY_STATE_ACTIVE;
	}
	if (st.state == TPMKEY_STATE_ACTIVE)
		forget();
	test_pcr_reset();
}

/* A loaded key whose backup is still allowed (a new key if it is spent). */
static void to_fresh_key(void)
{
	struct tpmkey_status st;

	to_loaded();
	must("STATUS", get_status(&st));
	if (st.key_flags & TPMKEY_KEY_BACKED_UP) {
		drop_key();
		new_key();
		must("STATUS", get_status(&st));
	}
}

static int op_backup(void);

/* A backup file of the key we have: the loaded key for VERIFY. */
static void make_file(void)
{
	to_fresh_key();
	must("BACKUP", op_backup());
	memcpy(file, out_file, sizeof(file));
	file_len = TPMKEY_BACKUP_SIZE(cur.key_len);
	memcpy(file_key_id, cur.key_id, sizeof(file_key_id));
}

static void to_verifiable(void)
{
	struct tpmkey_status st;

	to_loaded();
	must("STATUS", get_status(&st));
	if (!file_len || memcmp(file_key_id, st.key_id, sizeof(file_key_id)))
		make_file();
}

static void to_restorable(void)
{
	if (!file_len)
		make_file();
	to_inactive();
}

static void to_resealable(void)
{
	to_loaded();
	test_pcr_reset();
}

/*
 * ---- The ioctls under test ----
 * None runs STATUS or sends the TPM anything else: the key's id and
 * creation time come from cur; results go to out_state / out_file.
 */
static int op_activate(void)
{
	__u8 key_id[TPMKEY_KEY_ID_SIZE];

	memset(out_state, 0, sizeof(out_state));
	return do_activate(dev, 64, out_state, &out_state_len, key_id);
}

static int op_load(void)
{
	return raw_load(state, state_len);
}

static int op_erase(void)
{
	return do_erase(dev, cur.key_id);
}

static int op_backup(void)
{
	struct tpmkey_backup_header *h = (void *)out_file;

	memset(out_file, 0, sizeof(out_file));
	backup_header_for(h, &cur);
	memset(h->salt, 0x5a, sizeof(h->salt));
	memset(h->tpm_id, 0xa5, sizeof(h->tpm_id));
	return do_backup(dev, kek, out_file, sizeof(out_file));
}

static int op_verify(void)
{
	return do_verify(dev, kek, file, file_len);
}

static int op_restore(void)
{
	struct tpmkey_restore r = {
		.size = sizeof(r), .kek_ptr = (unsigned long)kek,
		.file_ptr = (unsigned long)file, .file_len = file_len,
		.parent_handle = TPMKEY_DEFAULT_PARENT,
		.state_ptr = (unsigned long)out_state,
		.state_len = sizeof(out_state),
		.nv_index = TPMKEY_DEFAULT_NV_INDEX,
	};

	memset(out_state, 0, sizeof(out_state));
	if (ioctl(dev, TPMKEY_IOC_RESTORE, &r))
		return errno;
	out_state_len = r.state_len;
	out_handle = r.key_handle;
	return 0;
}

static int op_reseal(void)
{
	struct tpmkey_reseal r = {
		.size = sizeof(r),
		.state_ptr = (unsigned long)out_state,
		.state_len = sizeof(out_state),
	};

	memcpy(r.key_id, cur.key_id, sizeof(r.key_id));
	memset(out_state, 0, sizeof(out_state));
	if (ioctl(dev, TPMKEY_IOC_RESEAL, &r))
		return errno;
	out_state_len = r.state_len;
	out_handle = r.key_handle;
	return 0;
}

/*
 * ---- What each call must leave ----
 * Called after the generic checks, with the TPM's objects not yet
 * checked; n is the fault point (0: the last call, unfaulted), ret the
 * call's errno (0: it succeeded).  Return 1 if something is wrong.
 */

/* A state must load (the key forgotten first if loaded); 1 if not. */
static int must_load(const char *op, unsigned int n, const char *what,
		     const unsigned char *blob, __u32 len)
{
	struct tpmkey_status st;
	int err;

	must("STATUS", get_status(&st));
	if (st.state == TPMKEY_STATE_ACTIVE)
		forget();
	err = load_blob(blob, len);
	if (err) {
		printf("# %s, fault %u: %s does not load: %s\n", op, n, what,
		       strerror(err));
		return 1;
	}
	return 0;
}

/* A state must not load any more; 1 if it does. */
static int must_not_load(const char *op, unsigned int n, const char *what,
			 const unsigned char *blob, __u32 len)
{
	struct tpmkey_status st;
	int err;

	if (!tpm_erase)
		return 0;
	must("STATUS", get_status(&st));
	if (st.state == TPMKEY_STATE_ACTIVE)
		forget();
	err = load_blob(blob, len);
	if (err == EKEYREJECTED)
		return 0;
	printf("# %s, fault %u: %s: LOAD gives %s, not EKEYREJECTED\n", op, n,
	       what, err ? strerror(err) : "success");
	if (!err)
		forget();
	return 1;
}

static int after_new_state(const char *op, unsigned int n, int ret)
{
	int bad;

	if (ret)
		return check_handles(op, n, "(failed)");
	set_state(out_state, out_state_len);
	bad = check_handles(op, n, "(succeeded)");
	return must_load(op, n, "the new state", state, state_len) | bad;
}

static int after_activate(unsigned int n, int ret)
{
	return after_new_state("activate", n, ret);
}

static int after_restore(unsigned int n, int ret)
{
	return after_new_state("restore", n, ret);
}

static int after_load(unsigned int n, int ret)
{
	struct tpmkey_status st;
	int bad = check_handles("load", n, ret ? "(failed)" : "(succeeded)");

	if (!ret) {
		must("STATUS", get_status(&st));
		if (memcmp(st.key_id, state_key_id(state), sizeof(st.key_id))) {
			printf("# load, fault %u: another key id loaded\n", n);
			bad = 1;
		}
		return bad;
	}
	return must_load("load", n, "the state, after a failed LOAD,", state,
			 state_len) | bad;
}

static int after_backup(unsigned int n, int ret)
{
	int bad = check_handles("backup", n, ret ? "(failed)" : "(succeeded)");
	int err;

	if (ret)
		return bad;
	memcpy(file, out_file, sizeof(file));
	file_len = TPMKEY_BACKUP_SIZE(cur.key_len);
	memcpy(file_key_id, cur.key_id, sizeof(file_key_id));
	/* What a faulted BACKUP returned must verify. */
	err = op_verify();
	if (err) {
		printf("# backup, fault %u: succeeded but the file does not verify: %s\n",
		       n, strerror(err));
		bad = 1;
	}
	return bad;
}

static int after_verify(unsigned int n, int ret)
{
	return check_handles("verify", n, ret ? "(failed)" : "(succeeded)");
}

static int after_erase(unsigned int n, int ret)
{
	int bad;

	if (!ret) {
		have_state = 0;
		bad = check_handles("erase", n, "(succeeded)");
		return must_not_load("erase", n, "the erased key's state",
				     state, state_len) | bad;
	}
	bad = check_handles("erase", n, "(failed)");
	return must_load("erase", n, "the state, after a failed ERASE,",
			 state, state_len) | bad;
}

static int after_reseal(unsigned int n, int ret, const struct snap *before)
{
	struct tpmkey_status st;
	int bad = 0;

	if (ret) {
		/* The old object must survive: the old state still loads. */
		bad = check_handles("reseal", n, "(failed)");
		return must_load("reseal", n,
				 "the old state, after a failed RESEAL,",
				 state, state_len) | bad;
	}
	must("STATUS", get_status(&st));
	if (st.key_handle != out_handle ||
	    st.key_handle != state_handle(out_state) ||
	    (tpm_erase && st.key_handle == before->key_handle)) {
		printf("# reseal, fault %u: TPM object 0x%08x before, 0x%08x after, 0x%08x returned, 0x%08x in the new state\n",
		       n, before->key_handle, st.key_handle, out_handle,
		       state_handle(out_state));
		bad = 1;
	}
	memcpy(old_state, state, state_len);
	old_state_len = state_len;
	/* Before the handles are checked, which evicts a leftover. */
	bad |= must_not_load("reseal", n, "the old state, after RESEAL,",
			     old_state, old_state_len);
	set_state(out_state, out_state_len);
	bad |= check_handles("reseal", n, "(succeeded)");
	return must_load("reseal", n, "the new state", state, state_len) | bad;
}

struct op {
	const char *name;
	int (*call)(void);
	void (*prepare)(void);
	int (*after)(unsigned int n, int ret);
	int want_state;		/* after success */
	const int *errnos;	/* documented for an allocation failure */
};

static const int e_seal[] = { ENOMEM, EKEYREJECTED, EIO, 0 };
static const int e_mem[] = { ENOMEM, EIO, 0 };
static const int e_erase[] = { ENOMEM, EKEYREJECTED, 0 };

static int after_reseal_op(unsigned int n, int ret);

static const struct op ops[] = {
	{ "activate", op_activate, to_inactive, after_activate,
	  TPMKEY_STATE_ACTIVE, e_seal },
	{ "load", op_load, to_forgotten, after_load,
	  TPMKEY_STATE_ACTIVE, e_seal },
	{ "backup", op_backup, to_fresh_key, after_backup,
	  TPMKEY_STATE_ACTIVE, e_mem },
	{ "verify", op_verify, to_verifiable, after_verify,
	  TPMKEY_STATE_ACTIVE, e_mem },
	{ "restore", op_restore, to_restorable, after_restore,
	  TPMKEY_STATE_ACTIVE, e_seal },
	{ "reseal", op_reseal, to_resealable, after_reseal_op,
	  TPMKEY_STATE_ACTIVE, e_seal },
	{ "erase", op_erase, to_loaded, after_erase,
	  TPMKEY_STATE_INACTIVE, e_erase },
};

static struct snap reseal_before;

static int after_reseal_op(unsigned int n, int ret)
{
	return after_reseal(n, ret, &reseal_before);
}

static int set_nth(unsigned int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", n);

	return pwrite(nth_fd, buf, len, 0) == len ? 0 : -1;
}

static long get_nth(void)
{
	char buf[16] = { 0 };

	if (pread(nth_fd, buf, sizeof(buf) - 1, 0) <= 0)
		return -1;
	return strtol(buf, NULL, 10);
}

static int run_op(const struct op *op)
{
	unsigned int n, points = 0, successes = 0, spent = 0;
	unsigned int counts[256] = { 0 };
	int bad = 0;

	for (n = 1; n <= MAX_NTH; n++) {
		struct snap before, after;
		int ret, i, ok;
		long left;

		op->prepare();
		snap(&before);
		reseal_before = before;
		if (set_nth(n)) {
			printf("not ok - fail-nth %s: cannot write fail-nth: %s\n",
			       op->name, strerror(errno));
			return 1;
		}
		ret = op->call();
		left = get_nth();
		set_nth(0);
		snap(&after);
		bad |= check_transients(op->name, left ? 0 : n,
					ret ? "(failed)" : "(succeeded)");
		if (left != 0) {
			/* Fewer than n fault points: all tried, and this
			 * unfaulted call must have worked. */
			if (ret) {
				printf("# %s: the unfaulted call failed: %s\n",
				       op->name, strerror(ret));
				bad = 1;
			} else if (after.state != (__u32)op->want_state) {
				printf("# %s: the unfaulted call left state %u\n",
				       op->name, after.state);
				bad = 1;
			}
			bad |= op->after(0, ret);
			break;
		}
		points++;
		if (!ret) {
			successes++;
			if (after.state != (__u32)op->want_state ||
			    after.dek != (op->want_state == TPMKEY_STATE_ACTIVE)) {
				printf("# %s, fault %u: succeeded but state %u, key in keyring %d\n",
				       op->name, n, after.state, after.dek);
				bad = 1;
			}
			if (op->want_state == TPMKEY_STATE_ACTIVE &&
			    before.state == TPMKEY_STATE_ACTIVE &&
			    (after.key_flags != before.key_flags &&
			     strcmp(op->name, "backup"))) {
				printf("# %s, fault %u: succeeded but key flags %u->%u\n",
				       op->name, n, before.key_flags,
				       after.key_flags);
				bad = 1;
			}
			bad |= op->after(n, 0);
			continue;
		}
		counts[ret & 255]++;
		for (ok = 0, i = 0; op->errnos[i]; i++)
			ok |= ret == op->errnos[i];
		if (!ok) {
			printf("# %s, fault %u: errno %d (%s) not documented\n",
			       op->name, n, ret, strerror(ret));
			bad = 1;
		}
		if (after.state != before.state || after.dek != before.dek ||
		    after.key_handle != before.key_handle ||
		    memcmp(after.key_id, before.key_id, sizeof(after.key_id))) {
			printf("# %s, fault %u (%s): state %u->%u, key in keyring %d->%d, TPM object 0x%08x->0x%08x, key id %s\n",
			       op->name, n, strerror(ret), before.state,
			       after.state, before.dek, after.dek,
			       before.key_handle, after.key_handle,
			       memcmp(after.key_id, before.key_id,
				      sizeof(after.key_id)) ? "changed" : "same");
			bad = 1;
		}
		if (after.key_flags != before.key_flags) {
			if (!strcmp(op->name, "backup") &&
			    after.key_flags == TPMKEY_KEY_BACKED_UP) {
				spent++;	/* documented: failed after the increment */
			} else {
				printf("# %s, fault %u: key flags %u->%u\n",
				       op->name, n, before.key_flags,
				       after.key_flags);
				bad = 1;
			}
		}
		bad |= op->after(n, ret);
	}
	if (n > MAX_NTH) {
		printf("not ok - fail-nth %s: still failing after %u faults\n",
		       op->name, MAX_NTH);
		return 1;
	}
	printf("%s - fail-nth %s: %u fault points: %u clean errors, %u succeeded anyway%s",
	       bad ? "not ok" : "ok", op->name, points, points - successes,
	       successes, spent ? "," : "");
	if (spent)
		printf(" %u spent the backup (documented)", spent);
	printf(" (errnos:");
	for (int e = 1; e < 256; e++)
		if (counts[e])
			printf(" %s=%u", strerrorname_np(e), counts[e]);
	printf(")\n");
	fflush(stdout);
	return bad;
}

int main(int argc, char *argv[])
{
	const char *want[16];
	int nwant = 0, i, j;

	for (i = 1; i < argc && nwant < 16; i++)
		want[nwant++] = argv[i];
	for (i = 0; i < nwant; i++) {
		for (j = 0; j < (int)(sizeof(ops) / sizeof(ops[0])); j++)
			if (!strcmp(want[i], ops[j].name))
				break;
		if (j == (int)(sizeof(ops) / sizeof(ops[0]))) {
			fprintf(stderr, "tpmkey_failnth: unknown op %s\n",
				want[i]);
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	/*
	 * Every page of ours present: a page fault in copy_to_user() would
	 * be a fault point of this program's, not the module's.
	 */
	if (mlockall(MCL_CURRENT | MCL_FUTURE))
		perror("mlockall");
	dev = open("/dev/tpmkey", O_RDWR | O_CLOEXEC);
	nth_fd = open("/proc/thread-self/fail-nth", O_RDWR);
	if (dev < 0 || nth_fd < 0) {
		perror("open /dev/tpmkey or /proc/thread-self/fail-nth");
		return 2;
	}
	memset(kek, 0x42, sizeof(kek));
	{
		struct tpmkey_status st;

		must("STATUS", get_status(&st));
		tpm_erase = !!(st.new_key_protections & TPMKEY_PROT_TPM_ERASE);
	}
	/* A fresh TPM: no tpmkey object yet. */
	if (check_handles("setup", 0, "(before the first key)") |
	    check_transients("setup", 0, "(before the first key)"))
		fatal("tpmkey objects in a fresh TPM", EEXIST);
	/* A key and a backup file of it, for VERIFY and RESTORE. */
	make_file();
	for (i = 0; i < (int)(sizeof(ops) / sizeof(ops[0])); i++) {
		int run = !nwant;

		for (j = 0; j < nwant; j++)
			run |= !strcmp(want[j], ops[i].name);
		if (run)
			failed |= run_op(&ops[i]);
	}
	drop_key();
	if (check_handles("end", 0, "(after the last ERASE)"))
		failed = 1;
	return failed;
}
