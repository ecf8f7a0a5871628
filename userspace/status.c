// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <getopt.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"
#include "lib/libtpmkey.h"

static const char *backend_name(uint32_t backend)
{
	switch (backend) {
	case TPMKEY_BACKEND_TRUSTED:
		return "trusted-keys";
	case TPMKEY_BACKEND_TPM2:
		return "tpm2";
	default:
		return "none";
	}
}

int cmd_status(struct ctl *ctl, int argc, char *argv[])
{
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct output *o = &ctl->out;
	struct tpmkey_status st;
	bool tpm2, trusted, active;
	int fd, ret, c;

	while ((c = getopt_long(argc, argv, "jh", options, NULL)) != -1) {
		switch (c) {
		case 'j':
			o->json = true;
			break;
		case 'h':
			printf("Usage: tpmkeyctl status [--json]\n");
			return TK_OK;
		default:
			return ctl_usage_error(ctl);
		}
	}
	if (optind != argc)
		return out_finish(o, TK_EUSAGE, "status takes no arguments");

	ret = ctl_open_device(ctl, &fd);
	if (ret)
		return ret;
	ret = tpmkey_get_status(fd, &st);
	close(fd);
	if (ret)
		return out_finish(o, TK_EINTERNAL, "STATUS failed: %s",
				  strerror(-ret));

	tpm2 = st.tpm_flags & TPMKEY_TPM_2;
	trusted = st.features & TPMKEY_FEAT_TRUSTED_KEYS;
	active = st.state == TPMKEY_STATE_ACTIVE;

	out_field_uint(o, "uapi_version", st.uapi_version);
	out_field_bool(o, "tpm_present", st.tpm_flags & TPMKEY_TPM_PRESENT);
	out_field_str(o, "tpm_version", tpm2 ? "2.0" :
		      (st.tpm_flags & TPMKEY_TPM_PRESENT) ? "1.2" : "none");
	out_field_bool(o, "trusted_keys", trusted);
	out_field_str(o, "state", active ? "active" : "inactive");
	out_field_bool(o, "key_loaded", active);
	out_line(o, "uapi version:", "%u", st.uapi_version);
	out_line(o, "TPM:", "%s", tpm2 ? "2.0" :
		 (st.tpm_flags & TPMKEY_TPM_PRESENT) ? "1.2 (unsupported)" :
		 "none");
	out_line(o, "trusted keys:", "%s", trusted ? "yes" : "no");
	out_field_str(o, "new_key_backend", backend_name(st.new_key_backend));
	out_line(o, "new keys:", "sealed with %s",
		 backend_name(st.new_key_backend));
	out_line(o, "state:", "%s", active ? "active" : "inactive");
	if (active) {
		char when[64], id[TPMKEY_ID_HEX_SIZE];
		time_t t = (time_t)st.created;
		struct tm tm;

		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ",
			 gmtime_r(&t, &tm));
		out_field_hex(o, "key_id", st.key_id, sizeof(st.key_id));
		out_field_uint(o, "key_size", st.key_len);
		out_field_uint(o, "created", st.created);
		out_field_uint(o, "parent_handle", st.parent_handle);
		out_field_str(o, "backend", backend_name(st.backend));
		out_field_uint(o, "nv_index", st.nv_index);
		out_field_bool(o, "backup_made",
			       st.key_flags & TPMKEY_KEY_BACKED_UP);
		ctl_format_id(st.key_id, id);
		out_line(o, "key id:", "%s", id);
		out_line(o, "key size:", "%u bytes", st.key_len);
		out_line(o, "created:", "%s", when);
		out_line(o, "storage key:", "0x%08x", st.parent_handle);
		out_line(o, "backend:", "%s", backend_name(st.backend));
		out_line(o, "backup:", "%s",
			 st.key_flags & TPMKEY_KEY_BACKED_UP ? "made" :
			 "NOT MADE: run 'tpmkeyctl backup' now; if the TPM fails, the data is lost");
	}
	if (!active) {
		uint8_t state[TPMKEY_STATE_SIZE_MAX];
		bool have_state;
		size_t len;

		have_state = state_read(ctl->state_dir, state, sizeof(state),
					&len) != -ENOENT;
		out_field_bool(o, "state_file", have_state);
		if (have_state)
			out_line(o, "state file:", "%s/%s present, key not loaded: run 'tpmkeyctl load'",
				 ctl->state_dir, TPMKEY_STATE_FILE);
	}
	if (!(st.tpm_flags & TPMKEY_TPM_PRESENT))
		return out_finish(o, TK_ENOTPM, "no TPM found");
	if (!tpm2)
		return out_finish(o, TK_ENOTPM, "the TPM is not a TPM 2.0");
	if (st.new_key_backend == TPMKEY_BACKEND_NONE)
		return out_finish(o, TK_ENOTPM,
				  "the module was loaded with backend=trusted, but the kernel has no trusted keys (CONFIG_TRUSTED_KEYS)");
	return out_finish(o, TK_OK, NULL);
}
