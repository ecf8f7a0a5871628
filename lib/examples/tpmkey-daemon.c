// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * tpmkey-daemon: a sample management daemon on the installed libtpmkey
 * (<libtpmkey.h>, `pkg-config --cflags --libs libtpmkey`), nothing else of
 * the project.  It runs the jobs named on its command line in order, as a
 * daemon would on its management requests, and prints one line per job:
 *
 *	tpmkey-daemon [--state-dir DIR] [--password-file FILE]
 *		      [--kdf-time N --kdf-memory KIB] JOB...
 *
 * JOB: status, activate, load, backup.  Exit status 0 if every job worked,
 * else 1; the line says what failed (the library's errno and text).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <libtpmkey.h>

struct daemon {
	const char *state_dir;
	const char *password_file;
	struct tpmkey_kdf kdf;
	int fd;
	char err[512];
};

static void log_cb(void *data, int priority, const char *msg)
{
	(void)data;
	printf("  (libtpmkey, priority %d: %s)\n", priority, msg);
}

static int job_status(struct daemon *d)
{
	struct tpmkey_status st;
	char id[TPMKEY_ID_HEX_SIZE] = "-", pcrs[64];
	int ret = tpmkey_get_status(d->fd, &st);

	if (ret)
		return ret;
	if (st.state == TPMKEY_STATE_ACTIVE)
		tpmkey_format_id(st.key_id, id);
	tpmkey_format_pcrs(st.pcr_mask, pcrs, sizeof(pcrs));
	printf("status: state=%s key=%s backend=%s backup=%s pcrs=%s\n",
	       st.state == TPMKEY_STATE_ACTIVE ? "active" : "inactive", id,
	       tpmkey_backend_name(st.state == TPMKEY_STATE_ACTIVE ?
				   st.backend : st.new_key_backend),
	       st.key_flags & TPMKEY_KEY_BACKED_UP ? "made" : "none",
	       *pcrs ? pcrs : "none");
	return 0;
}

static int job_activate(struct daemon *d)
{
	uint8_t state[TPMKEY_STATE_SIZE_MAX], key_id[TPMKEY_KEY_ID_SIZE];
	char id[TPMKEY_ID_HEX_SIZE];
	size_t len;
	bool created;
	int ret;

	ret = tpmkey_provision(TPMKEY_TCTI_DEFAULT, TPMKEY_DEFAULT_PARENT,
			       TPMKEY_DEFAULT_NV_INDEX, &created, d->err,
			       sizeof(d->err));
	if (ret)
		return ret;
	ret = tpmkey_activate(d->fd, TPMKEY_DEK_SIZE_MAX, TPMKEY_DEFAULT_PARENT,
			      TPMKEY_DEFAULT_NV_INDEX, 0, state, &len, key_id);
	if (ret)
		return ret;
	ret = tpmkey_state_write(d->state_dir, state, len);
	if (ret) {
		/* Without its state the key would be lost at reboot. */
		tpmkey_erase(d->fd, key_id);
		return ret;
	}
	tpmkey_format_id(key_id, id);
	printf("activate: key=%s srk_created=%d\n", id, created);
	return 0;
}

static int job_load(struct daemon *d)
{
	uint8_t state[TPMKEY_STATE_SIZE_MAX], key_id[TPMKEY_KEY_ID_SIZE];
	char id[TPMKEY_ID_HEX_SIZE];
	size_t len;
	int ret;

	ret = tpmkey_state_read(d->state_dir, state, sizeof(state), &len);
	if (!ret)
		ret = tpmkey_load(d->fd, state, len, key_id);
	if (ret)
		return ret;
	tpmkey_format_id(key_id, id);
	printf("load: key=%s\n", id);
	return 0;
}

/* The password file's first line. */
static int read_password(const char *path, char *pw, size_t size)
{
	FILE *f = fopen(path, "re");

	if (!f)
		return -errno;
	if (!fgets(pw, size, f))
		pw[0] = '\0';
	fclose(f);
	pw[strcspn(pw, "\n")] = '\0';
	return *pw ? 0 : -EINVAL;
}

static int backup_to(struct daemon *d, struct tpmkey_stick *stick,
		     uint8_t *kek, char *pw, uint8_t *file)
{
	uint8_t salt[TPMKEY_BACKUP_SALT_SIZE], tpm_id[TPMKEY_TPM_ID_SIZE];
	struct tpmkey_status st;
	size_t len;
	int ret;

	ret = tpmkey_get_status(d->fd, &st);
	if (!ret)
		ret = tpmkey_tpm_id(TPMKEY_TCTI_DEFAULT, st.parent_handle,
				    tpm_id, d->err, sizeof(d->err));
	if (!ret)
		ret = read_password(d->password_file, pw, 512);
	if (!ret)
		ret = tpmkey_random(salt, sizeof(salt));
	if (!ret)
		ret = tpmkey_kdf_derive(&d->kdf, pw, strlen(pw), salt, kek);
	if (ret)
		return ret;
	tpmkey_backup_header_init((struct tpmkey_backup_header *)file,
				  &d->kdf, salt, &st, tpm_id);
	ret = tpmkey_backup(d->fd, kek, file, &len);
	if (!ret)
		ret = tpmkey_stick_store_backup(stick, file, len, d->err,
						sizeof(d->err));
	if (!ret)
		ret = tpmkey_verify(d->fd, kek, file, len);
	if (!ret)
		printf("backup: %s on %s, verified\n", TPMKEY_BACKUP_NAME,
		       tpmkey_stick_device(stick));
	return ret;
}

static int job_backup(struct daemon *d)
{
	struct tpmkey_stick *stick;
	uint8_t *kek = tpmkey_secret_alloc(TPMKEY_KEK_SIZE);
	uint8_t *file = tpmkey_secret_alloc(TPMKEY_BACKUP_SIZE_MAX);
	char *pw = tpmkey_secret_alloc(512);
	int ret = -ENOMEM;

	if (!d->password_file)
		ret = -EINVAL;
	else if (kek && file && pw) {
		ret = tpmkey_stick_find(&stick, 5000, d->err, sizeof(d->err));
		if (!ret) {
			ret = backup_to(d, stick, kek, pw, file);
			tpmkey_stick_free(stick);
		}
	}
	tpmkey_secret_free(kek, TPMKEY_KEK_SIZE);
	tpmkey_secret_free(file, TPMKEY_BACKUP_SIZE_MAX);
	tpmkey_secret_free(pw, 512);
	return ret;
}

static const struct {
	const char *name;
	int (*run)(struct daemon *d);
} jobs[] = {
	{ "status", job_status },
	{ "activate", job_activate },
	{ "load", job_load },
	{ "backup", job_backup },
};

static int run_job(struct daemon *d, const char *name)
{
	size_t i;
	int ret;

	for (i = 0; i < sizeof(jobs) / sizeof(jobs[0]); i++) {
		if (strcmp(name, jobs[i].name))
			continue;
		d->err[0] = '\0';
		ret = jobs[i].run(d);
		if (ret)
			printf("%s: failed: %s%s%s\n", name, strerror(-ret),
			       *d->err ? ": " : "", d->err);
		return ret;
	}
	printf("%s: unknown job\n", name);
	return -EINVAL;
}

int main(int argc, char *argv[])
{
	static const struct option options[] = {
		{ "state-dir", required_argument, NULL, 'd' },
		{ "password-file", required_argument, NULL, 'p' },
		{ "kdf-time", required_argument, NULL, 't' },
		{ "kdf-memory", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 }
	};
	struct daemon d = { .state_dir = TPMKEY_STATE_DIR_DEFAULT };
	int c, lock, failed = 0;

	tpmkey_kdf_default(&d.kdf);
	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (c) {
		case 'd':
			d.state_dir = optarg;
			break;
		case 'p':
			d.password_file = optarg;
			break;
		case 't':
			d.kdf.time = strtoul(optarg, NULL, 10);
			break;
		case 'm':
			d.kdf.memory_kib = strtoul(optarg, NULL, 10);
			break;
		default:
			return 2;
		}
	}
	tpmkey_set_log(log_cb, NULL);
	printf("tpmkey-daemon on libtpmkey %s\n", tpmkey_lib_version());
	/* The lock tpmkeyctl takes too: never both at once. */
	lock = tpmkey_lock();
	d.fd = tpmkey_open();
	if (lock < 0 || d.fd < 0) {
		printf("cannot start: %s\n", strerror(lock < 0 ? -lock : -d.fd));
		return 1;
	}
	for (; optind < argc; optind++)
		failed |= run_job(&d, argv[optind]) != 0;
	close(d.fd);
	close(lock);
	return failed;
}
