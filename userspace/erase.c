// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "lib/libtpmkey.h"
#include "wipe.h"

static bool confirm(void)
{
	char answer[16];
	FILE *tty = fopen("/dev/tty", "r+");
	bool yes;

	if (!tty)
		return false;
	fprintf(tty, "This destroys the disk-encryption key: data encrypted with it becomes\n"
		"unreadable, unless a backup stick made earlier restores the key.\n"
		"Type 'erase' to continue: ");
	fflush(tty);
	yes = fgets(answer, sizeof(answer), tty) &&
	      !strcmp(answer, "erase\n");
	fclose(tty);
	return yes;
}

int cmd_erase(struct ctl *ctl, int argc, char *argv[])
{
	static const struct option options[] = {
		{ "yes", no_argument, NULL, 'y' },
		{ "wipe", no_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct output *o = &ctl->out;
	uint8_t state[TPMKEY_STATE_SIZE_MAX], key_id[TPMKEY_KEY_ID_SIZE] = { 0 };
	char id[TPMKEY_ID_HEX_SIZE], holder[256];
	bool yes = false, wipe = false, active, have_state;
	int fd = -1, lock_fd = -1, ret, c, i;
	struct tpmkey_status st;
	size_t state_len;

	while ((c = getopt_long(argc, argv, "ywh", options, NULL)) != -1) {
		switch (c) {
		case 'y':
			yes = true;
			break;
		case 'w':
			wipe = true;
			break;
		case 'h':
			printf("Usage: tpmkeyctl erase [--yes] [--wipe DEVICE...]\n");
			return TK_OK;
		default:
			return ctl_usage_error(ctl);
		}
	}
	if (wipe != (optind < argc))
		return out_finish(o, TK_EUSAGE,
				  wipe ? "--wipe needs the encrypted devices to wipe" :
					 "erase takes no arguments without --wipe");

	ret = ctl_lock(ctl, &lock_fd);
	if (ret)
		return ret;
	ret = ctl_open_device(ctl, &fd);
	if (ret)
		goto out;
	ret = tpmkey_get_status(fd, &st);
	if (ret) {
		ret = ctl_kernel_error(ctl, ret, "status");
		goto out;
	}
	active = st.state == TPMKEY_STATE_ACTIVE;
	ret = state_read(ctl->state_dir, state, sizeof(state), &state_len);
	have_state = ret != -ENOENT;
	if (active)
		memcpy(key_id, st.key_id, sizeof(key_id));
	else if (have_state)
		ctl_state_key_id(state, state_len, key_id);
	if (!active && !have_state) {
		ret = out_finish(o, TK_ENOKEY, "not activated: there is no key to erase");
		goto out;
	}

	/* Every device must be free before anything is destroyed. */
	for (i = optind; i < argc; i++) {
		holder[0] = '\0';
		ret = wipe_check(argv[i], holder, sizeof(holder));
		if (ret == -EBUSY) {
			ret = out_finish(o, TK_EBUSY,
					 "%s is in use (by %s): close the mapping or unmount it first",
					 argv[i], holder);
			goto out;
		} else if (ret) {
			ret = out_finish(o, TK_EUSAGE, "cannot wipe %s: %s",
					 argv[i], strerror(-ret));
			goto out;
		}
	}

	if (!yes) {
		if (!isatty(STDIN_FILENO)) {
			ret = out_finish(o, TK_EUSAGE,
					 "erase asks for confirmation on a terminal: pass --yes in scripts");
			goto out;
		}
		if (!confirm()) {
			ret = out_finish(o, TK_EUSAGE, "not confirmed: nothing erased");
			goto out;
		}
	}

	for (i = optind; i < argc; i++) {
		out_info(o, "Wiping %s...", argv[i]);
		ret = wipe_device(argv[i]);
		if (ret) {
			ret = out_finish(o, TK_EINTERNAL,
					 "wiping %s failed: %s; the key was not erased",
					 argv[i], strerror(-ret));
			goto out;
		}
	}

	if (active) {
		ret = tpmkey_erase(fd, st.key_id);
		if (ret) {
			ret = ctl_kernel_error(ctl, ret, "erase");
			goto out;
		}
	}
	if (have_state) {
		ret = state_destroy(ctl->state_dir);
		if (ret) {
			ret = out_finish(o, TK_EINTERNAL,
					 "the key left the kernel, but %s/%s could not be destroyed: %s; remove it by hand",
					 ctl->state_dir, TPMKEY_STATE_FILE,
					 strerror(-ret));
			goto out;
		}
	}
	ctl_format_id(key_id, id);
	out_field_str(o, "key_id", id);
	out_field_uint(o, "wiped_devices", argc - optind);
	out_info(o, "Key %s erased; protection is inactive.", id);
	if (!wipe)
		out_info(o, "A backup made earlier can still restore this key: destroy the stick, or use 'erase --wipe DEVICE...' to destroy the encrypted data too.");
	ret = out_finish(o, TK_OK, NULL);
out:
	explicit_bzero(state, sizeof(state));
	if (fd >= 0)
		close(fd);
	if (lock_fd >= 0)
		close(lock_fd);
	return ret;
}
