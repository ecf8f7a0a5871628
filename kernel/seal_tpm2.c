// SPDX-License-Identifier: GPL-2.0
/*
 * Native sealing backend, for kernels built without trusted keys (Debian's
 * among them): the module seals the KMK itself as a TPM2 sealed data object
 * under the storage key, with the commands in tpm2_cmd.c.  The sealed form
 * is the object's TPM2B_PRIVATE || TPM2B_PUBLIC, as trusted keys stored it
 * before their ASN.1 format.
 */

#include <linux/random.h>
#include <linux/string.h>

#include <linux/tpmkey.h>

#include "tpmkey.h"

static int tpmkey_tpm2_check(void)
{
	return 0;	/* tpmkey_check_tpm() has checked for a TPM 2.0 */
}

/*
 * The KMK comes from the kernel's CRNG, which the TPM's hwrng feeds where
 * there is one; asking the TPM for it (TPM2_GetRandom, as trusted keys do)
 * would cost a command and gain nothing.
 */
static int tpmkey_tpm2_seal_new(u32 parent, u8 *kmk, u8 *sealed,
				size_t *sealed_len)
{
	int ret;

	ret = get_random_bytes_wait(kmk, TPMKEY_KMK_SIZE);
	if (ret)
		return ret;
	ret = tpmkey_tpm2_seal(parent, kmk, TPMKEY_KMK_SIZE, sealed,
			       sealed_len);
	if (ret)
		memzero_explicit(kmk, TPMKEY_KMK_SIZE);
	return ret;
}

static int tpmkey_tpm2_unseal_kmk(u32 parent, const u8 *sealed,
				  size_t sealed_len, u8 *kmk)
{
	return tpmkey_tpm2_unseal(parent, sealed, sealed_len, kmk,
				  TPMKEY_KMK_SIZE);
}

const struct tpmkey_sealer tpmkey_sealer_tpm2 = {
	.backend = TPMKEY_BACKEND_TPM2,
	.name = "tpm2",
	.check = tpmkey_tpm2_check,
	.seal_new = tpmkey_tpm2_seal_new,
	.unseal = tpmkey_tpm2_unseal_kmk,
};
