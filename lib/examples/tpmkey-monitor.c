// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * tpmkey-monitor: a sample management program on libtpmkey.
 *
 * Polls the module's status and reports every change on one line; reacts
 * to a key that has no backup yet (warns once per key, since a TPM failure
 * would then lose the data) and to the module going away.  A management
 * daemon would do its own reacting; the point is that it needs nothing but
 * <linux/tpmkey.h> and libtpmkey, never raw ioctl numbers.
 *
 *	tpmkey-monitor [--interval SECONDS] [--count N]
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libtpmkey.h>

static void key_hex(const uint8_t *id, char *buf)
{
	int i;

	for (i = 0; i < TPMKEY_KEY_ID_SIZE; i++)
		sprintf(buf + 2 * i, "%02x", id[i]);
}

/* One line describing @st (or the module's absence, @err). */
static void describe(const struct tpmkey_status *st, int err, char *buf,
		     size_t len)
{
	char id[2 * TPMKEY_KEY_ID_SIZE + 1];

	if (err) {
		snprintf(buf, len, "module=%s", err == -ENOENT ? "absent" :
			 strerror(-err));
		return;
	}
	if (st->state != TPMKEY_STATE_ACTIVE) {
		snprintf(buf, len, "module=loaded state=inactive tpm=%s",
			 st->tpm_flags & TPMKEY_TPM_2 ? "2.0" : "none");
		return;
	}
	key_hex(st->key_id, id);
	snprintf(buf, len, "module=loaded state=active key=%s backup=%s", id,
		 st->key_flags & TPMKEY_KEY_BACKED_UP ? "made" : "missing");
}

int main(int argc, char *argv[])
{
	static const struct option options[] = {
		{ "interval", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 }
	};
	uint8_t warned[TPMKEY_KEY_ID_SIZE] = { 0 };
	char line[256], last[256] = "";
	struct tpmkey_status st;
	double interval = 5;
	long count = -1;
	struct timespec ts;
	int c, fd, err;

	while ((c = getopt_long(argc, argv, "i:c:", options, NULL)) != -1) {
		switch (c) {
		case 'i':
			interval = strtod(optarg, NULL);
			break;
		case 'c':
			count = strtol(optarg, NULL, 10);
			break;
		default:
			fprintf(stderr, "usage: tpmkey-monitor [--interval SECONDS] [--count N]\n");
			return 2;
		}
	}
	if (interval <= 0)
		interval = 5;
	ts.tv_sec = (time_t)interval;
	ts.tv_nsec = (long)((interval - ts.tv_sec) * 1e9);

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (; count != 0; count > 0 ? count-- : 0) {
		/* Reopen every time: the module may be unloaded in between. */
		fd = tpmkey_open();
		err = fd < 0 ? fd : tpmkey_get_status(fd, &st);
		if (fd >= 0)
			close(fd);
		describe(&st, err, line, sizeof(line));
		if (strcmp(line, last)) {
			printf("%ld %s\n", (long)time(NULL), line);
			snprintf(last, sizeof(last), "%s", line);
		}
		if (!err && st.state == TPMKEY_STATE_ACTIVE &&
		    !(st.key_flags & TPMKEY_KEY_BACKED_UP) &&
		    memcmp(warned, st.key_id, sizeof(warned))) {
			memcpy(warned, st.key_id, sizeof(warned));
			printf("%ld warning: the key has no backup: run 'tpmkeyctl backup' before the TPM fails\n",
			       (long)time(NULL));
		}
		nanosleep(&ts, NULL);
	}
	return 0;
}
