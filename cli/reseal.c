// SPDX-License-Identifier: GPL-2.0
/*
 * reseal: the loaded key sealed again (to other PCRs, or after a firmware
 * update changed the bound ones), its new state stored in place of
 * key.state.  The module evicts the old TPM object only once the new state
 * was delivered (TPMKEY_IOC_RESEAL): a failure to store it leaves the old
 * key.state, whose object is gone then; the key stays loaded.
 */
#include <errno.h>
#include <string.h>

#include "ctl.h"

int cmd_reseal(struct ctl *ctl)
{
	struct output *o = &ctl->out;
	uint8_t state[TPMKEY_STATE_SIZE_MAX], key_id[TPMKEY_KEY_ID_SIZE];
	uint32_t mask = ctl->pcrs_given ? ctl->pcr_mask : ctl->st.pcr_mask;
	char id[TPMKEY_ID_HEX_SIZE], pcrs[64];
	size_t len;
	int ret;

	if (ctl->st.state != TPMKEY_STATE_ACTIVE)
		return ctl_error(ctl, -ENOKEY, "reseal");
	ret = ctl_read_state(ctl, state, &len);
	if (ret == -ENOENT || (!ret && tpmkey_state_key_id(state, len, key_id)))
		return out_finish(o, TK_EBADSTATE,
				  "reseal: %s/%s is missing or damaged; it must hold the loaded key's state",
				  ctl->state_dir, TPMKEY_STATE_FILE);
	if (ret)
		return ret;
	tpmkey_format_id(ctl->st.key_id, id);
	if (memcmp(key_id, ctl->st.key_id, sizeof(key_id)))
		return out_finish(o, TK_EBADSTATE,
				  "reseal: %s/%s holds another key than the loaded one (%s)",
				  ctl->state_dir, TPMKEY_STATE_FILE, id);

	ret = tpmkey_reseal(ctl->fd, key_id, mask, state, &len);
	if (ret)
		return ctl_error(ctl, ret, "reseal");
	ret = tpmkey_state_write(ctl->state_dir, state, len);
	explicit_bzero(state, sizeof(state));
	if (ret)
		return out_finish(o, TK_EINTERNAL,
				  "reseal: the module sealed the key again and has evicted its old TPM object, but the new state could not be written to %s/%s (%s): the old state there no longer loads. The key is still loaded: fix the file system and run 'tpmkeyctl reseal' again before rebooting, or make sure the backup exists",
				  ctl->state_dir, TPMKEY_STATE_FILE,
				  strerror(-ret));
	tpmkey_format_pcrs(mask, pcrs, sizeof(pcrs));
	out_field_str(o, "key_id", id);
	out_field_str(o, "pcrs", pcrs);
	ctl_update_initramfs(ctl);
	return out_finish(o, TK_OK, "Sealed key %s again%s%s.", id,
			  mask ? " to PCRs " : " (no platform PCRs)",
			  mask ? pcrs : "");
}
