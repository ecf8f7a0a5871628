// SPDX-License-Identifier: GPL-2.0
/*
 * kshim: the kernel services the module's parsers call, in userspace.
 * See include/kshim.h.
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "kshim.h"

struct kshim_ctl kshim;

/* ---- memory ---- */

void *kmalloc(size_t size, int gfp)
{
	(void)gfp;
	return malloc(size ? size : 1);
}

void *kzalloc(size_t size, int gfp)
{
	(void)gfp;
	return calloc(1, size ? size : 1);
}

void kfree(const void *p)
{
	free((void *)p);
}

void kfree_sensitive(const void *p)
{
	if (p) {
		explicit_bzero((void *)p, malloc_usable_size((void *)p));
		free((void *)p);
	}
}

void *memchr_inv(const void *start, int c, size_t bytes)
{
	const u8 *p = start;
	size_t i;

	for (i = 0; i < bytes; i++)
		if (p[i] != (u8)c)
			return (void *)(p + i);
	return NULL;
}

void memzero_explicit(void *s, size_t count)
{
	explicit_bzero(s, count);
}

/* ---- user memory ---- */

#define KSHIM_REGIONS	8

static struct {
	const u8 *p;
	size_t len;
} regions[KSHIM_REGIONS];
static size_t nregions;

void kshim_user_reset(void)
{
	nregions = 0;
}

void kshim_user_region(const void *p, size_t len)
{
	if (nregions == KSHIM_REGIONS)
		abort();
	regions[nregions].p = p;
	regions[nregions].len = len;
	nregions++;
}

bool kshim_user_ok(const void __user *p, size_t len)
{
	uintptr_t a = (uintptr_t)p;
	size_t i;

	for (i = 0; i < nregions; i++) {
		uintptr_t b = (uintptr_t)regions[i].p;

		if (a >= b && a - b <= regions[i].len &&
		    len <= regions[i].len - (a - b))
			return true;
	}
	return false;
}

unsigned long copy_from_user(void *to, const void __user *from,
			     unsigned long n)
{
	if (!kshim_user_ok(from, n)) {
		if (kshim.debug)
			fprintf(stderr, "kshim: copy_from_user(%p, %lu) faults\n",
				from, n);
		memset(to, 0, n);	/* the kernel zeroes what it missed */
		return n;
	}
	memcpy(to, from, n);
	return 0;
}

unsigned long copy_to_user(void __user *to, const void *from,
			   unsigned long n)
{
	if (!kshim_user_ok(to, n)) {
		if (kshim.debug)
			fprintf(stderr, "kshim: copy_to_user(%p, %lu) faults\n",
				to, n);
		return n;
	}
	memmove(to, from, n);
	return 0;
}

void *memdup_user(const void __user *src, size_t len)
{
	void *p = kmalloc(len, GFP_KERNEL);

	if (!p)
		return ERR_PTR(-ENOMEM);
	if (copy_from_user(p, src, len)) {
		kfree(p);
		return ERR_PTR(-EFAULT);
	}
	return p;
}

int check_zeroed_user(const void __user *from, size_t size)
{
	if (!kshim_user_ok(from, size))
		return -EFAULT;
	return !memchr_inv(from, 0, size);
}

/* As include/linux/uaccess.h of 6.1. */
int copy_struct_from_user(void *dst, size_t ksize, const void __user *src,
			  size_t usize)
{
	size_t size = ksize < usize ? ksize : usize;
	size_t rest = (ksize > usize ? ksize : usize) - size;

	if (usize < ksize) {
		memset((u8 *)dst + size, 0, rest);
	} else if (usize > ksize) {
		int ret = check_zeroed_user((const u8 *)src + size, rest);

		if (ret <= 0)
			return ret ? ret : -E2BIG;
	}
	if (copy_from_user(dst, src, size))
		return -EFAULT;
	return 0;
}

/* ---- the rest ---- */

void get_random_bytes(void *buf, size_t len)
{
	u8 *p = buf;

	while (len--) {
		kshim.random_state ^= kshim.random_state << 13;
		kshim.random_state ^= kshim.random_state >> 7;
		kshim.random_state ^= kshim.random_state << 17;
		*p++ = (u8)kshim.random_state;
	}
}

int get_random_bytes_wait(void *buf, size_t len)
{
	get_random_bytes(buf, len);
	return 0;
}

s64 ktime_get_real_seconds(void)
{
	return 1764100000;
}

int mutex_lock_killable(struct mutex *m)
{
	if (kshim.mutex_eintr)
		return -EINTR;
	mutex_lock(m);
	return 0;
}

void mutex_lock(struct mutex *m)
{
	if (m->locked) {
		fprintf(stderr, "kshim: mutex %p locked twice\n", (void *)m);
		abort();
	}
	m->locked = 1;
}

void mutex_unlock(struct mutex *m)
{
	if (!m->locked) {
		fprintf(stderr, "kshim: mutex %p unlocked while not held\n",
			(void *)m);
		abort();
	}
	m->locked = 0;
}

bool capable(int cap)
{
	(void)cap;
	return kshim.capable;
}

void sha256(const u8 *data, unsigned int len, u8 *out)
{
	SHA256(data, len, out);
}

int crypto_memneq(const void *a, const void *b, size_t size)
{
	return CRYPTO_memcmp(a, b, size) != 0;
}

int nonseekable_open(struct inode *inode, struct file *filp)
{
	(void)inode;
	(void)filp;
	return 0;
}

long compat_ptr_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	(void)file;
	(void)cmd;
	(void)arg;
	return -ENOIOCTLCMD;
}

loff_t noop_llseek(struct file *file, loff_t offset, int whence)
{
	(void)file;
	(void)whence;
	return offset;
}

int misc_register(struct miscdevice *misc)
{
	(void)misc;
	return 0;
}

void misc_deregister(struct miscdevice *misc)
{
	(void)misc;
}

/* ---- the TPM: a script of responses from the harness ---- */

static struct tpm_chip the_chip;
static int chip_refs;

struct tpm_chip *tpm_default_chip(void)
{
	if (!kshim.tpm_present)
		return NULL;
	chip_refs++;
	return &the_chip;
}

int tpm_is_tpm2(struct tpm_chip *chip)
{
	(void)chip;
	return kshim.tpm2;
}

int tpm_try_get_ops(struct tpm_chip *chip)
{
	(void)chip;
	return 0;
}

void tpm_put_ops(struct tpm_chip *chip)
{
	(void)chip;
}

void put_device(struct device *dev)
{
	(void)dev;
	if (--chip_refs < 0) {
		fprintf(stderr, "kshim: put_device() without a reference\n");
		abort();
	}
}

#define TPM_BUF_SIZE	4096

int tpm_buf_init(struct tpm_buf *buf, u16 tag, u32 ordinal)
{
	__be16 t = cpu_to_be16(tag);
	__be32 l = cpu_to_be32(TPM_HEADER_SIZE), o = cpu_to_be32(ordinal);

	buf->data = malloc(TPM_BUF_SIZE);
	if (!buf->data)
		return -ENOMEM;
	buf->flags = 0;
	memcpy(buf->data, &t, 2);
	memcpy(buf->data + 2, &l, 4);
	memcpy(buf->data + 6, &o, 4);
	buf->length = TPM_HEADER_SIZE;
	return 0;
}

void tpm_buf_destroy(struct tpm_buf *buf)
{
	free(buf->data);
	buf->data = NULL;
}

u32 tpm_buf_length(struct tpm_buf *buf)
{
	__be32 l;

	memcpy(&l, buf->data + 2, 4);
	return be32_to_cpu(l);
}

void tpm_buf_append(struct tpm_buf *buf, const u8 *p, u16 n)
{
	u32 len = tpm_buf_length(buf);
	__be32 l;

	if (len + n > TPM_BUF_SIZE)
		abort();
	memcpy(buf->data + len, p, n);
	l = cpu_to_be32(len + n);
	memcpy(buf->data + 2, &l, 4);
}

void tpm_buf_append_u8(struct tpm_buf *buf, u8 value)
{
	tpm_buf_append(buf, &value, 1);
}

void tpm_buf_append_u16(struct tpm_buf *buf, u16 value)
{
	__be16 v = cpu_to_be16(value);

	tpm_buf_append(buf, (const u8 *)&v, 2);
}

void tpm_buf_append_u32(struct tpm_buf *buf, u32 value)
{
	__be32 v = cpu_to_be32(value);

	tpm_buf_append(buf, (const u8 *)&v, 4);
}

/*
 * The next response of the script: a length byte, then that many bytes
 * (less if the script ends).  As the kernel's tpm_transmit_cmd(): a
 * response whose header length differs from what arrived is -EFAULT
 * (tpm_try_transmit()), a non-zero return code is returned as is, a
 * success shorter than @min_rsp_body_length is -EFAULT.
 */
ssize_t tpm_transmit_cmd(struct tpm_chip *chip, struct tpm_buf *buf,
			 size_t min_rsp_body_length, const char *desc)
{
	size_t n;
	__be32 v;
	u32 rc;

	(void)chip;
	(void)desc;
	if (!kshim.tpm_script_len)
		return -ETIME;
	n = kshim.tpm_script[0];
	kshim.tpm_script++;
	kshim.tpm_script_len--;
	if (n > kshim.tpm_script_len)
		n = kshim.tpm_script_len;
	memcpy(buf->data, kshim.tpm_script, n);
	kshim.tpm_script += n;
	kshim.tpm_script_len -= n;
	if (n < TPM_HEADER_SIZE)
		return -EFAULT;
	if (kshim.tpm_fix_length) {
		v = cpu_to_be32(n);
		memcpy(buf->data + 2, &v, 4);
	}
	if (tpm_buf_length(buf) != n)
		return -EFAULT;
	memcpy(&v, buf->data + 6, 4);
	rc = be32_to_cpu(v);
	if (rc)
		return rc;
	if (n < TPM_HEADER_SIZE + min_rsp_body_length)
		return -EFAULT;
	return 0;
}

/* TPM2_FlushContext: its response is not looked at. */
void tpm2_flush_context(struct tpm_chip *chip, u32 handle)
{
	(void)chip;
	(void)handle;
}

void kshim_check_balanced(void)
{
	if (chip_refs) {
		fprintf(stderr, "kshim: %d TPM chip reference(s) leaked\n",
			chip_refs);
		abort();
	}
}
