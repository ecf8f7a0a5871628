// SPDX-License-Identifier: GPL-2.0
/*
 * What the TPM must hold before the module can seal a key to it: the
 * storage key and the backup counter.  tpm2-tss does the TPM work.
 */
#include <ctype.h>
#include <errno.h>

#include "ctl.h"
#include "tpm.h"

int ctl_provision(struct ctl *ctl, const struct tpm_options *opt)
{
	struct output *o = &ctl->out;
	struct tk_tpm tpm;
	char err[256];
	bool created;
	int ret;

	ret = tk_tpm_open(opt->tcti, &tpm, err, sizeof(err));
	if (ret)
		return out_finish(o, TK_ENOTPM, "cannot talk to the TPM: %s",
				  err);
	ret = tk_tpm_ensure_srk(&tpm, opt->parent, &created, err, sizeof(err));
	if (ret) {
		ret = out_finish(o, ret == -EEXIST ? TK_EUSAGE : TK_ENOTPM,
				 "storage key at 0x%08x: %s", opt->parent, err);
		goto out;
	}
	if (created)
		out_info(o, "Provisioned a storage key (SRK) at 0x%08x.",
			 opt->parent);
	out_field_bool(o, "srk_created", created);

	ret = tk_tpm_counter_define(&tpm, opt->nv_index, err, sizeof(err));
	if (ret)
		ret = out_finish(o, ret == -EEXIST ? TK_EUSAGE : TK_ENOTPM,
				 "backup counter at NV index 0x%08x: %s",
				 opt->nv_index, err);
out:
	tk_tpm_close(&tpm);
	return ret;
}

int ctl_tpm_id(struct ctl *ctl, const struct tpm_options *opt,
	       uint8_t id[TPMKEY_TPM_ID_SIZE])
{
	struct tk_tpm tpm;
	char err[256];
	int ret;

	ret = tk_tpm_open(opt->tcti, &tpm, err, sizeof(err));
	if (!ret) {
		ret = tk_tpm_key_name(&tpm, opt->parent, id, err, sizeof(err));
		tk_tpm_close(&tpm);
	}
	if (ret)
		return out_finish(&ctl->out, TK_ENOTPM,
				  "cannot identify the TPM: %s", err);
	return TK_OK;
}

/* Parses --parent, --nv-index and --tcti; returns false if @c is another. */
bool ctl_tpm_option(struct ctl *ctl, struct tpm_options *opt, int c,
		    const char *arg, int *ret)
{
	unsigned long v;
	char *end;

	/*
	 * Parsed as unsigned long and checked before it is narrowed:
	 * "0xa81000002" must not become 0x81000002.  Digits only: strtoul()
	 * would take "-2130706431" for 0x81000001.
	 */
	*ret = TK_OK;
	switch (c) {
	case OPT_PARENT:
		errno = 0;
		v = strtoul(arg, &end, 0);
		opt->parent = v;
		if (errno || *end || !isdigit((unsigned char)*arg) ||
		    (v >> 24) != 0x81)
			*ret = out_finish(&ctl->out, TK_EUSAGE,
					  "--parent is a persistent handle 0x81000000-0x81ffffff");
		return true;
	case OPT_NV_INDEX:
		errno = 0;
		v = strtoul(arg, &end, 0);
		opt->nv_index = v;
		if (errno || *end || !isdigit((unsigned char)*arg) ||
		    (v >> 24) != 0x01)
			*ret = out_finish(&ctl->out, TK_EUSAGE,
					  "--nv-index is an NV index 0x01000000-0x01ffffff");
		return true;
	case OPT_TCTI:
		opt->tcti = arg;
		return true;
	default:
		return false;
	}
}
