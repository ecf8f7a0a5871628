// SPDX-License-Identifier: GPL-2.0
/*
 * tpmkeyctl's backup file reader: TPMKEY.BAK read from a "mounted stick"
 * (a scratch directory) with usb_read_file(), as ctl_read_backup() does,
 * then tpmkey_backup_header_parse(), as verify-backup and restore do before they
 * ask for the password (lib/usb.c, backupfile.c).
 *
 * Checks: a file larger than TPMKEY_BACKUP_SIZE_MAX is -EFBIG; otherwise
 * it is read back byte for byte; a header the parser accepts has the exact
 * length, KDF parameters within bounds, and is what tpmkey_backup_header_init()
 * writes for those parameters and the file's key fields (apart from the
 * nonce, which the module fills in, and the reserved bytes).
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <unistd.h>

#include "kdf.h"
#include "usb.h"
#include "fuzz.h"
#include "tmpdir.h"

static struct usb_stick stick;

static void make_seeds(const char *dir)
{
	static const struct tpmkey_kdf kdfs[] = {
		{ 4, 512 * 1024, 2 }, { 1, 8192, 1 }, { 64, 4194304, 16 },
	};
	struct tpmkey_backup_header hdr;
	struct tpmkey_status st = { .created = 1764100000 };
	uint8_t salt[KDF_SALT_SIZE], tpm_id[TPMKEY_TPM_ID_SIZE];
	uint8_t file[TPMKEY_BACKUP_SIZE_MAX];
	size_t i;
	int n = 0;

	memset(salt, 0x5a, sizeof(salt));
	memset(tpm_id, 0xa5, sizeof(tpm_id));
	memcpy(st.key_id, "backupfile seed", 16);
	for (i = 0; i < sizeof(kdfs) / sizeof(kdfs[0]); i++) {
		st.key_len = i == 1 ? 32 : 64;
		tpmkey_backup_header_init(&hdr, &kdfs[i], salt, &st, tpm_id);
		memset(file, 0x3c, sizeof(file));
		memcpy(file, &hdr, sizeof(hdr));
		memset(file + offsetof(struct tpmkey_backup_header, nonce),
		       0x42, TPMKEY_BACKUP_NONCE_SIZE);
		fuzz_write_seed(dir, n++, file,
				TPMKEY_BACKUP_SIZE(st.key_len));
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = getenv("TPMKEY_FUZZ_SEEDS");

	(void)argc;
	(void)argv;
	if (dir) {
		make_seeds(dir);
		exit(0);
	}
	snprintf(stick.mnt, sizeof(stick.mnt), "%s",
		 fuzz_dir_make("backupfile"));
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tpmkey_backup_header hdr, again;
	struct tpmkey_status st = { 0 };
	uint8_t file[TPMKEY_BACKUP_SIZE_MAX], salt[KDF_SALT_SIZE];
	char path[PATH_MAX], err[256];
	struct tpmkey_kdf kdf;
	size_t len;
	int fd, ret;

	snprintf(path, sizeof(path), "%s/%s", stick.mnt, TPMKEY_BACKUP_NAME);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	FUZZ_CHECK(fd >= 0);
	FUZZ_CHECK(write(fd, data, size) == (ssize_t)size);
	close(fd);

	err[0] = 0;
	ret = usb_read_file(&stick, TPMKEY_BACKUP_NAME, file, sizeof(file),
			    &len, err, sizeof(err));
	FUZZ_CHECK(strnlen(err, sizeof(err)) < sizeof(err));
	if (size > sizeof(file)) {
		FUZZ_CHECK(ret == -EFBIG);
		return 0;
	}
	FUZZ_CHECK(ret == 0 && len == size && !memcmp(file, data, size));

	memset(&kdf, 0xa5, sizeof(kdf));
	if (tpmkey_backup_header_parse(file, len, &kdf, salt))
		return 0;

	FUZZ_CHECK(len >= sizeof(hdr));
	memcpy(&hdr, file, sizeof(hdr));
	FUZZ_CHECK(len == TPMKEY_BACKUP_SIZE(le32toh(hdr.key_len)));
	FUZZ_CHECK(kdf_params_valid(&kdf));
	FUZZ_CHECK(kdf.time >= TPMKEY_KDF_TIME_MIN &&
		   kdf.time <= TPMKEY_KDF_TIME_MAX &&
		   kdf.memory_kib >= TPMKEY_KDF_MEMORY_MIN &&
		   kdf.memory_kib <= TPMKEY_KDF_MEMORY_MAX &&
		   kdf.lanes >= TPMKEY_KDF_LANES_MIN &&
		   kdf.lanes <= TPMKEY_KDF_LANES_MAX &&
		   kdf.memory_kib >= 8 * kdf.lanes);
	FUZZ_CHECK(!memcmp(salt, hdr.salt, sizeof(salt)));

	st.key_len = le32toh(hdr.key_len);
	memcpy(st.key_id, hdr.key_id, sizeof(st.key_id));
	st.created = le64toh(hdr.created);
	tpmkey_backup_header_init(&again, &kdf, salt, &st, hdr.tpm_id);
	memcpy(again.nonce, hdr.nonce, sizeof(again.nonce));
	memcpy(again.reserved, hdr.reserved, sizeof(again.reserved));
	FUZZ_CHECK(!memcmp(&again, &hdr, sizeof(hdr)));
	return 0;
}
