// SPDX-License-Identifier: GPL-2.0
/* status: the TPM, the module, the key and its protections. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ctl.h"

/* "bus,boot-lock,tpm-erase" of TPMKEY_PROT_* bits; "" for none. */
static void format_prot(uint32_t prot, char *buf, size_t size)
{
	snprintf(buf, size, "%s%s%s%s%s",
		 prot & TPMKEY_PROT_BUS ? "bus" : "",
		 (prot & TPMKEY_PROT_BUS) && (prot & ~TPMKEY_PROT_BUS) ? "," : "",
		 prot & TPMKEY_PROT_BOOT_LOCK ? "boot-lock" : "",
		 (prot & TPMKEY_PROT_BOOT_LOCK) && (prot & TPMKEY_PROT_TPM_ERASE) ?
		 "," : "",
		 prot & TPMKEY_PROT_TPM_ERASE ? "tpm-erase" : "");
}

/* The boot-phase lock and what new keys get. */
static void show_lock(struct output *o, const struct tpmkey_status *st)
{
	bool closed = st->lock_flags & TPMKEY_LOCK_CLOSED;
	bool test = st->lock_flags & TPMKEY_LOCK_TEST_PCR;
	bool active = st->state == TPMKEY_STATE_ACTIVE;
	uint32_t lock_prot = active ? st->protections : st->new_key_protections;
	char prot[64];

	format_prot(st->new_key_protections, prot, sizeof(prot));
	out_field_uint(o, "lock_pcr", st->lock_pcr);
	out_field_bool(o, "lock_closed", closed);
	out_field_bool(o, "lock_test_pcr", test);
	out_field_str(o, "new_key_protections", prot);
	if (!(lock_prot & TPMKEY_PROT_BOOT_LOCK))
		out_line(o, "boot lock:", "none (%s has none)",
			 active ? "the loaded key's backend" :
				  "the backend for new keys");
	else
		out_line(o, "boot lock:", "PCR %u, %s%s", st->lock_pcr,
			 closed ? "closed until reboot" : "open",
			 test ? " (test PCR: locks nothing)" : "");
	out_line(o, "new keys get:", "%s", *prot ? prot : "no extra protection");
}

static void show_key(struct output *o, const struct tpmkey_status *st)
{
	char when[64], id[TPMKEY_ID_HEX_SIZE], pcrs[64], prot[64];
	time_t t = (time_t)st->created;
	struct tm tm;

	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
	tpmkey_format_id(st->key_id, id);
	tpmkey_format_pcrs(st->pcr_mask, pcrs, sizeof(pcrs));
	format_prot(st->protections, prot, sizeof(prot));
	out_field_str(o, "key_id", id);
	out_field_uint(o, "key_size", st->key_len);
	out_field_uint(o, "created", st->created);
	out_field_uint(o, "parent_handle", st->parent_handle);
	out_field_uint(o, "key_handle", st->key_handle);
	out_field_str(o, "backend", tpmkey_backend_name(st->backend));
	out_field_uint(o, "nv_index", st->nv_index);
	out_field_bool(o, "backup_made", st->key_flags & TPMKEY_KEY_BACKED_UP);
	out_field_str(o, "pcrs", pcrs);
	out_field_str(o, "protections", prot);
	out_line(o, "key id:", "%s", id);
	out_line(o, "key size:", "%u bytes", st->key_len);
	out_line(o, "created:", "%s", when);
	out_line(o, "storage key:", "0x%08x", st->parent_handle);
	if (st->key_handle)
		out_line(o, "key object:", "0x%08x", st->key_handle);
	out_line(o, "backend:", "%s", tpmkey_backend_name(st->backend));
	out_line(o, "bound PCRs:", "%s", *pcrs ? pcrs : "none");
	out_line(o, "protections:", "%s", *prot ? prot : "none");
	out_line(o, "backup:", "%s", st->key_flags & TPMKEY_KEY_BACKED_UP ?
		 "made" :
		 "NOT MADE: run 'tpmkeyctl backup' now; if the TPM fails, the data is lost");
}

int cmd_status(struct ctl *ctl)
{
	struct output *o = &ctl->out;
	const struct tpmkey_status *st = &ctl->st;
	bool tpm2 = st->tpm_flags & TPMKEY_TPM_2;
	bool present = st->tpm_flags & TPMKEY_TPM_PRESENT;
	bool trusted = st->features & TPMKEY_FEAT_TRUSTED_KEYS;
	bool active = st->state == TPMKEY_STATE_ACTIVE;

	out_field_uint(o, "uapi_version", st->uapi_version);
	out_field_bool(o, "tpm_present", present);
	out_field_str(o, "tpm_version", tpm2 ? "2.0" : present ? "1.2" : "none");
	out_field_bool(o, "trusted_keys", trusted);
	out_field_str(o, "state", active ? "active" : "inactive");
	out_field_bool(o, "key_loaded", active);
	out_line(o, "uapi version:", "%u", st->uapi_version);
	out_line(o, "TPM:", "%s", tpm2 ? "2.0" :
		 present ? "1.2 (unsupported)" : "none");
	out_line(o, "trusted keys:", "%s", trusted ? "yes" : "no");
	out_field_str(o, "new_key_backend",
		      tpmkey_backend_name(st->new_key_backend));
	out_line(o, "new keys:", "sealed with %s",
		 tpmkey_backend_name(st->new_key_backend));
	show_lock(o, st);
	out_line(o, "state:", "%s", active ? "active" : "inactive");
	if (active) {
		show_key(o, st);
	} else {
		uint8_t state[TPMKEY_STATE_SIZE_MAX];
		bool have_state;
		size_t len;

		have_state = tpmkey_state_read(ctl->state_dir, state,
					       sizeof(state), &len) != -ENOENT;
		out_field_bool(o, "state_file", have_state);
		if (have_state)
			out_line(o, "state file:", "%s/%s present, key not loaded: run 'tpmkeyctl load'",
				 ctl->state_dir, TPMKEY_STATE_FILE);
	}
	if (!present)
		return out_finish(o, TK_ENOTPM, "no TPM found");
	if (!tpm2)
		return out_finish(o, TK_ENOTPM, "the TPM is not a TPM 2.0");
	if (st->new_key_backend == TPMKEY_BACKEND_NONE)
		return out_finish(o, TK_ENOTPM,
				  "the module was loaded with backend=trusted, but the kernel has no trusted keys (CONFIG_TRUSTED_KEYS)");
	return out_finish(o, TK_OK, NULL);
}
