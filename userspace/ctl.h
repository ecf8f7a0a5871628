/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CTL_H
#define CTL_H

#include "exitcode.h"
#include "output.h"

#define TPMKEY_DEFAULT_STATE_DIR	"/var/lib/tpmkey"

/* Everything a subcommand needs from the command line's global part. */
struct ctl {
	struct output out;
	const char *state_dir;
};

struct subcommand {
	const char *name;
	int (*run)(struct ctl *ctl, int argc, char *argv[]);
	const char *args;
	const char *summary;
};

int cmd_status(struct ctl *ctl, int argc, char *argv[]);

/* device.c */
int ctl_open_device(struct ctl *ctl, int *fd);

#endif /* CTL_H */
