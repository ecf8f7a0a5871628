// SPDX-License-Identifier: GPL-2.0
/* activate: a new key, sealed by this TPM, its state stored. */
#include <errno.h>
#include <string.h>

#include "ctl.h"

int cmd_activate(struct ctl *ctl)
{
	struct output *o = &ctl->out;
	uint8_t state[TPMKEY_STATE_SIZE_MAX], key_id[TPMKEY_KEY_ID_SIZE];
	char id[TPMKEY_ID_HEX_SIZE], pcrs[64];
	size_t state_len;
	int ret;

	ret = tpmkey_state_read(ctl->state_dir, state, sizeof(state),
				&state_len);
	if (ret != -ENOENT)
		return out_finish(o, TK_EKEYEXISTS,
				  "a key already exists (%s/%s): load it with 'tpmkeyctl load', or destroy it with 'tpmkeyctl erase'",
				  ctl->state_dir, TPMKEY_STATE_FILE);
	ret = ctl_provision(ctl);
	if (ret)
		return ret;

	ret = tpmkey_activate(ctl->fd, ctl->key_len, ctl->tpm.parent,
			      ctl->tpm.nv_index, ctl->pcr_mask, state,
			      &state_len, key_id);
	if (ret)
		return ctl_error(ctl, ret, "activate");
	ret = ctl_store_state(ctl, state, state_len, key_id, true);
	explicit_bzero(state, sizeof(state));
	if (ret)
		return ret;

	tpmkey_format_id(key_id, id);
	tpmkey_format_pcrs(ctl->pcr_mask, pcrs, sizeof(pcrs));
	out_field_str(o, "key_id", id);
	out_field_uint(o, "key_size", ctl->key_len);
	out_field_uint(o, "parent_handle", ctl->tpm.parent);
	out_field_uint(o, "nv_index", ctl->tpm.nv_index);
	out_field_str(o, "pcrs", pcrs);
	out_info(o, "Activated key %s (%u bytes), sealed by the TPM under 0x%08x.",
		 id, ctl->key_len, ctl->tpm.parent);
	if (ctl->pcr_mask)
		out_info(o, "It is bound to PCRs %s of this boot.", pcrs);
	out_info(o, "The key is in the keyring as logon:%s.", TPMKEY_KEYRING_DESC);
	out_info(o, "Make the backup now: tpmkeyctl backup. Until then, if the TPM fails, the data is lost.");
	ctl_update_initramfs(ctl);
	return out_finish(o, TK_OK, NULL);
}
