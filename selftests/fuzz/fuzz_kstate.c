// SPDX-License-Identifier: GPL-2.0
/*
 * The module's state-blob parser, kernel/state.c: tpmkey_state_parse(),
 * tpmkey_state_unwrap() and, for a round trip, tpmkey_state_build(),
 * built as userspace code with kshim/, over the real core.c (the handle
 * and reserved-field checks the parser calls).
 *
 * Input: one mode byte, then the blob.  Mode bits make the harness repair
 * what a mutation would otherwise never get past:
 *	0x01  the GCM tag: the wrapped-DEK bytes are taken as plaintext and
 *	      encrypted under the fake KMK (kshim_kmk), tag recomputed
 *	0x02  the SHA-256 checksum at the end
 *	0x04  sealed_len, set to what the blob's length implies
 * Checks: only 0 or -EBADMSG; on success the view lies inside the blob,
 * its lengths add up, its handles are in range and every header field
 * reached it; a repaired blob unwraps, and building it again from the
 * parsed view gives the same bytes.
 */
#include "kshim.h"
#include "../../kernel/tpmkey.h"
#include "fuzz.h"

#define HDR_LEN		TPMKEY_STATE_HEADER_SIZE
#define TAIL_LEN	(TPMKEY_STATE_SIZE(0, 0) - HDR_LEN)
#define HDR_OFF(field)	offsetof(struct tpmkey_state_header, field)

void kstate_fixup(u8 *blob, size_t len, unsigned int mode, const u8 *kmk);

static void make_seeds(const char *dir)
{
	static const u32 sealed_lens[] = { 1, 100, 512 };
	struct tpmkey_key_info info = {
		.key_id = "kstate seed id.",
		.created = 1764100000,
		.parent_handle = TPMKEY_DEFAULT_PARENT,
		.backend = TPMKEY_BACKEND_TRUSTED,
		.nv_index = TPMKEY_DEFAULT_NV_INDEX,
		.nv_value = 7,
		.lock_pcr = TPMKEY_LOCK_PCR_DEFAULT,
		.pcr_mask = 0x0081,
	};
	/* The blob aligned as kmalloc() aligns it, then after the mode. */
	u64 blob[TPMKEY_STATE_SIZE_MAX / 8];
	u8 out[1 + TPMKEY_STATE_SIZE_MAX], sealed[TPMKEY_SEALED_SIZE_MAX];
	u8 nonce[TPMKEY_GCM_NONCE_SIZE] = "seed nonce!";
	size_t i, k, len;
	int n = 0;

	memset(sealed, 0x5a, sizeof(sealed));
	memset(info.lock_pcr_value, 0x4d, sizeof(info.lock_pcr_value));
	kfake_salt_point(0, info.salt_point);
	kfake_nv_name(info.nv_index, info.nv_name);
	for (k = 32; k <= 64; k += 32) {
		for (i = 0; i < ARRAY_SIZE(sealed_lens); i++) {
			info.key_len = k;
			info.backend = i == 1 ? TPMKEY_BACKEND_TPM2 :
						TPMKEY_BACKEND_TRUSTED;
			info.key_handle = i == 1 ? TPMKEY_KEY_HANDLE_FIRST : 0;
			if (tpmkey_state_build(&info, nonce, kshim_kmk, sealed,
					       sealed_lens[i], kshim_dek,
					       (u8 *)blob, &len))
				abort();
			memcpy(out + 1, blob, len);
			out[0] = 0x07;
			fuzz_write_seed(dir, n++, out, len + 1);
			out[0] = 0x00;
			fuzz_write_seed(dir, n++, out, len + 1);
		}
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = getenv("TPMKEY_FUZZ_SEEDS");

	(void)argc;
	(void)argv;
	kshim_reset();
	if (dir) {
		make_seeds(dir);
		exit(0);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tpmkey_state_view view;
	u8 dek[TPMKEY_DEK_SIZE_MAX];
	size_t len, out_len;
	unsigned int mode;
	u8 *blob, *out;
	int ret;

	if (size < 1 || size > 1 + TPMKEY_STATE_SIZE_MAX + 16)
		return 0;
	kshim_reset();
	mode = data[0] & 0x07;
	len = size - 1;
	/* Exactly @len bytes: AddressSanitizer sees any read past the end. */
	blob = malloc(len ? len : 1);
	memcpy(blob, data + 1, len);
	kstate_fixup(blob, len, mode, kshim_kmk);

	memset(&view, 0xa5, sizeof(view));
	ret = tpmkey_state_parse(blob, len, &view);
	FUZZ_CHECK(ret == 0 || ret == -EBADMSG);
	if (ret) {
		free(blob);
		return 0;
	}
	FUZZ_CHECK(view.info.key_len == 32 || view.info.key_len == 64);
	FUZZ_CHECK(view.sealed_len >= 1 &&
		   view.sealed_len <= TPMKEY_SEALED_SIZE_MAX);
	FUZZ_CHECK(view.aad == blob && view.sealed == blob + HDR_LEN);
	FUZZ_CHECK(view.aad_len == HDR_LEN + view.sealed_len);
	FUZZ_CHECK(view.wrapped == blob + view.aad_len);
	FUZZ_CHECK(view.nonce == blob + HDR_OFF(nonce));
	FUZZ_CHECK(view.aad_len + view.info.key_len + TAIL_LEN == len);
	FUZZ_CHECK(len == TPMKEY_STATE_SIZE(view.sealed_len, view.info.key_len));
	FUZZ_CHECK(!memcmp(view.info.key_id, blob + HDR_OFF(key_id),
			   TPMKEY_KEY_ID_SIZE));
	FUZZ_CHECK((view.info.parent_handle >> 24) == 0x81 &&
		   (view.info.nv_index >> 24) == 0x01);
	FUZZ_CHECK(!memcmp(view.info.lock_pcr_value,
			   blob + HDR_OFF(lock_pcr_value),
			   TPMKEY_PCR_DIGEST_SIZE) &&
		   !memcmp(view.info.salt_point, blob + HDR_OFF(salt_point),
			   2 * TPMKEY_ECC_COORD_SIZE) &&
		   !memcmp(view.info.nv_name, blob + HDR_OFF(nv_name),
			   TPMKEY_TPM_NAME_SIZE));
	/* What the parser accepts has no bit outside the known fields. */
	FUZZ_CHECK(!memchr_inv(blob + HDR_OFF(reserved), 0,
			       sizeof(((struct tpmkey_state_header *)0)->reserved)) &&
		   !memchr_inv(blob + HDR_OFF(reserved0), 0, 4) &&
		   !memchr_inv(blob + HDR_OFF(flags), 0, 4));

	ret = tpmkey_state_unwrap(&view, kshim_kmk, dek);
	FUZZ_CHECK(ret == 0 || ret == -EBADMSG);
	if ((mode & 0x03) == 0x03)
		FUZZ_CHECK(ret == 0);	/* we made the tag right */
	if (ret == 0) {
		out = malloc(TPMKEY_STATE_SIZE_MAX);
		ret = tpmkey_state_build(&view.info, view.nonce, kshim_kmk,
					 view.sealed, view.sealed_len, dek,
					 out, &out_len);
		FUZZ_CHECK(ret == 0);
		FUZZ_CHECK(out_len == len && !memcmp(out, blob, len));
		free(out);
	}
	free(blob);
	return 0;
}
