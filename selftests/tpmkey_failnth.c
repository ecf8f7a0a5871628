// SPDX-License-Identifier: GPL-2.0
/*
 * tpmkey_failnth [OP...]: allocation failures at every point of an ioctl.
 *
 * For each OP (activate, load, backup, verify, restore, erase; default all)
 * and N = 1, 2, ...: bring the module into the state the ioctl needs (with
 * unfaulted ioctls), write N to /proc/thread-self/fail-nth, call the ioctl
 * once, and read fail-nth back.  Non-zero means the ioctl made fewer than N
 * calls that can fail: every fault point has been tried and the OP is done.
 * Zero means the N-th one failed (failslab / fail_page_alloc, which the
 * guest script configures); then the ioctl must
 *   - fail with an errno the interface documents for it, or succeed;
 *   - on failure leave STATUS (state, key id, key flags) and the keyring
 *     (the logon key "tpmkey:dek" in @u) as they were, with the documented
 *     exception that BACKUP and RESTORE may have spent the backup counter
 *     (BACKUP then reports the key as backed up);
 *   - and the module must still work: the next unfaulted ioctl succeeds.
 * Leaks are kmemleak's job (the guest init scans at the end).  Prints one
 * TAP line per OP with the number of fault points and the errnos seen.
 *
 * Needs the backup counter at TPMKEY_DEFAULT_NV_INDEX and the storage key at
 * TPMKEY_DEFAULT_PARENT (the guest script defines the counter).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/tpmkey.h>

#include "tpmkey_util.h"

#define MAX_NTH		5000

static int dev = -1, nth_fd = -1;
static unsigned char state[TPMKEY_STATE_SIZE_MAX];
static __u32 state_len;
static unsigned char file[TPMKEY_BACKUP_SIZE_MAX];
static __u32 file_len;
static unsigned char kek[TPMKEY_KEK_SIZE];
static int failed;
/* STATUS as of just before the call: ERASE and BACKUP take the key's id
 * and creation time from it, so no STATUS runs under fail-nth. */
static struct tpmkey_status cur;

struct snap {
	__u32 state, key_flags;
	__u8 key_id[TPMKEY_KEY_ID_SIZE];
	int dek;
};

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

	if (get_status(&st)) {
		perror("STATUS");
		exit(2);
	}
	s->state = st.state;
	s->key_flags = st.key_flags;
	memcpy(s->key_id, st.key_id, sizeof(s->key_id));
	s->dek = keyring_search("logon", TPMKEY_KEYRING_DESC) >= 0;
}

/*
 * The ioctls under test, on the buffers above.  None runs STATUS: the key's
 * id and creation time come from cur.
 */
static int op_activate(void)
{
	__u8 key_id[TPMKEY_KEY_ID_SIZE];

	return do_activate(dev, 64, state, &state_len, key_id);
}

static int op_load(void)
{
	return do_load(dev, state, state_len, NULL);
}

static int op_erase(void)
{
	return do_erase(dev, cur.key_id);
}

static int op_backup(void)
{
	struct tpmkey_backup_header *h = (void *)file;
	int ret;

	memset(file, 0, sizeof(file));
	backup_header_for(h, &cur);
	memset(h->salt, 0x5a, sizeof(h->salt));
	memset(h->tpm_id, 0xa5, sizeof(h->tpm_id));
	ret = do_backup(dev, kek, file, sizeof(file));
	if (!ret)
		file_len = TPMKEY_BACKUP_SIZE(cur.key_len);
	return ret;
}

static int op_verify(void)
{
	return do_verify(dev, kek, file, file_len);
}

static int op_restore(void)
{
	static unsigned char rstate[TPMKEY_STATE_SIZE_MAX];
	struct tpmkey_restore r = {
		.size = sizeof(r), .kek_ptr = (unsigned long)kek,
		.file_ptr = (unsigned long)file, .file_len = file_len,
		.parent_handle = TPMKEY_DEFAULT_PARENT,
		.state_ptr = (unsigned long)rstate, .state_len = sizeof(rstate),
		.nv_index = TPMKEY_DEFAULT_NV_INDEX,
	};

	return ioctl(dev, TPMKEY_IOC_RESTORE, &r);
}

static void must(const char *what, int ret)
{
	if (ret) {
		printf("not ok - fail-nth setup: %s: %s\n", what, strerror(errno));
		exit(1);
	}
}

static void to_inactive(void)
{
	struct tpmkey_status st;

	must("STATUS", get_status(&st));
	if (st.state == TPMKEY_STATE_ACTIVE)
		must("ERASE", op_erase());
}

/* A loaded key whose backup is still allowed (a new key if it is spent). */
static void to_fresh_key(void)
{
	struct tpmkey_status st;

	must("STATUS", get_status(&st));
	if (st.state == TPMKEY_STATE_ACTIVE &&
	    !(st.key_flags & TPMKEY_KEY_BACKED_UP))
		return;
	to_inactive();
	must("ACTIVATE", op_activate());
	must("STATUS", get_status(&st));
}

static void to_loaded(void)
{
	struct tpmkey_status st;

	must("STATUS", get_status(&st));
	if (st.state != TPMKEY_STATE_ACTIVE)
		must("LOAD", op_load());
}

struct op {
	const char *name;
	int (*call)(void);
	void (*prepare)(void);
	int want_state;		/* after success */
	const int *errnos;	/* documented for an allocation failure */
};

static const int e_seal[] = { ENOMEM, EKEYREJECTED, EIO, 0 };
static const int e_mem[] = { ENOMEM, EIO, 0 };

static const struct op ops[] = {
	{ "activate", op_activate, to_inactive, TPMKEY_STATE_ACTIVE, e_seal },
	{ "load", op_load, to_inactive, TPMKEY_STATE_ACTIVE, e_seal },
	{ "backup", op_backup, to_fresh_key, TPMKEY_STATE_ACTIVE, e_mem },
	{ "verify", op_verify, to_loaded, TPMKEY_STATE_ACTIVE, e_mem },
	{ "restore", op_restore, to_inactive, TPMKEY_STATE_ACTIVE, e_seal },
	{ "erase", op_erase, to_loaded, TPMKEY_STATE_INACTIVE, e_mem },
};

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
		int ret, err, i, ok;
		long left;

		op->prepare();
		snap(&before);
		if (set_nth(n)) {
			printf("not ok - fail-nth %s: cannot write fail-nth: %s\n",
			       op->name, strerror(errno));
			return 1;
		}
		ret = op->call();
		err = errno;
		left = get_nth();
		set_nth(0);
		if (left != 0)
			break;	/* fewer than n fault points: all tried */
		points++;
		snap(&after);
		if (!ret) {
			successes++;
			if (after.state != (__u32)op->want_state ||
			    after.dek != (op->want_state == TPMKEY_STATE_ACTIVE)) {
				printf("# %s, fault %u: succeeded but state %u, key in keyring %d\n",
				       op->name, n, after.state, after.dek);
				bad = 1;
			}
			/* What a faulted BACKUP returned must verify. */
			if (!strcmp(op->name, "backup") && op_verify()) {
				printf("# backup, fault %u: succeeded but the file does not verify: %s\n",
				       n, strerror(errno));
				bad = 1;
			}
			continue;
		}
		counts[err & 255]++;
		for (ok = 0, i = 0; op->errnos[i]; i++)
			ok |= err == op->errnos[i];
		if (!ok) {
			printf("# %s, fault %u: errno %d (%s) not documented\n",
			       op->name, n, err, strerror(err));
			bad = 1;
		}
		if (after.state != before.state || after.dek != before.dek ||
		    memcmp(after.key_id, before.key_id, sizeof(after.key_id))) {
			printf("# %s, fault %u (%s): state %u->%u, key in keyring %d->%d, key id %s\n",
			       op->name, n, strerror(err), before.state,
			       after.state, before.dek, after.dek,
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
	}
	if (n > MAX_NTH) {
		printf("not ok - fail-nth %s: still failing after %u faults\n",
		       op->name, MAX_NTH);
		return 1;
	}
	/* The last, unfaulted call must have succeeded. */
	{
		struct snap s;

		snap(&s);
		if (s.state != (__u32)op->want_state) {
			printf("# %s: the unfaulted call left state %u\n",
			       op->name, s.state);
			bad = 1;
		}
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
	setvbuf(stdout, NULL, _IOLBF, 0);
	dev = open("/dev/tpmkey", O_RDWR);
	nth_fd = open("/proc/thread-self/fail-nth", O_RDWR);
	if (dev < 0 || nth_fd < 0) {
		perror("open /dev/tpmkey or /proc/thread-self/fail-nth");
		return 2;
	}
	memset(kek, 0x42, sizeof(kek));
	/* A state blob for LOAD, a backup file for VERIFY and RESTORE. */
	to_inactive();
	must("ACTIVATE", op_activate());
	must("STATUS", get_status(&(struct tpmkey_status){ 0 }));
	must("BACKUP", op_backup());
	for (i = 0; i < (int)(sizeof(ops) / sizeof(ops[0])); i++) {
		int run = !nwant;

		for (j = 0; j < nwant; j++)
			run |= !strcmp(want[j], ops[i].name);
		if (run)
			failed |= run_op(&ops[i]);
	}
	to_inactive();
	return failed;
}
