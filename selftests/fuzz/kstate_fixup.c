// SPDX-License-Identifier: GPL-2.0
/*
 * kstate_fixup(): repairs a state blob's lengths, GCM tag and checksum so
 * that mutations reach the checks behind them (fuzz_kstate.c describes the
 * mode bits).  Shared by the kstate and kioctl targets.  The layout is the
 * UAPI's struct tpmkey_state_header and TPMKEY_STATE_SIZE().
 */
#include "kshim.h"
#include "../../kernel/tpmkey.h"

#define HDR_LEN		TPMKEY_STATE_HEADER_SIZE
#define KEY_LEN_OFF	offsetof(struct tpmkey_state_header, key_len)
#define SEALED_LEN_OFF	offsetof(struct tpmkey_state_header, sealed_len)
#define NONCE_OFF	offsetof(struct tpmkey_state_header, nonce)

void kstate_fixup(u8 *blob, size_t len, unsigned int mode, const u8 *kmk);

static u32 get_le32(const u8 *p)
{
	u32 v;

	memcpy(&v, p, 4);
	return le32_to_cpu(v);
}

static void put_le32(u8 *p, u32 v)
{
	v = cpu_to_le32(v);
	memcpy(p, &v, 4);
}

/*
 * Makes @blob's tag and checksum right, as far as its lengths allow.
 * Mode 0x08 (kioctl only) first replaces the wrapped plaintext by SHA-256
 * of it, chained: a DEK the fuzzer cannot write itself, so that a run of
 * zeros or a key id the module hands back cannot be "the DEK" in kioctl's
 * leak checks.
 */
void kstate_fixup(u8 *blob, size_t len, unsigned int mode, const u8 *kmk)
{
	u32 sealed_len, key_len;

	if (len < TPMKEY_STATE_SIZE(0, 0))
		return;
	key_len = get_le32(blob + KEY_LEN_OFF);
	if ((mode & 0x04) && (key_len == 32 || key_len == 64) &&
	    len >= TPMKEY_STATE_SIZE(1, key_len))
		put_le32(blob + SEALED_LEN_OFF,
			 len - TPMKEY_STATE_SIZE(0, key_len));
	sealed_len = get_le32(blob + SEALED_LEN_OFF);
	if ((mode & 0x01) && (key_len == 32 || key_len == 64) &&
	    sealed_len <= TPMKEY_SEALED_SIZE_MAX &&
	    len == TPMKEY_STATE_SIZE(sealed_len, key_len)) {
		u8 *wrapped = blob + HDR_LEN + sealed_len;
		u8 plain[TPMKEY_DEK_SIZE_MAX];

		memcpy(plain, wrapped, key_len);
		if (mode & 0x08) {
			sha256(plain, key_len, plain);
			sha256(plain, SHA256_DIGEST_SIZE,
			       plain + SHA256_DIGEST_SIZE);
		}
		if (tpmkey_seal_gcm(kmk, blob + NONCE_OFF, blob,
				    HDR_LEN + sealed_len, plain, wrapped,
				    key_len))
			abort();
	}
	if (mode & 0x02)
		sha256(blob, len - SHA256_DIGEST_SIZE,
		       blob + len - SHA256_DIGEST_SIZE);
}
