// SPDX-License-Identifier: GPL-2.0
/*
 * verify-backup: proves the recovery path works, at any time, without
 * using anything up and without the key leaving the kernel: the module
 * decrypts the backup and compares it with the loaded key itself.
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "backupfile.h"
#include "ctl.h"
#include "lib/libtpmkey.h"

int cmd_verify_backup(struct ctl *ctl, int argc, char *argv[])
{
	static const struct option options[] = {
		PASSWORD_LONG_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct password_options pw = { .source = PASSWORD_TTY };
	struct output *o = &ctl->out;
	uint8_t file[TPMKEY_BACKUP_SIZE_MAX];
	unsigned int wait_ms = 5000;
	struct secret kek = { 0 };
	struct tpmkey_status st;
	char id[TPMKEY_ID_HEX_SIZE];
	int fd = -1, ret, c;
	size_t len;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		if (backup_option(ctl, &pw, &wait_ms, c, optarg, &ret)) {
			if (ret)
				return ret;
			continue;
		}
		switch (c) {
		case 'h':
			printf("Usage: tpmkeyctl verify-backup [--password-fd N | --password-file PATH] [--wait SECONDS]\n");
			return TK_OK;
		default:
			return ctl_usage_error(ctl);
		}
	}
	if (optind != argc)
		return out_finish(o, TK_EUSAGE, "verify-backup takes no arguments");

	ret = ctl_open_device(ctl, &fd);
	if (ret)
		return ret;
	ret = tpmkey_get_status(fd, &st);
	if (ret) {
		ret = ctl_kernel_error(ctl, ret, "status");
		goto out;
	}
	if (st.state != TPMKEY_STATE_ACTIVE) {
		ret = ctl_kernel_error(ctl, -ENOKEY, "verify-backup");
		goto out;
	}
	ret = ctl_backup_kek(ctl, &pw, wait_ms, file, &len, &kek);
	if (ret)
		goto out;
	ret = tpmkey_verify(fd, kek.data, file, len);
	if (ret == -EBADMSG) {
		ret = ctl_bad_backup(ctl);
		goto out;
	} else if (ret) {
		ret = ctl_kernel_error(ctl, ret, "verify-backup");
		goto out;
	}
	ctl_format_id(st.key_id, id);
	out_field_str(o, "key_id", id);
	ret = out_finish(o, TK_OK,
			 "The backup on the stick restores key %s with this password.",
			 id);
out:
	secret_free(&kek);
	close(fd);
	return ret;
}
