// SPDX-License-Identifier: GPL-2.0
/*
 * TPM 2.0 commands the module sends itself: reading and incrementing the NV
 * counter that makes the backup one-time (both backends), and sealing and
 * unsealing the KMK as a sealed data object (the native backend, for
 * kernels without trusted keys).  Modelled on the kernel's trusted_tpm2.c.
 * Uses only the tpm_buf and tpm_transmit_cmd() interface common to 6.1 and
 * later kernels; the constants carry a TPMKEY_ prefix because 6.12's tpm.h
 * has some of them and 6.1's has not.  Every response length is checked
 * before it is read.
 *
 * Authorization is a password session with the empty password: the owner
 * hierarchy for the counter, the storage key and the sealed object for
 * sealing (the storage key and objects carry no auth value, as with trusted
 * keys created without one).  There is no parameter encryption: the KMK
 * crosses the TPM bus in clear when sealed and unsealed.
 */

#include <linux/device.h>
#include <linux/err.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <linux/tpm.h>

#include "tpmkey.h"

#define TPMKEY_TPM2_ST_NO_SESSIONS	0x8001
#define TPMKEY_TPM2_ST_SESSIONS		0x8002
#define TPMKEY_TPM2_CC_NV_INCREMENT	0x0134
#define TPMKEY_TPM2_CC_NV_READ		0x014e
#define TPMKEY_TPM2_CC_CREATE		0x0153
#define TPMKEY_TPM2_CC_LOAD		0x0157
#define TPMKEY_TPM2_CC_UNSEAL		0x015e
#define TPMKEY_TPM2_CC_FLUSH_CONTEXT	0x0165
#define TPMKEY_TPM2_RH_OWNER		0x40000001
#define TPMKEY_TPM2_RS_PW		0x40000009
#define TPMKEY_TPM2_ALG_KEYEDHASH	0x0008
#define TPMKEY_TPM2_ALG_SHA256		0x000b
#define TPMKEY_TPM2_ALG_NULL		0x0010
/* TPMA_OBJECT bits of the sealed KMK */
#define TPMKEY_TPM2_OA_FIXED_TPM	BIT(1)
#define TPMKEY_TPM2_OA_FIXED_PARENT	BIT(4)
#define TPMKEY_TPM2_OA_USER_WITH_AUTH	BIT(6)
#define TPMKEY_TPM2_OA_NO_DA		BIT(10)
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

/* Authorization with the empty password (TPM_RS_PW session). */
static void tpmkey_tpm2_append_empty_auth(struct tpm_buf *buf)
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

/*
 * The parameter area of a response that has @handles response handles:
 * *@params and *@params_len, after checking that parameterSize fits in
 * what the TPM sent.  Caller checked the response code.
 */
static int tpmkey_tpm2_params(struct tpm_buf *buf, unsigned int handles,
			      const u8 **params, u32 *params_len)
{
	u32 resp_len = tpm_buf_length(buf);
	u32 head = TPMKEY_TPM_HEADER_SIZE + 4 * handles + 4;
	u32 size;

	if (resp_len < head)
		return -EFAULT;
	size = tpmkey_be32_at(buf->data + head - 4);
	if (size > resp_len - head)
		return -EFAULT;
	*params = buf->data + head;
	*params_len = size;
	return 0;
}

/* The length of the TPM2B at @p, or -EFAULT if it overruns @len bytes. */
static int tpmkey_tpm2b_len(const u8 *p, u32 len)
{
	u16 size;

	if (len < 2)
		return -EFAULT;
	size = tpmkey_be16_at(p);
	if (size > len - 2)
		return -EFAULT;
	return size;
}

/*
 * Command and response buffers of seal and unseal hold the KMK; wipe the
 * whole page before it goes back.
 */
static void tpmkey_tpm_buf_destroy_sensitive(struct tpm_buf *buf)
{
	memzero_explicit(buf->data, PAGE_SIZE);
	tpm_buf_destroy(buf);
}

/* Caller holds the chip's ops (tpm_try_get_ops()). */
static int tpmkey_tpm2_nv_read_u64(struct tpm_chip *chip, u32 index,
				   u64 *value)
{
	struct tpm_buf buf;
	const u8 *params;
	u32 params_len;
	ssize_t rc;
	int ret;

	ret = tpm_buf_init(&buf, TPMKEY_TPM2_ST_SESSIONS,
			   TPMKEY_TPM2_CC_NV_READ);
	if (ret)
		return ret;
	tpm_buf_append_u32(&buf, TPMKEY_TPM2_RH_OWNER);
	tpm_buf_append_u32(&buf, index);
	tpmkey_tpm2_append_empty_auth(&buf);
	tpm_buf_append_u16(&buf, sizeof(u64));	/* size */
	tpm_buf_append_u16(&buf, 0);		/* offset */

	/* parameterSize, then TPM2B_MAX_NV_BUFFER { size, 8 bytes } */
	rc = tpm_transmit_cmd(chip, &buf, 4 + 2 + sizeof(u64),
			      "reading the tpmkey NV counter");
	ret = tpmkey_tpm2_rc_to_errno(rc);
	if (ret)
		goto out;
	ret = tpmkey_tpm2_params(&buf, 0, &params, &params_len);
	if (ret)
		goto out;
	if (tpmkey_tpm2b_len(params, params_len) != sizeof(u64)) {
		ret = -EFAULT;
		goto out;
	}
	*value = tpmkey_be64_at(params + 2);
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
	tpmkey_tpm2_append_empty_auth(&buf);
	rc = tpm_transmit_cmd(chip, &buf, 0,
			      "incrementing the tpmkey NV counter");
	ret = tpmkey_tpm2_rc_to_errno(rc);
	tpm_buf_destroy(&buf);
	return ret;
}

/* Holds a reference to the default TPM 2.0 and its ops, or -ENODEV. */
static struct tpm_chip *tpmkey_tpm2_get(void)
{
	struct tpm_chip *chip;

	chip = tpm_default_chip();
	if (!chip)
		return ERR_PTR(-ENODEV);
	if (tpm_is_tpm2(chip) <= 0 || tpm_try_get_ops(chip)) {
		put_device(&chip->dev);
		return ERR_PTR(-ENODEV);
	}
	return chip;
}

static void tpmkey_tpm2_put(struct tpm_chip *chip)
{
	tpm_put_ops(chip);
	put_device(&chip->dev);
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

	chip = tpmkey_tpm2_get();
	if (IS_ERR(chip))
		return PTR_ERR(chip);
	ret = tpmkey_tpm2_nv_read_u64(chip, index, value);
	if (!ret && op == TPMKEY_COUNTER_CONSUME && *value != expected)
		ret = -EALREADY;
	if (!ret && op != TPMKEY_COUNTER_READ)
		ret = tpmkey_tpm2_nv_increment(chip, index);
	tpmkey_tpm2_put(chip);
	return ret;
}

/* Caller holds the chip's ops. */
static int tpmkey_tpm2_create_sealed(struct tpm_chip *chip, u32 parent,
				     const u8 *secret, size_t secret_len,
				     u8 *sealed, size_t *sealed_len)
{
	struct tpm_buf buf;
	const u8 *params;
	u32 params_len;
	int priv_len, pub_len;
	ssize_t rc;
	int ret;

	ret = tpm_buf_init(&buf, TPMKEY_TPM2_ST_SESSIONS,
			   TPMKEY_TPM2_CC_CREATE);
	if (ret)
		return ret;
	tpm_buf_append_u32(&buf, parent);
	tpmkey_tpm2_append_empty_auth(&buf);

	/* inSensitive: TPM2B_SENSITIVE_CREATE { userAuth, data } */
	tpm_buf_append_u16(&buf, 2 + 2 + secret_len);
	tpm_buf_append_u16(&buf, 0);
	tpm_buf_append_u16(&buf, secret_len);
	tpm_buf_append(&buf, secret, secret_len);

	/* inPublic: a keyed-hash object without scheme is a sealed object */
	tpm_buf_append_u16(&buf, 2 + 2 + 4 + 2 + 2 + 2);
	tpm_buf_append_u16(&buf, TPMKEY_TPM2_ALG_KEYEDHASH);
	tpm_buf_append_u16(&buf, TPMKEY_TPM2_ALG_SHA256);
	/*
	 * NO_DA: a dictionary-attack lockout, which anybody with /dev/tpmrm0
	 * can provoke, must not stop the disk from unlocking at boot.
	 */
	tpm_buf_append_u32(&buf, TPMKEY_TPM2_OA_FIXED_TPM |
			   TPMKEY_TPM2_OA_FIXED_PARENT |
			   TPMKEY_TPM2_OA_USER_WITH_AUTH |
			   TPMKEY_TPM2_OA_NO_DA);
	tpm_buf_append_u16(&buf, 0);			/* authPolicy */
	tpm_buf_append_u16(&buf, TPMKEY_TPM2_ALG_NULL);	/* scheme */
	tpm_buf_append_u16(&buf, 0);			/* unique */

	tpm_buf_append_u16(&buf, 0);	/* outsideInfo */
	tpm_buf_append_u32(&buf, 0);	/* creationPCR: no PCRs */

	rc = tpm_transmit_cmd(chip, &buf, 4, "sealing the tpmkey KMK");
	ret = tpmkey_tpm2_rc_to_errno(rc);
	if (ret)
		goto out;

	/* outPrivate and outPublic, kept as the TPM sent them */
	ret = tpmkey_tpm2_params(&buf, 0, &params, &params_len);
	if (ret)
		goto out;
	priv_len = tpmkey_tpm2b_len(params, params_len);
	if (priv_len < 0) {
		ret = priv_len;
		goto out;
	}
	pub_len = tpmkey_tpm2b_len(params + 2 + priv_len,
				   params_len - 2 - priv_len);
	if (pub_len < 0) {
		ret = pub_len;
		goto out;
	}
	if (!priv_len || !pub_len ||
	    2 + priv_len + 2 + pub_len > TPMKEY_SEALED_SIZE_MAX) {
		ret = -EFAULT;
		goto out;
	}
	*sealed_len = 2 + priv_len + 2 + pub_len;
	memcpy(sealed, params, *sealed_len);
out:
	tpmkey_tpm_buf_destroy_sensitive(&buf);
	return ret;
}

/* Caller holds the chip's ops.  On success, the caller flushes @handle. */
static int tpmkey_tpm2_load(struct tpm_chip *chip, u32 parent,
			    const u8 *sealed, size_t sealed_len, u32 *handle)
{
	struct tpm_buf buf;
	ssize_t rc;
	int ret;

	ret = tpm_buf_init(&buf, TPMKEY_TPM2_ST_SESSIONS,
			   TPMKEY_TPM2_CC_LOAD);
	if (ret)
		return ret;
	tpm_buf_append_u32(&buf, parent);
	tpmkey_tpm2_append_empty_auth(&buf);
	tpm_buf_append(&buf, sealed, sealed_len);	/* inPrivate, inPublic */

	rc = tpm_transmit_cmd(chip, &buf, 4, "loading the tpmkey KMK");
	ret = tpmkey_tpm2_rc_to_errno(rc);
	if (ret)
		goto out;
	if (tpm_buf_length(&buf) < TPMKEY_TPM_HEADER_SIZE + 4) {
		ret = -EFAULT;
		goto out;
	}
	*handle = tpmkey_be32_at(buf.data + TPMKEY_TPM_HEADER_SIZE);
out:
	tpm_buf_destroy(&buf);
	return ret;
}

/* Caller holds the chip's ops. */
static int tpmkey_tpm2_unseal_object(struct tpm_chip *chip, u32 handle,
				     u8 *secret, size_t secret_len)
{
	struct tpm_buf buf;
	const u8 *params;
	u32 params_len;
	ssize_t rc;
	int ret;

	ret = tpm_buf_init(&buf, TPMKEY_TPM2_ST_SESSIONS,
			   TPMKEY_TPM2_CC_UNSEAL);
	if (ret)
		return ret;
	tpm_buf_append_u32(&buf, handle);
	tpmkey_tpm2_append_empty_auth(&buf);

	rc = tpm_transmit_cmd(chip, &buf, 4 + 2, "unsealing the tpmkey KMK");
	ret = tpmkey_tpm2_rc_to_errno(rc);
	if (ret)
		goto out;
	ret = tpmkey_tpm2_params(&buf, 0, &params, &params_len);
	if (ret)
		goto out;
	/* outData: TPM2B_SENSITIVE_DATA of exactly the sealed length */
	if (tpmkey_tpm2b_len(params, params_len) != secret_len) {
		ret = -EFAULT;
		goto out;
	}
	memcpy(secret, params + 2, secret_len);
out:
	tpmkey_tpm_buf_destroy_sensitive(&buf);
	return ret;
}

/**
 * tpmkey_tpm2_seal() - seal a secret to the TPM as a sealed data object
 * @parent: persistent handle of the storage key
 * @secret: the secret, at most 128 bytes
 * @secret_len: its length
 * @sealed: receives TPM2B_PRIVATE || TPM2B_PUBLIC of the object, at most
 *	    TPMKEY_SEALED_SIZE_MAX bytes
 * @sealed_len: receives the length written to @sealed
 *
 * One TPM command (TPM2_Create).  The object can be loaded only under
 * @parent on this TPM, and unsealed with the empty password.
 *
 * Return: 0; -ENODEV no TPM 2.0; -ENOENT no storage key at @parent; -EIO
 * the TPM refused; -EFAULT a malformed response; or another negative errno.
 */
int tpmkey_tpm2_seal(u32 parent, const u8 *secret, size_t secret_len,
		     u8 *sealed, size_t *sealed_len)
{
	struct tpm_chip *chip;
	int ret;

	chip = tpmkey_tpm2_get();
	if (IS_ERR(chip))
		return PTR_ERR(chip);
	ret = tpmkey_tpm2_create_sealed(chip, parent, secret, secret_len,
					sealed, sealed_len);
	tpmkey_tpm2_put(chip);
	return ret;
}

/**
 * tpmkey_tpm2_unseal() - recover a secret sealed by tpmkey_tpm2_seal()
 * @parent: persistent handle of the storage key it was sealed under
 * @sealed: what tpmkey_tpm2_seal() produced
 * @sealed_len: its length
 * @secret: receives the secret
 * @secret_len: the secret's length; anything else is refused
 *
 * Three TPM commands (Load, Unseal, FlushContext) under one hold of the
 * chip, like a trusted-keys "load".  The FlushContext buffer is allocated
 * before the Load: tpm2_flush_context() allocates its own and, when that
 * fails, leaves the object in the TPM until the next reset, after which
 * every Load fails for want of a transient slot (fail-nth showed it).
 *
 * Return: 0; -ENODEV no TPM 2.0; -EBADMSG @sealed is not two TPM2Bs;
 * -ENOENT no storage key at @parent; -EIO the TPM refused (another TPM,
 * another storage key, a damaged object); -EFAULT a malformed response; or
 * another negative errno.
 */
int tpmkey_tpm2_unseal(u32 parent, const u8 *sealed, size_t sealed_len,
		       u8 *secret, size_t secret_len)
{
	struct tpm_buf flush;
	struct tpm_chip *chip;
	int priv_len, pub_len;
	u32 handle;
	int ret;

	if (sealed_len > TPMKEY_SEALED_SIZE_MAX)
		return -EBADMSG;
	priv_len = tpmkey_tpm2b_len(sealed, sealed_len);
	if (priv_len < 0)
		return -EBADMSG;
	pub_len = tpmkey_tpm2b_len(sealed + 2 + priv_len,
				   sealed_len - 2 - priv_len);
	if (pub_len < 0 || 2 + priv_len + 2 + pub_len != sealed_len)
		return -EBADMSG;

	ret = tpm_buf_init(&flush, TPMKEY_TPM2_ST_NO_SESSIONS,
			   TPMKEY_TPM2_CC_FLUSH_CONTEXT);
	if (ret)
		return ret;
	chip = tpmkey_tpm2_get();
	if (IS_ERR(chip)) {
		ret = PTR_ERR(chip);
		goto out;
	}
	ret = tpmkey_tpm2_load(chip, parent, sealed, sealed_len, &handle);
	if (!ret) {
		ret = tpmkey_tpm2_unseal_object(chip, handle, secret,
						secret_len);
		tpm_buf_append_u32(&flush, handle);
		tpm_transmit_cmd(chip, &flush, 0, "flushing the tpmkey KMK");
	}
	tpmkey_tpm2_put(chip);
out:
	tpm_buf_destroy(&flush);
	return ret;
}
