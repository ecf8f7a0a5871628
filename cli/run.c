// SPDX-License-Identifier: GPL-2.0
/*
 * The one skeleton every command runs in: its options parsed from the
 * table, its positional arguments counted, root checked, the state
 * directory checked, the lock taken, the device opened and its status
 * read, as the command's needs say; then the command; then the cleanup.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctl.h"

/* getopt_long()'s view of @cmd's options; returns the short string. */
static void build_getopt(const struct command *cmd, struct option *lopts,
			 char *shorts)
{
	const enum ctl_opt *o;
	int n = 0;

	*shorts++ = '+';
	*shorts++ = 'h';
	for (o = cmd->opts; *o != O_END; o++, n++) {
		const struct ctl_option *opt = &ctl_options[*o];

		lopts[n] = (struct option){ opt->name,
			opt->has_arg ? required_argument : no_argument, NULL,
			0x100 + *o };
		if (opt->short_name) {
			*shorts++ = opt->short_name;
			if (opt->has_arg)
				*shorts++ = ':';
		}
	}
	lopts[n++] = (struct option){ "help", no_argument, NULL, 'h' };
	lopts[n] = (struct option){ NULL, 0, NULL, 0 };
	*shorts = '\0';
}

/* The table's id of getopt's answer @c (a long code or a short letter). */
static int option_id(const struct command *cmd, int c)
{
	const enum ctl_opt *o;

	if (c >= 0x100)
		return c - 0x100;
	for (o = cmd->opts; *o != O_END; o++)
		if (ctl_options[*o].short_name == c)
			return *o;
	return -1;
}

/* TK_OK, a usage error, or -1 after --help was answered. */
static int parse_options(struct ctl *ctl, int argc, char *argv[])
{
	const struct command *cmd = ctl->cmd;
	struct option lopts[MAX_CMD_OPTS + 2];
	char shorts[2 * MAX_CMD_OPTS + 3];
	int c, id, ret;

	build_getopt(cmd, lopts, shorts);
	optind = 0;	/* reset getopt for the command */
	while ((c = getopt_long(argc, argv, shorts, lopts, NULL)) != -1) {
		if (c == 'h') {
			ctl_command_usage(stdout, cmd);
			return -1;
		}
		id = option_id(cmd, c);
		if (id < 0)
			return ctl_usage_error(ctl);
		ret = ctl_options[id].set(ctl, optarg);
		if (ret)
			return ret;
	}
	ctl->args = argv + optind;
	ctl->nargs = argc - optind;
	if (ctl->nargs < cmd->min_args ||
	    (cmd->max_args >= 0 && ctl->nargs > cmd->max_args)) {
		if (!*cmd->args)
			return out_finish(&ctl->out, TK_EUSAGE,
					  "%s takes no arguments", cmd->name);
		return out_finish(&ctl->out, TK_EUSAGE,
				  "usage: tpmkeyctl %s %s", cmd->name,
				  cmd->args);
	}
	return TK_OK;
}

/*
 * A --state-dir given must exist: a mistyped one is not silently made.
 * activate and restore make the default one (0700) if it is missing.
 */
static int check_state_dir(struct ctl *ctl)
{
	struct stat sb;

	if (!stat(ctl->state_dir, &sb)) {
		if (!S_ISDIR(sb.st_mode))
			return out_finish(&ctl->out, TK_EUSAGE,
					  "the state directory %s is not a directory",
					  ctl->state_dir);
		return TK_OK;
	}
	if (errno != ENOENT || ctl->state_dir_given)
		return out_finish(&ctl->out, TK_EUSAGE,
				  "the state directory %s does not exist (--state-dir)",
				  ctl->state_dir);
	if ((ctl->cmd->needs & MAKE_STATE_DIR) &&
	    mkdir(ctl->state_dir, 0700) && errno != EEXIST)
		return out_finish(&ctl->out, TK_EINTERNAL,
				  "cannot create the state directory %s: %s",
				  ctl->state_dir, strerror(errno));
	return TK_OK;
}

/* The kernel's own module loader (request_module()'s), else /sbin's. */
static void modprobe_path(char *path, size_t size)
{
	FILE *f = fopen("/proc/sys/kernel/modprobe", "re");

	if (!f || !fgets(path, size, f) || path[0] != '/')
		snprintf(path, size, "/sbin/modprobe");
	path[strcspn(path, "\n")] = '\0';
	if (f)
		fclose(f);
}

/*
 * /dev/tpmkey is missing: the module is not loaded.  A command run by
 * the administrator loads it, so that the first "tpmkeyctl activate"
 * after the packages are installed works (no key yet, so nothing loaded
 * it at boot).  The boot path (load, status) leaves that to the boot
 * scripts, which have their own fallbacks.  TK_OK once the device is
 * there, -ENOENT if nothing was tried, or finished.
 */
static int load_module(struct ctl *ctl)
{
	char path[256];
	char *argv[] = { path, "tpmkey", NULL };
	int i, ret;

	if ((ctl->cmd->needs & BOOT) || geteuid() != 0)
		return -ENOENT;
	modprobe_path(path, sizeof(path));
	if (!ctl->out.quiet)
		fprintf(stderr, "tpmkeyctl: %s does not exist: loading the module (modprobe tpmkey)\n",
			TPMKEY_DEVICE_PATH);
	ret = ctl_spawn(argv, ctl->out.quiet);
	if (ret < 0)
		return out_finish(&ctl->out, TK_ENOTPM,
				  "%s does not exist and %s cannot run: %s; load the module (modprobe tpmkey)",
				  TPMKEY_DEVICE_PATH, path, strerror(-ret));
	if (ret)
		return out_finish(&ctl->out, TK_ENOTPM,
				  "%s does not exist and 'modprobe tpmkey' failed (exit %d): is the module built for this kernel ('dkms status' lists what tpmkey-dkms built), and signed where Secure Boot requires it?",
				  TPMKEY_DEVICE_PATH, ret);
	/* devtmpfs makes the node at once; plain udev may take a moment. */
	for (i = 0; i < 40 && access(TPMKEY_DEVICE_PATH, F_OK); i++)
		usleep(50 * 1000);
	if (access(TPMKEY_DEVICE_PATH, F_OK))
		return out_finish(&ctl->out, TK_ENOTPM,
				  "'modprobe tpmkey' succeeded, but %s did not appear",
				  TPMKEY_DEVICE_PATH);
	return TK_OK;
}

static int open_device(struct ctl *ctl)
{
	int ret = tpmkey_open();

	if (ret == -ENOENT) {
		ret = load_module(ctl);
		if (ret > 0)
			return ret;
		if (!ret)
			ret = tpmkey_open();
	}
	if (ret >= 0) {
		ctl->fd = ret;
		return TK_OK;
	}
	if (ret == -ENOENT)
		return out_finish(&ctl->out, TK_ENOTPM,
				  "%s does not exist: load the module first (modprobe tpmkey)",
				  TPMKEY_DEVICE_PATH);
	if (ret == -EACCES || ret == -EPERM)
		return out_finish(&ctl->out, TK_EUSAGE,
				  "cannot open %s: run tpmkeyctl as root",
				  TPMKEY_DEVICE_PATH);
	return out_finish(&ctl->out, TK_EINTERNAL, "cannot open %s: %s",
			  TPMKEY_DEVICE_PATH, strerror(-ret));
}

static int take_lock(struct ctl *ctl)
{
	int ret = tpmkey_lock();

	if (ret >= 0) {
		ctl->lock_fd = ret;
		return TK_OK;
	}
	if (ret == -EWOULDBLOCK)
		return out_finish(&ctl->out, TK_EBUSY,
				  "another tpmkeyctl is running: try again when it has finished");
	return out_finish(&ctl->out, TK_EINTERNAL, "cannot lock %s: %s",
			  TPMKEY_LOCK_PATH, strerror(-ret));
}

/* Everything the command's needs ask for, in this order. */
static int prepare(struct ctl *ctl)
{
	unsigned int needs = ctl->cmd->needs;
	int ret;

	if ((needs & NEED_ROOT) && geteuid() != 0)
		return out_finish(&ctl->out, TK_EUSAGE,
				  "%s must be run as root", ctl->cmd->name);
	ret = check_state_dir(ctl);
	if (!ret && (needs & NEED_LOCK))
		ret = take_lock(ctl);
	if (!ret && (needs & NEED_DEVICE))
		ret = open_device(ctl);
	if (!ret && (needs & NEED_STATUS)) {
		ret = tpmkey_get_status(ctl->fd, &ctl->st);
		if (ret)
			ret = ctl_error(ctl, ret, "status");
	}
	return ret;
}

int ctl_run(struct ctl *ctl, const struct command *cmd, int argc,
	    char *argv[])
{
	int ret;

	ctl->cmd = cmd;
	ctl->fd = -1;
	ctl->lock_fd = -1;
	ctl->tpm = (struct tpm_options){ TPMKEY_TCTI_DEFAULT,
		TPMKEY_DEFAULT_PARENT, TPMKEY_DEFAULT_NV_INDEX };
	ctl->pw.source = PASSWORD_TTY;
	ctl->wait_ms = 5000;
	ctl->key_len = TPMKEY_DEK_SIZE_MAX;
	tpmkey_kdf_default(&ctl->kdf);

	ret = parse_options(ctl, argc, argv);
	if (ret)
		return ret < 0 ? TK_OK : ret;
	ret = prepare(ctl);
	if (!ret)
		ret = cmd->run(ctl);
	if (ctl->fd >= 0)
		close(ctl->fd);
	if (ctl->lock_fd >= 0)
		close(ctl->lock_fd);
	return ret;
}
