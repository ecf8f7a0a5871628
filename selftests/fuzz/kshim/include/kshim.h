/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kshim: just enough of the kernel's API, mapped onto libc and OpenSSL,
 * to build the tpmkey module's parsers (kernel/state.c, backup.c,
 * lifecycle.c, main.c, tpm2_cmd.c) as userspace code for libFuzzer.
 * Nothing here is used by the module itself.
 *
 * User memory: copy_{from,to}_user() and friends accept only ranges the
 * harness registered with kshim_user_region(); anything else is a fault
 * (-EFAULT), like an unmapped address.  The module's own buffers are
 * malloc()ed, so AddressSanitizer checks every access to them.
 */
#ifndef KSHIM_H
#define KSHIM_H

#include <endian.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <linux/types.h>	/* the UAPI one: __u32, __le32, ... */

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef __s8 s8;
typedef __s16 s16;
typedef __s32 s32;
typedef __s64 s64;
typedef unsigned short umode_t;
typedef u32 key_serial_t;

#define __user
#define __force
#define __init
#define __exit
#define __packed		__attribute__((packed))
#define __must_check		__attribute__((warn_unused_result))

#define le16_to_cpu(x)		le16toh(x)
#define le32_to_cpu(x)		le32toh(x)
#define le64_to_cpu(x)		le64toh(x)
#define cpu_to_le16(x)		htole16(x)
#define cpu_to_le32(x)		htole32(x)
#define cpu_to_le64(x)		htole64(x)
#define be16_to_cpu(x)		be16toh(x)
#define be32_to_cpu(x)		be32toh(x)
#define be64_to_cpu(x)		be64toh(x)
#define cpu_to_be16(x)		htobe16(x)
#define cpu_to_be32(x)		htobe32(x)
#define cpu_to_be64(x)		htobe64(x)

#define min_t(type, a, b)	((type)(a) < (type)(b) ? (type)(a) : (type)(b))
#define max_t(type, a, b)	((type)(a) > (type)(b) ? (type)(a) : (type)(b))
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define BIT(n)			(1UL << (n))
#define PAGE_SIZE		4096UL

#define BUILD_BUG_ON(cond)	_Static_assert(!(cond), "BUILD_BUG_ON(" #cond ")")
#undef static_assert
#define static_assert(expr, ...) __kshim_static_assert(expr, ##__VA_ARGS__, #expr)
#define __kshim_static_assert(expr, msg, ...) _Static_assert(expr, msg)

/* Kernel messages: arguments evaluated, nothing printed (%*phN and all). */
static inline void __attribute__((unused)) kshim_printk(const char *fmt, ...)
{
	(void)fmt;
}
#define pr_info(...)		kshim_printk(__VA_ARGS__)
#define pr_err(...)		kshim_printk(__VA_ARGS__)
#define pr_warn(...)		kshim_printk(__VA_ARGS__)
#define pr_notice(...)		kshim_printk(__VA_ARGS__)
#define pr_debug(...)		kshim_printk(__VA_ARGS__)

#ifndef ENOIOCTLCMD
#define ENOIOCTLCMD	515	/* kernel-internal */
#endif

/* linux/err.h */
#define MAX_ERRNO	4095
#define IS_ERR_VALUE(x)	((unsigned long)(void *)(x) >= (unsigned long)-MAX_ERRNO)
static inline void *ERR_PTR(long error) { return (void *)error; }
static inline long PTR_ERR(const void *ptr) { return (long)ptr; }
static inline bool IS_ERR(const void *ptr) { return IS_ERR_VALUE(ptr); }
static inline bool IS_ERR_OR_NULL(const void *ptr)
{
	return !ptr || IS_ERR_VALUE(ptr);
}
static inline int PTR_ERR_OR_ZERO(const void *ptr)
{
	return IS_ERR(ptr) ? (int)PTR_ERR(ptr) : 0;
}

/* linux/slab.h */
#define GFP_KERNEL	0
void *kmalloc(size_t size, int gfp);
void *kzalloc(size_t size, int gfp);
void kfree(const void *p);
void kfree_sensitive(const void *p);

/* linux/string.h */
void *memchr_inv(const void *start, int c, size_t bytes);
void memzero_explicit(void *s, size_t count);
void *memdup_user(const void __user *src, size_t len);

/* linux/uaccess.h, with the user-memory model above */
void kshim_user_reset(void);
void kshim_user_region(const void *p, size_t len);
bool kshim_user_ok(const void __user *p, size_t len);
unsigned long copy_from_user(void *to, const void __user *from,
			     unsigned long n);
unsigned long copy_to_user(void __user *to, const void *from,
			   unsigned long n);
int check_zeroed_user(const void __user *from, size_t size);
int copy_struct_from_user(void *dst, size_t ksize, const void __user *src,
			  size_t usize);
#define get_user(x, ptr) ({						\
	int __gu_ret = -EFAULT;						\
	if (kshim_user_ok((ptr), sizeof(*(ptr)))) {			\
		memcpy(&(x), (ptr), sizeof(*(ptr)));			\
		__gu_ret = 0;						\
	}								\
	__gu_ret; })
#define u64_to_user_ptr(x)	((void __user *)(uintptr_t)(x))

/* linux/random.h: deterministic, so that a crash reproduces */
void get_random_bytes(void *buf, size_t len);
int get_random_bytes_wait(void *buf, size_t len);

/* linux/timekeeping.h */
s64 ktime_get_real_seconds(void);

/* linux/mutex.h: checks lock balance instead of locking */
struct mutex {
	int locked;
};
#define __MUTEX_INITIALIZER(name)	{ 0 }
int mutex_lock_killable(struct mutex *m);
void mutex_lock(struct mutex *m);
void mutex_unlock(struct mutex *m);

/* linux/capability.h */
bool capable(int cap);

/* crypto */
#define SHA256_DIGEST_SIZE	32
void sha256(const u8 *data, unsigned int len, u8 *out);
int crypto_memneq(const void *a, const void *b, size_t size);

/* linux/device.h, linux/tpm.h */
struct device {
	int unused;
};
struct tpm_chip {
	struct device dev;
};
struct tpm_buf {
	u32 flags;
	u32 length;
	u8 *data;
};
#define TPM_HEADER_SIZE		10
struct tpm_chip *tpm_default_chip(void);
int tpm_is_tpm2(struct tpm_chip *chip);
int tpm_try_get_ops(struct tpm_chip *chip);
void tpm_put_ops(struct tpm_chip *chip);
void put_device(struct device *dev);
int tpm_buf_init(struct tpm_buf *buf, u16 tag, u32 ordinal);
void tpm_buf_destroy(struct tpm_buf *buf);
u32 tpm_buf_length(struct tpm_buf *buf);
void tpm_buf_append_u8(struct tpm_buf *buf, u8 value);
void tpm_buf_append_u16(struct tpm_buf *buf, u16 value);
void tpm_buf_append_u32(struct tpm_buf *buf, u32 value);
void tpm_buf_append(struct tpm_buf *buf, const u8 *p, u16 n);
void tpm2_flush_context(struct tpm_chip *chip, u32 handle);
ssize_t tpm_transmit_cmd(struct tpm_chip *chip, struct tpm_buf *buf,
			 size_t min_rsp_body_length, const char *desc);

/* linux/fs.h, linux/miscdevice.h, linux/module.h */
struct inode;
struct file {
	int unused;
};
struct module;
struct file_operations {
	struct module *owner;
	int (*open)(struct inode *, struct file *);
	long (*unlocked_ioctl)(struct file *, unsigned int, unsigned long);
	long (*compat_ioctl)(struct file *, unsigned int, unsigned long);
	loff_t (*llseek)(struct file *, loff_t, int);
};
int nonseekable_open(struct inode *inode, struct file *filp);
long compat_ptr_ioctl(struct file *file, unsigned int cmd, unsigned long arg);
loff_t noop_llseek(struct file *file, loff_t offset, int whence);
#define MISC_DYNAMIC_MINOR	255
struct miscdevice {
	int minor;
	const char *name;
	const struct file_operations *fops;
	umode_t mode;
};
int misc_register(struct miscdevice *misc);
void misc_deregister(struct miscdevice *misc);
#define THIS_MODULE		((struct module *)0)
#define module_init(fn)		int kshim_module_init(void) { return fn(); }
#define module_exit(fn)		void kshim_module_exit(void) { fn(); }
#define MODULE_DESCRIPTION(x)	extern int kshim_module_info
#define MODULE_AUTHOR(x)	extern int kshim_module_info
#define MODULE_LICENSE(x)	extern int kshim_module_info
#define MODULE_PARM_DESC(p, x)	extern int kshim_module_info
#define module_param(name, type, perm) extern int kshim_module_info

/* linux/key.h: the module only passes struct key pointers around. */
struct key;

/*
 * What the harness controls: the fake kernel services (kfake.c) read
 * these.  kshim_reset() puts everything back to defaults and frees what
 * an iteration left (a loaded key).
 */
struct kshim_ctl {
	bool capable;
	bool mutex_eintr;	/* mutex_lock_killable() fails */
	bool tpm_present;
	bool tpm2;
	bool trusted_keys;	/* tpmkey_features() */
	bool seal_fails;
	bool unseal_fails;
	bool dek_install_fails;
	u32 sealed_len;		/* what the fake sealer produces, 1..512 */
	/* Responses of the fake TPM, consumed by tpm_transmit_cmd(). */
	const u8 *tpm_script;
	size_t tpm_script_len;
	bool tpm_fix_length;	/* write the real length into each response */
	u64 random_state;
	bool debug;		/* say which user copies fault */
};
extern struct kshim_ctl kshim;
void kshim_reset(void);
/* Aborts if an iteration leaked a TPM chip reference. */
void kshim_check_balanced(void);

/* The fixed keys of the fake backends, for harnesses that build blobs. */
extern const u8 kshim_kmk[32];
extern const u8 kshim_dek[64];

#endif /* KSHIM_H */
