/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tpmkeyctl's skeleton: the command table (commands.c), the one runner
 * that parses options, checks root, locks, opens the device and reads the
 * status (run.c), and the one errno -> exit code mapping (errors.c).  Each
 * command (one file each) only does its own work.
 */
#ifndef CTL_H
#define CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libtpmkey.h>

#include "exitcode.h"
#include "output.h"
#include "password.h"

/* Options, by the id the command table names them with. */
enum ctl_opt {
	O_END = 0,
	O_JSON, O_KEY_SIZE, O_PCRS, O_PARENT, O_NV_INDEX, O_TCTI, O_YES,
	O_WIPE, O_PASSWORD_FD, O_PASSWORD_FILE, O_WAIT, O_KDF_TIME,
	O_KDF_MEMORY, O_KDF_LANES, O_TRUST_KDF, O_NO_UPDATE_INITRAMFS,
	O_COUNT
};

struct ctl;

struct ctl_option {
	const char *name;
	char short_name;	/* 0: long only */
	bool has_arg;
	const char *shown;	/* what --help shows after the name */
	/* Stores @arg in @ctl; TK_OK or out_finish()'s code. */
	int (*set)(struct ctl *ctl, const char *arg);
};

/* What the runner does before a command (struct command's needs). */
enum {
	NEED_ROOT = 1 << 0,	/* exit 2 "must be run as root" otherwise */
	NEED_LOCK = 1 << 1,	/* TPMKEY_LOCK_PATH, exclusive */
	NEED_DEVICE = 1 << 2,	/* ctl->fd open on /dev/tpmkey */
	NEED_STATUS = 1 << 3,	/* ctl->st filled */
	AUDIT = 1 << 4,		/* changes state: to the system log */
	MAKE_STATE_DIR = 1 << 5, /* may create the default state directory */
	BOOT = 1 << 6,		/* in the static boot-path tpmkeyctl */
};

#define MAX_CMD_OPTS 10

struct command {
	const char *name;
	int (*run)(struct ctl *ctl);
	unsigned int needs;
	const char *args;	/* positional arguments, for usage */
	int min_args, max_args;	/* max -1: any number */
	const char *summary;
	enum ctl_opt opts[MAX_CMD_OPTS];	/* O_END-terminated */
};

/* Where the TPM objects are, for the commands that create or use them. */
struct tpm_options {
	const char *tcti;
	uint32_t parent;
	uint32_t nv_index;
};

/* How the password reaches tpmkeyctl: --password-fd, --password-file, tty. */
struct password_options {
	enum password_source source;
	int fd;
	const char *path;
};

/* Everything a command needs: the command line parsed, the device open. */
struct ctl {
	struct output out;
	const struct command *cmd;
	const char *state_dir;
	bool state_dir_given;
	char **argv;		/* the whole command line, for tpmkeyctl-full */
	char **args;		/* the command's positional arguments */
	int nargs;
	int fd;			/* NEED_DEVICE */
	int lock_fd;		/* NEED_LOCK */
	struct tpmkey_status st; /* NEED_STATUS */
	/* options */
	struct tpm_options tpm;
	struct password_options pw;
	unsigned int wait_ms;
	struct tpmkey_kdf kdf;
	uint32_t key_len;
	uint32_t pcr_mask;
	bool pcrs_given;
	bool yes, wipe;
	bool trust_kdf;		/* --trust-kdf: no cost check of the file's KDF */
	bool no_update_initramfs; /* --no-update-initramfs */
};

/* commands.c */
extern const struct ctl_option ctl_options[O_COUNT];
extern const struct command ctl_commands[];
extern const size_t ctl_ncommands;
void ctl_usage(FILE *f);
void ctl_command_usage(FILE *f, const struct command *cmd);
/* The hidden --dump-table: one line per command, for the docs' tests. */
void ctl_dump_table(FILE *f);

/* run.c: runs @cmd with its part of the command line. */
int ctl_run(struct ctl *ctl, const struct command *cmd, int argc,
	    char *argv[]);

/* errors.c: the one mapping from a failure to an exit code and message. */
int ctl_error(struct ctl *ctl, int err, const char *what);
/* A tpmkey_stick_*() failure (negative errno) with the library's text. */
int ctl_stick_error(struct ctl *ctl, int err, const char *text);
int ctl_usage_error(struct ctl *ctl);
/*
 * Stores a state blob the module just returned; if that fails, takes
 * the new key out of the kernel again (@erase_on_failure) and finishes.
 */
int ctl_store_state(struct ctl *ctl, const void *state, size_t len,
		    const uint8_t *key_id, bool erase_on_failure);
/* Reads key.state; TK_OK, or -ENOENT (no state), or finishes. */
int ctl_read_state(struct ctl *ctl, void *buf, size_t *len);
int ctl_provision(struct ctl *ctl);

/* stick.c: what backup, verify-backup and restore share. */
int ctl_find_stick(struct ctl *ctl, struct tpmkey_stick **st);
int ctl_derive_kek(struct ctl *ctl, bool confirm, const struct tpmkey_kdf *kdf,
		   const uint8_t salt[TPMKEY_BACKUP_SALT_SIZE], uint8_t *kek);
/* Reads TPMKEY.BAK, checks its header, asks the password, derives. */
int ctl_backup_kek(struct ctl *ctl, void *file, size_t *len, uint8_t *kek);

/*
 * spawn.c: runs argv[0] (a full path) with standard input from /dev/null
 * and its standard output on our standard error (/dev/null if @quiet).
 * Its exit status, 128 + the signal that killed it, or -errno if it
 * could not be started.
 */
int ctl_spawn(char *const argv[], bool quiet);

/*
 * initramfs.c: after activate, restore, reseal or erase changed the
 * state file, "update-initramfs -u -k all" where the initramfs holds a
 * copy of it.  Never changes the command's exit status.
 */
void ctl_update_initramfs(struct ctl *ctl);

int cmd_status(struct ctl *ctl);
int cmd_activate(struct ctl *ctl);
int cmd_load(struct ctl *ctl);
int cmd_erase(struct ctl *ctl);
int cmd_open(struct ctl *ctl);
int cmd_close(struct ctl *ctl);
int cmd_backup(struct ctl *ctl);
int cmd_verify_backup(struct ctl *ctl);
int cmd_restore(struct ctl *ctl);
int cmd_reseal(struct ctl *ctl);

#endif /* CTL_H */
