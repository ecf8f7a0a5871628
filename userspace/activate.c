// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "lib/libtpmkey.h"

int cmd_activate(struct ctl *ctl, int argc, char *argv[])
{
	static const struct option options[] = {
		{ "key-size", required_argument, NULL, 's' },
		TPM_LONG_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct tpm_options tpm = TPM_OPTIONS_DEFAULT;
	uint32_t key_len = 64;
	struct output *o = &ctl->out;
	uint8_t state[TPMKEY_STATE_SIZE_MAX], key_id[TPMKEY_KEY_ID_SIZE];
	char id[TPMKEY_ID_HEX_SIZE], *end;
	unsigned long v;
	int fd = -1, lock_fd = -1, ret, c;
	size_t state_len;

	while ((c = getopt_long(argc, argv, "s:h", options, NULL)) != -1) {
		if (ctl_tpm_option(ctl, &tpm, c, optarg, &ret)) {
			if (ret)
				return ret;
			continue;
		}
		switch (c) {
		case 's':
			/* Not narrowed before the check: 4294967328 is not 32. */
			v = strtoul(optarg, &end, 0);
			key_len = v;
			if (*end || !isdigit((unsigned char)*optarg) ||
			    (v != 32 && v != 64))
				return out_finish(o, TK_EUSAGE,
						  "--key-size is 32 or 64 (bytes)");
			break;
		case 'h':
			printf("Usage: tpmkeyctl activate [--key-size 32|64] [--parent HANDLE] [--nv-index INDEX]\n");
			return TK_OK;
		default:
			return ctl_usage_error(ctl);
		}
	}
	if (optind != argc)
		return out_finish(o, TK_EUSAGE, "activate takes no arguments");

	ret = ctl_lock(ctl, &lock_fd);
	if (ret)
		return ret;
	ret = ctl_open_device(ctl, &fd);
	if (ret)
		goto out;

	ret = state_read(ctl->state_dir, state, sizeof(state), &state_len);
	if (ret != -ENOENT) {
		ret = out_finish(o, TK_EKEYEXISTS,
				 "a key already exists (%s/%s): load it with 'tpmkeyctl load', or destroy it with 'tpmkeyctl erase'",
				 ctl->state_dir, TPMKEY_STATE_FILE);
		goto out;
	}

	ret = ctl_provision(ctl, &tpm);
	if (ret)
		goto out;

	ret = tpmkey_activate(fd, key_len, tpm.parent, tpm.nv_index, state,
			      &state_len, key_id);
	if (ret == -EKEYREJECTED) {
		ret = out_finish(o, TK_ENOTPM,
				 "the TPM refused to seal a key under 0x%08x",
				 tpm.parent);
		goto out;
	} else if (ret) {
		ret = ctl_kernel_error(ctl, ret, "activate");
		goto out;
	}
	ret = ctl_store_state(ctl, fd, state, state_len, key_id);
	if (ret)
		goto out;

	ctl_format_id(key_id, id);
	out_field_str(o, "key_id", id);
	out_field_uint(o, "key_size", key_len);
	out_field_uint(o, "parent_handle", tpm.parent);
	out_field_uint(o, "nv_index", tpm.nv_index);
	out_info(o, "Activated key %s (%u bytes), sealed by the TPM under 0x%08x.",
		 id, key_len, tpm.parent);
	out_info(o, "The key is in the keyring as logon:%s.", TPMKEY_KEYRING_DESC);
	out_info(o, "Make the backup now: tpmkeyctl backup. Until then, if the TPM fails, the data is lost.");
	ret = out_finish(o, TK_OK, NULL);
out:
	explicit_bzero(state, sizeof(state));
	if (fd >= 0)
		close(fd);
	if (lock_fd >= 0)
		close(lock_fd);
	return ret;
}
