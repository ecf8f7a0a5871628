// SPDX-License-Identifier: GPL-2.0
/*
 * tpmkeyctl: the userspace helper of the tpmkey kernel module.
 *
 * Built twice.  tpmkeyctl-full has every command and links libtpmkey with
 * tpm2-tss, libargon2, libdevmapper, libblkid and libkeyutils.  tpmkeyctl,
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
static int run_full(struct ctl *ctl)
{
	char path[PATH_MAX];
	ssize_t n;
	char *slash;

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
#endif

static int dispatch(struct ctl *ctl, int argc, char *argv[])
{
	const struct command *cmd = NULL;
	size_t i;

	for (i = 0; i < ctl_ncommands; i++)
		if (!strcmp(argv[0], ctl_commands[i].name))
			cmd = &ctl_commands[i];
	if (!cmd) {
		ctl->out.command = "tpmkeyctl";
		if (ctl->out.json)
			return out_finish(&ctl->out, TK_EUSAGE,
					  "unknown command '%s'", argv[0]);
		fprintf(stderr, "tpmkeyctl: unknown command '%s'\n", argv[0]);
		ctl_usage(stderr);
		return TK_EUSAGE;
	}
	ctl->out.command = cmd->name;
#ifdef TPMKEY_BOOT_PATH
	if (!(cmd->needs & BOOT))
		return run_full(ctl);
#endif
	ctl->out.audit = cmd->needs & AUDIT;
	if (ctl->out.audit)
		openlog("tpmkeyctl", LOG_PID, LOG_AUTHPRIV);
	return ctl_run(ctl, cmd, argc, argv);
}

int main(int argc, char *argv[])
{
	static const struct option options[] = {
		{ "state-dir", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "dump-table", no_argument, NULL, 'T' },	/* hidden */
		{ NULL, 0, NULL, 0 }
	};
	struct ctl ctl = {
		.out = { .out = stdout },
		.state_dir = TPMKEY_STATE_DIR_DEFAULT,
		.argv = argv,
	};
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
			ctl.state_dir_given = true;
			break;
		case 'j':
			ctl.out.json = true;
			break;
		case 'q':
			ctl.out.quiet = true;
			break;
		case 'h':
			ctl_usage(stdout);
			return TK_OK;
		case 'V':
			printf("tpmkeyctl %s (uapi %d)\n", TPMKEY_VERSION,
			       TPMKEY_UAPI_VERSION);
			return TK_OK;
		case 'T':
			ctl_dump_table(stdout);
			return TK_OK;
		default:
			ctl.out.command = "tpmkeyctl";
			if (ctl.out.json)
				return out_finish(&ctl.out, TK_EUSAGE,
						  "invalid global option: see 'tpmkeyctl --help'");
			ctl_usage(stderr);
			return TK_EUSAGE;
		}
	}
	if (optind >= argc) {
		ctl_usage(stderr);
		return TK_EUSAGE;
	}
	return dispatch(&ctl, argc - optind, argv + optind);
}
