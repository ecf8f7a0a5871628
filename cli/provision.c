// SPDX-License-Identifier: GPL-2.0
/* The storage key and the backup counter, for activate and restore. */
#include <errno.h>

#include "ctl.h"

int ctl_provision(struct ctl *ctl)
{
	struct tpm_options *t = &ctl->tpm;
	char err[512];
	bool created;
	int ret;

	ret = tpmkey_provision(t->tcti, t->parent, t->nv_index, &created, err,
			       sizeof(err));
	if (ret)
		return out_finish(&ctl->out, ret == -EEXIST ? TK_EUSAGE :
				  TK_ENOTPM, "%s", err);
	if (created)
		out_info(&ctl->out, "Provisioned a storage key (SRK) at 0x%08x.",
			 t->parent);
	out_field_bool(&ctl->out, "srk_created", created);
	return TK_OK;
}
