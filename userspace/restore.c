// SPDX-License-Identifier: GPL-2.0
/*
 * restore: brings the backed-up key back on this TPM (a replacement chip,
 * or one that was cleared), with the password and the stick.  Allowed only
 * while no working key is present.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "backupfile.h"
#include "ctl.h"
#include "lib/libtpmkey.h"

/*
 * A state file this TPM can unseal means a working key: restoring would
 * replace it.  Trying LOAD is the only way to know; if it works the key
 * stays loaded, as it would after boot.
 */
static int check_no_working_key(struct ctl *ctl, int fd)
{
	uint8_t state[TPMKEY_STATE_SIZE_MAX], id[TPMKEY_KEY_ID_SIZE];
	struct tpmkey_status st;
	size_t len;
	int ret;

	ret = tpmkey_get_status(fd, &st);
	if (ret)
		return ctl_kernel_error(ctl, ret, "status");
	if (st.state == TPMKEY_STATE_ACTIVE)
		return out_finish(&ctl->out, TK_EKEYEXISTS,
				  "a working key is loaded: restore is only for a TPM that lost its key");
	ret = state_read(ctl->state_dir, state, sizeof(state), &len);
	if (ret == -ENOENT)
		return TK_OK;
	if (ret || len == 0)
		return TK_OK;	/* unreadable or empty: no working key */
	ret = tpmkey_load(fd, state, len, id);
	explicit_bzero(state, sizeof(state));
	if (!ret)
		return out_finish(&ctl->out, TK_EKEYEXISTS,
				  "this TPM can still unseal the key in %s/%s; it is loaded now. Restore is only for a TPM that lost its key",
				  ctl->state_dir, TPMKEY_STATE_FILE);
	if (ret == -EKEYREJECTED || ret == -EBADMSG)
		return TK_OK;
	return ctl_kernel_error(ctl, ret, "restore");
}

int cmd_restore(struct ctl *ctl, int argc, char *argv[])
{
	static const struct option options[] = {
		PASSWORD_LONG_OPTIONS,
		TPM_LONG_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct password_options pw = { .source = PASSWORD_TTY };
	struct tpm_options tpm = TPM_OPTIONS_DEFAULT;
	struct output *o = &ctl->out;
	uint8_t file[TPMKEY_BACKUP_SIZE_MAX];
	uint8_t state[TPMKEY_STATE_SIZE_MAX], key_id[TPMKEY_KEY_ID_SIZE];
	unsigned int wait_ms = 5000;
	struct secret kek = { 0 };
	char id[TPMKEY_ID_HEX_SIZE];
	int fd = -1, lock_fd = -1, ret, c;
	size_t len, state_len;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		if (backup_option(ctl, &pw, &wait_ms, c, optarg, &ret) ||
		    ctl_tpm_option(ctl, &tpm, c, optarg, &ret)) {
			if (ret)
				return ret;
			continue;
		}
		switch (c) {
		case 'h':
			printf("Usage: tpmkeyctl restore [--password-fd N | --password-file PATH] [--wait SECONDS]\n"
			       "                         [--parent HANDLE] [--nv-index INDEX]\n");
			return TK_OK;
		default:
			return ctl_usage_error(ctl);
		}
	}
	if (optind != argc)
		return out_finish(o, TK_EUSAGE, "restore takes no arguments");

	ret = ctl_lock(ctl, &lock_fd);
	if (ret)
		return ret;
	ret = ctl_open_device(ctl, &fd);
	if (ret)
		goto out;
	ret = check_no_working_key(ctl, fd);
	if (ret)
		goto out;
	ret = ctl_backup_kek(ctl, &pw, wait_ms, file, &len, &kek);
	if (ret)
		goto out;
	ret = ctl_provision(ctl, &tpm);
	if (ret)
		goto out;

	ret = tpmkey_restore(fd, kek.data, file, len, tpm.parent, tpm.nv_index,
			     state, &state_len, key_id);
	if (ret == -EBADMSG) {
		ret = ctl_bad_backup(ctl);
		goto out;
	} else if (ret == -EKEYREJECTED) {
		ret = out_finish(o, TK_ENOTPM,
				 "the TPM refused to seal the key under 0x%08x",
				 tpm.parent);
		goto out;
	} else if (ret) {
		ret = ctl_kernel_error(ctl, ret, "restore");
		goto out;
	}
	ret = ctl_store_state(ctl, fd, state, state_len, key_id);
	if (ret)
		goto out;
	ctl_format_id(key_id, id);
	out_field_str(o, "key_id", id);
	ret = out_finish(o, TK_OK,
			 "Restored key %s and sealed it to this TPM; it is loaded. Its backup exists, so no further backup is possible.",
			 id);
out:
	explicit_bzero(state, sizeof(state));
	secret_free(&kek);
	if (fd >= 0)
		close(fd);
	if (lock_fd >= 0)
		close(lock_fd);
	return ret;
}
