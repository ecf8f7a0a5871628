// SPDX-License-Identifier: GPL-2.0
/*
 * TPM 2.0 commands the module sends itself: reading and incrementing the NV
 * counter that makes the backup one-time.  Uses only the tpm_buf and
 * tpm_transmit_cmd() interface common to 6.1 and later kernels; the
 * constants carry a TPMKEY_ prefix because 6.12's tpm.h has some of them
 * and 6.1's has not.  Every response length is checked before it is read.
 */

#include <linux/device.h>
#include <linux/string.h>
#include <linux/tpm.h>

#include "tpmkey.h"

#define TPMKEY_TPM2_ST_SESSIONS		0x8002
#define TPMKEY_TPM2_CC_NV_INCREMENT	0x0134
#define TPMKEY_TPM2_CC_NV_READ		0x014e
#define TPMKEY_TPM2_RH_OWNER		0x40000001
#define TPMKEY_TPM2_RS_PW		0x40000009
/* Format-one response codes: error number in bits 0-5, bit 7 set. */
#define TPMKEY_TPM2_RC_FMT1		0x080
#define TPMKEY_TPM2_RC_HANDLE		0x00b
#define TPMKEY_TPM2_RC_NV_UNINITIALIZED	0x14a

#define TPMKEY_TPM_HEADER_SIZE		10

/*
 * Response fields are unaligned big-endian.  (The unaligned helpers moved
 * from asm/ to linux/ in 6.12; memcpy works on every version.)
 */
static u16 tpmkey_be16_at(const u8 *p)
{
	__be16 v;

	memcpy(&v, p, sizeof(v));
	return be16_to_cpu(v);
}

static u32 tpmkey_be32_at(const u8 *p)
{
	__be32 v;

	memcpy(&v, p, sizeof(v));
	return be32_to_cpu(v);
}

static u64 tpmkey_be64_at(const u8 *p)
{
	__be64 v;

	memcpy(&v, p, sizeof(v));
	return be64_to_cpu(v);
}

/* Owner authorization with the empty password (TPM_RS_PW session). */
static void tpmkey_tpm2_append_owner_auth(struct tpm_buf *buf)
{
	tpm_buf_append_u32(buf, 9);
	tpm_buf_append_u32(buf, TPMKEY_TPM2_RS_PW);
	tpm_buf_append_u16(buf, 0);	/* nonce */
	tpm_buf_append_u8(buf, 0);	/* session attributes */
	tpm_buf_append_u16(buf, 0);	/* password */
}

static int tpmkey_tpm2_rc_to_errno(ssize_t rc)
{
	if (rc <= 0)
		return rc;
	if ((rc & TPMKEY_TPM2_RC_FMT1) &&
	    (rc & 0x3f) == TPMKEY_TPM2_RC_HANDLE)
		return -ENOENT;
	if (rc == TPMKEY_TPM2_RC_NV_UNINITIALIZED)
		return -ENODATA;
	return -EIO;
}

/* Caller holds the chip's ops (tpm_try_get_ops()). */
static int tpmkey_tpm2_nv_read_u64(struct tpm_chip *chip, u32 index,
				   u64 *value)
{
	struct tpm_buf buf;
	const u8 *body;
	u32 resp_len, param_size;
	ssize_t rc;
	int ret;

	ret = tpm_buf_init(&buf, TPMKEY_TPM2_ST_SESSIONS,
			   TPMKEY_TPM2_CC_NV_READ);
	if (ret)
		return ret;
	tpm_buf_append_u32(&buf, TPMKEY_TPM2_RH_OWNER);
	tpm_buf_append_u32(&buf, index);
	tpmkey_tpm2_append_owner_auth(&buf);
	tpm_buf_append_u16(&buf, sizeof(u64));	/* size */
	tpm_buf_append_u16(&buf, 0);		/* offset */

	/* parameterSize, then TPM2B_MAX_NV_BUFFER { size, 8 bytes } */
	rc = tpm_transmit_cmd(chip, &buf, 4 + 2 + sizeof(u64),
			      "reading the tpmkey NV counter");
	ret = tpmkey_tpm2_rc_to_errno(rc);
	if (ret)
		goto out;

	resp_len = tpm_buf_length(&buf);
	if (resp_len < TPMKEY_TPM_HEADER_SIZE + 4 + 2 + sizeof(u64)) {
		ret = -EFAULT;
		goto out;
	}
	body = buf.data + TPMKEY_TPM_HEADER_SIZE;
	param_size = tpmkey_be32_at(body);
	if (param_size < 2 + sizeof(u64) ||
	    param_size > resp_len - TPMKEY_TPM_HEADER_SIZE - 4 ||
	    tpmkey_be16_at(body + 4) != sizeof(u64)) {
		ret = -EFAULT;
		goto out;
	}
	*value = tpmkey_be64_at(body + 6);
out:
	tpm_buf_destroy(&buf);
	return ret;
}

/* Caller holds the chip's ops (tpm_try_get_ops()). */
static int tpmkey_tpm2_nv_increment(struct tpm_chip *chip, u32 index)
{
	struct tpm_buf buf;
	ssize_t rc;
	int ret;

	ret = tpm_buf_init(&buf, TPMKEY_TPM2_ST_SESSIONS,
			   TPMKEY_TPM2_CC_NV_INCREMENT);
	if (ret)
		return ret;
	tpm_buf_append_u32(&buf, TPMKEY_TPM2_RH_OWNER);
	tpm_buf_append_u32(&buf, index);
	tpmkey_tpm2_append_owner_auth(&buf);
	rc = tpm_transmit_cmd(chip, &buf, 0,
			      "incrementing the tpmkey NV counter");
	ret = tpmkey_tpm2_rc_to_errno(rc);
	tpm_buf_destroy(&buf);
	return ret;
}

/**
 * tpmkey_counter() - read the NV counter, and increment it if asked to
 * @index: the counter's NV index
 * @op: TPMKEY_COUNTER_READ; TPMKEY_COUNTER_INCREMENT: read, then increment;
 *	TPMKEY_COUNTER_CONSUME: increment only if the value is @expected
 * @expected: for TPMKEY_COUNTER_CONSUME
 * @value: receives the value before any increment
 *
 * Reading and incrementing happen under one hold of the chip, so no
 * /dev/tpm* user can come in between.
 *
 * Return: 0; -EALREADY (CONSUME) the value was not @expected; -ENODEV no
 * TPM 2.0; -ENOENT no such index; -ENODATA the counter was never
 * incremented; -EIO the TPM refused; -EFAULT a malformed response; or
 * another negative errno.
 */
int tpmkey_counter(u32 index, enum tpmkey_counter_op op, u64 expected,
		   u64 *value)
{
	struct tpm_chip *chip;
	int ret;

	chip = tpm_default_chip();
	if (!chip)
		return -ENODEV;
	ret = tpm_is_tpm2(chip) > 0 ? tpm_try_get_ops(chip) : -ENODEV;
	if (ret)
		goto out_put;
	ret = tpmkey_tpm2_nv_read_u64(chip, index, value);
	if (!ret && op == TPMKEY_COUNTER_CONSUME && *value != expected)
		ret = -EALREADY;
	if (!ret && op != TPMKEY_COUNTER_READ)
		ret = tpmkey_tpm2_nv_increment(chip, index);
	tpm_put_ops(chip);
out_put:
	put_device(&chip->dev);
	return ret;
}
