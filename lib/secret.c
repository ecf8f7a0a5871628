// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"
#include "secret.h"

/* The mapping covers whole pages; wipe and unmap all of them. */
static size_t secret_map_size(size_t cap)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	return (cap + page - 1) / page * page;
}

int secret_alloc(struct secret *s, size_t cap)
{
	size_t size;
	void *p;
	int ret;

	memset(s, 0, sizeof(*s));
	if (!cap || cap > SIZE_MAX / 2)
		return -EINVAL;
	size = secret_map_size(cap);
	/* Own pages, not the heap: nothing else shares them or reuses them. */
	p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	if (madvise(p, size, MADV_DONTDUMP)) {
		ret = -errno;
		munmap(p, size);
		return ret;
	}
	if (mlock(p, size) && errno != EPERM && errno != ENOMEM) {
		ret = -errno;
		munmap(p, size);
		return ret;
	}
	s->data = p;
	s->cap = cap;
	return 0;
}

void secret_free(struct secret *s)
{
	size_t size;

	if (s->data) {
		size = secret_map_size(s->cap);
		explicit_bzero(s->data, size);
		/* Fails harmlessly if mlock did in secret_alloc. */
		munlock(s->data, size);
		munmap(s->data, size);
	}
	memset(s, 0, sizeof(*s));
}

TPMKEY_EXPORT void *tpmkey_secret_alloc(size_t size)
{
	struct secret s;

	return secret_alloc(&s, size) ? NULL : s.data;
}

TPMKEY_EXPORT void tpmkey_secret_free(void *p, size_t size)
{
	struct secret s = { .data = p, .len = size, .cap = size };

	if (p)
		secret_free(&s);
}
