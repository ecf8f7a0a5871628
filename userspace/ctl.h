/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CTL_H
#define CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <getopt.h>
#include <stdlib.h>

#include <linux/tpmkey.h>

#include "exitcode.h"
#include "output.h"
#include "statefile.h"

#define TPMKEY_DEFAULT_STATE_DIR	"/var/lib/tpmkey"
#define TPMKEY_DEFAULT_TCTI		"device:/dev/tpmrm0"
#define TPMKEY_STATE_MAGIC		"tpmkeyST"
#define TPMKEY_ID_HEX_SIZE		33

/* Everything a subcommand needs from the command line's global part. */
struct ctl {
	struct output out;
	const char *state_dir;
	char **argv;		/* the whole command line, for tpmkeyctl-full */
};

/* Where the TPM objects are, for the commands that create or use them. */
struct tpm_options {
	const char *tcti;
	uint32_t parent;
	uint32_t nv_index;
};

#define TPM_OPTIONS_DEFAULT { TPMKEY_DEFAULT_TCTI, TPMKEY_DEFAULT_PARENT, \
			      TPMKEY_DEFAULT_NV_INDEX }

/* getopt codes of the options ctl_tpm_option() parses */
enum { OPT_PARENT = 0x100, OPT_NV_INDEX, OPT_TCTI };

#define TPM_LONG_OPTIONS \
	{ "parent", required_argument, NULL, OPT_PARENT }, \
	{ "nv-index", required_argument, NULL, OPT_NV_INDEX }, \
	{ "tcti", required_argument, NULL, OPT_TCTI }

struct subcommand {
	const char *name;
	int (*run)(struct ctl *ctl, int argc, char *argv[]);
	bool audit;		/* changes state: goes to the system log */
	const char *args;
	const char *summary;
};

int cmd_status(struct ctl *ctl, int argc, char *argv[]);
int cmd_activate(struct ctl *ctl, int argc, char *argv[]);
int cmd_load(struct ctl *ctl, int argc, char *argv[]);
int cmd_erase(struct ctl *ctl, int argc, char *argv[]);
int cmd_open(struct ctl *ctl, int argc, char *argv[]);
int cmd_close(struct ctl *ctl, int argc, char *argv[]);
int cmd_backup(struct ctl *ctl, int argc, char *argv[]);
int cmd_verify_backup(struct ctl *ctl, int argc, char *argv[]);
int cmd_restore(struct ctl *ctl, int argc, char *argv[]);

/* device.c */
int ctl_open_device(struct ctl *ctl, int *fd);

/* provision.c */
/* SRK and backup counter on this TPM; finishes the command on failure. */
int ctl_provision(struct ctl *ctl, const struct tpm_options *opt);
/* The storage key's name digest; finishes the command on failure. */
int ctl_tpm_id(struct ctl *ctl, const struct tpm_options *opt,
	       uint8_t id[TPMKEY_TPM_ID_SIZE]);
bool ctl_tpm_option(struct ctl *ctl, struct tpm_options *opt, int c,
		    const char *arg, int *ret);

/* common.c */
/* Finishes a command with the exit code and message for a module errno. */
int ctl_kernel_error(struct ctl *ctl, int err, const char *what);
/* Finishes a command whose arguments getopt refused. */
int ctl_usage_error(struct ctl *ctl);
/* Takes the state directory's lock, or finishes with TK_EBUSY. */
int ctl_lock(struct ctl *ctl, int *lock_fd);
/*
 * Writes the state blob of a key the module just loaded; if that fails,
 * takes the key out of the kernel again and finishes the command.
 */
int ctl_store_state(struct ctl *ctl, int fd, const void *state, size_t len,
		    const uint8_t *key_id);
/* Hex of a key id into @buf (TPMKEY_ID_HEX_SIZE bytes). */
void ctl_format_id(const uint8_t *id, char *buf);
/* The key id recorded in a state blob; false if it is not one. */
bool ctl_state_key_id(const uint8_t *state, size_t len, uint8_t *id);

#endif /* CTL_H */
