// SPDX-License-Identifier: GPL-2.0
/*
 * What the TPM must hold before the module can seal a key to it: the
 * storage key and the backup counter.  tpm2-tss does the TPM work (tpm.c).
 */
#include <errno.h>
#include <stdio.h>

#include "internal.h"
#include "tpm.h"

TPMKEY_EXPORT int tpmkey_provision(const char *tcti, uint32_t parent,
				   uint32_t nv_index, bool *srk_created,
				   char *err, size_t errlen)
{
	char why[256];
	struct tk_tpm tpm;
	int ret;

	*srk_created = false;
	ret = tk_tpm_open(tcti, &tpm, why, sizeof(why));
	if (ret)
		return tk_fail(err, errlen, ret, "cannot talk to the TPM: %s",
			       why);
	ret = tk_tpm_ensure_srk(&tpm, parent, srk_created, why, sizeof(why));
	if (ret) {
		tk_fail(err, errlen, ret, "storage key at 0x%08x: %s", parent,
			why);
	} else {
		if (*srk_created)
			tk_log(6, "provisioned a storage key (SRK) at 0x%08x",
			       parent);
		ret = tk_tpm_counter_define(&tpm, nv_index, why, sizeof(why));
		if (ret)
			tk_fail(err, errlen, ret,
				"backup counter at NV index 0x%08x: %s",
				nv_index, why);
	}
	tk_tpm_close(&tpm);
	return ret;
}

TPMKEY_EXPORT int tpmkey_tpm_id(const char *tcti, uint32_t parent,
				uint8_t id[TPMKEY_TPM_ID_SIZE], char *err,
				size_t errlen)
{
	char why[256];
	struct tk_tpm tpm;
	int ret;

	ret = tk_tpm_open(tcti, &tpm, why, sizeof(why));
	if (!ret) {
		ret = tk_tpm_key_name(&tpm, parent, id, why, sizeof(why));
		tk_tpm_close(&tpm);
	}
	if (ret)
		return tk_fail(err, errlen, ret, "cannot identify the TPM: %s",
			       why);
	return 0;
}
