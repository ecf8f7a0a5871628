// SPDX-License-Identifier: GPL-2.0
/* close: removes the dm-crypt mapping NAME. */
#include <errno.h>

#include "ctl.h"
#include "dm.h"

int cmd_close(struct ctl *ctl)
{
	struct output *o = &ctl->out;
	const char *name = ctl->args[0];
	int ret;

	if (!dm_ready())
		return out_finish(o, TK_ENOTPM,
				  "device-mapper is not available (no /dev/mapper/control, the kernel lists no device-mapper): there is no mapping %s to close",
				  name);
	if (!dm_exists(name))
		return out_finish(o, TK_EUSAGE, "there is no mapping named %s",
				  name);
	ret = dm_remove(name);
	if (ret == -ENOMEM)
		return out_finish(o, TK_EINTERNAL, "out of memory");
	if (ret)
		return out_finish(o, TK_EBUSY,
				  "cannot close %s: is it mounted or in use?",
				  name);
	return out_finish(o, TK_OK, "Closed %s.", name);
}
