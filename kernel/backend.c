// SPDX-License-Identifier: GPL-2.0
/*
 * The sealing backends, in one table indexed by TPMKEY_BACKEND_*: the
 * module parameter, STATUS and the log all name them from here.
 */

#include <linux/kernel.h>
#include <linux/string.h>

#include "tpmkey.h"

static const struct tpmkey_backend *const tpmkey_backends[] = {
	[TPMKEY_BACKEND_TRUSTED] = &tpmkey_backend_trusted,
	[TPMKEY_BACKEND_TPM2] = &tpmkey_backend_tpm2,
};

static_assert(ARRAY_SIZE(tpmkey_backends) == TPMKEY_BACKEND_COUNT);

/* The backend recorded as @id in a state, or NULL. */
const struct tpmkey_backend *tpmkey_backend(u32 id)
{
	if (id >= ARRAY_SIZE(tpmkey_backends))
		return NULL;
	return tpmkey_backends[id];
}

/**
 * tpmkey_backend_select() - the backend of new keys, from the parameter
 * @tk: the device
 * @name: "auto" or a backend's name
 *
 * "auto" takes the native backend: it is the one that keeps the KMK off
 * the TPM bus, locks it after boot and destroys it in the TPM on erase,
 * on every kernel (trusted keys on 6.1 and Debian's 6.12 do none of it).
 * Naming "trusted" still works, with a warning of what it lacks.
 *
 * Return: 0, or -EINVAL for an unknown name.
 */
int tpmkey_backend_select(struct tpmkey_device *tk, const char *name)
{
	const struct tpmkey_backend *b;
	unsigned int i;

	if (!strcmp(name, "auto")) {
		tk->new_key_backend = &tpmkey_backend_tpm2;
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(tpmkey_backends); i++) {
		b = tpmkey_backends[i];
		if (b && !strcmp(name, b->name)) {
			tk->new_key_backend = b;
			if (b->protections != tpmkey_backend_tpm2.protections)
				pr_warn("backend %s: new keys cross the TPM bus in clear, have no boot-phase lock and are not destroyed in the TPM by erase\n",
					b->name);
			return 0;
		}
	}
	return -EINVAL;
}
