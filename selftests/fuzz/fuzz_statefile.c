// SPDX-License-Identifier: GPL-2.0
/*
 * tpmkeyctl's state file: written with tpmkey_state_write() (the helper's own
 * writer), read back with tpmkey_state_read(), the key id taken out with
 * tpmkey_state_key_id() as load and erase do, then destroyed with
 * tpmkey_state_destroy() (lib/statefile.c).
 *
 * Checks: the file reads back byte for byte, or -EFBIG past
 * TPMKEY_STATE_SIZE_MAX; the key id is found exactly for files of at least
 * 48 bytes that start with the magic, and is bytes 32 to 47; after
 * tpmkey_state_destroy() the file is gone.
 */
#include <errno.h>

#include <stddef.h>

#include "libtpmkey.h"
#include "fuzz.h"
#include "tmpdir.h"

static const char *dir;

static void make_seeds(const char *seeds)
{
	uint8_t state[TPMKEY_STATE_SIZE_MAX];
	size_t lens[] = { 256 + 100 + 64 + 48, 256 + 512 + 32 + 48, 256 };
	size_t i;

	memset(state, 0x5a, sizeof(state));
	memcpy(state, TPMKEY_STATE_MAGIC, 8);
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++)
		fuzz_write_seed(seeds, i, state, lens[i]);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *seeds = getenv("TPMKEY_FUZZ_SEEDS");

	(void)argc;
	(void)argv;
	if (seeds) {
		make_seeds(seeds);
		exit(0);
	}
	dir = fuzz_dir_make("statefile");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t state[TPMKEY_STATE_SIZE_MAX], id[TPMKEY_KEY_ID_SIZE];
	size_t len = 12345;
	bool found;
	int ret;

	FUZZ_CHECK(tpmkey_state_write(dir, data, size) == 0);
	ret = tpmkey_state_read(dir, state, sizeof(state), &len);
	if (size > sizeof(state)) {
		FUZZ_CHECK(ret == -EFBIG);
	} else {
		FUZZ_CHECK(ret == 0 && len == size);
		FUZZ_CHECK(!memcmp(state, data, size));
		memset(id, 0xa5, sizeof(id));
		found = !tpmkey_state_key_id(state, len, id);
		FUZZ_CHECK(found == (len >= TPMKEY_STATE_HEADER_SIZE &&
				     !memcmp(data, TPMKEY_STATE_MAGIC, 8)));
		if (found)
			FUZZ_CHECK(!memcmp(id, data + offsetof(struct tpmkey_state_header,
							 key_id), sizeof(id)));
	}
	FUZZ_CHECK(tpmkey_state_destroy(dir) == 0);
	FUZZ_CHECK(tpmkey_state_read(dir, state, sizeof(state), &len) == -ENOENT);
	return 0;
}
