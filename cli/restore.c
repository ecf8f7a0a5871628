// SPDX-License-Identifier: GPL-2.0
/*
 * restore: brings the backed-up key back on this TPM (a replacement chip,
 * or one that was cleared), with the password and the stick.  Allowed only
 * while no working key is present.
 */
#include <errno.h>
#include <string.h>

#include "ctl.h"

/*
 * A state file this TPM can unseal means a working key: restoring would
 * replace it.  Trying LOAD is the only way to know; if it works the key
 * stays loaded, as it would after boot.
 */
static int check_no_working_key(struct ctl *ctl)
{
	uint8_t state[TPMKEY_STATE_SIZE_MAX], id[TPMKEY_KEY_ID_SIZE];
	size_t len;
	int ret;

	if (ctl->st.state == TPMKEY_STATE_ACTIVE)
		return out_finish(&ctl->out, TK_EKEYEXISTS,
				  "a working key is loaded: restore is only for a TPM that lost its key");
	ret = tpmkey_state_read(ctl->state_dir, state, sizeof(state), &len);
	if (ret || len == 0)
		return TK_OK;	/* none, unreadable or empty: no working key */
	ret = tpmkey_load(ctl->fd, state, len, id);
	explicit_bzero(state, sizeof(state));
	if (!ret)
		return out_finish(&ctl->out, TK_EKEYEXISTS,
				  "this TPM can still unseal the key in %s/%s; it is loaded now. Restore is only for a TPM that lost its key",
				  ctl->state_dir, TPMKEY_STATE_FILE);
	/* A key bound to a changed boot chain is what restore is for, too. */
	if (ret == -EKEYREJECTED || ret == -EBADMSG || ret == -EKEYEXPIRED)
		return TK_OK;
	return ctl_error(ctl, ret, "restore");
}

/* The restore itself, with the KEK derived; TK_OK or finished. */
static int restore_with(struct ctl *ctl, const uint8_t *kek, const void *file,
			size_t len)
{
	uint8_t state[TPMKEY_STATE_SIZE_MAX], key_id[TPMKEY_KEY_ID_SIZE];
	char id[TPMKEY_ID_HEX_SIZE];
	size_t state_len;
	int ret;

	ret = ctl_provision(ctl);
	if (ret)
		return ret;
	ret = tpmkey_restore(ctl->fd, kek, file, len, ctl->tpm.parent,
			     ctl->tpm.nv_index, ctl->pcr_mask, state,
			     &state_len, key_id);
	if (ret)
		return ctl_error(ctl, ret, "restore");
	ret = ctl_store_state(ctl, state, state_len, key_id, true);
	explicit_bzero(state, sizeof(state));
	if (ret)
		return ret;
	tpmkey_format_id(key_id, id);
	out_field_str(&ctl->out, "key_id", id);
	ctl_update_initramfs(ctl);
	return out_finish(&ctl->out, TK_OK,
			  "Restored key %s and sealed it to this TPM; it is loaded. Its backup exists, so no further backup is possible.",
			  id);
}

int cmd_restore(struct ctl *ctl)
{
	uint8_t file[TPMKEY_BACKUP_SIZE_MAX], *kek;
	size_t len;
	int ret;

	ret = check_no_working_key(ctl);
	if (ret)
		return ret;
	kek = tpmkey_secret_alloc(TPMKEY_KEK_SIZE);
	if (!kek)
		return out_finish(&ctl->out, TK_EINTERNAL, "out of memory");
	ret = ctl_backup_kek(ctl, file, &len, kek);
	if (!ret)
		ret = restore_with(ctl, kek, file, len);
	tpmkey_secret_free(kek, TPMKEY_KEK_SIZE);
	return ret;
}
