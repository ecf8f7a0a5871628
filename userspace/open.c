// SPDX-License-Identifier: GPL-2.0
/*
 * open / close: a plain dm-crypt mapping whose table names the keyring key
 * (":LEN:logon:tpmkey:dek") instead of carrying key bytes, so the key never
 * passes through userspace.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <keyutils.h>
#include <libdevmapper.h>
#include <linux/fs.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctl.h"
#include "lib/libtpmkey.h"

#define TPMKEY_CIPHER	"aes-xts-plain64"

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

/* Without udev, libdevmapper has to make /dev/mapper/NAME itself. */
static void dm_setup_udev(void)
{
	if (access("/run/udev/control", F_OK))
		dm_udev_set_sync_support(0);
}

static bool dm_exists(const char *name)
{
	struct dm_task *dmt = dm_task_create(DM_DEVICE_INFO);
	struct dm_info info = { 0 };

	if (!dmt)
		return false;
	if (dm_task_set_name(dmt, name) && dm_task_run(dmt))
		dm_task_get_info(dmt, &info);
	dm_task_destroy(dmt);
	return info.exists;
}

static int dm_create_crypt(const char *name, uint64_t sectors,
			   const char *params)
{
	uint32_t cookie = 0;
	struct dm_task *dmt;
	int ok;

	dmt = dm_task_create(DM_DEVICE_CREATE);
	if (!dmt)
		return -ENOMEM;
	ok = dm_task_set_name(dmt, name) &&
	     dm_task_add_target(dmt, 0, sectors, "crypt", params) &&
	     dm_task_set_add_node(dmt, DM_ADD_NODE_ON_CREATE) &&
	     dm_task_set_cookie(dmt, &cookie, 0) &&
	     dm_task_run(dmt);
	dm_task_destroy(dmt);
	dm_udev_wait(cookie);
	return ok ? 0 : -EIO;
}

int cmd_open(struct ctl *ctl, int argc, char *argv[])
{
	static const struct option options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct output *o = &ctl->out;
	char params[PATH_MAX + 128];
	const char *device, *name;
	struct tpmkey_status st;
	uint64_t sectors = 0;
	key_serial_t key;
	int fd, ret, c;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'h':
			printf("Usage: tpmkeyctl open DEVICE NAME\n");
			return TK_OK;
		default:
			return ctl_usage_error(ctl);
		}
	}
	if (argc - optind != 2)
		return out_finish(o, TK_EUSAGE, "usage: tpmkeyctl open DEVICE NAME");
	device = argv[optind];
	name = argv[optind + 1];

	ret = ctl_open_device(ctl, &fd);
	if (ret)
		return ret;
	ret = tpmkey_get_status(fd, &st);
	close(fd);
	if (ret)
		return ctl_kernel_error(ctl, ret, "status");
	if (st.state != TPMKEY_STATE_ACTIVE)
		return ctl_kernel_error(ctl, -ENOKEY, "open");

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
	dm_setup_udev();
	if (dm_exists(name))
		return out_finish(o, TK_EBUSY, "a mapping named %s already exists",
				  name);

	snprintf(params, sizeof(params), "%s :%u:logon:%s 0 %s 0",
		 TPMKEY_CIPHER, st.key_len, TPMKEY_KEYRING_DESC, device);
	ret = dm_create_crypt(name, sectors, params);
	if (ret)
		return out_finish(o, TK_EINTERNAL,
				  "device-mapper could not create %s", name);
	out_field_str(o, "mapping", name);
	out_field_str(o, "cipher", TPMKEY_CIPHER);
	return out_finish(o, TK_OK, "Opened %s as /dev/mapper/%s (%s).", device,
			  name, TPMKEY_CIPHER);
}

int cmd_close(struct ctl *ctl, int argc, char *argv[])
{
	struct output *o = &ctl->out;
	uint32_t cookie = 0;
	struct dm_task *dmt;
	int ok;

	if (argc != 2 || argv[1][0] == '-') {
		if (argc == 2 && !strcmp(argv[1], "--help")) {
			printf("Usage: tpmkeyctl close NAME\n");
			return TK_OK;
		}
		return out_finish(o, TK_EUSAGE, "usage: tpmkeyctl close NAME");
	}
	dm_setup_udev();
	if (!dm_exists(argv[1]))
		return out_finish(o, TK_EUSAGE, "there is no mapping named %s",
				  argv[1]);
	dmt = dm_task_create(DM_DEVICE_REMOVE);
	if (!dmt)
		return out_finish(o, TK_EINTERNAL, "out of memory");
	ok = dm_task_set_name(dmt, argv[1]) &&
	     dm_task_set_cookie(dmt, &cookie, 0) && dm_task_run(dmt);
	dm_task_destroy(dmt);
	dm_udev_wait(cookie);
	if (!ok)
		return out_finish(o, TK_EBUSY,
				  "cannot close %s: is it mounted or in use?",
				  argv[1]);
	return out_finish(o, TK_OK, "Closed %s.", argv[1]);
}
