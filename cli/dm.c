// SPDX-License-Identifier: GPL-2.0
/*
 * The device-mapper calls of open and close: a plain dm-crypt mapping
 * whose table names the keyring key instead of carrying key bytes.
 */
#include <errno.h>
#include <libdevmapper.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dm.h"

/* tpmkeyctl says what failed itself: libdevmapper's lines are noise. */
static void dm_silent(int level, const char *file, int line, int dm_errno,
		      const char *f, ...)
{
	(void)level;
	(void)file;
	(void)line;
	(void)dm_errno;
	(void)f;
}

static bool dm_in_proc_misc(void)
{
	FILE *f = fopen("/proc/misc", "re");
	char line[128];
	bool found = false;

	if (!f)
		return true;	/* cannot tell: let libdevmapper try */
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, " device-mapper\n") != NULL;
	fclose(f);
	return found;
}

bool dm_ready(void)
{
	dm_log_with_errno_init(dm_silent);
	/* Without udev, libdevmapper has to make /dev/mapper/NAME itself. */
	if (access("/run/udev/control", F_OK))
		dm_udev_set_sync_support(0);
	return !access("/dev/mapper/control", F_OK) || dm_in_proc_misc();
}

bool dm_exists(const char *name)
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

int dm_create_crypt(const char *name, uint64_t sectors, const char *params)
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

int dm_remove(const char *name)
{
	uint32_t cookie = 0;
	struct dm_task *dmt;
	int ok;

	dmt = dm_task_create(DM_DEVICE_REMOVE);
	if (!dmt)
		return -ENOMEM;
	ok = dm_task_set_name(dmt, name) &&
	     dm_task_set_cookie(dmt, &cookie, 0) && dm_task_run(dmt);
	dm_task_destroy(dmt);
	dm_udev_wait(cookie);
	return ok ? 0 : -EBUSY;
}
