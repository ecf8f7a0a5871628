// SPDX-License-Identifier: GPL-2.0
/* load: the key from the state file into the keyring, at every boot. */
#include <errno.h>
#include <string.h>

#include "ctl.h"

int cmd_load(struct ctl *ctl)
{
	struct output *o = &ctl->out;
	uint8_t state[TPMKEY_STATE_SIZE_MAX], key_id[TPMKEY_KEY_ID_SIZE];
	char id[TPMKEY_ID_HEX_SIZE];
	struct tpmkey_status st;
	size_t state_len;
	int ret;

	ret = ctl_read_state(ctl, state, &state_len);
	if (ret == -ENOENT)
		return out_finish(o, TK_ENOKEY,
				  "not activated: there is no key (%s/%s); create one with 'tpmkeyctl activate'",
				  ctl->state_dir, TPMKEY_STATE_FILE);
	if (ret)
		return ret;

	ret = tpmkey_load(ctl->fd, state, state_len, key_id);
	if (ret == -EEXIST && !tpmkey_get_status(ctl->fd, &st) &&
	    !tpmkey_state_key_id(state, state_len, key_id) &&
	    !memcmp(st.key_id, key_id, sizeof(key_id))) {
		/* Loading twice is what init scripts do: not an error. */
		tpmkey_format_id(key_id, id);
		out_field_str(o, "key_id", id);
		out_field_bool(o, "already_loaded", true);
		return out_finish(o, TK_OK, "Key %s is already loaded.", id);
	}
	if (ret)
		return ctl_error(ctl, ret, "load");
	tpmkey_format_id(key_id, id);
	out_field_str(o, "key_id", id);
	out_field_bool(o, "already_loaded", false);
	return out_finish(o, TK_OK, "Loaded key %s into the keyring (logon:%s).",
			  id, TPMKEY_KEYRING_DESC);
}
