// SPDX-License-Identifier: GPL-2.0
/*
 * The one place where a failure becomes an exit code (exitcode.h) and a
 * message: errno values from the module and libtpmkey, stick failures,
 * and the state file's own.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ctl.h"

/* Of the commands that ask the TPM to unseal or seal (EAGAIN = lockout). */
static bool tpm_op(const char *what)
{
	return !strcmp(what, "load") || !strcmp(what, "activate") ||
	       !strcmp(what, "restore") || !strcmp(what, "reseal");
}

/* Seal refusals and bad backups, which depend on the operation. */
static int op_error(struct ctl *ctl, int err, const char *what)
{
	struct output *o = &ctl->out;
	bool seals = !strcmp(what, "activate") || !strcmp(what, "restore");

	if (err == EKEYREJECTED && seals)
		return out_finish(o, TK_ENOTPM,
				  "the TPM refused to seal %s under 0x%08x",
				  strcmp(what, "activate") ? "the key" : "a key",
				  ctl->tpm.parent);
	if (err == EBADMSG && (!strcmp(what, "restore") ||
			       !strcmp(what, "verify-backup")))
		return out_finish(o, TK_EBADBACKUP,
				  "the backup is not correct: wrong password or damaged file");
	if (err == EAGAIN && tpm_op(what))
		return out_finish(o, TK_ELOCKOUT,
				  "%s: the TPM is in dictionary-attack lockout: wait for it to recover or clear it with tpm2_dictionarylockout; do NOT restore",
				  what);
	if (err == ENOTTY)
		return out_finish(o, TK_ENOTPM,
				  "%s: the loaded tpmkey module does not know this request: it is older than this tpmkeyctl",
				  what);
	return -1;
}

int ctl_error(struct ctl *ctl, int err, const char *what)
{
	struct output *o = &ctl->out;
	int ret;

	err = err < 0 ? -err : err;
	ret = op_error(ctl, err, what);
	if (ret >= 0)
		return ret;
	switch (err) {
	case ENODEV:
		return out_finish(o, TK_ENOTPM, "%s: no TPM 2.0 found", what);
	case ENOPKG:
		return out_finish(o, TK_ENOTPM,
				  "%s: this needs the kernel's trusted keys (CONFIG_TRUSTED_KEYS), which this kernel lacks: the key was sealed with them, or the module was loaded with backend=trusted",
				  what);
	case EEXIST:
		return out_finish(o, TK_EKEYEXISTS,
				  "%s: a key is already loaded", what);
	case ENOKEY:
		return out_finish(o, TK_ENOKEY,
				  "%s: no key is loaded: run 'tpmkeyctl load' or 'tpmkeyctl activate'",
				  what);
	case EBADMSG:
		return out_finish(o, TK_EBADSTATE,
				  "%s: the state file %s/%s is damaged", what,
				  ctl->state_dir, TPMKEY_STATE_FILE);
	case EKEYREJECTED:
		return out_finish(o, TK_EUNSEAL,
				  "%s: the TPM cannot unseal the key: it was cleared or replaced, or it is in dictionary-attack lockout or failing. If it was cleared or replaced, restore the key from the backup stick with 'tpmkeyctl restore'; a lockout ends after its recovery time or with 'tpm2_dictionarylockout --clear-lockout'",
				  what);
	case EKEYEXPIRED:
		return out_finish(o, TK_EBOOTCHAIN,
				  "%s: the boot chain changed since the key was sealed: a bound PCR differs; run 'tpmkeyctl restore' from the backup, or boot the previous chain",
				  what);
	case EKEYREVOKED:
		return out_finish(o, TK_ELOCKED,
				  "%s: the TPM's boot-phase lock is closed until the next reboot: the key can be loaded only once per boot, before the lock; reboot",
				  what);
	case EREMOTEIO:
		return out_finish(o, TK_ETPMFAIL,
				  "%s: the TPM is in failure mode; power-cycle the machine",
				  what);
	case EALREADY:
		return out_finish(o, TK_EBACKEDUP,
				  "%s: the backup of this key has already been made; it can be made only once",
				  what);
	case ESTALE:
		return out_finish(o, TK_EBADBACKUP,
				  "%s: the backup holds another key than the one loaded",
				  what);
	case EPERM:
		return out_finish(o, TK_EUSAGE, "%s: run tpmkeyctl as root",
				  what);
	case EINTR:
		return out_finish(o, TK_EINTERNAL, "%s: interrupted", what);
	default:
		return out_finish(o, TK_EINTERNAL, "%s: %s", what,
				  strerror(err));
	}
}

int ctl_stick_error(struct ctl *ctl, int err, const char *text)
{
	struct output *o = &ctl->out;

	switch (-err) {
	case ENODEV:
		return out_finish(o, TK_ENOSTICK,
				  "no USB storage device is connected: insert exactly one USB stick and run the command again");
	case ENOTUNIQ:
		return out_finish(o, TK_EMANYSTICKS,
				  "more than one USB storage device is connected: remove all but one and run the command again");
	case EROFS:
		return out_finish(o, TK_ESTICKRO,
				  "the USB stick is write-protected: unlock it (write-protect switch) or use another one");
	case ENOSPC:
		return out_finish(o, TK_ENOSPACE,
				  "%s: delete files on it or use another stick",
				  text);
	case EMEDIUMTYPE:
		return out_finish(o, TK_ENOFS,
				  "the USB stick has no usable FAT32 file system (%s): format it with FAT32",
				  text);
	default:
		return out_finish(o, TK_EINTERNAL, "USB stick: %s", text);
	}
}

int ctl_usage_error(struct ctl *ctl)
{
	return out_finish(&ctl->out, TK_EUSAGE,
			  "invalid arguments: see 'tpmkeyctl %s --help'",
			  ctl->out.command);
}

int ctl_read_state(struct ctl *ctl, void *buf, size_t *len)
{
	int ret = tpmkey_state_read(ctl->state_dir, buf, TPMKEY_STATE_SIZE_MAX,
				    len);

	if (ret == -ENOENT)
		return ret;
	if (ret == -EFBIG || (!ret && *len == 0))
		return ctl_error(ctl, -EBADMSG, ctl->cmd->name);
	if (ret)
		return out_finish(&ctl->out, TK_EINTERNAL,
				  "cannot read %s/%s: %s", ctl->state_dir,
				  TPMKEY_STATE_FILE, strerror(-ret));
	return TK_OK;
}

int ctl_store_state(struct ctl *ctl, const void *state, size_t len,
		    const uint8_t *key_id, bool erase_on_failure)
{
	int ret = tpmkey_state_write(ctl->state_dir, state, len);
	int err;

	if (!ret)
		return TK_OK;
	if (!erase_on_failure)
		return out_finish(&ctl->out, TK_EINTERNAL,
				  "cannot write the state file in %s: %s",
				  ctl->state_dir, strerror(-ret));
	/* A key whose state is not on disk would be lost at reboot. */
	err = tpmkey_erase(ctl->fd, key_id);
	return out_finish(&ctl->out, TK_EINTERNAL,
			  "cannot write the state file in %s: %s; the key was %s",
			  ctl->state_dir, strerror(-ret),
			  err ? "NOT removed from the kernel" : "discarded");
}
