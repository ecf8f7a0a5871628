/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A private scratch directory for targets that go through files: on
 * /dev/shm (tmpfs, so fsync costs nothing) unless $TMPDIR says otherwise,
 * removed at exit.
 */
#ifndef TPMKEY_FUZZ_TMPDIR_H
#define TPMKEY_FUZZ_TMPDIR_H

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char fuzz_dir[PATH_MAX];

static void fuzz_dir_remove(void)
{
	char cmd[PATH_MAX + 16];

	if (fuzz_dir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fuzz_dir);
		if (system(cmd))
			fprintf(stderr, "cannot remove %s\n", fuzz_dir);
	}
}

static const char * __attribute__((unused)) fuzz_dir_make(const char *name)
{
	const char *base = getenv("TMPDIR");

	if (!base || !*base)
		base = access("/dev/shm", W_OK) ? "/tmp" : "/dev/shm";
	snprintf(fuzz_dir, sizeof(fuzz_dir), "%s/tpmkey-fuzz-%s.XXXXXX", base,
		 name);
	if (!mkdtemp(fuzz_dir)) {
		perror(fuzz_dir);
		exit(1);
	}
	atexit(fuzz_dir_remove);
	return fuzz_dir;
}

#endif /* TPMKEY_FUZZ_TMPDIR_H */
