// SPDX-License-Identifier: GPL-2.0
/*
 * The initramfs's copy of the state file.  tpmkey's initramfs-tools hook
 * copies /var/lib/tpmkey/key.state into the initramfs when a volume of
 * /etc/tpmkey/volumes is marked "initramfs" (the root file system), and
 * the initramfs loads the key from that copy.  activate, restore, reseal
 * and erase change the state file, so they rebuild the initramfs
 * ("update-initramfs -u -k all") when all of these hold:
 *
 *   - not --no-update-initramfs;
 *   - not running in the initramfs itself (the recovery at its prompt:
 *     the new state is on /run, and there is no update-initramfs there);
 *   - the hook is installed (initramfs-tools and tpmkey's hook);
 *   - the state directory is the one the hook copies from;
 *   - a volume is marked "initramfs": otherwise the initramfs holds no
 *     state and a rebuild would change nothing.
 *
 * The key operation has succeeded by then, so a failed rebuild is a
 * warning with the command to run again, never a failure of the command.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctl.h"

#define INITRAMFS_HOOK		"/usr/share/initramfs-tools/hooks/tpmkey"
#define UPDATE_INITRAMFS	"/usr/sbin/update-initramfs"
#define UPDATE_CMD		"update-initramfs -u -k all"
#define VOLUMES_SH		TPMKEY_SHAREDIR "/volumes.sh"

/* /conf/initramfs.conf: initramfs-tools; /etc/initrd-release: dracut. */
static bool in_initramfs(void)
{
	return !access("/conf/initramfs.conf", F_OK) ||
	       !access("/etc/initrd-release", F_OK);
}

/* Is @dir the directory the hook copies key.state from? */
static bool hook_state_dir(const char *dir)
{
	struct stat a, b;

	if (stat(dir, &a) || stat(TPMKEY_STATE_DIR_DEFAULT, &b))
		return false;
	return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/*
 * Is a volume marked "initramfs"?  volumes.sh answers, as it answers the
 * hook (TPMKEY_VOLUMES names the file for both), so that the file is read
 * in one place.  If it cannot answer, the answer is yes: a rebuild that
 * changes nothing costs time, a missed one the next boot's root.
 */
static bool initramfs_volume(void)
{
	char *argv[] = { "/bin/sh", "-c",
			 ". \"$0\" && test -n \"$(tk_initramfs_volumes)\"",
			 VOLUMES_SH, NULL };

	return ctl_spawn(argv, true) != 1;
}

void ctl_update_initramfs(struct ctl *ctl)
{
	char *argv[] = { UPDATE_INITRAMFS, "-u", "-k", "all", NULL };
	struct output *o = &ctl->out;
	int ret;

	if (ctl->no_update_initramfs || in_initramfs() ||
	    access(INITRAMFS_HOOK, F_OK) || !hook_state_dir(ctl->state_dir) ||
	    !initramfs_volume())
		return;
	if (!o->quiet)
		fprintf(stderr, "tpmkeyctl: the initramfs keeps a copy of %s/%s for the volumes marked \"initramfs\": running %s\n",
			TPMKEY_STATE_DIR_DEFAULT, TPMKEY_STATE_FILE,
			UPDATE_CMD);
	ret = ctl_spawn(argv, o->quiet);
	if (!ret) {
		out_field_str(o, "initramfs", "updated");
		return;
	}
	out_field_str(o, "initramfs", "failed");
	if (ret < 0)
		fprintf(stderr, "tpmkeyctl: warning: cannot run %s: %s.",
			UPDATE_INITRAMFS, strerror(-ret));
	else
		fprintf(stderr, "tpmkeyctl: warning: '%s' failed (exit %d).",
			UPDATE_CMD, ret);
	fprintf(stderr, " The %s itself succeeded, but the initramfs still holds the previous copy of %s/%s: fix the cause and run '%s' before rebooting%s.\n",
		ctl->cmd->name, TPMKEY_STATE_DIR_DEFAULT, TPMKEY_STATE_FILE,
		UPDATE_CMD, strcmp(ctl->cmd->name, "erase") ?
		", or the volumes marked \"initramfs\" are not mapped at boot" :
		"");
}
