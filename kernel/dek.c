// SPDX-License-Identifier: GPL-2.0
/*
 * The DEK in the keyring: a "logon" key (no read method, so userspace
 * cannot get the bytes back) named TPMKEY_KEYRING_DESC, linked into the
 * caller's user keyring.  dm-crypt finds it there from init scripts (no
 * session keyring) and from login shells (pam_keyinit links @u).
 */

#include <keys/user-type.h>
#include <linux/cred.h>
#include <linux/err.h>
#include <linux/key.h>
#include <linux/keyctl.h>

#include <linux/tpmkey.h>

#include "tpmkey.h"

/* No write: userspace must not be able to swap the key for another. */
#define TPMKEY_DEK_PERM	(KEY_POS_VIEW | KEY_POS_SEARCH | KEY_POS_LINK | \
			 KEY_USR_VIEW | KEY_USR_SEARCH | KEY_USR_LINK)

/**
 * tpmkey_dek_install() - put the DEK into the caller's user keyring
 * @dek: the key bytes
 * @len: their number
 *
 * A key of the same name already there is unlinked first: it is a stale
 * one, or one somebody planted for dm-crypt to find instead of ours.
 *
 * Return: the new key with a reference held, or an ERR_PTR.
 */
struct key *tpmkey_dek_install(const u8 *dek, size_t len)
{
	key_ref_t keyring, old, ref;

	keyring = lookup_user_key(KEY_SPEC_USER_KEYRING, KEY_LOOKUP_CREATE,
				  KEY_NEED_WRITE);
	if (IS_ERR(keyring))
		return ERR_CAST(keyring);

	old = keyring_search(keyring, &key_type_logon, TPMKEY_KEYRING_DESC,
			     false);
	if (!IS_ERR(old)) {
		key_unlink(key_ref_to_ptr(keyring), key_ref_to_ptr(old));
		key_ref_put(old);
	}

	ref = key_create_or_update(keyring, "logon", TPMKEY_KEYRING_DESC, dek,
				   len, TPMKEY_DEK_PERM,
				   KEY_ALLOC_NOT_IN_QUOTA);
	key_ref_put(keyring);
	if (IS_ERR(ref))
		return ERR_CAST(ref);
	return key_ref_to_ptr(ref);
}

/**
 * tpmkey_dek_destroy() - take the DEK out of every keyring and free it
 * @key: from tpmkey_dek_install()
 *
 * Revoking a logon key frees its payload with kfree_sensitive() after an
 * RCU grace period; invalidating it unlinks it from every keyring.
 */
void tpmkey_dek_destroy(struct key *key)
{
	key_revoke(key);
	key_invalidate(key);
	key_put(key);
}

/**
 * tpmkey_dek_read() - copy the DEK out of its keyring key, in the kernel
 * @key: from tpmkey_dek_install()
 * @dek: receives @len bytes
 * @len: the key length recorded when it was installed
 *
 * Return: 0, or -ENOKEY when the key was revoked or has another length.
 */
int tpmkey_dek_read(struct key *key, u8 *dek, size_t len)
{
	const struct user_key_payload *payload;
	int ret;

	down_read(&key->sem);
	ret = key_validate(key);
	if (!ret) {
		payload = user_key_payload_locked(key);
		if (!payload || payload->datalen != len)
			ret = -ENOKEY;
		else
			memcpy(dek, payload->data, len);
	}
	up_read(&key->sem);
	return ret ? -ENOKEY : 0;
}
