/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the kernel's <linux/tpm.h> lacks for tpmkey's own TPM2 commands:
 * names 6.10 added (the kernel's HMAC-session work), under their kernel
 * names, and a few the kernel never needed.  Values from TPM 2.0 Library
 * Part 2.  Include after <linux/tpm.h>.
 */
#ifndef _TPMKEY_TPM2_COMPAT_H
#define _TPMKEY_TPM2_COMPAT_H

#include <linux/tpm.h>

/*
 * The unaligned helpers moved from asm/ to linux/ in 6.12; algapi.h brings
 * them on both (and crypto_memneq()).
 */
#include <crypto/algapi.h>

/* EC_PT_SZ came with the others, in 6.10's tpm.h, whatever the config. */
#ifndef EC_PT_SZ
#define TPM_ALG_AES			0x0006
#define TPM_ALG_ECC			0x0023
#define TPM_ALG_CFB			0x0043
#define TPM2_ECC_NIST_P256		0x0003
#define TPM2_SE_HMAC			0x00
#define TPM2_SE_POLICY			0x01
#define TPM2_RH_NULL			0x40000007
#define TPM2_CC_START_AUTH_SESS		0x0176
#define TPM2_OA_SENSITIVE_DATA_ORIGIN	BIT(5)
#define TPM2_OA_NO_DA			BIT(10)
#define TPM2_OA_RESTRICTED		BIT(16)
#define TPM2_OA_DECRYPT			BIT(17)
#endif

/* In no kernel's tpm.h. */
#define TPM2_RH_OWNER			0x40000001
#define TPM2_CC_EVICT_CONTROL		0x0120
#define TPM2_CC_NV_INCREMENT		0x0134
#define TPM2_CC_NV_READ_PUBLIC		0x0169
#define TPM2_CC_POLICY_PCR		0x017F
#define TPM2_SA_DECRYPT			BIT(5)
#define TPM2_SA_ENCRYPT			BIT(6)
#define TPM2_CAP_TPM_PROPERTIES		0x00000006
#define TPM2_PT_PERMANENT		0x00000200
#define TPM2_PT_PERMANENT_IN_LOCKOUT	BIT(9)

/* Response codes: format one carries a handle/parameter/session number. */
#define TPM2_RC_FMT1			0x0080
#define TPM2_RC_FMT1_ERROR(rc)		((rc) & 0x3f)
#define TPM2_RC_FMT1_HANDLE_ERR		0x0b	/* TPM_RC_HANDLE */
#define TPM2_RC_FMT1_POLICY_FAIL	0x1d	/* TPM_RC_POLICY_FAIL */
#define TPM2_RC_NV_UNINITIALIZED	0x014a
#define TPM2_RC_NV_SPACE		0x014b
#define TPM2_RC_NV_DEFINED		0x014c
#define TPM2_RC_PCR_CHANGED		0x0167
#define TPM2_RC_LOCKOUT			0x0921

#endif /* _TPMKEY_TPM2_COMPAT_H */
