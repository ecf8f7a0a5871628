// SPDX-License-Identifier: GPL-2.0
/*
 * Every ioctl against every malformed request, table-driven: a NULL or
 * unmapped argument, a size below version 1 or above the limit, a longer
 * struct with a non-zero tail, every reserved field and an unknown flag
 * set, the wrong state, an unprivileged caller.  Each gets its documented
 * errno and changes nothing (the module's state, the key in the keyring).
 * Each request is first shown to succeed as built (the "valid" test), so
 * that every refusal is the malformation's doing; a longer struct with a
 * zero tail succeeds too.
 *
 * Built twice: natively and, where the compiler can, as a 32-bit program
 * (tpmkey_abi_test32) that runs through the module's compat_ioctl on
 * kernels with IA32 emulation.  Runs as root in the test VM; leaves the
 * module INACTIVE.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/tpmkey.h>

#include "kselftest_harness.h"
#include "tpmkey_util.h"

#define PTR(p)		((__u64)(uintptr_t)(p))
#define sizeof_field(t, f)	sizeof(((t *)0)->f)

/* The same layout for 64- and 32-bit callers: compat_ptr_ioctl relies on it. */
_Static_assert(sizeof(struct tpmkey_status) == TPMKEY_STATUS_SIZE_VER1, "");
_Static_assert(sizeof(struct tpmkey_activate) == TPMKEY_ACTIVATE_SIZE_VER1, "");
_Static_assert(sizeof(struct tpmkey_load) == TPMKEY_LOAD_SIZE_VER1, "");
_Static_assert(sizeof(struct tpmkey_erase) == TPMKEY_ERASE_SIZE_VER1, "");
_Static_assert(sizeof(struct tpmkey_backup) == TPMKEY_BACKUP_STRUCT_SIZE_VER1, "");
_Static_assert(sizeof(struct tpmkey_restore) == TPMKEY_RESTORE_SIZE_VER1, "");
_Static_assert(sizeof(struct tpmkey_backup_header) == TPMKEY_BACKUP_HEADER_SIZE, "");
#define KEY_A_STATE	"/tmp/tpmkey-abi-a.state"
#define KEY_A_BACKUP	"/tmp/tpmkey-abi-a.bak"

/* What the module must be doing before the request. */
enum need {
	NEED_ANY,
	NEED_INACTIVE,
	NEED_ACTIVE,		/* a fresh key, its backup not made */
	NEED_ACTIVE_A,		/* key A, whose backup file we hold */
};

FIXTURE(abi) {
	int fd;
	__u8 req[8192];		/* the request, and room for a long tail */
	__u8 state[TPMKEY_STATE_SIZE_MAX];	/* ACTIVATE/RESTORE output */
	__u8 state_in[TPMKEY_STATE_SIZE_MAX];	/* LOAD input */
	__u32 state_in_len;
	__u8 file[TPMKEY_BACKUP_SIZE_MAX];
	__u32 file_len;
	__u8 kek[TPMKEY_KEK_SIZE];
	struct tpmkey_status before;
	long dek_before;
};

FIXTURE_VARIANT(abi) {
	const char *name;
	unsigned long cmd;
	__u32 size;		/* version 1 */
	__u32 flags_off;
	__u32 reserved_off;	/* the reserved fields: two ranges of bytes */
	__u32 reserved_len;
	__u32 reserved2_off;
	__u32 reserved2_len;
	enum need need;
	enum need wrong_state;	/* NEED_ANY: no wrong state */
	int wrong_state_errno;
};

FIXTURE_VARIANT_ADD(abi, status) {
	.cmd = TPMKEY_IOC_STATUS,
	.size = TPMKEY_STATUS_SIZE_VER1,
	.flags_off = offsetof(struct tpmkey_status, flags),
	.reserved_off = offsetof(struct tpmkey_status, reserved),
	.reserved_len = sizeof_field(struct tpmkey_status, reserved),
	.need = NEED_ANY,
	.wrong_state = NEED_ANY,
};

FIXTURE_VARIANT_ADD(abi, activate) {
	.cmd = TPMKEY_IOC_ACTIVATE,
	.size = TPMKEY_ACTIVATE_SIZE_VER1,
	.flags_off = offsetof(struct tpmkey_activate, flags),
	.reserved_off = offsetof(struct tpmkey_activate, reserved),
	.reserved_len = sizeof_field(struct tpmkey_activate, reserved),
	.need = NEED_INACTIVE,
	.wrong_state = NEED_ACTIVE,
	.wrong_state_errno = EEXIST,
};

FIXTURE_VARIANT_ADD(abi, load) {
	.cmd = TPMKEY_IOC_LOAD,
	.size = TPMKEY_LOAD_SIZE_VER1,
	.flags_off = offsetof(struct tpmkey_load, flags),
	.reserved_off = offsetof(struct tpmkey_load, reserved),
	.reserved_len = sizeof_field(struct tpmkey_load, reserved),
	.reserved2_off = offsetof(struct tpmkey_load, reserved0),
	.reserved2_len = sizeof_field(struct tpmkey_load, reserved0),
	.need = NEED_INACTIVE,
	.wrong_state = NEED_ACTIVE,
	.wrong_state_errno = EEXIST,
};

FIXTURE_VARIANT_ADD(abi, erase) {
	.cmd = TPMKEY_IOC_ERASE,
	.size = TPMKEY_ERASE_SIZE_VER1,
	.flags_off = offsetof(struct tpmkey_erase, flags),
	.reserved_off = offsetof(struct tpmkey_erase, reserved),
	.reserved_len = sizeof_field(struct tpmkey_erase, reserved),
	.need = NEED_ACTIVE,
	.wrong_state = NEED_INACTIVE,
	.wrong_state_errno = ENOKEY,
};

FIXTURE_VARIANT_ADD(abi, backup) {
	.cmd = TPMKEY_IOC_BACKUP,
	.size = TPMKEY_BACKUP_STRUCT_SIZE_VER1,
	.flags_off = offsetof(struct tpmkey_backup, flags),
	.reserved_off = offsetof(struct tpmkey_backup, reserved),
	.reserved_len = sizeof_field(struct tpmkey_backup, reserved),
	.reserved2_off = offsetof(struct tpmkey_backup, reserved0),
	.reserved2_len = sizeof_field(struct tpmkey_backup, reserved0),
	.need = NEED_ACTIVE,
	.wrong_state = NEED_INACTIVE,
	.wrong_state_errno = ENOKEY,
};

FIXTURE_VARIANT_ADD(abi, verify) {
	.cmd = TPMKEY_IOC_VERIFY,
	.size = TPMKEY_BACKUP_STRUCT_SIZE_VER1,
	.flags_off = offsetof(struct tpmkey_backup, flags),
	.reserved_off = offsetof(struct tpmkey_backup, reserved),
	.reserved_len = sizeof_field(struct tpmkey_backup, reserved),
	.reserved2_off = offsetof(struct tpmkey_backup, reserved0),
	.reserved2_len = sizeof_field(struct tpmkey_backup, reserved0),
	.need = NEED_ACTIVE_A,
	.wrong_state = NEED_INACTIVE,
	.wrong_state_errno = ENOKEY,
};

FIXTURE_VARIANT_ADD(abi, restore) {
	.cmd = TPMKEY_IOC_RESTORE,
	.size = TPMKEY_RESTORE_SIZE_VER1,
	.flags_off = offsetof(struct tpmkey_restore, flags),
	.reserved_off = offsetof(struct tpmkey_restore, reserved),
	.reserved_len = sizeof_field(struct tpmkey_restore, reserved),
	.need = NEED_INACTIVE,
	.wrong_state = NEED_ACTIVE,
	.wrong_state_errno = EEXIST,
};

static int read_file(const char *path, void *buf, __u32 cap, __u32 *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, cap);
	close(fd);
	if (n <= 0)
		return -1;
	*len = n;
	return 0;
}

static int write_file(const char *path, const void *buf, __u32 len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, buf, len);
	close(fd);
	return n == (ssize_t)len ? 0 : -1;
}

/*
 * Key A and its backup file, made once (the tests run in forked children,
 * so they live in /tmp): a key whose allowance is spent, for VERIFY and
 * RESTORE.  Leaves the module INACTIVE.
 */
static int make_key_a(int *fdp, const __u8 *kek)
{
	__u8 state[TPMKEY_STATE_SIZE_MAX], file[TPMKEY_BACKUP_SIZE_MAX];
	__u8 id[TPMKEY_KEY_ID_SIZE] = { 0 };
	struct tpmkey_backup req = {
		.size = sizeof(req),
		.kek_ptr = PTR(kek),
		.file_ptr = PTR(file),
		.file_len = sizeof(file),
	};
	__u32 len = 0;
	int fd = *fdp;

	make_inactive(fd);
	if (do_activate(fd, 64, state, &len, id) ||
	    write_file(KEY_A_STATE, state, len))
		return -1;
	backup_header((void *)file, fd);
	if (ioctl(fd, TPMKEY_IOC_BACKUP, &req) ||
	    write_file(KEY_A_BACKUP, file, req.file_len))
		return -1;
	return reload_module(fdp) ? -1 : 0;
}

/* Puts the module into @need; for NEED_ACTIVE also keeps its state. */
static int reach(struct __test_metadata *_metadata,
		 FIXTURE_DATA(abi) *self, enum need need)
{
	__u8 id[TPMKEY_KEY_ID_SIZE] = { 0 };
	__u32 len = 0;

	ASSERT_EQ(0, make_inactive_keep(&self->fd));
	switch (need) {
	case NEED_ANY:
	case NEED_INACTIVE:
		return 0;
	case NEED_ACTIVE:
		ASSERT_EQ(0, do_activate(self->fd, 64, self->state_in, &len,
					 id));
		self->state_in_len = len;
		return 0;
	case NEED_ACTIVE_A:
		ASSERT_EQ(0, read_file(KEY_A_STATE, self->state_in,
				       sizeof(self->state_in),
				       &self->state_in_len));
		ASSERT_EQ(0, do_load(self->fd, self->state_in,
				     self->state_in_len, NULL));
		return 0;
	}
	return -1;
}

/* A request the module accepts in the state the variant needs. */
static void build(FIXTURE_DATA(abi) *self,
		  const FIXTURE_VARIANT(abi) *variant)
{
	struct tpmkey_status *st = (void *)self->req;
	struct tpmkey_activate *act = (void *)self->req;
	struct tpmkey_load *ld = (void *)self->req;
	struct tpmkey_erase *er = (void *)self->req;
	struct tpmkey_backup *bk = (void *)self->req;
	struct tpmkey_restore *rs = (void *)self->req;
	struct tpmkey_status now;

	memset(self->req, 0, sizeof(self->req));
	do_status(self->fd, &now);
	switch (variant->cmd) {
	case TPMKEY_IOC_STATUS:
		st->size = variant->size;
		break;
	case TPMKEY_IOC_ACTIVATE:
		act->size = variant->size;
		act->key_len = 64;
		act->parent_handle = TPMKEY_DEFAULT_PARENT;
		act->state_ptr = PTR(self->state);
		act->state_len = sizeof(self->state);
		act->nv_index = TPMKEY_DEFAULT_NV_INDEX;
		break;
	case TPMKEY_IOC_LOAD:
		ld->size = variant->size;
		ld->state_ptr = PTR(self->state_in);
		ld->state_len = self->state_in_len;
		break;
	case TPMKEY_IOC_ERASE:
		er->size = variant->size;
		memcpy(er->key_id, now.key_id, sizeof(er->key_id));
		break;
	case TPMKEY_IOC_BACKUP:
		backup_header((void *)self->file, self->fd);
		bk->size = variant->size;
		bk->kek_ptr = PTR(self->kek);
		bk->file_ptr = PTR(self->file);
		bk->file_len = sizeof(self->file);
		break;
	case TPMKEY_IOC_VERIFY:
		bk->size = variant->size;
		bk->kek_ptr = PTR(self->kek);
		bk->file_ptr = PTR(self->file);
		bk->file_len = self->file_len;
		break;
	case TPMKEY_IOC_RESTORE:
		rs->size = variant->size;
		rs->kek_ptr = PTR(self->kek);
		rs->file_ptr = PTR(self->file);
		rs->file_len = self->file_len;
		rs->parent_handle = TPMKEY_DEFAULT_PARENT;
		rs->state_ptr = PTR(self->state);
		rs->state_len = sizeof(self->state);
		rs->nv_index = TPMKEY_DEFAULT_NV_INDEX;
		break;
	}
}

static int call(FIXTURE_DATA(abi) *self, const FIXTURE_VARIANT(abi) *variant,
		void *arg)
{
	return ioctl(self->fd, variant->cmd, arg) ? errno : 0;
}

/* Remembers what must not change. */
static void snapshot(FIXTURE_DATA(abi) *self)
{
	do_status(self->fd, &self->before);
	self->dek_before = keyring_search("logon", TPMKEY_KEYRING_DESC);
}

static void expect_unchanged(struct __test_metadata *_metadata,
			     FIXTURE_DATA(abi) *self)
{
	struct tpmkey_status now;

	ASSERT_EQ(0, do_status(self->fd, &now));
	EXPECT_EQ(self->before.state, now.state);
	EXPECT_EQ(0, memcmp(self->before.key_id, now.key_id,
			    sizeof(now.key_id)));
	EXPECT_EQ(self->before.key_flags, now.key_flags);
	EXPECT_EQ(self->dek_before,
		  keyring_search("logon", TPMKEY_KEYRING_DESC));
}

FIXTURE_SETUP(abi)
{
	memset(self->kek, 0x6b, sizeof(self->kek));
	self->fd = open("/dev/tpmkey", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
	if (access(KEY_A_BACKUP, F_OK))
		ASSERT_EQ(0, make_key_a(&self->fd, self->kek));
	ASSERT_EQ(0, read_file(KEY_A_BACKUP, self->file, sizeof(self->file),
			       &self->file_len));
	if (variant->need == NEED_INACTIVE &&
	    variant->cmd == TPMKEY_IOC_LOAD) {
		/* LOAD needs a state to load: a fresh key's, forgotten. */
		reach(_metadata, self, NEED_ACTIVE);
	}
	reach(_metadata, self, variant->need);
	build(self, variant);
	snapshot(self);
}

FIXTURE_TEARDOWN(abi)
{
	make_inactive_keep(&self->fd);
	close(self->fd);
}

TEST_F(abi, valid_request_succeeds)
{
	EXPECT_EQ(0, call(self, variant, self->req));
}

TEST_F(abi, null_argument_is_efault)
{
	EXPECT_EQ(EFAULT, call(self, variant, NULL));
	expect_unchanged(_metadata, self);
}

TEST_F(abi, unmapped_argument_is_efault)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_TRUE(p != MAP_FAILED);
	ASSERT_EQ(0, munmap(p, 4096));
	EXPECT_EQ(EFAULT, call(self, variant, p));
	expect_unchanged(_metadata, self);
}

TEST_F(abi, size_below_version1_is_einval)
{
	*(__u32 *)self->req = variant->size - 1;
	EXPECT_EQ(EINVAL, call(self, variant, self->req));
	*(__u32 *)self->req = 0;
	EXPECT_EQ(EINVAL, call(self, variant, self->req));
	expect_unchanged(_metadata, self);
}

TEST_F(abi, size_above_limit_is_einval)
{
	*(__u32 *)self->req = TPMKEY_STRUCT_SIZE_MAX + 1;
	EXPECT_EQ(EINVAL, call(self, variant, self->req));
	*(__u32 *)self->req = 0xffffffff;
	EXPECT_EQ(EINVAL, call(self, variant, self->req));
	expect_unchanged(_metadata, self);
}

TEST_F(abi, longer_struct_with_nonzero_tail_is_e2big)
{
	*(__u32 *)self->req = variant->size + 16;
	self->req[variant->size + 15] = 1;
	EXPECT_EQ(E2BIG, call(self, variant, self->req));
	*(__u32 *)self->req = TPMKEY_STRUCT_SIZE_MAX;
	self->req[variant->size + 15] = 0;
	self->req[TPMKEY_STRUCT_SIZE_MAX - 1] = 0x80;
	EXPECT_EQ(E2BIG, call(self, variant, self->req));
	expect_unchanged(_metadata, self);
}

TEST_F(abi, longer_struct_with_zero_tail_succeeds)
{
	*(__u32 *)self->req = TPMKEY_STRUCT_SIZE_MAX;
	EXPECT_EQ(0, call(self, variant, self->req));
	/* Nothing is written past the size the module knows. */
	EXPECT_EQ(0, self->req[variant->size]);
	EXPECT_EQ(0, self->req[TPMKEY_STRUCT_SIZE_MAX - 1]);
}

TEST_F(abi, every_reserved_byte_is_einval)
{
	__u32 ranges[2][2] = {
		{ variant->reserved_off, variant->reserved_len },
		{ variant->reserved2_off, variant->reserved2_len },
	};
	__u32 r, i;

	for (r = 0; r < 2; r++) {
		for (i = 0; i < ranges[r][1]; i++) {
			__u8 *p = self->req + ranges[r][0] + i;

			*p = 0x80;
			EXPECT_EQ(EINVAL, call(self, variant, self->req))
				TH_LOG("reserved byte at offset %u",
				       ranges[r][0] + i);
			*p = 0;
		}
	}
	expect_unchanged(_metadata, self);
}

TEST_F(abi, every_flag_bit_is_einval)
{
	__u32 *flags = (__u32 *)(self->req + variant->flags_off);
	int bit;

	for (bit = 0; bit < 32; bit++) {
		*flags = 1U << bit;
		EXPECT_EQ(EINVAL, call(self, variant, self->req))
			TH_LOG("flag bit %d", bit);
	}
	*flags = 0;
	expect_unchanged(_metadata, self);
}

TEST_F(abi, wrong_state_is_refused)
{
	__u32 size = *(__u32 *)self->req;

	if (variant->wrong_state == NEED_ANY)
		SKIP(return, "STATUS works in every state");
	reach(_metadata, self, variant->wrong_state);
	/* The same request, its key id adjusted to the key now loaded. */
	build(self, variant);
	*(__u32 *)self->req = size;
	snapshot(self);
	EXPECT_EQ(variant->wrong_state_errno,
		  call(self, variant, self->req));
	expect_unchanged(_metadata, self);
}

TEST_F(abi, unprivileged_caller_is_eperm)
{
	/* Each test runs in its own child: dropping root is safe. */
	ASSERT_EQ(0, setresgid(65534, 65534, 65534));
	ASSERT_EQ(0, setresuid(65534, 65534, 65534));
	EXPECT_EQ(EPERM, call(self, variant, self->req));
	EXPECT_EQ(EPERM, call(self, variant, NULL));
	/* The fd stays open; its owner checks as root. */
}

TEST_HARNESS_MAIN
