// SPDX-License-Identifier: GPL-2.0
/*
 * The module's private keyring, which holds the trusted key-master key while
 * it is being sealed or unsealed, and probes of the key types it relies on.
 */

#include <linux/cred.h>
#include <linux/err.h>
#include <linux/key.h>
#include <linux/key-type.h>

#include <linux/tpmkey.h>

#include "tpmkey.h"

struct key *tpmkey_keyring;

/*
 * A key type can exist or not at run time: trusted keys register their type
 * only if a TPM was there when they initialised.  Creating a key of the type
 * with an empty payload fails with ENODEV when the type is missing and with
 * EINVAL (before any TPM command) when it is there.
 */
static bool tpmkey_key_type_exists(const char *type)
{
	key_ref_t ref;

	ref = key_create_or_update(make_key_ref(tpmkey_keyring, true), type,
				   "tpmkey:probe", NULL, 0, KEY_POS_ALL,
				   KEY_ALLOC_NOT_IN_QUOTA);
	if (!IS_ERR(ref)) {
		key_invalidate(key_ref_to_ptr(ref));
		key_ref_put(ref);
		return true;
	}
	return PTR_ERR(ref) != -ENODEV;
}

u32 tpmkey_features(void)
{
	u32 features = 0;

	if (IS_REACHABLE(CONFIG_TRUSTED_KEYS) &&
	    tpmkey_key_type_exists("trusted"))
		features |= TPMKEY_FEAT_TRUSTED_KEYS;
	return features;
}

int tpmkey_keys_init(void)
{
	tpmkey_keyring = keyring_alloc(".tpmkey", GLOBAL_ROOT_UID,
				       GLOBAL_ROOT_GID, current_cred(),
				       KEY_POS_ALL, KEY_ALLOC_NOT_IN_QUOTA,
				       NULL, NULL);
	if (IS_ERR(tpmkey_keyring)) {
		int ret = PTR_ERR(tpmkey_keyring);

		tpmkey_keyring = NULL;
		return ret;
	}
	return 0;
}

void tpmkey_keys_exit(void)
{
	key_invalidate(tpmkey_keyring);
	key_put(tpmkey_keyring);
	tpmkey_keyring = NULL;
}
