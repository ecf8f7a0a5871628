// SPDX-License-Identifier: GPL-2.0
/*
 * tpmkey_soak CYCLES PROCS SECONDS: the key lifecycle over and over, then
 * many callers at once.
 *
 * Phase 1, CYCLES times: ACTIVATE, BACKUP, BACKUP again (refused:
 * EALREADY), module reload, LOAD, VERIFY, BACKUP (refused), ERASE, LOAD
 * of the erased key (refused where ERASE destroys it in the TPM); after every
 * step STATUS and the keyring must say exactly what the step did.
 * Phase 2: PROCS processes issue random ioctls (all seven, valid and
 * invalid) for SECONDS; every result must be one of the errnos documented
 * for that ioctl, and afterwards STATUS and the keyring must agree.
 * Leaks and lock problems are the kernel's to report (the test VM scans
 * kmemleak and fails on any report).  Prints TAP; exit 0 when all passed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/tpmkey.h>

#include "tpmkey_util.h"

static int failures;

static void check(bool ok, const char *fmt, int a, int b)
{
	if (ok)
		return;
	printf("# FAIL: ");
	printf(fmt, a, b);
	printf("\n");
	failures++;
}

/* STATUS and the keyring agree with @active (and @id when active). */
static bool consistent(int fd, bool active, const __u8 *id)
{
	struct tpmkey_status st;
	long dek;

	if (do_status(fd, &st))
		return false;
	dek = keyring_search("logon", TPMKEY_KEYRING_DESC);
	if (!active)
		return st.state == TPMKEY_STATE_INACTIVE && dek < 0;
	return st.state == TPMKEY_STATE_ACTIVE && dek > 0 &&
	       (!id || !memcmp(st.key_id, id, sizeof(st.key_id)));
}

static bool backed_up(int fd)
{
	struct tpmkey_status st;

	return !do_status(fd, &st) && (st.key_flags & TPMKEY_KEY_BACKED_UP);
}

static int cycle(int *fdp, int n)
{
	struct tpmkey_status st;
	int fd = *fdp;
	__u8 state[TPMKEY_STATE_SIZE_MAX], id[TPMKEY_KEY_ID_SIZE] = { 0 };
	__u8 file[TPMKEY_BACKUP_SIZE_MAX], again[TPMKEY_BACKUP_SIZE_MAX];
	__u8 kek[TPMKEY_KEK_SIZE];
	__u32 len = 0, key_len = n % 2 ? 32 : 64;
	int before = failures;

	memset(kek, n & 0xff, sizeof(kek));
	check(!do_activate(fd, key_len, state, &len, id),
	      "cycle %d: ACTIVATE", n, 0);
	check(consistent(fd, true, id) && !backed_up(fd),
	      "cycle %d: active, not backed up, after ACTIVATE", n, 0);
	backup_header((void *)file, fd);
	check(!do_backup(fd, kek, file, sizeof(file)), "cycle %d: BACKUP", n, 0);
	check(backed_up(fd), "cycle %d: backed up after BACKUP", n, 0);
	backup_header((void *)again, fd);
	check(do_backup(fd, kek, again, sizeof(again)) == EALREADY,
	      "cycle %d: second BACKUP refused", n, 0);
	/* The module forgets the key as a reboot would (ERASE destroys it). */
	check(!reload_module(fdp), "cycle %d: module reloaded", n, 0);
	fd = *fdp;
	check(consistent(fd, false, NULL), "cycle %d: inactive after reload",
	      n, 0);
	check(!do_load(fd, state, len, NULL), "cycle %d: LOAD", n, 0);
	check(consistent(fd, true, id) && backed_up(fd),
	      "cycle %d: the same key, backed up, after LOAD", n, 0);
	check(!do_verify(fd, kek, file, TPMKEY_BACKUP_SIZE(key_len)),
	      "cycle %d: VERIFY", n, 0);
	backup_header((void *)again, fd);
	check(do_backup(fd, kek, again, sizeof(again)) == EALREADY,
	      "cycle %d: BACKUP after LOAD refused", n, 0);
	check(!do_status(fd, &st), "cycle %d: STATUS", n, 0);
	check(!do_erase(fd, id), "cycle %d: final ERASE", n, 0);
	check(consistent(fd, false, NULL), "cycle %d: inactive at the end",
	      n, 0);
	if (st.protections & TPMKEY_PROT_TPM_ERASE)
		check(do_load(fd, state, len, NULL) == EKEYREJECTED,
		      "cycle %d: the erased key's state does not load", n, 0);
	return failures == before ? 0 : -1;
}

/* Every errno each ioctl may return to a root caller, documented. */
static bool documented(int which, int err)
{
	static const int common[] = { 0, EINVAL, EFAULT, E2BIG, ENOMEM, EINTR };
	static const int per[][8] = {
		{ 0 },						/* STATUS */
		{ EEXIST, ENOSPC, ENOENT, ENODATA, EKEYREJECTED,
		  EBUSY },					/* ACTIVATE */
		{ EEXIST, EBADMSG, EKEYREJECTED, EKEYREVOKED,
		  EBUSY },					/* LOAD */
		{ ENOKEY, ESTALE, EBUSY },			/* ERASE */
		{ ENOKEY, EALREADY, ENOSPC, EBUSY },		/* BACKUP */
		{ ENOKEY, EBADMSG, ESTALE, EBUSY },		/* VERIFY */
		{ EEXIST, EBADMSG, ENOSPC, EKEYREJECTED, ENOENT,
		  ENODATA, EBUSY },				/* RESTORE */
	};
	size_t i;

	for (i = 0; i < sizeof(common) / sizeof(common[0]); i++)
		if (err == common[i])
			return true;
	for (i = 0; i < 8 && per[which][i]; i++)
		if (err == per[which][i])
			return true;
	return false;
}

/* One process of phase 2: random requests until @deadline. */
static int chaos(unsigned int seed, time_t deadline, const __u8 *state,
		 __u32 state_len, const __u8 *file, __u32 file_len)
{
	__u8 out[TPMKEY_STATE_SIZE_MAX], bk[TPMKEY_BACKUP_SIZE_MAX];
	__u8 kek[TPMKEY_KEK_SIZE];
	int fd = open("/dev/tpmkey", O_RDWR | O_CLOEXEC);
	struct tpmkey_status st;
	unsigned long calls = 0;
	int bad = 0;

	if (fd < 0)
		return 1;
	memset(kek, 0x5a, sizeof(kek));
	srand(seed);
	while (time(NULL) < deadline) {
		int which = rand() % 7, err = 0;
		__u8 id[TPMKEY_KEY_ID_SIZE];
		__u32 len;

		switch (which) {
		case 0:
			err = do_status(fd, &st);
			break;
		case 1:
			err = do_activate(fd, rand() % 2 ? 32 : 64, out, &len,
					  id);
			break;
		case 2:
			err = do_load(fd, state, state_len, NULL);
			break;
		case 3:
			do_status(fd, &st);
			if (rand() % 4 == 0)
				st.key_id[0] ^= 1;
			err = do_erase(fd, st.key_id);
			break;
		case 4:
			backup_header((void *)bk, fd);
			err = do_backup(fd, kek, bk, sizeof(bk));
			break;
		case 5:
			err = do_verify(fd, kek, file, file_len);
			break;
		case 6: {
			struct tpmkey_restore req = {
				.size = sizeof(req),
				.kek_ptr = (uintptr_t)kek,
				.file_ptr = (uintptr_t)file,
				.file_len = file_len,
				.parent_handle = TPMKEY_DEFAULT_PARENT,
				.state_ptr = (uintptr_t)out,
				.state_len = sizeof(out),
				.nv_index = TPMKEY_DEFAULT_NV_INDEX,
			};

			err = ioctl(fd, TPMKEY_IOC_RESTORE, &req) ? errno : 0;
			break;
		}
		}
		calls++;
		if (!documented(which, err)) {
			printf("# FAIL: ioctl %d gave undocumented errno %d\n",
			       which, err);
			bad++;
		}
	}
	printf("# process %u: %lu calls\n", seed, calls);
	close(fd);
	return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	__u8 state[TPMKEY_STATE_SIZE_MAX], file[TPMKEY_BACKUP_SIZE_MAX];
	__u8 id[TPMKEY_KEY_ID_SIZE] = { 0 }, kek[TPMKEY_KEK_SIZE];
	int cycles, procs, seconds, fd, i, n, status, bad = 0;
	__u32 len = 0;
	struct tpmkey_status st;
	time_t deadline;

	if (argc != 4) {
		fprintf(stderr, "usage: tpmkey_soak CYCLES PROCS SECONDS\n");
		return 2;
	}
	cycles = atoi(argv[1]);
	procs = atoi(argv[2]);
	seconds = atoi(argv[3]);
	setvbuf(stdout, NULL, _IOLBF, 0);
	fd = open("/dev/tpmkey", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		perror("/dev/tpmkey");
		return 1;
	}
	printf("TAP version 13\n1..2\n");
	make_inactive(fd);

	for (n = 0, i = 0; i < cycles; i++)
		if (cycle(&fd, i))
			n++;
	printf("%s - soak: %d lifecycle cycles (ACTIVATE, BACKUP, BACKUP refused, reload, LOAD, VERIFY, BACKUP refused, ERASE, LOAD refused), %d failed\n",
	       n ? "not ok 1" : "ok 1", cycles, n);

	/* Phase 2's material: a state and a backup file of one key. */
	memset(kek, 0x5a, sizeof(kek));
	failures = 0;
	check(!do_activate(fd, 64, state, &len, id), "phase 2: ACTIVATE", 0, 0);
	backup_header((void *)file, fd);
	check(!do_backup(fd, kek, file, sizeof(file)), "phase 2: BACKUP", 0, 0);
	check(!reload_module(&fd), "phase 2: module reloaded", 0, 0);
	deadline = time(NULL) + seconds;
	for (i = 0; i < procs; i++) {
		pid_t pid = fork();

		if (pid == 0)
			_exit(chaos(i + 1, deadline, state, len, file,
				    TPMKEY_BACKUP_SIZE(64)));
		if (pid < 0)
			bad++;
	}
	while (wait(&status) > 0)
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			bad++;
	check(!do_status(fd, &st), "phase 2: STATUS", 0, 0);
	check(consistent(fd, st.state == TPMKEY_STATE_ACTIVE, NULL),
	      "phase 2: STATUS and the keyring agree", 0, 0);
	make_inactive(fd);
	check(consistent(fd, false, NULL), "phase 2: inactive after ERASE",
	      0, 0);
	bad += failures;
	printf("%s - soak: %d processes of random ioctls for %d s, only documented errnos, STATUS and keyring agree\n",
	       bad ? "not ok 2" : "ok 2", procs, seconds);
	close(fd);
	return n || bad ? 1 : 0;
}
