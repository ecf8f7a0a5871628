// SPDX-License-Identifier: GPL-2.0
/*
 * tpmkey_bench: the guest half of scripts/bench (and, for "kdf", a host
 * program too).  Times with CLOCK_MONOTONIC and prints one line per figure,
 *
 *	BENCH NAME n=N median=MS min=MS max=MS mean=MS	(milliseconds)
 *	BENCH-RAW NAME MS...			(every sample, sorted)
 *
 * for scripts/bench to collect.  A benchmark reports; it does not judge.
 *
 *   mark LABEL                  send TPM2_StirRandom("tpmkey-bench:LABEL")
 *                               through /dev/tpm0: a marker in the TPM's
 *                               command log that nothing else sends
 *   op LABEL -- CMD [ARG...]    marker "begin LABEL", run CMD (standard
 *                               output discarded), marker "end LABEL";
 *                               prints "BENCH-OP LABEL ms=MS status=N"
 *   exec [--before SH] N NAME -- CMD [ARG...]
 *                               run CMD N times (output discarded), timing
 *                               each fork-to-exit; SH (sh -c, untimed) runs
 *                               before each
 *   load N STATEFILE BLOBFILE [SUFFIX]
 *                               N x { forget (untimed), LOAD ioctl of
 *                               STATEFILE (timed) }, alternating with N x
 *                               { add_key("trusted", "load BLOB
 *                               keyhandle=PARENT") (timed), unlink }, BLOB
 *                               the hex in BLOBFILE, and N x TPM2_NV_Read
 *                               of the backup counter through /dev/tpm0
 *                               (timed): one command; SUFFIX is appended to
 *                               the series' names.  With a bench build of
 *                               the module (bench_ns, bench_calls), also
 *                               "BENCH-CPU NAME n=N ecdh_ns=... ..." summed
 *                               over the N LOADs
 *   activate N                  N x { ACTIVATE ioctl (timed), ERASE },
 *                               alternating with N x { add_key("trusted",
 *                               "new 32 keyhandle=PARENT") (timed), unlink }
 *   load1 STATEFILE, activate1 [STATEFILE]
 *                               one LOAD or ACTIVATE ioctl (key left loaded;
 *                               ACTIVATE's state written to STATEFILE)
 *   unload                      ERASE the loaded key, if any: with the
 *                               native backend that destroys it in the TPM
 *   reload                      forget the loaded key without destroying it:
 *                               reload the module (delete_module, then
 *                               finit_module of $TPMKEY_BENCH_KO, default
 *                               /lib/modules/tpmkey.ko, with
 *                               $TPMKEY_BENCH_PARAMS, default
 *                               $TPMKEY_MODULE_PARAMS), as a reboot would
 *   pcr-reset                   TPM2_PCR_Reset(23) through /dev/tpm0: opens
 *                               the test lock PCR again, as a reboot would
 *   forget                      reload, then pcr-reset
 *   kdf                         one derivation with tpmkeyctl's default
 *                               Argon2id parameters (lib/kdf.c):
 *                               "KDF time=N memory_kib=N lanes=N wall_s=S
 *                               cpu_s=S maxrss_kib=N"
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/keyctl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/tpmkey.h>

#include "kdf.h"

#define PARENT		TPMKEY_DEFAULT_PARENT
#define NV_INDEX	TPMKEY_DEFAULT_NV_INDEX
#define TRUSTED_DESC	"tpmkey-bench:kmk"
#define MARK_PREFIX	"tpmkey-bench:"
#define TPM2_CC_STIR_RANDOM	0x146
#define MODULE_DEFAULT	"/lib/modules/tpmkey.ko"
#define PARAMS_DIR	"/sys/module/tpmkey/parameters/"

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void report(const char *name, double *t, int n)
{
	double median, sum = 0;
	int i;

	qsort(t, n, sizeof(*t), cmp_double);
	for (i = 0; i < n; i++)
		sum += t[i];
	median = n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
	printf("BENCH %s n=%d median=%.3f min=%.3f max=%.3f mean=%.3f\n",
	       name, n, median, t[0], t[n - 1], sum / n);
	printf("BENCH-RAW %s", name);
	for (i = 0; i < n; i++)
		printf(" %.3f", t[i]);
	printf("\n");
	fflush(stdout);
}

static int count_arg(const char *s)
{
	int n = atoi(s);

	if (n < 1 || n > 10000) {
		fprintf(stderr, "tpmkey_bench: bad count %s\n", s);
		exit(2);
	}
	return n;
}

/* The marker: one command no other program sends, naming its label. */
static void mark(const char *label)
{
	uint8_t cmd[12 + 128], rsp[64];
	size_t len = strlen(MARK_PREFIX) + strlen(label);
	uint32_t size = 12 + len, rc;
	ssize_t n;
	int fd;

	if (len > 128) {
		fprintf(stderr, "tpmkey_bench: marker label too long\n");
		exit(2);
	}
	cmd[0] = 0x80;			/* TPM_ST_NO_SESSIONS */
	cmd[1] = 0x01;
	cmd[2] = size >> 24;
	cmd[3] = size >> 16;
	cmd[4] = size >> 8;
	cmd[5] = size;
	cmd[6] = 0;
	cmd[7] = 0;
	cmd[8] = TPM2_CC_STIR_RANDOM >> 8;
	cmd[9] = TPM2_CC_STIR_RANDOM & 0xff;
	cmd[10] = len >> 8;		/* TPM2B_SENSITIVE_DATA */
	cmd[11] = len;
	memcpy(cmd + 12, MARK_PREFIX, strlen(MARK_PREFIX));
	memcpy(cmd + 12 + strlen(MARK_PREFIX), label, strlen(label));

	fd = open("/dev/tpm0", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		die("/dev/tpm0");
	if (write(fd, cmd, size) != (ssize_t)size)
		die("marker: write");
	n = read(fd, rsp, sizeof(rsp));
	if (n < 10)
		die("marker: read");
	rc = (uint32_t)rsp[6] << 24 | rsp[7] << 16 | rsp[8] << 8 | rsp[9];
	if (rc)
		fprintf(stderr, "tpmkey_bench: marker: TPM rc 0x%x\n", rc);
	close(fd);
}

/* TPM2_NV_Read of the 8-byte backup counter, as kernel/tpm2_cmd.c sends it. */
static double nv_read_raw(int tpm)
{
	static const uint8_t cmd[] = {
		0x80, 0x02, 0x00, 0x00, 0x00, 0x23, 0x00, 0x00, 0x01, 0x4e,
		0x40, 0x00, 0x00, 0x01,				/* owner */
		NV_INDEX >> 24, (NV_INDEX >> 16) & 0xff,
		(NV_INDEX >> 8) & 0xff, NV_INDEX & 0xff,
		0x00, 0x00, 0x00, 0x09,				/* authSize */
		0x40, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x08, 0x00, 0x00,				/* size, offset */
	};
	uint8_t rsp[128];
	double t0, t;

	t0 = now_ms();
	if (write(tpm, cmd, sizeof(cmd)) != (ssize_t)sizeof(cmd))
		die("NV_Read: write");
	if (read(tpm, rsp, sizeof(rsp)) < 10)
		die("NV_Read: read");
	t = now_ms() - t0;
	if (rsp[6] | rsp[7] | rsp[8] | rsp[9]) {
		fprintf(stderr, "tpmkey_bench: NV_Read: TPM rc 0x%02x%02x%02x%02x\n",
			rsp[6], rsp[7], rsp[8], rsp[9]);
		exit(1);
	}
	return t;
}

/*
 * TPM2_PCR_Reset(23) with the empty password on @tpm (an open /dev/tpm0):
 * the module's lock PCR in the test VM (vm-run's lock_pcr=23) back at its
 * reset value, as after a reboot.  As test_pcr_reset() in tpmkey_util.h.
 */
static void pcr_reset(int tpm)
{
	static const uint8_t cmd[] = {
		0x80, 0x02, 0x00, 0x00, 0x00, 0x1b, 0x00, 0x00, 0x01, 0x3d,
		0x00, 0x00, 0x00, 0x17, 0x00, 0x00, 0x00, 0x09, 0x40, 0x00,
		0x00, 0x09, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	uint8_t rsp[64];

	if (write(tpm, cmd, sizeof(cmd)) != (ssize_t)sizeof(cmd))
		die("PCR_Reset: write");
	if (read(tpm, rsp, sizeof(rsp)) < 10)
		die("PCR_Reset: read");
	if (rsp[6] | rsp[7] | rsp[8] | rsp[9]) {
		fprintf(stderr, "tpmkey_bench: PCR_Reset: TPM rc 0x%02x%02x%02x%02x\n",
			rsp[6], rsp[7], rsp[8], rsp[9]);
		exit(1);
	}
}

static void pcr_reset_dev(void)
{
	int tpm = open("/dev/tpm0", O_RDWR | O_CLOEXEC);

	if (tpm < 0)
		die("/dev/tpm0");
	pcr_reset(tpm);
	close(tpm);
}

/*
 * Reloads tpmkey.ko: the module forgets its key without ERASE (which
 * destroys the native backend's key in the TPM), as a reboot would.
 * $TPMKEY_BENCH_KO and $TPMKEY_BENCH_PARAMS choose the module file and its
 * parameters (default: the VM's, $TPMKEY_MODULE_PARAMS).  Closes *@fd
 * first if it is open and reopens it if @fd is not NULL.
 */
static void reload(int *fd)
{
	const char *ko = getenv("TPMKEY_BENCH_KO");
	const char *params = getenv("TPMKEY_BENCH_PARAMS");
	int kfd, i;

	if (!ko || !*ko)
		ko = MODULE_DEFAULT;
	if (!params)
		params = getenv("TPMKEY_MODULE_PARAMS");
	if (fd && *fd >= 0)
		close(*fd);
	/* A process that closed /dev/tpmkey a moment ago may still hold it. */
	for (i = 0; syscall(SYS_delete_module, "tpmkey", O_NONBLOCK); i++) {
		if (errno == ENOENT)
			break;
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EBUSY)
			die("delete_module tpmkey");
		if (i == 100)
			die("delete_module tpmkey (still in use)");
		usleep(10000);
	}
	kfd = open(ko, O_RDONLY | O_CLOEXEC);
	if (kfd < 0)
		die(ko);
	if (syscall(SYS_finit_module, kfd, params ? params : "", 0))
		die("finit_module tpmkey");
	close(kfd);
	if (fd) {
		*fd = open("/dev/tpmkey", O_RDWR | O_CLOEXEC);
		if (*fd < 0)
			die("/dev/tpmkey");
	}
}

/*
 * The bench build's counters (kernel/tpm2_session.c, TPMKEY_BENCH): the
 * arrays bench_ns and bench_calls, indexed alike; the ECDH parts (the last
 * three) count no calls of their own.
 */
static const char *const cpu_names[] = {
	"ns_ecdh", "ns_kdf", "ns_hmac", "ns_cfb",
	"ns_ecdh_setup", "ns_ecdh_public", "ns_ecdh_shared",
	"calls_ecdh", "calls_kdf", "calls_hmac", "calls_cfb",
};
#define CPU_COUNT	(sizeof(cpu_names) / sizeof(cpu_names[0]))
#define CPU_NS		7	/* bench_ns's length */
#define CPU_CALLS	4	/* what the table takes of bench_calls */
_Static_assert(CPU_NS + CPU_CALLS == CPU_COUNT, "cpu_names and the arrays");

/* Adds up to @n values of the array parameter @name to @sum. */
static int cpu_read_array(const char *name, unsigned long long *sum,
			  unsigned int n)
{
	unsigned long long v;
	char path[128];
	unsigned int i;
	FILE *f;

	snprintf(path, sizeof(path), PARAMS_DIR "%s", name);
	f = fopen(path, "r");
	if (!f)
		return 0;
	for (i = 0; i < n; i++) {
		if (fscanf(f, i ? ",%llu" : "%llu", &v) != 1)
			die(path);
		sum[i] += v;
	}
	fclose(f);
	return 1;
}

/* Adds the counters to @sum; 0 if this is not a bench build. */
static int cpu_read(unsigned long long *sum)
{
	return cpu_read_array("bench_ns", sum, CPU_NS) &&
	       cpu_read_array("bench_calls", sum + CPU_NS, CPU_CALLS);
}

/*
 * fork, exec, wait; returns the exit status (128 + signal if killed).
 * @quiet: 1 discards CMD's standard output, 2 its standard error too.
 */
static int run(char **argv, int quiet, double *ms)
{
	int status, fd;
	double t0;
	pid_t pid;

	fflush(NULL);
	t0 = now_ms();
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		fd = quiet ? open("/dev/null", O_WRONLY) : -1;
		if (fd >= 0) {
			dup2(fd, 1);
			if (quiet > 1)
				dup2(fd, 2);
		}
		execvp(argv[0], argv);
		perror(argv[0]);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		die("waitpid");
	*ms = now_ms() - t0;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

static int dev_open(void)
{
	int fd = open("/dev/tpmkey", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		die("/dev/tpmkey");
	return fd;
}

static int erase(int fd, const uint8_t key_id[TPMKEY_KEY_ID_SIZE])
{
	struct tpmkey_erase req = { .size = sizeof(req) };

	memcpy(req.key_id, key_id, sizeof(req.key_id));
	return ioctl(fd, TPMKEY_IOC_ERASE, &req);
}

static void unload(int fd)
{
	struct tpmkey_status st = { .size = sizeof(st) };

	if (ioctl(fd, TPMKEY_IOC_STATUS, &st))
		die("STATUS");
	if (st.state == TPMKEY_STATE_ACTIVE && erase(fd, st.key_id))
		die("ERASE");
}

static size_t read_file(const char *path, void *buf, size_t cap)
{
	size_t len;
	FILE *f;

	f = fopen(path, "rb");
	if (!f)
		die(path);
	len = fread(buf, 1, cap, f);
	if (ferror(f) || !feof(f)) {
		fprintf(stderr, "tpmkey_bench: %s: unreadable or too large\n",
			path);
		exit(1);
	}
	fclose(f);
	return len;
}

static void write_file(const char *path, const void *buf, size_t len)
{
	FILE *f;

	f = fopen(path, "wb");
	if (!f)
		die(path);
	if (fwrite(buf, 1, len, f) != len || fclose(f))
		die(path);
}

/* add_key("trusted", TRUSTED_DESC, payload, @u) timed; then unlinked. */
static double trusted_add(const char *payload)
{
	double t0, t;
	long id;

	t0 = now_ms();
	id = syscall(SYS_add_key, "trusted", TRUSTED_DESC, payload,
		     strlen(payload), KEY_SPEC_USER_KEYRING);
	t = now_ms() - t0;
	if (id < 0)
		die("add_key trusted");
	syscall(SYS_keyctl, KEYCTL_INVALIDATE, id);
	syscall(SYS_keyctl, KEYCTL_UNLINK, id, KEY_SPEC_USER_KEYRING);
	return t;
}

static int cmd_load(int argc, char **argv)
{
	static uint8_t state[TPMKEY_STATE_SIZE_MAX];
	static char blob[8192], payload[8400];
	unsigned long long cpu[CPU_COUNT] = { 0 };
	int n, i, fd, bench_build = 0;
	double *tl, *tt, *tn, t0;
	size_t state_len, blob_len;
	unsigned int j;
	const char *suffix;
	char name[64];
	int tpm;

	/* load N STATE BLOB [SUFFIX]: SUFFIX tells this series' names apart */
	if (argc != 4 && argc != 5)
		return 2;
	suffix = argc == 5 ? argv[4] : "";
	n = count_arg(argv[1]);
	state_len = read_file(argv[2], state, sizeof(state));
	blob_len = read_file(argv[3], blob, sizeof(blob) - 1);
	while (blob_len && (blob[blob_len - 1] == '\n' || blob[blob_len - 1] == ' '))
		blob_len--;
	blob[blob_len] = 0;
	snprintf(payload, sizeof(payload), "load %s keyhandle=0x%08x", blob,
		 PARENT);
	tl = calloc(n, sizeof(*tl));
	tt = calloc(n, sizeof(*tt));
	tn = calloc(n, sizeof(*tn));
	if (!tl || !tt || !tn)
		die("calloc");
	fd = -1;
	tpm = open("/dev/tpm0", O_RDWR | O_CLOEXEC);
	if (tpm < 0)
		die("/dev/tpm0");
	for (i = 0; i < n; i++) {
		struct tpmkey_load req = {
			.size = sizeof(req),
			.state_ptr = (uintptr_t)state,
			.state_len = state_len,
		};

		/* Untimed: forget the key, open the lock PCR (a reboot). */
		reload(&fd);
		pcr_reset(tpm);
		t0 = now_ms();
		if (ioctl(fd, TPMKEY_IOC_LOAD, &req))
			die("LOAD");
		tl[i] = now_ms() - t0;
		bench_build = cpu_read(cpu);
		tt[i] = trusted_add(payload);
		tn[i] = nv_read_raw(tpm);
	}
	snprintf(name, sizeof(name), "load-ioctl%s", suffix);
	report(name, tl, n);
	snprintf(name, sizeof(name), "trusted-load%s", suffix);
	report(name, tt, n);
	snprintf(name, sizeof(name), "tpm-nv-read%s", suffix);
	report(name, tn, n);
	if (bench_build) {
		printf("BENCH-CPU load-ioctl%s n=%d", suffix, n);
		for (j = 0; j < CPU_COUNT; j++)
			printf(" %s=%llu", cpu_names[j], cpu[j]);
		printf("\n");
		fflush(stdout);
	}
	close(tpm);
	close(fd);
	return 0;
}

static int cmd_activate(int argc, char **argv)
{
	static uint8_t state[TPMKEY_STATE_SIZE_MAX];
	char payload[64];
	double *ta, *tt, t0;
	int n, i, fd;

	if (argc != 2)
		return 2;
	n = count_arg(argv[1]);
	snprintf(payload, sizeof(payload), "new 32 keyhandle=0x%08x", PARENT);
	ta = calloc(n, sizeof(*ta));
	tt = calloc(n, sizeof(*tt));
	if (!ta || !tt)
		die("calloc");
	fd = -1;
	reload(&fd);		/* INACTIVE, whatever key was loaded kept */
	for (i = 0; i < n; i++) {
		struct tpmkey_activate req = {
			.size = sizeof(req),
			.key_len = 64,
			.parent_handle = PARENT,
			.state_ptr = (uintptr_t)state,
			.state_len = sizeof(state),
			.nv_index = NV_INDEX,
		};

		t0 = now_ms();
		if (ioctl(fd, TPMKEY_IOC_ACTIVATE, &req))
			die("ACTIVATE");
		ta[i] = now_ms() - t0;
		if (erase(fd, req.key_id))
			die("ERASE");
		tt[i] = trusted_add(payload);
	}
	report("activate-ioctl", ta, n);
	report("trusted-new", tt, n);
	close(fd);
	return 0;
}

static int cmd_load1(const char *path)
{
	static uint8_t state[TPMKEY_STATE_SIZE_MAX];
	struct tpmkey_load req = {
		.size = sizeof(req),
		.state_ptr = (uintptr_t)state,
	};
	int fd = dev_open();

	req.state_len = read_file(path, state, sizeof(state));
	if (ioctl(fd, TPMKEY_IOC_LOAD, &req))
		die("LOAD");
	close(fd);
	return 0;
}

/* activate1 [STATE]: one ACTIVATE, its state written to STATE if given */
static int cmd_activate1(const char *path)
{
	static uint8_t state[TPMKEY_STATE_SIZE_MAX];
	struct tpmkey_activate req = {
		.size = sizeof(req),
		.key_len = 64,
		.parent_handle = PARENT,
		.state_ptr = (uintptr_t)state,
		.state_len = sizeof(state),
		.nv_index = NV_INDEX,
	};
	int fd = dev_open();

	if (ioctl(fd, TPMKEY_IOC_ACTIVATE, &req))
		die("ACTIVATE");
	close(fd);
	if (path)
		write_file(path, state, req.state_len);
	return 0;
}

static int cmd_exec(int argc, char **argv)
{
	const char *before = NULL;
	char *sh[] = { "sh", "-c", NULL, NULL };
	double *t, dummy;
	int n, i, st;

	if (argc > 2 && !strcmp(argv[1], "--before")) {
		before = argv[2];
		argc -= 2;
		argv += 2;
	}
	if (argc < 5 || strcmp(argv[3], "--"))
		return 2;
	n = count_arg(argv[1]);
	t = calloc(n, sizeof(*t));
	if (!t)
		die("calloc");
	for (i = 0; i < n; i++) {
		if (before) {
			sh[2] = (char *)before;
			st = run(sh, 0, &dummy);
			if (st) {
				fprintf(stderr, "tpmkey_bench: %s: status %d\n",
					before, st);
				return 1;
			}
		}
		st = run(argv + 4, 2, &t[i]);
		if (st) {
			fprintf(stderr, "tpmkey_bench: %s: status %d\n",
				argv[4], st);
			return 1;
		}
	}
	report(argv[2], t, n);
	return 0;
}

static int cmd_op(int argc, char **argv)
{
	char label[140];
	double ms;
	int st;

	if (argc < 4 || strcmp(argv[2], "--"))
		return 2;
	snprintf(label, sizeof(label), "begin %s", argv[1]);
	mark(label);
	st = run(argv + 3, 1, &ms);
	snprintf(label, sizeof(label), "end %s", argv[1]);
	mark(label);
	printf("BENCH-OP %s ms=%.3f status=%d\n", argv[1], ms, st);
	fflush(stdout);
	return 0;
}

static int cmd_kdf(void)
{
	const struct tpmkey_kdf *p = &kdf_default;
	static const char pw[] = "correct horse battery staple";
	uint8_t salt[KDF_SALT_SIZE] = { 0 };
	struct secret password, key;
	struct rusage ru;
	double t0, wall, cpu;
	int ret;

	if (secret_alloc(&password, sizeof(pw)))
		die("secret_alloc");
	memcpy(password.data, pw, sizeof(pw) - 1);
	password.len = sizeof(pw) - 1;
	t0 = now_ms();
	ret = kdf_derive(p, &password, salt, &key);
	wall = (now_ms() - t0) / 1e3;
	if (ret) {
		fprintf(stderr, "tpmkey_bench: kdf_derive: %d\n", ret);
		return 1;
	}
	if (getrusage(RUSAGE_SELF, &ru))
		die("getrusage");
	cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	      ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	printf("KDF time=%u memory_kib=%u lanes=%u wall_s=%.3f cpu_s=%.3f maxrss_kib=%ld\n",
	       p->time, p->memory_kib, p->lanes, wall, cpu, ru.ru_maxrss);
	secret_free(&key);
	secret_free(&password);
	return 0;
}

int main(int argc, char **argv)
{
	int ret = 2;

	if (argc < 2)
		goto usage;
	argc--;
	argv++;
	if (!strcmp(argv[0], "mark") && argc == 2) {
		mark(argv[1]);
		return 0;
	} else if (!strcmp(argv[0], "op")) {
		ret = cmd_op(argc, argv);
	} else if (!strcmp(argv[0], "exec")) {
		ret = cmd_exec(argc, argv);
	} else if (!strcmp(argv[0], "load")) {
		ret = cmd_load(argc, argv);
	} else if (!strcmp(argv[0], "activate")) {
		ret = cmd_activate(argc, argv);
	} else if (!strcmp(argv[0], "load1") && argc == 2) {
		return cmd_load1(argv[1]);
	} else if (!strcmp(argv[0], "activate1") && argc <= 2) {
		return cmd_activate1(argc == 2 ? argv[1] : NULL);
	} else if (!strcmp(argv[0], "unload") && argc == 1) {
		int fd = dev_open();

		unload(fd);
		close(fd);
		return 0;
	} else if (!strcmp(argv[0], "reload") && argc == 1) {
		reload(NULL);
		return 0;
	} else if (!strcmp(argv[0], "pcr-reset") && argc == 1) {
		pcr_reset_dev();
		return 0;
	} else if (!strcmp(argv[0], "forget") && argc == 1) {
		reload(NULL);
		pcr_reset_dev();
		return 0;
	} else if (!strcmp(argv[0], "kdf") && argc == 1) {
		return cmd_kdf();
	}
	if (ret != 2)
		return ret;
usage:
	fprintf(stderr,
		"usage: tpmkey_bench mark LABEL | op LABEL -- CMD... |\n"
		"       exec [--before SH] N NAME -- CMD... | load N STATEFILE BLOBFILE |\n"
		"       activate N | load1 STATEFILE | activate1 [STATEFILE] | unload |\n"
		"       reload | pcr-reset | forget | kdf\n");
	return 2;
}
