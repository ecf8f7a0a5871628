// SPDX-License-Identifier: GPL-2.0
/*
 * open: a plain dm-crypt mapping whose table names the keyring key
 * (":LEN:logon:tpmkey:dek") instead of carrying key bytes, so the key never
 * passes through userspace.
 */
#include <errno.h>
#include <fcntl.h>
#include <keyutils.h>
#include <linux/fs.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "ctl.h"
#include "dm.h"

static int device_sectors(const char *path, uint64_t *sectors)
{
	uint64_t bytes = 0;
	int fd, ret = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, BLKGETSIZE64, &bytes))
		ret = -errno;
	close(fd);
	*sectors = bytes / 512;
	return ret;
}

int cmd_open(struct ctl *ctl)
{
	struct output *o = &ctl->out;
	const char *device = ctl->args[0], *name = ctl->args[1];
	char params[PATH_MAX + 128];
	uint64_t sectors = 0;
	key_serial_t key;
	int ret;

	if (ctl->st.state != TPMKEY_STATE_ACTIVE)
		return ctl_error(ctl, -ENOKEY, "open");
	/*
	 * dm-crypt looks the key up from this thread: link it into the
	 * thread keyring, which works whatever session keyring we run in.
	 */
	key = keyctl_search(KEY_SPEC_USER_KEYRING, "logon",
			    TPMKEY_KEYRING_DESC, KEY_SPEC_THREAD_KEYRING);
	if (key < 0)
		return out_finish(o, TK_ENOKEY,
				  "the key is loaded but not in root's user keyring (%s): somebody unlinked it; reload the module and run 'tpmkeyctl load'",
				  strerror(errno));

	ret = device_sectors(device, &sectors);
	if (ret)
		return out_finish(o, TK_EUSAGE, "%s: %s", device, strerror(-ret));
	if (!dm_ready())
		return out_finish(o, TK_ENOTPM,
				  "device-mapper is not available (no /dev/mapper/control): load dm_mod and dm_crypt");
	if (dm_exists(name))
		return out_finish(o, TK_EBUSY, "a mapping named %s already exists",
				  name);

	snprintf(params, sizeof(params), "%s :%u:logon:%s 0 %s 0",
		 TPMKEY_CIPHER, ctl->st.key_len, TPMKEY_KEYRING_DESC, device);
	ret = dm_create_crypt(name, sectors, params);
	if (ret)
		return out_finish(o, TK_EINTERNAL,
				  "device-mapper could not create %s", name);
	out_field_str(o, "mapping", name);
	out_field_str(o, "cipher", TPMKEY_CIPHER);
	return out_finish(o, TK_OK, "Opened %s as /dev/mapper/%s (%s).", device,
			  name, TPMKEY_CIPHER);
}
