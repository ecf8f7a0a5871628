// SPDX-License-Identifier: GPL-2.0
/*
 * TPM 2.0 commands the module sends itself, all through one helper,
 * tpmkey_tpm2_run(): build the authorization (the empty password, or a
 * salted session's HMAC with the first parameter encrypted), transmit,
 * check the response code and every length, verify the response HMAC and
 * decrypt the first response parameter.  Commands are sent under one hold
 * of the chip (struct tpmkey_tpm), so that nothing comes in between.
 * Modelled on the kernel's trusted_tpm2.c and tpm2-sessions.c.
 */

#include <crypto/algapi.h>
#include <crypto/sha2.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/random.h>
#include <linux/string.h>

#include "tpm2_compat.h"
#include "tpm2_cmd.h"

/**
 * tpmkey_tpm_open() - take a hold of the default TPM 2.0
 * @tpm: receives the chip and two buffers
 *
 * Return: 0, -ENODEV without a TPM 2.0, or -ENOMEM.
 */
int tpmkey_tpm_open(struct tpmkey_tpm *tpm)
{
	int ret;

	ret = tpm_buf_init(&tpm->buf, 0, 0);
	if (ret)
		return ret;
	ret = tpm_buf_init(&tpm->params, 0, 0);
	if (ret)
		goto err_buf;
	tpm->chip = tpm_default_chip();
	if (!tpm->chip) {
		ret = -ENODEV;
		goto err_params;
	}
	if (tpm_is_tpm2(tpm->chip) <= 0 || tpm_try_get_ops(tpm->chip)) {
		ret = -ENODEV;
		goto err_chip;
	}
	return 0;

err_chip:
	put_device(&tpm->chip->dev);
err_params:
	tpm_buf_destroy(&tpm->params);
err_buf:
	tpm_buf_destroy(&tpm->buf);
	return ret;
}

/* Releases the hold; the buffers carried secrets, so they are wiped. */
void tpmkey_tpm_close(struct tpmkey_tpm *tpm)
{
	tpm_put_ops(tpm->chip);
	put_device(&tpm->chip->dev);
	memzero_explicit(tpm->buf.data, PAGE_SIZE);
	memzero_explicit(tpm->params.data, PAGE_SIZE);
	tpm_buf_destroy(&tpm->params);
	tpm_buf_destroy(&tpm->buf);
}

/* The buffer the caller appends the next command's parameters to. */
struct tpm_buf *tpmkey_tpm2_params(struct tpmkey_tpm *tpm)
{
	tpm_buf_reset(&tpm->params, 0, 0);
	return &tpm->params;
}

/* The length of the TPM2B at @p, or -EFAULT if it overruns @len bytes. */
int tpmkey_tpm2b(const u8 *p, u32 len)
{
	u16 size;

	if (len < 2)
		return -EFAULT;
	size = get_unaligned_be16(p);
	if (size > len - 2)
		return -EFAULT;
	return size;
}

void tpmkey_handle_name(u32 handle, struct tpmkey_name *name)
{
	put_unaligned_be32(handle, name->data);
	name->len = 4;
}

/* The Name of an object or NV index: nameAlg || H(public area). */
void tpmkey_digest_name(const u8 *area, size_t len, struct tpmkey_name *name)
{
	put_unaligned_be16(TPM_ALG_SHA256, name->data);
	sha256(area, len, name->data + 2);
	name->len = TPMKEY_TPM_NAME_SIZE;
}

static int tpmkey_tpm2_rc_to_errno(u32 rc)
{
	if (rc & TPM2_RC_FMT1) {
		switch (TPM2_RC_FMT1_ERROR(rc)) {
		case TPM2_RC_FMT1_HANDLE_ERR:
			return -ENOENT;
		case TPM2_RC_FMT1_POLICY_FAIL:
			return -EKEYEXPIRED;
		}
		return -EIO;
	}
	switch (rc) {
	case TPM2_RC_NV_UNINITIALIZED:
		return -ENODATA;
	case TPM2_RC_NV_SPACE:
		return -ENOSPC;
	case TPM2_RC_NV_DEFINED:
		return -EEXIST;
	case TPM2_RC_PCR_CHANGED:
		return -EKEYEXPIRED;
	case TPM2_RC_LOCKOUT:
		return -EAGAIN;
	case TPM2_RC_FAILURE:
		return -EREMOTEIO;
	}
	return -EIO;
}

/* cpHash = H(commandCode || Name of each handle || parameters) */
static void tpmkey_tpm2_cphash(const struct tpmkey_cmd *cmd, const u8 *params,
			       u32 params_len, u8 *digest)
{
	struct tpmkey_name handle_name;
	const struct tpmkey_name *name;
	struct sha256_state sha;
	unsigned int i;
	u8 cc[4];

	put_unaligned_be32(cmd->cc, cc);
	sha256_init(&sha);
	sha256_update(&sha, cc, sizeof(cc));
	for (i = 0; i < cmd->nr_handles; i++) {
		name = cmd->names[i];
		if (!name) {
			tpmkey_handle_name(cmd->handles[i], &handle_name);
			name = &handle_name;
		}
		sha256_update(&sha, name->data, name->len);
	}
	sha256_update(&sha, params, params_len);
	sha256_final(&sha, digest);
}

/* The authorization area: the empty password, or the session's HMAC. */
static int tpmkey_tpm2_append_auth(struct tpmkey_tpm *tpm,
				   const struct tpmkey_cmd *cmd, u8 *params,
				   u32 params_len)
{
	struct tpmkey_session *s = cmd->session;
	u8 hmac[SHA256_DIGEST_SIZE], cphash[SHA256_DIGEST_SIZE];
	int len, ret;

	if (!s) {
		tpm_buf_append_u32(&tpm->buf, 9);
		tpm_buf_append_u32(&tpm->buf, TPM2_RS_PW);
		tpm_buf_append_u16(&tpm->buf, 0);	/* nonce */
		tpm_buf_append_u8(&tpm->buf, 0);	/* attributes */
		tpm_buf_append_u16(&tpm->buf, 0);	/* password */
		return 0;
	}

	ret = tpmkey_session_new_nonce(s);
	if (ret)
		return ret;
	if (s->attrs & TPM2_SA_DECRYPT) {
		len = tpmkey_tpm2b(params, params_len);
		if (len < 0)
			return len;
		ret = tpmkey_session_encrypt(s, params + 2, len);
		if (ret)
			return ret;
	}
	tpmkey_tpm2_cphash(cmd, params, params_len, cphash);
	tpmkey_session_command_hmac(s, cphash, hmac);

	tpm_buf_append_u32(&tpm->buf, 4 + 2 + TPMKEY_NONCE_SIZE + 1 + 2 +
			   sizeof(hmac));
	tpm_buf_append_u32(&tpm->buf, s->handle);
	tpm_buf_append_u16(&tpm->buf, TPMKEY_NONCE_SIZE);
	tpm_buf_append(&tpm->buf, s->nonce_caller, TPMKEY_NONCE_SIZE);
	tpm_buf_append_u8(&tpm->buf, s->attrs);
	tpm_buf_append_u16(&tpm->buf, sizeof(hmac));
	tpm_buf_append(&tpm->buf, hmac, sizeof(hmac));
	return 0;
}

/*
 * Checks a session's response authorization (nonceTPM, attributes, HMAC
 * over rpHash) at @auth, @auth_len bytes, and decrypts the first response
 * parameter if the session encrypts.
 */
static int tpmkey_tpm2_check_auth(const struct tpmkey_cmd *cmd, u8 *params,
				  u32 params_len, const u8 *auth,
				  u32 auth_len)
{
	struct tpmkey_session *s = cmd->session;
	u8 rphash[SHA256_DIGEST_SIZE], rc_cc[8] = {};
	const u8 *nonce, *hmac;
	struct sha256_state sha;
	int nonce_len, hmac_len, len;
	u8 attrs;
	int ret;

	nonce_len = tpmkey_tpm2b(auth, auth_len);
	if (nonce_len != TPMKEY_NONCE_SIZE || auth_len < 2 + nonce_len + 1)
		return -EFAULT;
	nonce = auth + 2;
	attrs = auth[2 + nonce_len];
	hmac_len = tpmkey_tpm2b(auth + 3 + nonce_len, auth_len - 3 - nonce_len);
	if (hmac_len != SHA256_DIGEST_SIZE)
		return -EBADMSG;
	hmac = auth + 5 + nonce_len;

	/* responseCode (0: only successes carry parameters), commandCode */
	put_unaligned_be32(cmd->cc, rc_cc + 4);
	sha256_init(&sha);
	sha256_update(&sha, rc_cc, sizeof(rc_cc));
	sha256_update(&sha, params, params_len);
	sha256_final(&sha, rphash);
	ret = tpmkey_session_check_response(s, rphash, nonce, attrs, hmac);
	if (ret)
		return ret;
	if (!(s->attrs & TPM2_SA_CONTINUE_SESSION))
		s->handle = 0;	/* the TPM flushed it */
	if (s->attrs & TPM2_SA_ENCRYPT) {
		len = tpmkey_tpm2b(params, params_len);
		if (len < 0)
			return len;
		return tpmkey_session_decrypt(s, params + 2, len);
	}
	return 0;
}

/* Finds handles, parameters and authorization in a response. */
static int tpmkey_tpm2_parse(struct tpmkey_tpm *tpm, struct tpmkey_cmd *cmd)
{
	u32 len = tpm_buf_length(&tpm->buf);
	u32 off = TPM_HEADER_SIZE + 4 * cmd->resp_handles;
	u8 *data = tpm->buf.data;
	u32 params_len;

	if (len < off || len > PAGE_SIZE)
		return -EFAULT;
	if (cmd->resp_handles)
		cmd->resp_handle = get_unaligned_be32(data + TPM_HEADER_SIZE);
	if (!cmd->auth) {
		cmd->resp = data + off;
		cmd->resp_len = len - off;
		return 0;
	}
	if (len < off + 4)
		return -EFAULT;
	params_len = get_unaligned_be32(data + off);
	off += 4;
	if (params_len > len - off)
		return -EFAULT;
	cmd->resp = data + off;
	cmd->resp_len = params_len;
	if (!cmd->session)
		return 0;
	return tpmkey_tpm2_check_auth(cmd, data + off, params_len,
				      data + off + params_len,
				      len - off - params_len);
}

/**
 * tpmkey_tpm2_run() - send one command and check its response
 * @tpm: the hold; its params buffer holds the command's parameters
 * @cmd: the command; receives the response
 *
 * A session's HMAC check failing means the response did not come from the
 * TPM that holds the salt key: -EBADMSG, and nothing in it may be used.
 *
 * Return: 0; a negative errno for the TPM's refusal (-ENOENT no such
 * handle, -ENODATA an unwritten NV index, -EEXIST a persistent handle in
 * use, -EKEYEXPIRED a policy that does not hold, -EAGAIN dictionary-attack
 * lockout, -EREMOTEIO failure mode, -EIO anything else; @cmd->rc says
 * which), -EFAULT for a malformed response, -EBADMSG for a forged one.
 */
int tpmkey_tpm2_run(struct tpmkey_tpm *tpm, struct tpmkey_cmd *cmd)
{
	u8 *params = tpm->params.data + TPM_HEADER_SIZE;
	u32 params_len = tpm_buf_length(&tpm->params) - TPM_HEADER_SIZE;
	unsigned int i;
	ssize_t rc;
	int ret;

	tpm_buf_reset(&tpm->buf, cmd->auth ? TPM2_ST_SESSIONS :
			TPM2_ST_NO_SESSIONS, cmd->cc);
	for (i = 0; i < cmd->nr_handles; i++)
		tpm_buf_append_u32(&tpm->buf, cmd->handles[i]);
	if (cmd->auth) {
		ret = tpmkey_tpm2_append_auth(tpm, cmd, params, params_len);
		if (ret)
			return ret;
	}
	tpm_buf_append(&tpm->buf, params, params_len);
	if (tpm->buf.flags & TPM_BUF_OVERFLOW)
		return -E2BIG;

	cmd->rc = 0;
	rc = tpm_transmit_cmd(tpm->chip, &tpm->buf, 0, cmd->desc);
	if (rc < 0)
		return rc;
	if (rc > 0) {
		cmd->rc = rc;
		return tpmkey_tpm2_rc_to_errno(rc);
	}
	return tpmkey_tpm2_parse(tpm, cmd);
}

/**
 * tpmkey_tpm2_start_session() - a salted, unbound session
 * @tpm: the hold
 * @salt_handle: persistent handle of the P-256 decryption key to salt to
 * @salt_point: its public point, as recorded: the salt is encrypted to it,
 *	so a TPM without the matching private key cannot use the session
 * @type: TPM2_SE_HMAC or TPM2_SE_POLICY
 * @s: receives the session, with continueSession set
 *
 * Return: 0 or a negative errno; the caller flushes @s->handle if nonzero.
 */
int tpmkey_tpm2_start_session(struct tpmkey_tpm *tpm, u32 salt_handle,
			      const u8 *salt_point, u8 type,
			      struct tpmkey_session *s)
{
	u8 ephemeral[2 * TPMKEY_ECC_COORD_SIZE];
	struct tpmkey_cmd cmd = {
		.cc = TPM2_CC_START_AUTH_SESS,
		.desc = "starting a tpmkey session",
		.handles = { salt_handle, TPM2_RH_NULL },
		.nr_handles = 2,
		.resp_handles = 1,
	};
	struct tpm_buf *p;
	int len, ret;

	memset(s, 0, sizeof(*s));
	ret = tpmkey_session_salt(salt_point, ephemeral, s->salt) ?:
	      tpmkey_session_new_nonce(s);
	if (ret) {
		memzero_explicit(s, sizeof(*s));
		return ret;
	}

	p = tpmkey_tpm2_params(tpm);
	tpm_buf_append_u16(p, TPMKEY_NONCE_SIZE);
	tpm_buf_append(p, s->nonce_caller, TPMKEY_NONCE_SIZE);
	/* encryptedSalt: our ephemeral point, two sized coordinates */
	tpm_buf_append_u16(p, 2 * (2 + TPMKEY_ECC_COORD_SIZE));
	tpm_buf_append_u16(p, TPMKEY_ECC_COORD_SIZE);
	tpm_buf_append(p, ephemeral, TPMKEY_ECC_COORD_SIZE);
	tpm_buf_append_u16(p, TPMKEY_ECC_COORD_SIZE);
	tpm_buf_append(p, ephemeral + TPMKEY_ECC_COORD_SIZE,
		       TPMKEY_ECC_COORD_SIZE);
	tpm_buf_append_u8(p, type);
	tpm_buf_append_u16(p, TPM_ALG_AES);		/* symmetric */
	tpm_buf_append_u16(p, 128);
	tpm_buf_append_u16(p, TPM_ALG_CFB);
	tpm_buf_append_u16(p, TPM_ALG_SHA256);		/* authHash */

	ret = tpmkey_tpm2_run(tpm, &cmd);
	if (ret)
		goto out;
	s->handle = cmd.resp_handle;
	len = tpmkey_tpm2b(cmd.resp, cmd.resp_len);
	if (len != TPMKEY_NONCE_SIZE) {
		ret = -EFAULT;
		goto out;
	}
	memcpy(s->nonce_tpm, cmd.resp + 2, TPMKEY_NONCE_SIZE);
	tpmkey_session_begin(s);
	s->attrs = TPM2_SA_CONTINUE_SESSION;
out:
	memzero_explicit(s->salt, sizeof(s->salt));
	return ret;
}

/**
 * tpmkey_tpm2_flush() - TPM2_FlushContext
 * @tpm: the hold
 * @handle: a transient object or session; 0 does nothing
 *
 * Return: 0 or a negative errno, which the caller reports: a handle left
 * in the TPM takes a slot until the next reset.
 */
int tpmkey_tpm2_flush(struct tpmkey_tpm *tpm, u32 handle)
{
	struct tpmkey_cmd cmd = {
		.cc = TPM2_CC_FLUSH_CONTEXT,
		.desc = "flushing a tpmkey object",
	};
	int ret;

	if (!handle)
		return 0;
	tpm_buf_append_u32(tpmkey_tpm2_params(tpm), handle);
	ret = tpmkey_tpm2_run(tpm, &cmd);
	if (ret)
		pr_warn("TPM handle 0x%08x left in the TPM (%d)\n", handle, ret);
	return ret;
}

/* TPML_PCR_SELECTION of the SHA-256 bank. */
static void tpmkey_tpm2_append_pcrs(struct tpm_buf *p, u32 pcr_mask)
{
	tpm_buf_append_u32(p, 1);
	tpm_buf_append_u16(p, TPM_ALG_SHA256);
	tpm_buf_append_u8(p, 3);
	tpm_buf_append_u8(p, pcr_mask & 0xff);
	tpm_buf_append_u8(p, (pcr_mask >> 8) & 0xff);
	tpm_buf_append_u8(p, (pcr_mask >> 16) & 0xff);
}

/*
 * TPM2_PolicyPCR with an empty pcrDigest: the TPM digests the PCRs' values
 * now, and an object's policy holds only if they are the sealed ones.
 */
int tpmkey_tpm2_policy_pcr(struct tpmkey_tpm *tpm,
			   const struct tpmkey_session *s, u32 pcr_mask)
{
	struct tpmkey_cmd cmd = {
		.cc = TPM2_CC_POLICY_PCR,
		.desc = "adding PCRs to a tpmkey policy",
		.handles = { s->handle },
		.nr_handles = 1,
	};
	struct tpm_buf *p = tpmkey_tpm2_params(tpm);

	tpm_buf_append_u16(p, 0);
	tpmkey_tpm2_append_pcrs(p, pcr_mask);
	return tpmkey_tpm2_run(tpm, &cmd);
}

/* Reads the PCRs TPM2_PCR_Read returned into @digests; their mask. */
static int tpmkey_tpm2_pcr_values(const struct tpmkey_cmd *cmd, u8 *digests)
{
	const u8 *p = cmd->resp, *end = cmd->resp + cmd->resp_len;
	u32 got = 0, count, pcr;
	int len;

	/* pcrUpdateCounter, one selection of the SHA-256 bank */
	if (end - p < 4 + 4 + 2 + 1 + 3 || get_unaligned_be32(p + 4) != 1 ||
	    get_unaligned_be16(p + 8) != TPM_ALG_SHA256 || p[10] != 3)
		return -EFAULT;
	got = p[11] | p[12] << 8 | p[13] << 16;
	p += 14;
	if (end - p < 4)
		return -EFAULT;
	count = get_unaligned_be32(p);
	p += 4;
	if (count != hweight32(got))
		return -EFAULT;
	for (pcr = 0; pcr < TPMKEY_PCR_COUNT; pcr++) {
		if (!(got & BIT(pcr)))
			continue;
		len = tpmkey_tpm2b(p, end - p);
		if (len != TPMKEY_PCR_DIGEST_SIZE)
			return -EFAULT;
		memcpy(digests + pcr * TPMKEY_PCR_DIGEST_SIZE, p + 2, len);
		p += 2 + len;
	}
	return got;
}

/**
 * tpmkey_tpm2_pcr_read() - read PCRs of the SHA-256 bank
 * @tpm: the hold
 * @pcr_mask: bit n for PCR n
 * @digests: TPMKEY_PCR_COUNT digests, indexed by PCR; those in @pcr_mask
 *	are filled
 *
 * A TPM returns at most a few PCRs per command: ask until all came.
 *
 * Return: 0 or a negative errno.
 */
int tpmkey_tpm2_pcr_read(struct tpmkey_tpm *tpm, u32 pcr_mask, u8 *digests)
{
	struct tpmkey_cmd cmd = {
		.cc = TPM2_CC_PCR_READ,
		.desc = "reading PCRs for tpmkey",
	};
	int got, ret;

	while (pcr_mask) {
		tpmkey_tpm2_append_pcrs(tpmkey_tpm2_params(tpm), pcr_mask);
		ret = tpmkey_tpm2_run(tpm, &cmd);
		if (ret)
			return ret;
		got = tpmkey_tpm2_pcr_values(&cmd, digests);
		if (got < 0)
			return got;
		if (!(got & pcr_mask) || (got & ~pcr_mask))
			return -EFAULT;
		pcr_mask &= ~got;
	}
	return 0;
}

/* TPM2_PCR_Extend of the SHA-256 bank; PCRs have the empty password. */
int tpmkey_tpm2_pcr_extend(struct tpmkey_tpm *tpm, u32 pcr, const u8 *digest)
{
	struct tpmkey_cmd cmd = {
		.cc = TPM2_CC_PCR_EXTEND,
		.desc = "extending the tpmkey lock PCR",
		.handles = { pcr },
		.nr_handles = 1,
		.auth = true,
	};
	struct tpm_buf *p = tpmkey_tpm2_params(tpm);

	tpm_buf_append_u32(p, 1);
	tpm_buf_append_u16(p, TPM_ALG_SHA256);
	tpm_buf_append(p, digest, TPMKEY_PCR_DIGEST_SIZE);
	return tpmkey_tpm2_run(tpm, &cmd);
}

/**
 * tpmkey_tpm2_nv_name() - the Name of an NV index, from TPM2_NV_ReadPublic
 * @tpm: the hold
 * @index: the NV index
 * @name: receives its Name, checked against the public area the TPM sent
 *
 * Only ACTIVATE and RESTORE ask (trust on first use); later commands put
 * the recorded Name into their HMACs, so a redefined index fails them.
 *
 * Return: 0, -ENOENT no such index, -EOPNOTSUPP an index not named with
 * SHA-256, or another negative errno.
 */
int tpmkey_tpm2_nv_name(struct tpmkey_tpm *tpm, u32 index,
			struct tpmkey_name *name)
{
	struct tpmkey_cmd cmd = {
		.cc = TPM2_CC_NV_READ_PUBLIC,
		.handles = { index },
		.nr_handles = 1,
	};
	int pub_len, name_len, ret;
	const u8 *p;

	tpmkey_tpm2_params(tpm);
	ret = tpmkey_tpm2_run(tpm, &cmd);
	if (ret)
		return ret;
	p = cmd.resp;
	pub_len = tpmkey_tpm2b(p, cmd.resp_len);
	if (pub_len < 6)
		return -EFAULT;
	if (get_unaligned_be16(p + 2 + 4) != TPM_ALG_SHA256)
		return -EOPNOTSUPP;
	name_len = tpmkey_tpm2b(p + 2 + pub_len, cmd.resp_len - 2 - pub_len);
	if (name_len != TPMKEY_TPM_NAME_SIZE)
		return -EFAULT;
	tpmkey_digest_name(p + 2, pub_len, name);
	if (crypto_memneq(name->data, p + 2 + pub_len + 2, name->len))
		return -EBADMSG;
	return 0;
}

/*
 * NV_Read and NV_Increment of the counter, with owner authorization: the
 * empty owner password, or a session whose HMACs cover the index's Name
 * and the response.
 */
static void tpmkey_tpm2_nv_cmd(struct tpmkey_cmd *cmd, u32 cc, u32 index,
			       const struct tpmkey_name *name,
			       struct tpmkey_session *s)
{
	cmd->cc = cc;
	cmd->handles[0] = TPM2_RH_OWNER;
	cmd->handles[1] = index;
	cmd->names[1] = name;
	cmd->nr_handles = 2;
	cmd->auth = true;
	cmd->session = s;
}

int tpmkey_tpm2_nv_read_u64(struct tpmkey_tpm *tpm, u32 index,
			    const struct tpmkey_name *name,
			    struct tpmkey_session *s, u64 *value)
{
	struct tpmkey_cmd cmd = {};
	struct tpm_buf *p = tpmkey_tpm2_params(tpm);
	int ret;

	tpmkey_tpm2_nv_cmd(&cmd, TPM2_CC_NV_READ, index, name, s);
	tpm_buf_append_u16(p, sizeof(u64));	/* size */
	tpm_buf_append_u16(p, 0);		/* offset */
	ret = tpmkey_tpm2_run(tpm, &cmd);
	if (ret)
		return ret;
	if (tpmkey_tpm2b(cmd.resp, cmd.resp_len) != sizeof(u64))
		return -EFAULT;
	*value = get_unaligned_be64(cmd.resp + 2);
	return 0;
}

int tpmkey_tpm2_nv_increment(struct tpmkey_tpm *tpm, u32 index,
			     const struct tpmkey_name *name,
			     struct tpmkey_session *s)
{
	struct tpmkey_cmd cmd = {};

	tpmkey_tpm2_nv_cmd(&cmd, TPM2_CC_NV_INCREMENT, index, name, s);
	tpmkey_tpm2_params(tpm);
	return tpmkey_tpm2_run(tpm, &cmd);
}

/**
 * tpmkey_tpm2_evict() - TPM2_EvictControl with the empty owner password
 * @tpm: the hold
 * @object: a loaded object to persist, or the persistent handle to evict
 * @persistent: the persistent handle
 *
 * Return: 0, -EEXIST @persistent is taken, -ENOSPC the TPM has no room
 * for another persistent object, -ENOENT @object does not exist, or
 * another negative errno.
 */
int tpmkey_tpm2_evict(struct tpmkey_tpm *tpm, u32 object, u32 persistent)
{
	struct tpmkey_cmd cmd = {
		.cc = TPM2_CC_EVICT_CONTROL,
		.handles = { TPM2_RH_OWNER, object },
		.nr_handles = 2,
		.auth = true,
	};

	tpm_buf_append_u32(tpmkey_tpm2_params(tpm), persistent);
	return tpmkey_tpm2_run(tpm, &cmd);
}

/* 1 if the TPM is in dictionary-attack lockout, 0 if not, or an errno. */
int tpmkey_tpm2_in_lockout(struct tpmkey_tpm *tpm)
{
	struct tpmkey_cmd cmd = {
		.cc = TPM2_CC_GET_CAPABILITY,
		.desc = "reading the TPM's lockout state",
	};
	struct tpm_buf *p = tpmkey_tpm2_params(tpm);
	int ret;

	tpm_buf_append_u32(p, TPM2_CAP_TPM_PROPERTIES);
	tpm_buf_append_u32(p, TPM2_PT_PERMANENT);
	tpm_buf_append_u32(p, 1);
	ret = tpmkey_tpm2_run(tpm, &cmd);
	if (ret)
		return ret;
	/* moreData, capability, count, { property, value } */
	if (cmd.resp_len < 1 + 4 + 4 + 8 ||
	    get_unaligned_be32(cmd.resp + 9) != TPM2_PT_PERMANENT)
		return -EFAULT;
	return !!(get_unaligned_be32(cmd.resp + 13) &
		  TPM2_PT_PERMANENT_IN_LOCKOUT);
}
