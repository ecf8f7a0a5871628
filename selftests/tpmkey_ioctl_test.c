// SPDX-License-Identifier: GPL-2.0
/*
 * The /dev/tpmkey ioctl interface: privilege, request validation and the
 * STATUS report.  Runs as root in the test VM, with a TPM 2.0 attached.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <linux/tpmkey.h>

#include "kselftest_harness.h"
#include "tpmkey_expect.h"

FIXTURE(dev) {
	int fd;
};

FIXTURE_SETUP(dev)
{
	self->fd = open("/dev/tpmkey", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd) TH_LOG("open /dev/tpmkey: %s", strerror(errno));
}

FIXTURE_TEARDOWN(dev)
{
	close(self->fd);
}

static int status_ioctl(int fd, void *arg)
{
	return ioctl(fd, TPMKEY_IOC_STATUS, arg) ? errno : 0;
}

static void status_init(struct tpmkey_status *st)
{
	memset(st, 0, sizeof(*st));
	st->size = sizeof(*st);
}

TEST(device_node_is_root_only)
{
	struct stat sb;

	ASSERT_EQ(0, stat("/dev/tpmkey", &sb));
	EXPECT_TRUE(S_ISCHR(sb.st_mode));
	EXPECT_EQ(0600, sb.st_mode & 07777);
	EXPECT_EQ(0, sb.st_uid);
}

TEST_F(dev, status_reports_tpm2_trusted_keys_and_backend)
{
	struct tpmkey_status st;

	ASSERT_NE(-1, expected_trusted_keys());
	ASSERT_NE(TPMKEY_BACKEND_NONE, expected_backend());
	status_init(&st);
	ASSERT_EQ(0, status_ioctl(self->fd, &st));
	EXPECT_EQ(sizeof(st), st.size);
	EXPECT_EQ(TPMKEY_UAPI_VERSION, st.uapi_version);
	EXPECT_EQ(TPMKEY_TPM_PRESENT | TPMKEY_TPM_2, st.tpm_flags);
	EXPECT_EQ(expected_trusted_keys() ? TPMKEY_FEAT_TRUSTED_KEYS : 0,
		  st.features & TPMKEY_FEAT_TRUSTED_KEYS);
	EXPECT_EQ(expected_backend(), st.new_key_backend);
}

TEST_F(dev, status_unprivileged_caller_gets_eperm)
{
	struct tpmkey_status st;

	/* The harness runs each test in its own child: dropping root is safe. */
	ASSERT_EQ(0, setresgid(65534, 65534, 65534));
	ASSERT_EQ(0, setresuid(65534, 65534, 65534));
	status_init(&st);
	EXPECT_EQ(EPERM, status_ioctl(self->fd, &st));
	EXPECT_EQ(-1, open("/dev/tpmkey", O_RDWR));
	EXPECT_EQ(EACCES, errno);
}

TEST_F(dev, status_size_below_version1_is_einval)
{
	struct tpmkey_status st;

	status_init(&st);
	st.size = TPMKEY_STATUS_SIZE_VER1 - 8;
	EXPECT_EQ(EINVAL, status_ioctl(self->fd, &st));
	st.size = 0;
	EXPECT_EQ(EINVAL, status_ioctl(self->fd, &st));
}

TEST_F(dev, status_size_above_limit_is_einval)
{
	struct tpmkey_status st;

	status_init(&st);
	st.size = TPMKEY_STRUCT_SIZE_MAX + 1;
	EXPECT_EQ(EINVAL, status_ioctl(self->fd, &st));
}

TEST_F(dev, status_longer_struct_with_zero_tail_works)
{
	unsigned char buf[sizeof(struct tpmkey_status) + 64];
	struct tpmkey_status *st = (struct tpmkey_status *)buf;
	size_t i;

	memset(buf, 0, sizeof(buf));
	st->size = sizeof(buf);
	ASSERT_EQ(0, status_ioctl(self->fd, buf));
	EXPECT_EQ(TPMKEY_UAPI_VERSION, st->uapi_version);
	/* Nothing is written past the struct the module knows. */
	for (i = sizeof(*st); i < sizeof(buf); i++)
		ASSERT_EQ(0, buf[i]);
}

TEST_F(dev, status_longer_struct_with_nonzero_tail_is_e2big)
{
	unsigned char buf[sizeof(struct tpmkey_status) + 64];
	struct tpmkey_status *st = (struct tpmkey_status *)buf;

	memset(buf, 0, sizeof(buf));
	st->size = sizeof(buf);
	buf[sizeof(buf) - 1] = 1;
	EXPECT_EQ(E2BIG, status_ioctl(self->fd, buf));
}

TEST_F(dev, status_unknown_flag_is_einval)
{
	struct tpmkey_status st;

	status_init(&st);
	st.flags = 1;
	EXPECT_EQ(EINVAL, status_ioctl(self->fd, &st));
	st.flags = 0x80000000u;
	EXPECT_EQ(EINVAL, status_ioctl(self->fd, &st));
}

TEST_F(dev, status_nonzero_reserved_is_einval)
{
	struct tpmkey_status st;
	size_t i;

	for (i = 0; i < sizeof(st.reserved) / sizeof(st.reserved[0]); i++) {
		status_init(&st);
		st.reserved[i] = 1;
		EXPECT_EQ(EINVAL, status_ioctl(self->fd, &st));
	}
}

TEST_F(dev, status_bad_pointers_are_efault)
{
	void *page;

	EXPECT_EQ(EFAULT, status_ioctl(self->fd, NULL));
	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, page);
	ASSERT_EQ(0, munmap(page, 4096));
	EXPECT_EQ(EFAULT, status_ioctl(self->fd, page));
}

TEST_F(dev, status_read_only_result_buffer_is_efault)
{
	struct tpmkey_status *st;

	st = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, st);
	status_init(st);
	ASSERT_EQ(0, mprotect(st, 4096, PROT_READ));
	EXPECT_EQ(EFAULT, status_ioctl(self->fd, st));
	munmap(st, 4096);
}

TEST_F(dev, unknown_ioctl_is_enotty)
{
	struct tpmkey_status st;

	status_init(&st);
	EXPECT_EQ(ENOTTY, ioctl(self->fd, _IOWR(TPMKEY_IOC_MAGIC, 0x7f,
						 struct tpmkey_status), &st) ?
			  errno : 0);
	/* Same number, wrong size encoding. */
	EXPECT_EQ(ENOTTY, ioctl(self->fd, _IOWR(TPMKEY_IOC_MAGIC, 0x00,
						 __u64), &st) ? errno : 0);
}

TEST_HARNESS_MAIN
