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
	if (err == ENOSPC && tpm_op(what))
		return out_finish(o, TK_ENOTPM,
				  "%s: the TPM has no room for another key object: tpmkey's persistent handles 0x%08x-0x%08x or the TPM's own space are used up. Objects of keys whose state files are gone (a power cut during activate or restore, a state file deleted without erase) are listed by 'tpm2_getcap handles-persistent'; remove one that no state file names with 'tpm2_evictcontrol -C o -c HANDLE' only if no copy of its state file is needed: that destroys the key it holds",
				  what, TPMKEY_KEY_HANDLE_FIRST,
				  TPMKEY_KEY_HANDLE_FIRST + TPMKEY_KEY_HANDLE_COUNT - 1);
	if (err == EINVAL && tpm_op(what) && ctl->pcrs_given)
		return out_finish(o, TK_EUSAGE,
				  "%s: the module refused --pcrs: binding to PCRs needs a backend with a boot lock (tpm2), and the one this key or new keys get has none; 'tpmkeyctl status' shows it",
				  what);
	if (err == ENOTTY)
		return out_finish(o, TK_ENOTPM,
				  "%s: the loaded tpmkey module does not know this request: it is older than this tpmkeyctl",
				  what);
	return -1;
}

/* The errno values every command maps alike; text follows "COMMAND: ". */
static const struct errno_exit {
	int err;
	int code;
	const char *text;
	bool after_reason;	/* stick: printed after the library's reason */
} op_errors[] = {
	/* the TPM and the kernel */
	{ .err = ENODEV, .code = TK_ENOTPM,
	  .text = "no TPM 2.0 found" },
	{ .err = ENOPKG, .code = TK_ENOTPM,
	  .text = "the kernel lacks what the key's sealing backend needs: ECDH P-256 for the tpm2 backend (CONFIG_CRYPTO_ECDH, the ecdh_generic module: is it in the initramfs?), or trusted keys (CONFIG_TRUSTED_KEYS) for a key sealed with them or a module loaded with backend=trusted; 'tpmkeyctl status' shows the backends" },
	/* the key in the kernel */
	{ .err = EEXIST, .code = TK_EKEYEXISTS,
	  .text = "a key is already loaded" },
	{ .err = ENOKEY, .code = TK_ENOKEY,
	  .text = "no key is loaded: run 'tpmkeyctl load' or 'tpmkeyctl activate'" },
	/* the TPM refuses to unseal */
	{ .err = EKEYREJECTED, .code = TK_EUNSEAL,
	  .text = "the TPM cannot unseal the key: it was cleared or replaced, or it is in dictionary-attack lockout or failing. If it was cleared or replaced, restore the key from the backup stick with 'tpmkeyctl restore'; a lockout ends after its recovery time or with 'tpm2_dictionarylockout --clear-lockout'" },
	{ .err = EKEYEXPIRED, .code = TK_EBOOTCHAIN,
	  .text = "the boot chain changed since the key was sealed: a bound PCR differs; run 'tpmkeyctl restore' from the backup, or boot the previous chain" },
	{ .err = EKEYREVOKED, .code = TK_ELOCKED,
	  .text = "the TPM's boot-phase lock is closed until the next reboot: the key can be loaded only once per boot, before the lock; reboot" },
	{ .err = EREMOTEIO, .code = TK_ETPMFAIL,
	  .text = "the TPM is in failure mode; power-cycle the machine" },
	/* the backup */
	{ .err = EALREADY, .code = TK_EBACKEDUP,
	  .text = "the backup of this key has already been made; it can be made only once" },
	{ .err = ESTALE, .code = TK_EBADBACKUP,
	  .text = "the backup holds another key than the one loaded" },
	/* the caller */
	{ .err = EPERM, .code = TK_EUSAGE,
	  .text = "run tpmkeyctl as root" },
	{ .err = EINTR, .code = TK_EINTERNAL,
	  .text = "interrupted" },
};

/* The stick's failures (lib/usb.c); text follows the library's reason. */
static const struct errno_exit stick_errors[] = {
	/* which stick */
	{ .err = ENODEV, .code = TK_ENOSTICK,
	  .text = "no USB storage device is connected: insert exactly one USB stick and run the command again" },
	{ .err = ENOTUNIQ, .code = TK_EMANYSTICKS,
	  .text = "more than one USB storage device is connected: remove all but one and run the command again" },
	{ .err = EROFS, .code = TK_ESTICKRO,
	  .text = "the USB stick is write-protected: unlock it (write-protect switch) or use another one" },
	/* found, but unusable */
	{ .err = ENOSPC, .code = TK_ENOSPACE,
	  .text = "delete files on it or use another stick",
	  .after_reason = true },
	{ .err = EBUSY, .code = TK_ESTICKBUSY,
	  .text = "nothing was done",
	  .after_reason = true },
	{ .err = EMEDIUMTYPE, .code = TK_ENOFS,
	  .text = "the USB stick has no usable FAT32 file system: format it with FAT32",
	  .after_reason = true },
};

#define errno_exit_find(table, err) \
	errno_exit_in(table, sizeof(table) / sizeof((table)[0]), err)

static const struct errno_exit *errno_exit_in(const struct errno_exit *t,
					      size_t n, int err)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].err == err)
			return &t[i];
	return NULL;
}

int ctl_error(struct ctl *ctl, int err, const char *what)
{
	struct output *o = &ctl->out;
	const struct errno_exit *e;
	int ret;

	err = err < 0 ? -err : err;
	ret = op_error(ctl, err, what);
	if (ret >= 0)
		return ret;
	if (err == EBADMSG)
		return out_finish(o, TK_EBADSTATE,
				  "%s: the state file %s/%s is damaged", what,
				  ctl->state_dir, TPMKEY_STATE_FILE);
	e = errno_exit_find(op_errors, err);
	if (e)
		return out_finish(o, e->code, "%s: %s", what, e->text);
	return out_finish(o, TK_EINTERNAL, "%s: %s", what, strerror(err));
}

int ctl_stick_error(struct ctl *ctl, int err, const char *text)
{
	const struct errno_exit *e;

	e = errno_exit_find(stick_errors, -err);
	if (!e)
		return out_finish(&ctl->out, TK_EINTERNAL, "USB stick: %s",
				  text ? text : strerror(-err));
	if (!text || !e->after_reason)
		return out_finish(&ctl->out, e->code, "%s", e->text);
	return out_finish(&ctl->out, e->code, "%s: %s", text, e->text);
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
