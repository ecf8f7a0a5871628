/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TPMKEY_H
#define _TPMKEY_H

#include <linux/types.h>

struct key;

int tpmkey_copy_request(void *dst, size_t ksize, size_t min_size,
			void __user *uarg);
int tpmkey_copy_result(void __user *uarg, const void *src, size_t ksize);

/* keys.c: the module's private keyring and what the kernel offers */
extern struct key *tpmkey_keyring;
int tpmkey_keys_init(void);
void tpmkey_keys_exit(void);
u32 tpmkey_features(void);

#endif /* _TPMKEY_H */
