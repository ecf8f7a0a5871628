// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ctl.h"
#include "lib/libtpmkey.h"

int ctl_kernel_error(struct ctl *ctl, int err, const char *what)
{
	struct output *o = &ctl->out;

	switch (-err) {
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
				  strerror(-err));
	}
}

int ctl_lock(struct ctl *ctl, int *lock_fd)
{
	int ret = state_lock(ctl->state_dir);

	if (ret >= 0) {
		*lock_fd = ret;
		return TK_OK;
	}
	if (ret == -EWOULDBLOCK)
		return out_finish(&ctl->out, TK_EBUSY,
				  "another tpmkeyctl is running: try again when it has finished");
	return out_finish(&ctl->out, TK_EINTERNAL,
			  "cannot lock the state directory %s: %s",
			  ctl->state_dir, strerror(-ret));
}

void ctl_format_id(const uint8_t *id, char *buf)
{
	int i;

	for (i = 0; i < TPMKEY_KEY_ID_SIZE; i++)
		sprintf(buf + 2 * i, "%02x", id[i]);
}

bool ctl_state_key_id(const uint8_t *state, size_t len, uint8_t *id)
{
	/* Documentation/file-formats.rst: the key id is at offset 32. */
	if (len < 32 + TPMKEY_KEY_ID_SIZE ||
	    memcmp(state, TPMKEY_STATE_MAGIC, 8))
		return false;
	memcpy(id, state + 32, TPMKEY_KEY_ID_SIZE);
	return true;
}

int ctl_usage_error(struct ctl *ctl)
{
	return out_finish(&ctl->out, TK_EUSAGE,
			  "invalid arguments: see 'tpmkeyctl %s --help'",
			  ctl->out.command);
}

int ctl_store_state(struct ctl *ctl, int fd, const void *state, size_t len,
		    const uint8_t *key_id)
{
	int ret = state_write(ctl->state_dir, state, len);
	int err;

	if (!ret)
		return TK_OK;
	/* A key whose state is not on disk would be lost at reboot. */
	err = tpmkey_erase(fd, key_id);
	return out_finish(&ctl->out, TK_EINTERNAL,
			  "cannot write the state file in %s: %s; the key was %s",
			  ctl->state_dir, strerror(-ret),
			  err ? "NOT removed from the kernel" : "discarded");
}
