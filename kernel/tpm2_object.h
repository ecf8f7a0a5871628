/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TPMKEY_TPM2_OBJECT_H
#define _TPMKEY_TPM2_OBJECT_H

#include "tpm2_cmd.h"
#include "tpmkey.h"


void tpmkey_key_name(struct tpmkey_tpm *tpm, const u8 *point,
		     struct tpmkey_name *name);
void tpmkey_policy_digest(u32 pcr_mask, const u8 *digests, u8 *policy);
int tpmkey_key_create(struct tpmkey_tpm *tpm, u32 parent, u32 *handle,
		      u8 *point);
int tpmkey_sealed_create(struct tpmkey_tpm *tpm, u32 key_handle,
			 const struct tpmkey_name *key_name,
			 struct tpmkey_session *s, const u8 *policy,
			 const u8 *kmk, u8 *sealed, size_t *sealed_len);
int tpmkey_sealed_unseal(struct tpmkey_tpm *tpm, u32 key_handle,
			 struct tpmkey_session *s, const u8 *sealed,
			 size_t len, u8 *kmk);

#endif /* _TPMKEY_TPM2_OBJECT_H */
