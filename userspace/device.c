// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>

#include "ctl.h"
#include "lib/libtpmkey.h"

/* Opens /dev/tpmkey, or finishes the command with the reason it cannot. */
int ctl_open_device(struct ctl *ctl, int *fd)
{
	int ret = tpmkey_open();

	if (ret >= 0) {
		*fd = ret;
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
