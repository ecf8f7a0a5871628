/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TPMKEY_TPM2_CMD_H
#define _TPMKEY_TPM2_CMD_H

#include <linux/tpm.h>
#include <linux/types.h>

#include <linux/tpmkey.h>

#include "tpm2_session.h"

/**
 * struct tpmkey_tpm - one hold of the default TPM 2.0
 * @chip: the chip, with a device reference and its ops held: no other
 *	user of the TPM comes in between the commands sent under one hold
 * @buf: command and response
 * @params: the next command's parameters, built by the caller
 */
struct tpmkey_tpm {
	struct tpm_chip *chip;
	struct tpm_buf buf;
	struct tpm_buf params;
};

/* A TPM Name: a handle's own 4 bytes, or TPM_ALG_SHA256 || digest. */
struct tpmkey_name {
	u16 len;
	u8 data[TPMKEY_TPM_NAME_SIZE];
};

/**
 * struct tpmkey_cmd - one TPM2 command for tpmkey_tpm2_run()
 * @cc: command code
 * @desc: for the kernel log when the TPM refuses; NULL for a refusal the
 *	caller expects and reports itself
 * @handles: command handles; the first is the one authorized, if any
 * @names: their Names, which a session's HMAC covers (NULL: the handle)
 * @nr_handles: how many
 * @auth: whether the command carries an authorization
 * @session: the session that authorizes @handles[0] (and encrypts as its
 *	attrs say), or NULL for the empty password
 * @resp_handles: how many handles the response carries
 * @resp_handle: out: the first of them
 * @resp: out: the response parameters, decrypted, inside the hold's buffer
 * @resp_len: out: their length
 * @rc: out: the TPM's response code
 */
struct tpmkey_cmd {
	u32 cc;
	const char *desc;
	u32 handles[2];
	const struct tpmkey_name *names[2];
	unsigned int nr_handles;
	bool auth;
	struct tpmkey_session *session;
	unsigned int resp_handles;
	u32 resp_handle;
	const u8 *resp;
	u32 resp_len;
	u32 rc;
};

int tpmkey_tpm_open(struct tpmkey_tpm *tpm);
void tpmkey_tpm_close(struct tpmkey_tpm *tpm);
struct tpm_buf *tpmkey_tpm2_params(struct tpmkey_tpm *tpm);
int tpmkey_tpm2_run(struct tpmkey_tpm *tpm, struct tpmkey_cmd *cmd);
int tpmkey_tpm2b(const u8 *p, u32 len);
void tpmkey_handle_name(u32 handle, struct tpmkey_name *name);
void tpmkey_digest_name(const u8 *area, size_t len, struct tpmkey_name *name);

/* Commands (tpm2_cmd.c) */
int tpmkey_tpm2_start_session(struct tpmkey_tpm *tpm, u32 salt_handle,
			      const u8 *salt_point, u8 type,
			      struct tpmkey_session *s);
int tpmkey_tpm2_flush(struct tpmkey_tpm *tpm, u32 handle);
int tpmkey_tpm2_policy_pcr(struct tpmkey_tpm *tpm,
			   const struct tpmkey_session *s, u32 pcr_mask);
int tpmkey_tpm2_pcr_read(struct tpmkey_tpm *tpm, u32 pcr_mask, u8 *digests);
int tpmkey_tpm2_pcr_extend(struct tpmkey_tpm *tpm, u32 pcr, const u8 *digest);
int tpmkey_tpm2_nv_name(struct tpmkey_tpm *tpm, u32 index,
			struct tpmkey_name *name);
int tpmkey_tpm2_nv_read_u64(struct tpmkey_tpm *tpm, u32 index,
			    const struct tpmkey_name *name,
			    struct tpmkey_session *s, u64 *value);
int tpmkey_tpm2_nv_increment(struct tpmkey_tpm *tpm, u32 index,
			     const struct tpmkey_name *name,
			     struct tpmkey_session *s);
int tpmkey_tpm2_evict(struct tpmkey_tpm *tpm, u32 object, u32 persistent);
int tpmkey_tpm2_in_lockout(struct tpmkey_tpm *tpm);

#endif /* _TPMKEY_TPM2_CMD_H */
