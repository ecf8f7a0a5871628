// SPDX-License-Identifier: GPL-2.0
/* erase: the key out of the kernel and the TPM, its state destroyed. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
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

/* Every device must be free, and the erase confirmed, before anything. */
static int check_erase(struct ctl *ctl)
{
	struct output *o = &ctl->out;
	char holder[256];
	int i, ret;

	for (i = 0; i < ctl->nargs; i++) {
		holder[0] = '\0';
		ret = wipe_check(ctl->args[i], holder, sizeof(holder));
		if (ret == -EBUSY)
			return out_finish(o, TK_EBUSY,
					  "%s is in use (by %s): close the mapping or unmount it first",
					  ctl->args[i], holder);
		if (ret)
			return out_finish(o, TK_EUSAGE, "cannot wipe %s: %s",
					  ctl->args[i], strerror(-ret));
	}
	if (ctl->yes)
		return TK_OK;
	if (!isatty(STDIN_FILENO))
		return out_finish(o, TK_EUSAGE,
				  "erase asks for confirmation on a terminal: pass --yes in scripts");
	if (!confirm())
		return out_finish(o, TK_EUSAGE, "not confirmed: nothing erased");
	return TK_OK;
}

/*
 * Defined here rather than in wipe.c, so that a program that links
 * erase.c with a wipe_device() of its own (selftests/fuzz) still links.
 */
FILE *wipe_progress;

static int wipe_all(struct ctl *ctl)
{
	int i, ret;

	/* Progress only for a person at a terminal, as dd status=progress. */
	wipe_progress = isatty(STDERR_FILENO) && !ctl->out.quiet &&
			!ctl->out.json ? stderr : NULL;
	for (i = 0; i < ctl->nargs; i++) {
		out_info(&ctl->out, "Wiping %s...", ctl->args[i]);
		ret = wipe_device(ctl->args[i]);
		if (ret)
			return out_finish(&ctl->out, TK_EINTERNAL,
					  "wiping %s failed: %s; the key was not erased",
					  ctl->args[i], strerror(-ret));
	}
	return TK_OK;
}

int cmd_erase(struct ctl *ctl)
{
	struct output *o = &ctl->out;
	uint8_t state[TPMKEY_STATE_SIZE_MAX], key_id[TPMKEY_KEY_ID_SIZE] = { 0 };
	bool active = ctl->st.state == TPMKEY_STATE_ACTIVE, have_state;
	char id[TPMKEY_ID_HEX_SIZE];
	size_t state_len;
	int ret;

	if (ctl->wipe != (ctl->nargs > 0))
		return out_finish(o, TK_EUSAGE, ctl->wipe ?
				  "--wipe needs the encrypted devices to wipe" :
				  "erase takes no arguments without --wipe");
	have_state = tpmkey_state_read(ctl->state_dir, state, sizeof(state),
				       &state_len) != -ENOENT;
	if (active)
		memcpy(key_id, ctl->st.key_id, sizeof(key_id));
	else if (have_state)
		tpmkey_state_key_id(state, state_len, key_id);
	explicit_bzero(state, sizeof(state));
	if (!active && !have_state)
		return out_finish(o, TK_ENOKEY, "not activated: there is no key to erase");

	ret = check_erase(ctl);
	if (!ret)
		ret = wipe_all(ctl);
	if (!ret && active && (ret = tpmkey_erase(ctl->fd, key_id)))
		ret = ctl_error(ctl, ret, "erase");
	if (!ret && have_state && (ret = tpmkey_state_destroy(ctl->state_dir)))
		ret = out_finish(o, TK_EINTERNAL,
				 "the key left the kernel, but %s/%s could not be destroyed: %s; remove it by hand",
				 ctl->state_dir, TPMKEY_STATE_FILE,
				 strerror(-ret));
	if (ret)
		return ret;
	tpmkey_format_id(key_id, id);
	out_field_str(o, "key_id", id);
	out_field_uint(o, "wiped_devices", ctl->nargs);
	out_info(o, "Key %s erased; protection is inactive.", id);
	if (!ctl->wipe)
		out_info(o, "A backup made earlier can still restore this key: destroy the stick, or use 'erase --wipe DEVICE...' to destroy the encrypted data too.");
	ctl_update_initramfs(ctl);
	return out_finish(o, TK_OK, NULL);
}
