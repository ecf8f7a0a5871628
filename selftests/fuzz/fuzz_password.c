// SPDX-License-Identifier: GPL-2.0
/*
 * tpmkeyctl's password reader, password_read() for --password-fd (the
 * input through a pipe or a memfd) and --password-file
 * (cli/password.c, lib/secret.c).
 *
 * Input: one mode byte (bits 0-1: memfd, pipe, file, memfd), then what
 * the reader reads.  Checks against a model of the documented rules
 * (password.h, file-formats.rst): at most PASSWORD_MAX + 2 bytes are
 * looked at; exactly one trailing "\n" or "\r\n" goes; 8 to 512 bytes, no
 * NUL.  Accepted: the bytes are the model's, NUL-terminated; refused:
 * -EINVAL and *out zeroed.  The fd stays open.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "password.h"
#include "tmpdir.h"

static const char *dir;

/* The documented rules; -EINVAL or the password's length. */
static long model(const uint8_t *in, size_t len)
{
	size_t n = len;

	if (n > PASSWORD_MAX + 2)
		return -EINVAL;
	if (n && in[n - 1] == '\n') {
		n--;
		if (n && in[n - 1] == '\r')
			n--;
	}
	if (n < PASSWORD_MIN || n > PASSWORD_MAX || memchr(in, 0, n))
		return -EINVAL;
	return n;
}

static void make_seeds(const char *seeds)
{
	static const char *const pw[] = {
		"\0correct horse battery staple\n",
		"\1password-fd via a pipe\r\n",
		"\2from a file, no newline",
		"\0short\n",
	};
	char big[1 + PASSWORD_MAX + 2];
	size_t i;

	for (i = 0; i < sizeof(pw) / sizeof(pw[0]); i++)
		fuzz_write_seed(seeds, i, pw[i], 1 + strlen(pw[i] + 1));
	big[0] = 0;
	memset(big + 1, 'x', PASSWORD_MAX);
	big[1 + PASSWORD_MAX] = '\r';
	big[2 + PASSWORD_MAX] = '\n';
	fuzz_write_seed(seeds, i, big, sizeof(big));
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *seeds = getenv("TPMKEY_FUZZ_SEEDS");

	(void)argc;
	(void)argv;
	if (seeds) {
		make_seeds(seeds);
		exit(0);
	}
	dir = fuzz_dir_make("password");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct secret out;
	char err[128], path[PATH_MAX];
	const uint8_t *in;
	int fd = -1, pfd[2], mode, ret;
	enum password_source src = PASSWORD_FD;
	size_t len;
	long want;

	if (size < 1)
		return 0;
	mode = data[0] & 3;
	in = data + 1;
	len = size - 1;
	if (mode == 1 && len > 65536)
		mode = 0;	/* more than a pipe holds without a reader */
	switch (mode) {
	case 1:
		FUZZ_CHECK(pipe2(pfd, O_CLOEXEC) == 0);
		FUZZ_CHECK(write(pfd[1], in, len) == (ssize_t)len);
		close(pfd[1]);
		fd = pfd[0];
		break;
	case 2:
		src = PASSWORD_FILE;
		snprintf(path, sizeof(path), "%s/password", dir);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		FUZZ_CHECK(fd >= 0);
		FUZZ_CHECK(write(fd, in, len) == (ssize_t)len);
		close(fd);
		fd = -1;
		break;
	default:
		fd = memfd_create("password", MFD_CLOEXEC);
		FUZZ_CHECK(fd >= 0);
		FUZZ_CHECK(write(fd, in, len) == (ssize_t)len);
		FUZZ_CHECK(lseek(fd, 0, SEEK_SET) == 0);
		break;
	}

	memset(&out, 0xa5, sizeof(out));
	memset(err, 'E', sizeof(err));
	ret = password_read(src, fd, path, false, &out, err, sizeof(err));
	FUZZ_CHECK(memchr(err, 0, sizeof(err)));
	want = model(in, len);
	if (want < 0) {
		FUZZ_CHECK(ret == -EINVAL);
		FUZZ_CHECK(!out.data && !out.len && !out.cap);
	} else {
		FUZZ_CHECK(ret == 0);
		FUZZ_CHECK(out.len == (size_t)want);
		FUZZ_CHECK(!memcmp(out.data, in, out.len));
		FUZZ_CHECK(out.cap > out.len && out.data[out.len] == 0);
		secret_free(&out);
	}
	if (fd >= 0) {
		FUZZ_CHECK(fcntl(fd, F_GETFD) >= 0);	/* still open */
		close(fd);
	}
	return 0;
}
