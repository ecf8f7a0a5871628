// SPDX-License-Identifier: GPL-2.0
/*
 * The key lifecycle through the ioctls: ACTIVATE, LOAD, ERASE, the state
 * machine and its errnos, privilege, and concurrent callers.  Runs as root
 * in the test VM with a TPM 2.0 that has a storage key at 0x81000001.
 * Leaves the module INACTIVE.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/keyctl.h>
#include <linux/tpmkey.h>

#include "kselftest_harness.h"

static long keyring_search(const char *type, const char *desc)
{
	return syscall(__NR_keyctl, KEYCTL_SEARCH, KEY_SPEC_USER_KEYRING,
		       type, desc, 0);
}

static int do_status(int fd, struct tpmkey_status *st)
{
	memset(st, 0, sizeof(*st));
	st->size = sizeof(*st);
	return ioctl(fd, TPMKEY_IOC_STATUS, st) ? errno : 0;
}

static int do_activate(int fd, __u32 key_len, void *state, __u32 *state_len,
		       __u8 *key_id)
{
	struct tpmkey_activate req = {
		.size = sizeof(req),
		.key_len = key_len,
		.parent_handle = TPMKEY_DEFAULT_PARENT,
		.state_ptr = (unsigned long)state,
		.state_len = TPMKEY_STATE_SIZE_MAX,
	};

	if (ioctl(fd, TPMKEY_IOC_ACTIVATE, &req))
		return errno;
	*state_len = req.state_len;
	memcpy(key_id, req.key_id, sizeof(req.key_id));
	return 0;
}

static int do_load(int fd, const void *state, __u32 state_len, __u8 *key_id)
{
	struct tpmkey_load req = {
		.size = sizeof(req),
		.state_ptr = (unsigned long)state,
		.state_len = state_len,
	};

	if (ioctl(fd, TPMKEY_IOC_LOAD, &req))
		return errno;
	if (key_id)
		memcpy(key_id, req.key_id, sizeof(req.key_id));
	return 0;
}

static int do_erase(int fd, const __u8 *key_id)
{
	struct tpmkey_erase req = { .size = sizeof(req) };

	memcpy(req.key_id, key_id, sizeof(req.key_id));
	return ioctl(fd, TPMKEY_IOC_ERASE, &req) ? errno : 0;
}

/* Erases whatever key is loaded, so every test starts INACTIVE. */
static void make_inactive(int fd)
{
	struct tpmkey_status st;

	if (!do_status(fd, &st) && st.state == TPMKEY_STATE_ACTIVE)
		do_erase(fd, st.key_id);
}

FIXTURE(key) {
	int fd;
	__u8 state[TPMKEY_STATE_SIZE_MAX];
	__u32 state_len;
	__u8 key_id[TPMKEY_KEY_ID_SIZE];
};

FIXTURE_SETUP(key)
{
	self->fd = open("/dev/tpmkey", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
	make_inactive(self->fd);
	ASSERT_EQ(0, do_activate(self->fd, 64, self->state, &self->state_len,
				 self->key_id));
}

FIXTURE_TEARDOWN(key)
{
	make_inactive(self->fd);
	close(self->fd);
}

TEST_F(key, activate_reports_and_links_a_logon_key)
{
	struct tpmkey_status st;
	char buf[128];
	long id;

	ASSERT_EQ(0, do_status(self->fd, &st));
	EXPECT_EQ(TPMKEY_STATE_ACTIVE, st.state);
	EXPECT_EQ(64, st.key_len);
	EXPECT_EQ(TPMKEY_DEFAULT_PARENT, st.parent_handle);
	EXPECT_EQ(TPMKEY_BACKEND_TRUSTED, st.backend);
	EXPECT_EQ(0, memcmp(st.key_id, self->key_id, sizeof(st.key_id)));
	EXPECT_NE(0, st.created);
	EXPECT_LT(300, self->state_len);
	EXPECT_GE(TPMKEY_STATE_SIZE_MAX, self->state_len);

	id = keyring_search("logon", TPMKEY_KEYRING_DESC);
	ASSERT_LT(0, id);
	/* A logon key cannot be read back. */
	EXPECT_EQ(-1, syscall(__NR_keyctl, KEYCTL_READ, id, buf, sizeof(buf)));
	EXPECT_EQ(EOPNOTSUPP, errno);
}

TEST_F(key, wrong_states_are_refused)
{
	__u8 other[TPMKEY_STATE_SIZE_MAX], id[TPMKEY_KEY_ID_SIZE];
	__u32 len;

	EXPECT_EQ(EEXIST, do_activate(self->fd, 32, other, &len, id));
	EXPECT_EQ(EEXIST, do_load(self->fd, self->state, self->state_len,
				  NULL));
	memcpy(id, self->key_id, sizeof(id));
	id[0] ^= 1;
	EXPECT_EQ(ESTALE, do_erase(self->fd, id));
	ASSERT_EQ(0, do_erase(self->fd, self->key_id));
	EXPECT_EQ(ENOKEY, do_erase(self->fd, self->key_id));
	EXPECT_GT(0, keyring_search("logon", TPMKEY_KEYRING_DESC));
}

TEST_F(key, erase_then_load_brings_the_same_key_back)
{
	__u8 id[TPMKEY_KEY_ID_SIZE];
	struct tpmkey_status st;

	ASSERT_EQ(0, do_erase(self->fd, self->key_id));
	ASSERT_EQ(0, do_status(self->fd, &st));
	EXPECT_EQ(TPMKEY_STATE_INACTIVE, st.state);
	EXPECT_EQ(0, st.key_len);
	ASSERT_EQ(0, do_load(self->fd, self->state, self->state_len, id));
	EXPECT_EQ(0, memcmp(id, self->key_id, sizeof(id)));
	EXPECT_LT(0, keyring_search("logon", TPMKEY_KEYRING_DESC));
}

TEST_F(key, activate_twice_gives_different_keys)
{
	__u8 state[TPMKEY_STATE_SIZE_MAX], id[TPMKEY_KEY_ID_SIZE];
	__u32 len;

	ASSERT_EQ(0, do_erase(self->fd, self->key_id));
	ASSERT_EQ(0, do_activate(self->fd, 32, state, &len, id));
	EXPECT_NE(0, memcmp(id, self->key_id, sizeof(id)));
	EXPECT_NE(0, memcmp(state, self->state, 64));
}

TEST_F(key, damaged_state_is_ebadmsg_and_changes_nothing)
{
	__u8 bad[TPMKEY_STATE_SIZE_MAX + 1];
	struct tpmkey_status st;
	__u32 i;

	ASSERT_EQ(0, do_erase(self->fd, self->key_id));
	for (i = 0; i < self->state_len; i += 7) {
		memcpy(bad, self->state, self->state_len);
		bad[i] ^= 0x40;
		ASSERT_EQ(EBADMSG, do_load(self->fd, bad, self->state_len,
					   NULL)) TH_LOG("byte %u", i);
	}
	EXPECT_EQ(EBADMSG, do_load(self->fd, self->state,
				   self->state_len - 1, NULL));
	memcpy(bad, self->state, self->state_len);
	bad[self->state_len] = 0;
	EXPECT_EQ(EBADMSG, do_load(self->fd, bad, self->state_len + 1, NULL));
	EXPECT_EQ(EBADMSG, do_load(self->fd, bad, TPMKEY_STATE_SIZE_MAX + 1,
				   NULL));
	ASSERT_EQ(0, do_status(self->fd, &st));
	EXPECT_EQ(TPMKEY_STATE_INACTIVE, st.state);
	EXPECT_GT(0, keyring_search("logon", TPMKEY_KEYRING_DESC));
}

TEST_F(key, activate_validates_its_request)
{
	struct tpmkey_activate req;
	__u8 state[TPMKEY_STATE_SIZE_MAX];

	ASSERT_EQ(0, do_erase(self->fd, self->key_id));
#define ACTIVATE_REQ() do {						\
		memset(&req, 0, sizeof(req));				\
		req.size = sizeof(req);					\
		req.key_len = 64;					\
		req.parent_handle = TPMKEY_DEFAULT_PARENT;		\
		req.state_ptr = (unsigned long)state;			\
		req.state_len = sizeof(state);				\
	} while (0)
#define EXPECT_ACTIVATE_ERRNO(e) \
	EXPECT_EQ(e, ioctl(self->fd, TPMKEY_IOC_ACTIVATE, &req) ? errno : 0)

	ACTIVATE_REQ(); req.flags = 1;			EXPECT_ACTIVATE_ERRNO(EINVAL);
	ACTIVATE_REQ(); req.reserved0 = 1;		EXPECT_ACTIVATE_ERRNO(EINVAL);
	ACTIVATE_REQ(); req.reserved[1] = 1;		EXPECT_ACTIVATE_ERRNO(EINVAL);
	ACTIVATE_REQ(); req.key_len = 48;		EXPECT_ACTIVATE_ERRNO(EINVAL);
	ACTIVATE_REQ(); req.key_len = 0;		EXPECT_ACTIVATE_ERRNO(EINVAL);
	ACTIVATE_REQ(); req.parent_handle = 0x80000001;	EXPECT_ACTIVATE_ERRNO(EINVAL);
	ACTIVATE_REQ(); req.state_ptr = 0;		EXPECT_ACTIVATE_ERRNO(EINVAL);
	ACTIVATE_REQ(); req.size = 8;			EXPECT_ACTIVATE_ERRNO(EINVAL);
	ACTIVATE_REQ(); req.state_len = 100;		EXPECT_ACTIVATE_ERRNO(ENOSPC);
	EXPECT_EQ(TPMKEY_STATE_SIZE_MAX, req.state_len);
	ACTIVATE_REQ(); req.state_ptr = 8;		EXPECT_ACTIVATE_ERRNO(EFAULT);
	/* None of these may have left a key behind. */
	EXPECT_GT(0, keyring_search("logon", TPMKEY_KEYRING_DESC));
	/* A parent handle with no key behind it: the TPM refuses. */
	ACTIVATE_REQ(); req.parent_handle = 0x81000077;	EXPECT_ACTIVATE_ERRNO(EKEYREJECTED);
	EXPECT_GT(0, keyring_search("logon", TPMKEY_KEYRING_DESC));
}

TEST_F(key, load_and_erase_validate_their_requests)
{
	struct tpmkey_load lreq;
	struct tpmkey_erase ereq;

	memset(&ereq, 0, sizeof(ereq));
	ereq.size = sizeof(ereq);
	memcpy(ereq.key_id, self->key_id, sizeof(ereq.key_id));
	ereq.flags = 2;
	EXPECT_EQ(EINVAL, ioctl(self->fd, TPMKEY_IOC_ERASE, &ereq) ? errno : 0);
	ereq.flags = 0;
	ereq.reserved[0] = 1;
	EXPECT_EQ(EINVAL, ioctl(self->fd, TPMKEY_IOC_ERASE, &ereq) ? errno : 0);
	ereq.reserved[0] = 0;
	ereq.size = 16;
	EXPECT_EQ(EINVAL, ioctl(self->fd, TPMKEY_IOC_ERASE, &ereq) ? errno : 0);
	ASSERT_EQ(0, do_erase(self->fd, self->key_id));

	memset(&lreq, 0, sizeof(lreq));
	lreq.size = sizeof(lreq);
	lreq.state_ptr = (unsigned long)self->state;
	lreq.state_len = self->state_len;
	lreq.flags = 1;
	EXPECT_EQ(EINVAL, ioctl(self->fd, TPMKEY_IOC_LOAD, &lreq) ? errno : 0);
	lreq.flags = 0;
	lreq.reserved0 = 1;
	EXPECT_EQ(EINVAL, ioctl(self->fd, TPMKEY_IOC_LOAD, &lreq) ? errno : 0);
	lreq.reserved0 = 0;
	lreq.reserved[1] = 1;
	EXPECT_EQ(EINVAL, ioctl(self->fd, TPMKEY_IOC_LOAD, &lreq) ? errno : 0);
	lreq.reserved[1] = 0;
	lreq.state_len = 0;
	EXPECT_EQ(EINVAL, ioctl(self->fd, TPMKEY_IOC_LOAD, &lreq) ? errno : 0);
	lreq.state_len = self->state_len;
	lreq.state_ptr = 8;
	EXPECT_EQ(EFAULT, ioctl(self->fd, TPMKEY_IOC_LOAD, &lreq) ? errno : 0);
	lreq.state_ptr = (unsigned long)self->state;
	ASSERT_EQ(0, ioctl(self->fd, TPMKEY_IOC_LOAD, &lreq));
}

TEST_F(key, unprivileged_caller_gets_eperm_for_every_ioctl)
{
	__u8 state[TPMKEY_STATE_SIZE_MAX], id[TPMKEY_KEY_ID_SIZE];
	struct tpmkey_status st;
	__u32 len;

	ASSERT_EQ(0, setresgid(65534, 65534, 65534));
	ASSERT_EQ(0, setresuid(65534, 65534, 65534));
	EXPECT_EQ(EPERM, do_status(self->fd, &st));
	EXPECT_EQ(EPERM, do_activate(self->fd, 64, state, &len, id));
	EXPECT_EQ(EPERM, do_load(self->fd, self->state, self->state_len,
				 NULL));
	EXPECT_EQ(EPERM, do_erase(self->fd, self->key_id));
}

/* 4 processes x 200 random ioctls: only the documented errnos, no hang. */
TEST_F_TIMEOUT(key, concurrent_callers_are_serialised, 600)
{
	struct tpmkey_status st;
	int i, status, nproc = 4;
	pid_t pids[4];

	for (i = 0; i < nproc; i++) {
		pids[i] = fork();
		ASSERT_LE(0, pids[i]);
		if (pids[i] == 0) {
			__u8 state[TPMKEY_STATE_SIZE_MAX];
			__u8 id[TPMKEY_KEY_ID_SIZE];
			struct tpmkey_status cst;
			int n, err, bad = 0;
			__u32 len;

			srand(1000 + i);
			for (n = 0; n < 200; n++) {
				switch (rand() % 4) {
				case 0:
					err = do_status(self->fd, &cst);
					break;
				case 1:
					err = do_activate(self->fd, 32, state,
							  &len, id);
					err = err == EEXIST ? 0 : err;
					break;
				case 2:
					err = do_load(self->fd, self->state,
						      self->state_len, NULL);
					err = err == EEXIST ? 0 : err;
					break;
				default:
					do_status(self->fd, &cst);
					err = do_erase(self->fd, cst.key_id);
					err = (err == ENOKEY || err == ESTALE) ?
					      0 : err;
					break;
				}
				if (err)
					bad++;
			}
			_exit(bad ? 1 : 0);
		}
	}
	for (i = 0; i < nproc; i++) {
		ASSERT_EQ(pids[i], waitpid(pids[i], &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	/* The state the module reports matches the keyring. */
	ASSERT_EQ(0, do_status(self->fd, &st));
	if (st.state == TPMKEY_STATE_ACTIVE) {
		EXPECT_LT(0, keyring_search("logon", TPMKEY_KEYRING_DESC));
	} else {
		EXPECT_GT(0, keyring_search("logon", TPMKEY_KEYRING_DESC));
	}
}

TEST_HARNESS_MAIN
