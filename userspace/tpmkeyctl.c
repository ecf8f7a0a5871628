// SPDX-License-Identifier: GPL-2.0
/*
 * tpmkeyctl: the userspace helper of the tpmkey kernel module.
 *
 * Built twice.  tpmkeyctl-full has every command and links tpm2-tss,
 * OpenSSL, libargon2, libdevmapper, libblkid and libkeyutils.  tpmkeyctl,
 * the command people and init scripts run, is built with
 * TPMKEY_BOOT_PATH: a static executable with only the commands of the boot
 * path (load, status), which need nothing but the kernel, so that loading
 * the key at boot maps, relocates and initialises no library; every other
 * command it hands to tpmkeyctl-full with the same command line.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <linux/tpmkey.h>

#include "ctl.h"

#ifndef TPMKEY_VERSION
#define TPMKEY_VERSION "unknown"
#endif

#ifndef TPMKEY_LIBEXECDIR
#define TPMKEY_LIBEXECDIR "/usr/libexec/tpmkey"
#endif

#ifdef TPMKEY_BOOT_PATH
/*
 * Runs the command line in tpmkeyctl-full: the one next to this program
 * (a build tree), else the installed one.  /proc/self/exe, not $PATH or
 * the environment, says where "next to" is.
 */
static int cmd_full(struct ctl *ctl, int argc, char *argv[])
{
	char path[PATH_MAX];
	ssize_t n;
	char *slash;

	(void)argc;
	(void)argv;
	n = readlink("/proc/self/exe", path, sizeof(path) - 1);
	if (n > 0) {
		path[n] = '\0';
		slash = strrchr(path, '/');
		if (slash && (size_t)(slash - path) + sizeof("/tpmkeyctl-full") <=
			     sizeof(path)) {
			strcpy(slash, "/tpmkeyctl-full");
			execv(path, ctl->argv);
		}
	}
	execv(TPMKEY_LIBEXECDIR "/tpmkeyctl-full", ctl->argv);
	return out_finish(&ctl->out, TK_EINTERNAL, "cannot run %s: %s",
			  TPMKEY_LIBEXECDIR "/tpmkeyctl-full", strerror(errno));
}
#define FULL(cmd) cmd_full
#else
#define FULL(cmd) cmd
#endif

static const struct subcommand subcommands[] = {
	{ "status", cmd_status, false, "[--json]",
	  "show the TPM, the module and the key" },
	{ "activate", FULL(cmd_activate), true, "[--key-size 32|64]",
	  "create a new TPM-sealed key" },
	{ "load", cmd_load, true, "",
	  "load the key into the keyring (at boot)" },
	{ "erase", FULL(cmd_erase), true, "[--yes] [--wipe DEV...]",
	  "destroy the key (initialize all data)" },
	{ "backup", FULL(cmd_backup), true, "[--password-fd N]",
	  "the one-time backup to a USB stick" },
	{ "verify-backup", FULL(cmd_verify_backup), true, "[--password-fd N]",
	  "check the backup on the stick" },
	{ "restore", FULL(cmd_restore), true, "[--password-fd N]",
	  "bring the key back on a new TPM" },
	{ "open", FULL(cmd_open), true, "DEVICE NAME",
	  "map DEVICE with dm-crypt and the key" },
	{ "close", FULL(cmd_close), true, "NAME",
	  "remove the dm-crypt mapping NAME" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: tpmkeyctl [--state-dir DIR] [--json] [--quiet] COMMAND [ARGS]\n\n"
		"Commands:\n");
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		fprintf(f, "  %-14s %-24s %s\n", subcommands[i].name,
			subcommands[i].args, subcommands[i].summary);
	fprintf(f, "\nRun 'tpmkeyctl COMMAND --help' for a command's options.\n");
}

int main(int argc, char *argv[])
{
	static const struct option options[] = {
		{ "state-dir", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct ctl ctl = {
		.out = { .out = stdout },
		.state_dir = TPMKEY_DEFAULT_STATE_DIR,
		.argv = argv,
	};
	size_t i;
	int c;

	/*
	 * tpm2-tss logs expected failures (an empty handle, say) as errors;
	 * tpmkeyctl reports what matters itself.  TSS2_LOG still wins.
	 */
	setenv("TSS2_LOG", "all+none", 0);

	/* Global options stop at the command name. */
	while ((c = getopt_long(argc, argv, "+d:jqhV", options, NULL)) != -1) {
		switch (c) {
		case 'd':
			ctl.state_dir = optarg;
			break;
		case 'j':
			ctl.out.json = true;
			break;
		case 'q':
			ctl.out.quiet = true;
			break;
		case 'h':
			usage(stdout);
			return TK_OK;
		case 'V':
			printf("tpmkeyctl %s (uapi %d)\n", TPMKEY_VERSION,
			       TPMKEY_UAPI_VERSION);
			return TK_OK;
		default:
			usage(stderr);
			return TK_EUSAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return TK_EUSAGE;
	}

	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++) {
		if (!strcmp(argv[optind], subcommands[i].name)) {
			argc -= optind;
			argv += optind;
			optind = 0;	/* reset getopt for the subcommand */
			ctl.out.command = subcommands[i].name;
			ctl.out.audit = subcommands[i].audit;
			if (ctl.out.audit)
				openlog("tpmkeyctl", LOG_PID, LOG_AUTHPRIV);
			return subcommands[i].run(&ctl, argc, argv);
		}
	}
	ctl.out.command = "tpmkeyctl";
	if (ctl.out.json)
		return out_finish(&ctl.out, TK_EUSAGE, "unknown command '%s'",
				  argv[optind]);
	fprintf(stderr, "tpmkeyctl: unknown command '%s'\n", argv[optind]);
	usage(stderr);
	return TK_EUSAGE;
}
