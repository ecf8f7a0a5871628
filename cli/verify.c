// SPDX-License-Identifier: GPL-2.0
/*
 * verify-backup: proves the recovery path works, at any time, without
 * using anything up and without the key leaving the kernel: the module
 * decrypts the backup and compares it with the loaded key itself.
 */
#include <errno.h>

#include "ctl.h"

int cmd_verify_backup(struct ctl *ctl)
{
	struct output *o = &ctl->out;
	uint8_t file[TPMKEY_BACKUP_SIZE_MAX], *kek;
	char id[TPMKEY_ID_HEX_SIZE];
	size_t len;
	int ret;

	if (ctl->st.state != TPMKEY_STATE_ACTIVE)
		return ctl_error(ctl, -ENOKEY, "verify-backup");
	kek = tpmkey_secret_alloc(TPMKEY_KEK_SIZE);
	if (!kek)
		return out_finish(o, TK_EINTERNAL, "out of memory");
	ret = ctl_backup_kek(ctl, file, &len, kek);
	if (!ret) {
		ret = tpmkey_verify(ctl->fd, kek, file, len);
		if (ret)
			ret = ctl_error(ctl, ret, "verify-backup");
	}
	tpmkey_secret_free(kek, TPMKEY_KEK_SIZE);
	if (ret)
		return ret;
	tpmkey_format_id(ctl->st.key_id, id);
	out_field_str(o, "key_id", id);
	return out_finish(o, TK_OK,
			  "The backup on the stick restores key %s with this password.",
			  id);
}
