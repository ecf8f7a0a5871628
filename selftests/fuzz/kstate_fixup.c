// SPDX-License-Identifier: GPL-2.0
/*
 * kstate_fixup(): repairs a state blob's lengths, GCM tag and checksum so
 * that mutations reach the checks behind them (fuzz_kstate.c describes the
 * mode bits).  Shared by the kstate and kioctl targets.
 */
#include "kshim.h"
#include "../../kernel/tpmkey.h"

#define HDR_LEN		88
#define TAIL_LEN	(TPMKEY_GCM_TAG_SIZE + SHA256_DIGEST_SIZE)

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

/* Makes @blob's tag and checksum right, as far as its lengths allow. */
void kstate_fixup(u8 *blob, size_t len, unsigned int mode, const u8 *kmk)
{
	u32 sealed_len, key_len;

	if (len < HDR_LEN + TAIL_LEN)
		return;
	key_len = get_le32(blob + 24);
	if ((mode & 0x04) && (key_len == 32 || key_len == 64) &&
	    len >= HDR_LEN + key_len + TAIL_LEN + 1)
		put_le32(blob + 28, len - HDR_LEN - key_len - TAIL_LEN);
	sealed_len = get_le32(blob + 28);
	if ((mode & 0x01) && (key_len == 32 || key_len == 64) &&
	    sealed_len <= TPMKEY_SEALED_SIZE_MAX &&
	    len == HDR_LEN + sealed_len + key_len + TAIL_LEN) {
		u8 *wrapped = blob + HDR_LEN + sealed_len;
		u8 plain[64];

		memcpy(plain, wrapped, key_len);
		if (tpmkey_seal_gcm(kmk, blob + 72, blob, HDR_LEN + sealed_len,
				    plain, wrapped, key_len))
			abort();
	}
	if (mode & 0x02)
		sha256(blob, len - SHA256_DIGEST_SIZE,
		       blob + len - SHA256_DIGEST_SIZE);
}

