/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TPMKEY_TPM2_SESSION_H
#define _TPMKEY_TPM2_SESSION_H

#include <crypto/sha2.h>
#include <linux/types.h>

#include <linux/tpmkey.h>

#define TPMKEY_NONCE_SIZE		SHA256_DIGEST_SIZE
#define TPMKEY_SESSION_KEY_SIZE		SHA256_DIGEST_SIZE

/**
 * struct tpmkey_session - a salted, unbound session with SHA-256 and
 *	AES-128-CFB, as the caller keeps it
 * @handle: the session's handle in the TPM
 * @attrs: TPMA_SESSION bits the next command sends
 * @salt: between StartAuthSession's command and its response only
 * @key: sessionKey
 * @nonce_caller: the caller's nonce of the current command
 * @nonce_tpm: the TPM's last nonce
 */
struct tpmkey_session {
	u32 handle;
	u8 attrs;
	u8 salt[TPMKEY_SESSION_KEY_SIZE];
	u8 key[TPMKEY_SESSION_KEY_SIZE];
	u8 nonce_caller[TPMKEY_NONCE_SIZE];
	u8 nonce_tpm[TPMKEY_NONCE_SIZE];
};

int tpmkey_session_salt(const u8 *tpm_point, u8 *ephemeral, u8 *salt);
void tpmkey_session_begin(struct tpmkey_session *s);
int tpmkey_session_new_nonce(struct tpmkey_session *s);
void tpmkey_session_command_hmac(const struct tpmkey_session *s,
				 const u8 *cphash, u8 *out);
int tpmkey_session_check_response(struct tpmkey_session *s, const u8 *rphash,
				  const u8 *nonce_tpm, u8 attrs,
				  const u8 *hmac);
int tpmkey_session_encrypt(const struct tpmkey_session *s, u8 *buf,
			   size_t len);
int tpmkey_session_decrypt(const struct tpmkey_session *s, u8 *buf,
			   size_t len);

#endif /* _TPMKEY_TPM2_SESSION_H */
