/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the tpmkey fuzz targets share.  Each target also writes its own
 * seed corpus with the code's own writers: run it with
 * TPMKEY_FUZZ_SEEDS=DIR and it fills DIR and exits (see ./run).
 */
#ifndef TPMKEY_FUZZ_H
#define TPMKEY_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* From the sanitizer runtime: prints "SUMMARY: ..." where ASan reports. */
void __sanitizer_report_error_summary(const char *error_summary);

/*
 * Aborts with a message: libFuzzer saves the input as a crash.  The
 * message also goes where the sanitizers report, which -close_fd_mask=2
 * leaves open.
 */
#define FUZZ_CHECK(cond) do {						\
	if (!(cond)) {							\
		char __msg[512];					\
									\
		snprintf(__msg, sizeof(__msg),				\
			 "%s:%d: invariant failed: %s", __FILE__,	\
			 __LINE__, #cond);				\
		fprintf(stderr, "%s\n", __msg);			\
		__sanitizer_report_error_summary(__msg);		\
		abort();						\
	}								\
} while (0)

/* Writes seed number @n of @len bytes into the directory $TPMKEY_FUZZ_SEEDS. */
static inline void __attribute__((unused))
fuzz_write_seed(const char *dir, int n, const void *buf, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/seed-%03d", dir, n);
	f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f)) {
		perror(path);
		exit(1);
	}
}

/* A simple growable byte string, for building seeds. */
struct fuzz_buf {
	uint8_t data[16384];
	size_t len;
};

static inline void __attribute__((unused))
fuzz_put(struct fuzz_buf *b, const void *p, size_t n)
{
	if (b->len + n > sizeof(b->data))
		abort();
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
}

static inline void __attribute__((unused))
fuzz_put_u8(struct fuzz_buf *b, uint8_t v)
{
	fuzz_put(b, &v, 1);
}

#endif /* TPMKEY_FUZZ_H */
