// SPDX-License-Identifier: GPL-2.0
/* Command code names and hex dumps for the TPM bus tools. */

#include <stdio.h>

#include "tpm2util.h"

/* TPM 2.0 Library, Part 2, table 12: TPM_CC values 0x11f to 0x199. */
static const char *const tpm2_cc_names[] = {
	"NV_UndefineSpaceSpecial", "EvictControl", "HierarchyControl",
	"NV_UndefineSpace", NULL, "ChangeEPS", "ChangePPS", "Clear",
	"ClearControl", "ClockSet", "HierarchyChangeAuth", "NV_DefineSpace",
	"PCR_Allocate", "PCR_SetAuthPolicy", "PP_Commands",
	"SetPrimaryPolicy", "FieldUpgradeStart", "ClockRateAdjust",
	"CreatePrimary", "NV_GlobalWriteLock", "GetCommandAuditDigest",
	"NV_Increment", "NV_SetBits", "NV_Extend", "NV_Write",
	"NV_WriteLock", "DictionaryAttackLockReset",
	"DictionaryAttackParameters", "NV_ChangeAuth", "PCR_Event",
	"PCR_Reset", "SequenceComplete", "SetAlgorithmSet",
	"SetCommandCodeAuditStatus", "FieldUpgradeData",
	"IncrementalSelfTest", "SelfTest", "Startup", "Shutdown",
	"StirRandom", "ActivateCredential", "Certify", "PolicyNV",
	"CertifyCreation", "Duplicate", "GetTime", "GetSessionAuditDigest",
	"NV_Read", "NV_ReadLock", "ObjectChangeAuth", "PolicySecret",
	"Rewrap", "Create", "ECDH_ZGen", "HMAC", "Import", "Load", "Quote",
	"RSA_Decrypt", NULL, "HMAC_Start", "SequenceUpdate", "Sign",
	"Unseal", NULL, "PolicySigned", "ContextLoad", "ContextSave",
	"ECDH_KeyGen", "EncryptDecrypt", "FlushContext", NULL,
	"LoadExternal", "MakeCredential", "NV_ReadPublic",
	"PolicyAuthorize", "PolicyAuthValue", "PolicyCommandCode",
	"PolicyCounterTimer", "PolicyCpHash", "PolicyLocality",
	"PolicyNameHash", "PolicyOR", "PolicyTicket", "ReadPublic",
	"RSA_Encrypt", NULL, "StartAuthSession", "VerifySignature",
	"ECC_Parameters", "FirmwareRead", "GetCapability", "GetRandom",
	"GetTestResult", "Hash", "PCR_Read", "PolicyPCR", "PolicyRestart",
	"ReadClock", "PCR_Extend", "PCR_SetAuthValue", "NV_Certify",
	"EventSequenceComplete", "HashSequenceStart",
	"PolicyPhysicalPresence", "PolicyDuplicationSelect",
	"PolicyGetDigest", "TestParms", "Commit", "PolicyPassword",
	"ZGen_2Phase", "EC_Ephemeral", "PolicyNvWritten", "PolicyTemplate",
	"CreateLoaded", "PolicyAuthorizeNV", "EncryptDecrypt2",
	"AC_GetCapability", "AC_Send", "Policy_AC_SendSelect",
	"CertifyX509", "ACT_SetTimeout", "ECC_Encrypt", "ECC_Decrypt",
};

#define TPM2_CC_FIRST	0x011f
#define TPM2_CC_COUNT	ARRAY_SIZE(tpm2_cc_names)

const char *tpm2_cc_name(uint32_t cc)
{
	if (cc < TPM2_CC_FIRST || cc - TPM2_CC_FIRST >= TPM2_CC_COUNT)
		return NULL;
	return tpm2_cc_names[cc - TPM2_CC_FIRST];
}

const char *tpm2_cc_str(uint32_t cc)
{
	static char buf[16];
	const char *name = tpm2_cc_name(cc);

	if (name)
		return name;
	snprintf(buf, sizeof(buf), "0x%08x", cc);
	return buf;
}

void hex_dump(FILE *f, const uint8_t *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		fprintf(f, " %02X", buf[i]);
		if (i % 16 == 15 || i == len - 1)
			fputc('\n', f);
	}
}

/* Skip a TPM2B at *@off of @buf (@len bytes); -1 if it overruns. */
int skip_tpm2b(const uint8_t *buf, size_t len, size_t *off)
{
	if (*off + 2 > len || *off + 2 + get_be16(buf + *off) > len)
		return -1;
	*off += 2 + get_be16(buf + *off);
	return 0;
}

/* Skip an algorithm id and, unless it is TPM_ALG_NULL, @more bytes. */
static int skip_alg(const uint8_t *buf, size_t len, size_t *off, size_t more)
{
	if (*off + 2 > len)
		return -1;
	if (get_be16(buf + *off) != TPM2_ALG_NULL)
		*off += more;
	*off += 2;
	return *off > len ? -1 : 0;
}

/*
 * The offset of the TPMS_ECC_POINT of a P-256 key in the TPM2B_PUBLIC at
 * @off, or 0 if it is no such key (TPM 2.0 Part 2: TPMT_PUBLIC,
 * TPMS_ECC_PARMS).
 */
size_t find_p256_point(const uint8_t *buf, size_t len, size_t off)
{
	size_t end, curve;

	if (off + 2 > len || off + 2 + get_be16(buf + off) > len)
		return 0;
	end = off + 2 + get_be16(buf + off);
	off += 2;
	if (off + 8 > end || get_be16(buf + off) != TPM2_ALG_ECC)
		return 0;
	off += 8;				/* type, nameAlg, attributes */
	if (skip_tpm2b(buf, end, &off) ||	/* authPolicy */
	    skip_alg(buf, end, &off, 4))	/* symmetric: keyBits, mode */
		return 0;
	if (off + 2 > end)
		return 0;
	if (skip_alg(buf, end, &off,		/* scheme: hashAlg (, count) */
		     get_be16(buf + off) == TPM2_ALG_ECDAA ? 4 : 2))
		return 0;
	curve = off;
	off += 2;
	if (skip_alg(buf, end, &off, 2))	/* kdf: hashAlg */
		return 0;
	if (curve + 2 > end || get_be16(buf + curve) != TPM2_ECC_NIST_P256 ||
	    off + 4 + 2 * P256_COORD > end ||
	    get_be16(buf + off) != P256_COORD ||
	    get_be16(buf + off + 2 + P256_COORD) != P256_COORD)
		return 0;
	return off;
}
