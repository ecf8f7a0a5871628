// SPDX-License-Identifier: GPL-2.0
/*
 * The one table of tpmkeyctl's commands and options: what --help prints,
 * what the runner parses and prepares, and what --dump-table gives the
 * tests that hold the man page and the bash completion against it.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "ctl.h"

/*
 * The static boot-path tpmkeyctl has only load and status; it hands every
 * other command to tpmkeyctl-full before the runner (tpmkeyctl.c).
 */
#ifdef TPMKEY_BOOT_PATH
#define FULL(cmd) NULL
#else
#define FULL(cmd) cmd
#endif

/* A number for @name within [min, max]; TK_OK or a usage error. */
static int parse_u32(struct ctl *ctl, const char *arg, int base,
		     unsigned long min, unsigned long max, uint32_t *out,
		     const char *msg)
{
	unsigned long v;
	char *end;

	/*
	 * Checked before it is narrowed ("4294967328" is not 32) and digits
	 * only (strtoul() would take "-2130706431" for 0x81000001).
	 */
	errno = 0;
	v = strtoul(arg, &end, base);
	if (errno || *end || !isdigit((unsigned char)*arg) || v < min ||
	    v > max)
		return out_finish(&ctl->out, TK_EUSAGE, "%s", msg);
	*out = v;
	return TK_OK;
}

static int set_json(struct ctl *ctl, const char *arg)
{
	(void)arg;
	ctl->out.json = true;
	return TK_OK;
}

static int set_key_size(struct ctl *ctl, const char *arg)
{
	int ret = parse_u32(ctl, arg, 0, TPMKEY_DEK_SIZE_MIN,
			    TPMKEY_DEK_SIZE_MAX, &ctl->key_len,
			    "--key-size is 32 or 64 (bytes)");

	if (!ret && !TPMKEY_DEK_SIZE_VALID(ctl->key_len))
		return out_finish(&ctl->out, TK_EUSAGE,
				  "--key-size is 32 or 64 (bytes)");
	return ret;
}

static int set_pcrs(struct ctl *ctl, const char *arg)
{
	if (tpmkey_parse_pcrs(arg, &ctl->pcr_mask))
		return out_finish(&ctl->out, TK_EUSAGE,
				  "--pcrs takes PCR numbers 0-15 joined by '+' or ',' (e.g. 0+7), or 'none'");
	ctl->pcrs_given = true;
	return TK_OK;
}

static int set_parent(struct ctl *ctl, const char *arg)
{
	return parse_u32(ctl, arg, 0, 0x81000000, 0x81ffffff, &ctl->tpm.parent,
			 "--parent is a persistent handle 0x81000000-0x81ffffff");
}

static int set_nv_index(struct ctl *ctl, const char *arg)
{
	return parse_u32(ctl, arg, 0, 0x01000000, 0x01ffffff,
			 &ctl->tpm.nv_index,
			 "--nv-index is an NV index 0x01000000-0x01ffffff");
}

static int set_tcti(struct ctl *ctl, const char *arg)
{
	ctl->tpm.tcti = arg;
	return TK_OK;
}

static int set_yes(struct ctl *ctl, const char *arg)
{
	(void)arg;
	ctl->yes = true;
	return TK_OK;
}

static int set_wipe(struct ctl *ctl, const char *arg)
{
	(void)arg;
	ctl->wipe = true;
	return TK_OK;
}

static int set_password_fd(struct ctl *ctl, const char *arg)
{
	uint32_t fd;
	int ret;

	/* "" is no number, not descriptor 0 (stdin). */
	ret = parse_u32(ctl, arg, 10, 0, 1024 * 1024, &fd,
			"--password-fd takes a file descriptor number");
	if (ret)
		return ret;
	ctl->pw.source = PASSWORD_FD;
	ctl->pw.fd = fd;
	return TK_OK;
}

static int set_password_file(struct ctl *ctl, const char *arg)
{
	ctl->pw.source = PASSWORD_FILE;
	ctl->pw.path = arg;
	return TK_OK;
}

static int set_wait(struct ctl *ctl, const char *arg)
{
	uint32_t s;
	int ret = parse_u32(ctl, arg, 10, 0, 3600, &s,
			    "--wait takes seconds, 0-3600");

	if (!ret)
		ctl->wait_ms = s * 1000;
	return ret;
}

#define KDF_MSG "--kdf-time, --kdf-memory (KiB) and --kdf-lanes take numbers"

static int set_kdf_time(struct ctl *ctl, const char *arg)
{
	return parse_u32(ctl, arg, 10, 0, UINT32_MAX, &ctl->kdf.time, KDF_MSG);
}

static int set_kdf_memory(struct ctl *ctl, const char *arg)
{
	return parse_u32(ctl, arg, 10, 0, UINT32_MAX, &ctl->kdf.memory_kib,
			 KDF_MSG);
}

static int set_kdf_lanes(struct ctl *ctl, const char *arg)
{
	return parse_u32(ctl, arg, 10, 0, UINT32_MAX, &ctl->kdf.lanes,
			 KDF_MSG);
}

static int set_trust_kdf(struct ctl *ctl, const char *arg)
{
	(void)arg;
	ctl->trust_kdf = true;
	return TK_OK;
}

static int set_no_update_initramfs(struct ctl *ctl, const char *arg)
{
	(void)arg;
	ctl->no_update_initramfs = true;
	return TK_OK;
}

const struct ctl_option ctl_options[O_COUNT] = {
	[O_JSON] = { "json", 'j', false, NULL, set_json },
	[O_KEY_SIZE] = { "key-size", 's', true, "32|64", set_key_size },
	[O_PCRS] = { "pcrs", 0, true, "LIST", set_pcrs },
	[O_PARENT] = { "parent", 0, true, "HANDLE", set_parent },
	[O_NV_INDEX] = { "nv-index", 0, true, "INDEX", set_nv_index },
	[O_TCTI] = { "tcti", 0, true, "TCTI", set_tcti },
	[O_YES] = { "yes", 'y', false, NULL, set_yes },
	[O_WIPE] = { "wipe", 'w', false, "DEVICE...", set_wipe },
	[O_PASSWORD_FD] = { "password-fd", 0, true, "N", set_password_fd },
	[O_PASSWORD_FILE] = { "password-file", 0, true, "PATH",
			      set_password_file },
	[O_WAIT] = { "wait", 0, true, "SECONDS", set_wait },
	[O_KDF_TIME] = { "kdf-time", 0, true, "N", set_kdf_time },
	[O_KDF_MEMORY] = { "kdf-memory", 0, true, "KIB", set_kdf_memory },
	[O_KDF_LANES] = { "kdf-lanes", 0, true, "N", set_kdf_lanes },
	[O_TRUST_KDF] = { "trust-kdf", 0, false, NULL, set_trust_kdf },
	[O_NO_UPDATE_INITRAMFS] = { "no-update-initramfs", 0, false, NULL,
				    set_no_update_initramfs },
};

#define TPM_OPTS O_PARENT, O_NV_INDEX, O_TCTI
#define PASSWORD_OPTS O_PASSWORD_FD, O_PASSWORD_FILE, O_WAIT
#define CHANGES (NEED_ROOT | NEED_LOCK | NEED_DEVICE | AUDIT)

const struct command ctl_commands[] = {
	{ "status", cmd_status, NEED_DEVICE | NEED_STATUS | BOOT, "", 0, 0,
	  "show the TPM, the module and the key", { O_JSON } },
	{ "activate", FULL(cmd_activate), CHANGES | MAKE_STATE_DIR, "", 0, 0,
	  "create a new TPM-sealed key",
	  { O_KEY_SIZE, O_PCRS, TPM_OPTS, O_NO_UPDATE_INITRAMFS } },
	{ "load", cmd_load, CHANGES | BOOT, "", 0, 0,
	  "load the key into the keyring (at boot)", { O_END } },
	{ "erase", FULL(cmd_erase), CHANGES | NEED_STATUS, "", 0, -1,
	  "destroy the key (initialize all data)",
	  { O_YES, O_NO_UPDATE_INITRAMFS, O_WIPE } },
	{ "backup", FULL(cmd_backup), CHANGES | NEED_STATUS, "", 0, 0,
	  "the one-time backup to a USB stick",
	  { PASSWORD_OPTS, O_KDF_TIME, O_KDF_MEMORY, O_KDF_LANES, O_TCTI } },
	{ "verify-backup", FULL(cmd_verify_backup), NEED_DEVICE | NEED_STATUS | AUDIT,
	  "", 0, 0, "check the backup on the stick",
	  { PASSWORD_OPTS, O_TRUST_KDF } },
	{ "restore", FULL(cmd_restore), CHANGES | NEED_STATUS | MAKE_STATE_DIR, "",
	  0, 0, "bring the key back on a new TPM",
	  { PASSWORD_OPTS, O_TRUST_KDF, O_PCRS, TPM_OPTS,
	    O_NO_UPDATE_INITRAMFS } },
	{ "reseal", FULL(cmd_reseal), CHANGES | NEED_STATUS, "", 0, 0,
	  "seal the loaded key again (other PCRs)",
	  { O_PCRS, O_NO_UPDATE_INITRAMFS } },
	{ "open", FULL(cmd_open), NEED_DEVICE | NEED_STATUS | AUDIT, "DEVICE NAME",
	  2, 2, "map DEVICE with dm-crypt and the key", { O_END } },
	{ "close", FULL(cmd_close), AUDIT, "NAME", 1, 1,
	  "remove the dm-crypt mapping NAME", { O_END } },
};

const size_t ctl_ncommands = sizeof(ctl_commands) / sizeof(ctl_commands[0]);

void ctl_usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: tpmkeyctl [--state-dir DIR] [--json] [--quiet] COMMAND [ARGS]\n\n"
		"Commands:\n");
	for (i = 0; i < ctl_ncommands; i++)
		fprintf(f, "  %-14s %s\n", ctl_commands[i].name,
			ctl_commands[i].summary);
	fprintf(f, "\nRun 'tpmkeyctl COMMAND --help' for a command's options.\n");
}

/* "activate [--key-size 32|64] [--pcrs LIST] ...": man page style. */
static void synopsis(FILE *f, const struct command *cmd)
{
	const enum ctl_opt *o;

	fputs(cmd->name, f);
	for (o = cmd->opts; *o != O_END; o++) {
		const struct ctl_option *opt = &ctl_options[*o];

		fprintf(f, " [--%s%s%s]", opt->name, opt->shown ? " " : "",
			opt->shown ? opt->shown : "");
	}
	if (*cmd->args)
		fprintf(f, " %s", cmd->args);
}

void ctl_command_usage(FILE *f, const struct command *cmd)
{
	fputs("Usage: tpmkeyctl ", f);
	synopsis(f, cmd);
	fprintf(f, "\n%s.\n", cmd->summary);
	if (cmd->opts[0] != O_END)
		fprintf(f, "See tpmkeyctl(8) for what each option does.\n");
}

void ctl_dump_table(FILE *f)
{
	size_t i;

	for (i = 0; i < ctl_ncommands; i++) {
		synopsis(f, &ctl_commands[i]);
		fputc('\n', f);
	}
}
