// SPDX-License-Identifier: GPL-2.0
/*
 * kshim: the kernel services the module's ioctl layer calls, in
 * userspace.  See include/kshim.h.
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
	return kshim.misc_register_fails ? -EBUSY : 0;
}

void misc_deregister(struct miscdevice *misc)
{
	(void)misc;
}

/* ---- power management: the notifier is called by the harness ---- */

int register_pm_notifier(struct notifier_block *nb)
{
	(void)nb;
	return kshim.pm_register_fails ? -ENOMEM : 0;
}

int unregister_pm_notifier(struct notifier_block *nb)
{
	(void)nb;
	return 0;
}

/* ---- the TPM chip: present or not, TPM 2.0 or not ---- */

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

void put_device(struct device *dev)
{
	(void)dev;
	if (--chip_refs < 0) {
		fprintf(stderr, "kshim: put_device() without a reference\n");
		abort();
	}
}

void kshim_check_balanced(void)
{
	if (chip_refs) {
		fprintf(stderr, "kshim: %d TPM chip reference(s) leaked\n",
			chip_refs);
		abort();
	}
}
