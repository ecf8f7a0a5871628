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
#define TPM2_CC_COUNT	(sizeof(tpm2_cc_names) / sizeof(tpm2_cc_names[0]))

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
