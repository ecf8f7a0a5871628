/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the test VM's kernel should offer, as selftests/vm/vm-run tells the
 * guest from the kernel's name: the project's kernels have trusted keys,
 * Debian's have not, and "+tpm2"/"+trusted" force the module's backend.
 */
#ifndef TPMKEY_EXPECT_H
#define TPMKEY_EXPECT_H

#include <stdlib.h>
#include <string.h>

#include <linux/tpmkey.h>

/* TPMKEY_BACKEND_* that seals new keys; NONE if the harness did not say. */
static inline unsigned int expected_backend(void)
{
	const char *b = getenv("TPMKEY_EXPECT_BACKEND");

	if (b && !strcmp(b, "trusted"))
		return TPMKEY_BACKEND_TRUSTED;
	if (b && !strcmp(b, "tpm2"))
		return TPMKEY_BACKEND_TPM2;
	return TPMKEY_BACKEND_NONE;
}

/* Whether the kernel has the trusted key type: 1, 0, or -1 if not said. */
static inline int expected_trusted_keys(void)
{
	const char *t = getenv("TPMKEY_EXPECT_TRUSTED_KEYS");

	return t ? !strcmp(t, "1") : -1;
}

#endif
