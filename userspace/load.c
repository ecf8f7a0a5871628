// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <getopt.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "lib/libtpmkey.h"

int cmd_load(struct ctl *ctl, int argc, char *argv[])
{
	static const struct option options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct output *o = &ctl->out;
	uint8_t state[TPMKEY_STATE_SIZE_MAX], key_id[TPMKEY_KEY_ID_SIZE];
	char id[TPMKEY_ID_HEX_SIZE];
	int fd = -1, lock_fd = -1, ret, c;
	struct tpmkey_status st;
	size_t state_len;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'h':
			printf("Usage: tpmkeyctl load\n");
			return TK_OK;
		default:
			return ctl_usage_error(ctl);
		}
	}
	if (optind != argc)
		return out_finish(o, TK_EUSAGE, "load takes no arguments");

	ret = ctl_lock(ctl, &lock_fd);
	if (ret)
		return ret;
	ret = ctl_open_device(ctl, &fd);
	if (ret)
		goto out;

	ret = state_read(ctl->state_dir, state, sizeof(state), &state_len);
	if (ret == -ENOENT) {
		ret = out_finish(o, TK_ENOKEY,
				 "not activated: there is no key (%s/%s); create one with 'tpmkeyctl activate'",
				 ctl->state_dir, TPMKEY_STATE_FILE);
		goto out;
	} else if (ret == -EFBIG || (!ret && state_len == 0)) {
		ret = ctl_kernel_error(ctl, -EBADMSG, "load");
		goto out;
	} else if (ret) {
		ret = out_finish(o, TK_EINTERNAL, "cannot read %s/%s: %s",
				 ctl->state_dir, TPMKEY_STATE_FILE,
				 strerror(-ret));
		goto out;
	}

	ret = tpmkey_load(fd, state, state_len, key_id);
	if (ret == -EEXIST && !tpmkey_get_status(fd, &st) &&
	    ctl_state_key_id(state, state_len, key_id) &&
	    !memcmp(st.key_id, key_id, sizeof(key_id))) {
		/* Loading twice is what init scripts do: not an error. */
		ctl_format_id(key_id, id);
		out_field_str(o, "key_id", id);
		out_field_bool(o, "already_loaded", true);
		ret = out_finish(o, TK_OK, "Key %s is already loaded.", id);
		goto out;
	}
	if (ret) {
		ret = ctl_kernel_error(ctl, ret, "load");
		goto out;
	}
	ctl_format_id(key_id, id);
	out_field_str(o, "key_id", id);
	out_field_bool(o, "already_loaded", false);
	ret = out_finish(o, TK_OK, "Loaded key %s into the keyring (logon:%s).",
			 id, TPMKEY_KEYRING_DESC);
out:
	if (fd >= 0)
		close(fd);
	if (lock_fd >= 0)
		close(lock_fd);
	return ret;
}
