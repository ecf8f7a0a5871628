// SPDX-License-Identifier: GPL-2.0
/*
 * The key lifecycle through the ioctls: ACTIVATE, LOAD, ERASE, BACKUP,
 * VERIFY and RESTORE, the state machine and its errnos, the one-time
 * backup, privilege, and concurrent callers.  Runs as root
 * in the test VM with a TPM 2.0 that has a storage key at 0x81000001 and
 * the backup counter at TPMKEY_DEFAULT_NV_INDEX.  Leaves the module
 * INACTIVE.
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/keyctl.h>
#include <linux/tpmkey.h>
#include <linux/userfaultfd.h>

#include "kselftest_harness.h"
#include "tpmkey_expect.h"
#include "tpmkey_util.h"

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
	ASSERT_NE(TPMKEY_BACKEND_NONE, expected_backend());
	EXPECT_EQ(expected_backend(), st.backend);
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

TEST_F(key, erase_destroys_the_key_in_the_tpm)
{
	struct tpmkey_status st;

	ASSERT_EQ(0, do_status(self->fd, &st));
	if (!(st.protections & TPMKEY_PROT_TPM_ERASE))
		SKIP(return, "backend without a per-key TPM object");
	ASSERT_EQ(0, do_erase(self->fd, self->key_id));
	ASSERT_EQ(0, do_status(self->fd, &st));
	EXPECT_EQ(TPMKEY_STATE_INACTIVE, st.state);
	EXPECT_EQ(0, st.key_len);
	/* The state, copied before ERASE, does not load again. */
	EXPECT_EQ(EKEYREJECTED, do_load(self->fd, self->state,
					self->state_len, NULL));
	EXPECT_GT(0, keyring_search("logon", TPMKEY_KEYRING_DESC));
}

TEST_F(key, reload_then_load_brings_the_same_key_back)
{
	__u8 id[TPMKEY_KEY_ID_SIZE];
	struct tpmkey_status st;

	ASSERT_EQ(0, reload_module(&self->fd));
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
		req.nv_index = TPMKEY_DEFAULT_NV_INDEX;			\
	} while (0)
#define EXPECT_ACTIVATE_ERRNO(e) \
	EXPECT_EQ(e, ioctl(self->fd, TPMKEY_IOC_ACTIVATE, &req) ? errno : 0)

	ACTIVATE_REQ(); req.flags = 1;			EXPECT_ACTIVATE_ERRNO(EINVAL);
	ACTIVATE_REQ(); req.nv_index = 0;		EXPECT_ACTIVATE_ERRNO(EINVAL);
	ACTIVATE_REQ(); req.nv_index = 0x81000001;	EXPECT_ACTIVATE_ERRNO(EINVAL);
	/* A counter that does not exist: the module reads it first. */
	ACTIVATE_REQ(); req.nv_index = 0x01000077;	EXPECT_ACTIVATE_ERRNO(ENOENT);
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
	ASSERT_EQ(0, reload_module(&self->fd));

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

static bool backed_up(int fd)
{
	struct tpmkey_status st;

	do_status(fd, &st);
	return st.key_flags & TPMKEY_KEY_BACKED_UP;
}

TEST_F(key, backup_refuses_bad_requests_without_spending_the_allowance)
{
	__u8 file[TPMKEY_BACKUP_SIZE_MAX], kek[TPMKEY_KEK_SIZE] = { 1 };
	struct tpmkey_backup_header *hdr = (void *)file, *ro;
	struct tpmkey_backup req;

	EXPECT_FALSE(backed_up(self->fd));
	backup_header(hdr, self->fd);
	EXPECT_EQ(ENOSPC, do_backup(self->fd, kek, file, 100));
	EXPECT_EQ(EINVAL, do_backup(self->fd, NULL, file, sizeof(file)));
	EXPECT_EQ(EINVAL, do_backup(self->fd, kek, NULL, sizeof(file)));
	hdr->key_id[3] ^= 1;
	EXPECT_EQ(EINVAL, do_backup(self->fd, kek, file, sizeof(file)));
	backup_header(hdr, self->fd);
	hdr->nonce[0] = 1;
	EXPECT_EQ(EINVAL, do_backup(self->fd, kek, file, sizeof(file)));
	backup_header(hdr, self->fd);
	hdr->kdf_memory = TPMKEY_KDF_MEMORY_MAX + 1;
	EXPECT_EQ(EINVAL, do_backup(self->fd, kek, file, sizeof(file)));
	backup_header(hdr, self->fd);
	hdr->key_len = 32;
	EXPECT_EQ(EINVAL, do_backup(self->fd, kek, file, sizeof(file)));
	backup_header(hdr, self->fd);
	hdr->flags = 1;
	EXPECT_EQ(EINVAL, do_backup(self->fd, kek, file, sizeof(file)));
	backup_header(hdr, self->fd);
	memset(&req, 0, sizeof(req));
	req.size = sizeof(req);
	req.kek_ptr = (unsigned long)kek;
	req.file_ptr = (unsigned long)file;
	req.file_len = sizeof(file);
	req.reserved0 = 1;
	EXPECT_EQ(EINVAL, ioctl(self->fd, TPMKEY_IOC_BACKUP, &req) ? errno : 0);
	req.reserved0 = 0;
	req.flags = 4;
	EXPECT_EQ(EINVAL, ioctl(self->fd, TPMKEY_IOC_BACKUP, &req) ? errno : 0);
	EXPECT_EQ(EFAULT, do_backup(self->fd, kek, (void *)8, sizeof(file)));
	/* A result buffer that cannot be written: refused before the TPM. */
	ro = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ro);
	backup_header(ro, self->fd);
	ASSERT_EQ(0, mprotect(ro, 4096, PROT_READ));
	EXPECT_EQ(EFAULT, do_backup(self->fd, kek, ro, TPMKEY_BACKUP_SIZE_MAX));
	munmap(ro, 4096);
	EXPECT_FALSE(backed_up(self->fd));
}

TEST_F(key, backup_is_one_time_and_verifies)
{
	__u8 file[TPMKEY_BACKUP_SIZE_MAX], again[TPMKEY_BACKUP_SIZE_MAX];
	__u8 kek[TPMKEY_KEK_SIZE], wrong[TPMKEY_KEK_SIZE];
	struct tpmkey_backup req;
	__u32 len = TPMKEY_BACKUP_SIZE(64);

	memset(kek, 0x5a, sizeof(kek));
	memset(wrong, 0xa5, sizeof(wrong));
	backup_header((void *)file, self->fd);
	memset(&req, 0, sizeof(req));
	req.size = sizeof(req);
	req.kek_ptr = (unsigned long)kek;
	req.file_ptr = (unsigned long)file;
	req.file_len = sizeof(file);
	ASSERT_EQ(0, ioctl(self->fd, TPMKEY_IOC_BACKUP, &req));
	EXPECT_EQ(len, req.file_len);
	EXPECT_TRUE(backed_up(self->fd));
	EXPECT_EQ(0, do_verify(self->fd, kek, file, len));
	EXPECT_EQ(EBADMSG, do_verify(self->fd, wrong, file, len));
	EXPECT_EQ(EBADMSG, do_verify(self->fd, kek, file, len - 1));
	file[len - 1] ^= 1;
	EXPECT_EQ(EBADMSG, do_verify(self->fd, kek, file, len));
	file[len - 1] ^= 1;
	backup_header((void *)again, self->fd);
	EXPECT_EQ(EALREADY, do_backup(self->fd, kek, again, sizeof(again)));
	/* Also after the module forgot the key and loaded it again. */
	ASSERT_EQ(0, reload_module(&self->fd));
	EXPECT_EQ(ENOKEY, do_verify(self->fd, kek, file, len));
	ASSERT_EQ(0, do_load(self->fd, self->state, self->state_len, NULL));
	EXPECT_TRUE(backed_up(self->fd));
	backup_header((void *)again, self->fd);
	EXPECT_EQ(EALREADY, do_backup(self->fd, kek, again, sizeof(again)));
	EXPECT_EQ(0, do_verify(self->fd, kek, file, len));
}

TEST_F(key, restore_is_refused_while_a_key_is_loaded)
{
	__u8 file[TPMKEY_BACKUP_SIZE_MAX] = { 0 }, kek[TPMKEY_KEK_SIZE] = { 0 };
	__u8 state[TPMKEY_STATE_SIZE_MAX];
	struct tpmkey_restore req = {
		.size = sizeof(req),
		.kek_ptr = (unsigned long)kek,
		.file_ptr = (unsigned long)file,
		.file_len = TPMKEY_BACKUP_SIZE(64),
		.parent_handle = TPMKEY_DEFAULT_PARENT,
		.state_ptr = (unsigned long)state,
		.state_len = sizeof(state),
		.nv_index = TPMKEY_DEFAULT_NV_INDEX,
	};

	/* A malformed file is refused before the state is looked at... */
	EXPECT_EQ(EBADMSG, ioctl(self->fd, TPMKEY_IOC_RESTORE, &req) ? errno : 0);
	req.parent_handle = 1;
	EXPECT_EQ(EINVAL, ioctl(self->fd, TPMKEY_IOC_RESTORE, &req) ? errno : 0);
	req.parent_handle = TPMKEY_DEFAULT_PARENT;
	req.nv_index = 0;
	EXPECT_EQ(EINVAL, ioctl(self->fd, TPMKEY_IOC_RESTORE, &req) ? errno : 0);
	req.nv_index = TPMKEY_DEFAULT_NV_INDEX;
	req.state_len = 16;
	EXPECT_EQ(ENOSPC, ioctl(self->fd, TPMKEY_IOC_RESTORE, &req) ? errno : 0);
	/* ...and a well-formed one while a key is loaded. */
	backup_header((void *)file, self->fd);
	req.state_len = sizeof(state);
	EXPECT_EQ(EEXIST, ioctl(self->fd, TPMKEY_IOC_RESTORE, &req) ? errno : 0);
}

TEST_F(key, unprivileged_caller_gets_eperm_for_backup_verify_restore)
{
	__u8 file[TPMKEY_BACKUP_SIZE_MAX], kek[TPMKEY_KEK_SIZE] = { 0 };
	struct tpmkey_restore rreq = { .size = sizeof(rreq) };

	backup_header((void *)file, self->fd);
	ASSERT_EQ(0, setresgid(65534, 65534, 65534));
	ASSERT_EQ(0, setresuid(65534, 65534, 65534));
	EXPECT_EQ(EPERM, do_backup(self->fd, kek, file, sizeof(file)));
	EXPECT_EQ(EPERM, do_verify(self->fd, kek, file, sizeof(file)));
	EXPECT_EQ(EPERM, ioctl(self->fd, TPMKEY_IOC_RESTORE, &rreq) ? errno : 0);
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
					/* erased by a sibling: gone in the TPM */
					err = err == EEXIST ||
					      err == EKEYREJECTED ? 0 : err;
					break;
				default:
					do_status(self->fd, &cst);
					err = do_erase(self->fd, cst.key_id);
					err = (err == ENOKEY || err == ESTALE) ?
					      0 : err;
					break;
				}
				/* another caller was copying its result */
				if (err && err != EBUSY)
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

struct stalled_activate {
	int fd, ret, done;
	void *state;
	__u32 state_len;
	__u8 key_id[TPMKEY_KEY_ID_SIZE];
};

static void *activate_into(void *arg)
{
	struct stalled_activate *a = arg;

	a->ret = do_activate(a->fd, 64, a->state, &a->state_len, a->key_id);
	__atomic_store_n(&a->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* Maps the page of the fault in @msg, which lets its copy go on. */
static int serve_fault(int uffd, const struct uffd_msg *msg, long page)
{
	struct uffdio_zeropage z = {
		.range.start = msg->arg.pagefault.address & ~(page - 1),
		.range.len = page,
	};

	return ioctl(uffd, UFFDIO_ZEROPAGE, &z);
}

/*
 * A caller whose result buffer stalls the copy (userfaultfd: nothing
 * serves the fault until the test does) stalls only itself: the module
 * copies results without its lock, so STATUS answers and a second
 * ACTIVATE is refused with EBUSY instead of waiting.  Before that, the
 * stalled copy held the device lock and every other ioctl waited on it
 * (the harness's timeout would fail this test).  Kernels without
 * userfaultfd (the project's tinyconfig ones) skip it.
 */
TEST_F(key, a_stalled_result_copy_stalls_only_its_caller)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct stalled_activate a = { .fd = self->fd };
	long page = sysconf(_SC_PAGESIZE);
	struct uffdio_register reg;
	struct tpmkey_status st;
	__u8 state[TPMKEY_STATE_SIZE_MAX];
	__u8 id[TPMKEY_KEY_ID_SIZE];
	struct pollfd pfd;
	struct uffd_msg msg;
	pthread_t thread;
	__u32 len;
	int uffd;

	/*
	 * Non-blocking: poll() on a blocking userfaultfd returns EPOLLERR at
	 * once on 6.1, so the serving loop below would block in read() after
	 * the copy had finished.
	 */
	uffd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (uffd < 0)
		SKIP(return, "no userfaultfd: %s", strerror(errno));
	ASSERT_EQ(0, ioctl(uffd, UFFDIO_API, &api));
	a.state = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, a.state);
	reg.range.start = (unsigned long)a.state;
	reg.range.len = 2 * page;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	ASSERT_EQ(0, ioctl(uffd, UFFDIO_REGISTER, &reg));

	make_inactive(self->fd);
	ASSERT_EQ(0, pthread_create(&thread, NULL, activate_into, &a));
	/* Wait for the ACTIVATE thread to get stuck copying its state out. */
	pfd.fd = uffd;
	pfd.events = POLLIN;
	while (poll(&pfd, 1, 100) == 0 &&
	       !__atomic_load_n(&a.done, __ATOMIC_ACQUIRE))
		;
	if (__atomic_load_n(&a.done, __ATOMIC_ACQUIRE) && poll(&pfd, 1, 0) == 0) {
		pthread_join(thread, NULL);
		SKIP(return, "this kernel did not hand the module's copy fault to userfaultfd (ACTIVATE returned %d)",
		     a.ret);
	}
	ASSERT_EQ((ssize_t)sizeof(msg), read(uffd, &msg, sizeof(msg)));
	ASSERT_EQ(UFFD_EVENT_PAGEFAULT, msg.event);

	EXPECT_EQ(0, do_status(self->fd, &st));
	EXPECT_EQ(EBUSY, do_activate(self->fd, 64, state, &len, id));

	/* Let the copy finish, serving every page it touches. */
	EXPECT_EQ(0, serve_fault(uffd, &msg, page));
	while (!__atomic_load_n(&a.done, __ATOMIC_ACQUIRE))
		if (poll(&pfd, 1, 100) > 0 &&
		    read(uffd, &msg, sizeof(msg)) == (ssize_t)sizeof(msg))
			EXPECT_EQ(0, serve_fault(uffd, &msg, page));
	ASSERT_EQ(0, pthread_join(thread, NULL));
	EXPECT_EQ(0, a.ret);
	ASSERT_EQ(0, do_status(self->fd, &st));
	EXPECT_EQ(TPMKEY_STATE_ACTIVE, st.state);
	EXPECT_EQ(0, memcmp(st.key_id, a.key_id, sizeof(a.key_id)));
	EXPECT_LT(0, keyring_search("logon", TPMKEY_KEYRING_DESC));
	close(uffd);
	munmap(a.state, 2 * page);
}

TEST_HARNESS_MAIN
