// SPDX-License-Identifier: GPL-2.0
/*
 * tpmkeyctl's command line: the real main() of cli/tpmkeyctl.c
 * (compiled with -Dmain=tpmkeyctl_main), the real command table, runner
 * and commands with their option parsers, over an argv made from the
 * input: NUL-separated
 * arguments after argv[0] = "tpmkeyctl".
 *
 * Nothing is executed: the module, the state directory, the TPM, the USB
 * stick, device-mapper, the keyring and syslog are stubs here.  The stubs
 * let ACTIVATE run up to the ioctl so that the values its options parsed
 * can be checked: the key size, storage-key handle and NV index that
 * reach the TPM and the module are the defaults or the exact value of an
 * argument (no wrap-around, no truncation to 32 bits).  Stubs for actions
 * that must never happen here (wiping, mounting, creating mappings)
 * abort.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <syslog.h>
#include <unistd.h>

#include <libdevmapper.h>
#include <keyutils.h>

#include <sys/stat.h>
#include <sys/syscall.h>

#include "ctl.h"
#include "fuzz.h"
#include "wipe.h"

int tpmkeyctl_main(int argc, char *argv[]);

#define NEVER(what) do {						\
	fprintf(stderr, "fuzz_args: %s reached\n", what);		\
	abort();							\
} while (0)

/* What ACTIVATE handed to the TPM and the module, for the checks. */
static struct {
	bool srk, counter, activate;
	uint32_t parent, nv_index, key_len, pcr_mask;
} seen;

/* ---- syslog: the audit trail stays out of the system log ---- */
void openlog(const char *ident, int option, int facility)
{
	(void)ident;
	(void)option;
	(void)facility;
}

void closelog(void)
{
}

void syslog(int prio, const char *fmt, ...)
{
	(void)prio;
	(void)fmt;
}

void __syslog_chk(int prio, int flag, const char *fmt, ...);
void __syslog_chk(int prio, int flag, const char *fmt, ...)
{
	(void)prio;
	(void)flag;
	(void)fmt;
}

void vsyslog(int prio, const char *fmt, va_list ap)
{
	(void)prio;
	(void)fmt;
	(void)ap;
}

/* ---- the state directory: never made here ---- */
int mkdir(const char *path, mode_t mode)
{
	if (!strcmp(path, TPMKEY_STATE_DIR_DEFAULT)) {
		errno = EROFS;
		return -1;
	}
	return syscall(SYS_mkdir, path, mode);
}

/* ---- libtpmkey: no state, a module that says ENODEV ---- */
int tpmkey_state_read(const char *dir, void *buf, size_t size, size_t *len)
{
	(void)dir;
	(void)buf;
	(void)size;
	*len = 0;
	return -ENOENT;
}

int tpmkey_state_write(const char *dir, const void *buf, size_t len)
{
	(void)dir;
	(void)buf;
	(void)len;
	return -EROFS;
}

int tpmkey_state_destroy(const char *dir)
{
	(void)dir;
	NEVER("tpmkey_state_destroy()");
}

int tpmkey_state_key_id(const void *state, size_t len,
			uint8_t key_id[TPMKEY_KEY_ID_SIZE])
{
	(void)state;
	(void)len;
	(void)key_id;
	return -EBADMSG;
}

int tpmkey_lock(void)
{
	return open("/dev/null", O_RDONLY | O_CLOEXEC);
}

int tpmkey_open(void)
{
	return open("/dev/null", O_RDONLY | O_CLOEXEC);
}

int tpmkey_get_status(int fd, struct tpmkey_status *st)
{
	(void)fd;
	memset(st, 0, sizeof(*st));
	return -ENODEV;
}

int tpmkey_activate(int fd, uint32_t key_len, uint32_t parent,
		    uint32_t nv_index, uint32_t pcr_mask, void *state,
		    size_t *state_len, uint8_t key_id[TPMKEY_KEY_ID_SIZE])
{
	(void)fd;
	(void)state;
	(void)state_len;
	(void)key_id;
	seen.activate = true;
	seen.key_len = key_len;
	seen.parent = parent;
	seen.nv_index = nv_index;
	seen.pcr_mask = pcr_mask;
	return -ENODEV;
}

int tpmkey_load(int fd, const void *state, size_t state_len,
		uint8_t key_id[TPMKEY_KEY_ID_SIZE])
{
	(void)fd;
	(void)state;
	(void)state_len;
	(void)key_id;
	NEVER("tpmkey_load()");
}

int tpmkey_erase(int fd, const uint8_t key_id[TPMKEY_KEY_ID_SIZE])
{
	(void)fd;
	(void)key_id;
	NEVER("tpmkey_erase()");
}

int tpmkey_backup(int fd, const uint8_t kek[TPMKEY_KEK_SIZE], void *file,
		  size_t *file_len)
{
	(void)fd;
	(void)kek;
	(void)file;
	(void)file_len;
	NEVER("tpmkey_backup()");
}

int tpmkey_verify(int fd, const uint8_t kek[TPMKEY_KEK_SIZE],
		  const void *file, size_t file_len)
{
	(void)fd;
	(void)kek;
	(void)file;
	(void)file_len;
	NEVER("tpmkey_verify()");
}

int tpmkey_restore(int fd, const uint8_t kek[TPMKEY_KEK_SIZE],
		   const void *file, size_t file_len, uint32_t parent,
		   uint32_t nv_index, uint32_t pcr_mask, void *state,
		   size_t *state_len, uint8_t key_id[TPMKEY_KEY_ID_SIZE])
{
	(void)fd;
	(void)kek;
	(void)file;
	(void)file_len;
	(void)parent;
	(void)nv_index;
	(void)pcr_mask;
	(void)state;
	(void)state_len;
	(void)key_id;
	NEVER("tpmkey_restore()");
}

int tpmkey_reseal(int fd, const uint8_t key_id[TPMKEY_KEY_ID_SIZE],
		  uint32_t pcr_mask, void *state, size_t *state_len)
{
	(void)fd;
	(void)key_id;
	(void)pcr_mask;
	(void)state;
	(void)state_len;
	NEVER("tpmkey_reseal()");
}

/* ---- the TPM: provisions anything ---- */
int tpmkey_provision(const char *tcti, uint32_t parent, uint32_t nv_index,
		     bool *srk_created, char *err, size_t errlen)
{
	(void)tcti;
	(void)err;
	(void)errlen;
	seen.srk = seen.counter = true;
	seen.parent = parent;
	seen.nv_index = nv_index;
	*srk_created = false;
	return 0;
}

int tpmkey_tpm_id(const char *tcti, uint32_t parent,
		  uint8_t id[TPMKEY_TPM_ID_SIZE], char *err, size_t errlen)
{
	(void)tcti;
	(void)parent;
	(void)id;
	snprintf(err, errlen, "stub");
	return -ENODEV;
}

/* ---- the stick, wiping: never reached ---- */
int tpmkey_stick_find(struct tpmkey_stick **out, unsigned int wait_ms,
		      char *err, size_t errlen)
{
	(void)out;
	(void)wait_ms;
	(void)err;
	(void)errlen;
	NEVER("tpmkey_stick_find()");
}

/* After tpmkey_stick_find(), which never returns here (no parameter use). */
#define STICK_NEVER(ret, name, ...) \
	ret name(__VA_ARGS__) { NEVER(#name "()"); }
STICK_NEVER(void, tpmkey_stick_free, struct tpmkey_stick *st)
STICK_NEVER(const char *, tpmkey_stick_device, const struct tpmkey_stick *st)
STICK_NEVER(bool, tpmkey_stick_readonly, const struct tpmkey_stick *st)
STICK_NEVER(bool, tpmkey_stick_same, const struct tpmkey_stick *st)
STICK_NEVER(int, tpmkey_stick_mount, struct tpmkey_stick *st, bool w,
	    char *err, size_t errlen)
STICK_NEVER(int, tpmkey_stick_umount, struct tpmkey_stick *st)
STICK_NEVER(int, tpmkey_stick_check_space, const struct tpmkey_stick *st,
	    uint64_t need, char *err, size_t errlen)
STICK_NEVER(int, tpmkey_stick_probe_write, const struct tpmkey_stick *st,
	    char *err, size_t errlen)
STICK_NEVER(bool, tpmkey_stick_has_file, const struct tpmkey_stick *st,
	    const char *name)
STICK_NEVER(int, tpmkey_stick_store_backup, struct tpmkey_stick *st,
	    const void *file, size_t len, char *err, size_t errlen)
STICK_NEVER(int, tpmkey_stick_load_backup, struct tpmkey_stick *st,
	    void *file, size_t *len, char *err, size_t errlen)

int wipe_check(const char *path, char *holder, size_t holder_len)
{
	(void)path;
	(void)holder;
	(void)holder_len;
	NEVER("wipe_check()");
}

int wipe_device(const char *path)
{
	(void)path;
	NEVER("wipe_device()");
}

/* ---- device-mapper and the keyring: "close" gets this far ---- */
void dm_log_with_errno_init(dm_log_with_errno_fn fn)
{
	(void)fn;
}

struct dm_task *dm_task_create(int type)
{
	(void)type;
	return NULL;	/* dm_exists() says no such mapping */
}

void dm_udev_set_sync_support(int sync_with_udev)
{
	(void)sync_with_udev;
}

void dm_task_destroy(struct dm_task *dmt)
{
	(void)dmt;
	NEVER("dm_task_destroy()");
}

int dm_task_set_name(struct dm_task *dmt, const char *name)
{
	(void)dmt;
	(void)name;
	NEVER("dm_task_set_name()");
}

int dm_task_run(struct dm_task *dmt)
{
	(void)dmt;
	NEVER("dm_task_run()");
}

int dm_task_get_info(struct dm_task *dmt, struct dm_info *dmi)
{
	(void)dmt;
	(void)dmi;
	NEVER("dm_task_get_info()");
}

int dm_task_add_target(struct dm_task *dmt, uint64_t start, uint64_t size,
		       const char *ttype, const char *params)
{
	(void)dmt;
	(void)start;
	(void)size;
	(void)ttype;
	(void)params;
	NEVER("dm_task_add_target()");
}

int dm_task_set_add_node(struct dm_task *dmt, dm_add_node_t add_node)
{
	(void)dmt;
	(void)add_node;
	NEVER("dm_task_set_add_node()");
}

int dm_task_set_cookie(struct dm_task *dmt, uint32_t *cookie,
		       uint16_t udev_flags)
{
	(void)dmt;
	(void)cookie;
	(void)udev_flags;
	NEVER("dm_task_set_cookie()");
}

int dm_udev_wait(uint32_t cookie)
{
	(void)cookie;
	return 1;
}

long keyctl_search(key_serial_t ringid, const char *type,
			   const char *description, key_serial_t destringid)
{
	(void)ringid;
	(void)type;
	(void)description;
	(void)destringid;
	NEVER("keyctl_search()");
}

/* ---- the driver ---- */

#define MAX_ARGS	32

/*
 * Is @v the value of an argument as written, "--opt=V", "-oV" or "V", by
 * strtoull() in @base and within 32 bits?
 */
static bool literal(int argc, char **argv, uint64_t v, int base)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *cands[3] = { argv[i], NULL, NULL };
		int j;

		if (!strncmp(argv[i], "--", 2) && strchr(argv[i], '='))
			cands[1] = strchr(argv[i], '=') + 1;
		else if (argv[i][0] == '-' && argv[i][1] && argv[i][1] != '-')
			cands[2] = argv[i] + 2;
		for (j = 0; j < 3; j++) {
			unsigned long long x;
			char *end;

			if (!cands[j] || !*cands[j] ||
			    strchr(cands[j], '-'))
				continue;
			errno = 0;
			x = strtoull(cands[j], &end, base);
			if (!errno && !*end && x <= UINT32_MAX && x == v)
				return true;
		}
	}
	return false;
}

static void check_seen(int argc, char **argv)
{
	if (seen.srk)
		FUZZ_CHECK(seen.parent == TPMKEY_DEFAULT_PARENT ||
			   literal(argc, argv, seen.parent, 0));
	if (seen.counter)
		FUZZ_CHECK(seen.nv_index == TPMKEY_DEFAULT_NV_INDEX ||
			   literal(argc, argv, seen.nv_index, 0));
	if (seen.activate) {
		FUZZ_CHECK(seen.key_len == 32 || seen.key_len == 64);
		FUZZ_CHECK(seen.key_len == 64 ||
			   literal(argc, argv, seen.key_len, 0));
		FUZZ_CHECK((seen.parent >> 24) == 0x81);
		FUZZ_CHECK((seen.nv_index >> 24) == 0x01);
		FUZZ_CHECK(!(seen.pcr_mask & ~TPMKEY_PCR_MASK_ALLOWED));
	}
}

#define SEED(s)	{ s, sizeof(s) - 1 }

static const struct {
	const char *s;
	size_t len;
} seed_lines[] = {
	SEED("status"),
	SEED("--json\0status"),
	SEED("--state-dir\0/nonexistent\0load"),
	SEED("activate\0--key-size\0" "32\0--parent\0" "0x81000002\0--nv-index\0" "0x01746b02"),
	SEED("-q\0activate\0--key-size=64\0--tcti=swtpm:port=2321"),
	SEED("erase\0--yes\0--wipe\0/dev/null"),
	SEED("backup\0--password-fd\0" "3\0--kdf-time\0" "4\0--kdf-memory\0" "524288\0--kdf-lanes\0" "2\0--wait\0" "10"),
	SEED("verify-backup\0--password-file\0/nonexistent"),
	SEED("restore\0--password-fd=0\0--parent=0x81000001\0--nv-index=0x01746b01"),
	SEED("open\0/dev/null\0name"),
	SEED("close\0name"),
	SEED("activate\0--help"),
	SEED("activate\0--pcrs\0" "0+7"),
	SEED("reseal\0--pcrs=none"),
	SEED("close\0-h"),
	SEED("--version"),
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = getenv("TPMKEY_FUZZ_SEEDS");
	size_t i;

	(void)argc;
	(void)argv;
	if (dir) {
		for (i = 0; i < sizeof(seed_lines) / sizeof(seed_lines[0]); i++)
			fuzz_write_seed(dir, i, seed_lines[i].s,
					seed_lines[i].len);
		exit(0);
	}
	/* No getopt noise on stderr; the run script also drops stdout. */
	opterr = 0;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *args[MAX_ARGS + 2], *buf;
	size_t i, start;
	int argc = 0;

	buf = malloc(size + 1);
	memcpy(buf, data, size);
	buf[size] = 0;
	args[argc++] = "tpmkeyctl";
	for (i = 0, start = 0; i <= size && argc <= MAX_ARGS; i++) {
		if (buf[i])
			continue;
		args[argc++] = buf + start;
		start = i + 1;
	}
	args[argc] = NULL;

	memset(&seen, 0, sizeof(seen));
	optind = 0;	/* a fresh getopt for every run */
	tpmkeyctl_main(argc, args);
	check_seen(argc, args);
	fflush(stdout);
	free(buf);
	return 0;
}
