// SPDX-License-Identifier: GPL-2.0
/*
 * The cryptography of the salted TPM 2.0 sessions the native backend runs
 * every secret-bearing command in (TPM 2.0 Library Part 1, 19.6 and 21):
 * an ECDH salt to the per-key P-256 object, KDFa/KDFe, the command and
 * response HMACs, and AES-128-CFB parameter encryption.  Everything here
 * is arithmetic on buffers; tpm2_cmd.c sends the commands.  Modelled on
 * the kernel's drivers/char/tpm/tpm2-sessions.c (6.10+), which neither
 * 6.1 nor Debian's 6.12 build has.
 */

#include <crypto/aes.h>
#include <crypto/algapi.h>
#include <crypto/hash.h>
#include <crypto/kpp.h>
#include <crypto/sha2.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>

#include "tpm2_compat.h"
#include "tpm2_session.h"

#ifdef TPMKEY_BENCH
/*
 * A bench-only build (make ... TPMKEY_BENCH=y, kernel/Kbuild; scripts/bench
 * boots it for its CPU-time figures only): the time spent in each kind of
 * session cryptography, in nanoseconds of ktime_get_ns(), and how many
 * times, read-only under /sys/module/tpmkey/parameters.  Plain sums: the
 * bench runs one caller at a time.  Production builds have none of this.
 */
enum tpmkey_bench_part {
	TPMKEY_BENCH_ECDH,		/* all of the salt's ECDH */
	TPMKEY_BENCH_KDF,		/* KDFa and KDFe */
	TPMKEY_BENCH_HMAC,		/* command and response HMACs */
	TPMKEY_BENCH_CFB,		/* AES-128-CFB, without its KDFa */
	/* The parts of ECDH: transform and private key, public key, Z. */
	TPMKEY_BENCH_ECDH_SETUP,
	TPMKEY_BENCH_ECDH_PUBLIC,
	TPMKEY_BENCH_ECDH_SHARED,
	TPMKEY_BENCH_PARTS
};

static unsigned long long bench_ns[TPMKEY_BENCH_PARTS];
static unsigned long long bench_calls[TPMKEY_BENCH_PARTS];
module_param_array(bench_ns, ullong, NULL, 0444);
MODULE_PARM_DESC(bench_ns, "BENCH BUILD: ns in ecdh,kdf,hmac,cfb,ecdh_setup,ecdh_public,ecdh_shared");
module_param_array(bench_calls, ullong, NULL, 0444);
MODULE_PARM_DESC(bench_calls, "BENCH BUILD: calls, as bench_ns (the ECDH parts count none)");

#define TPMKEY_BENCH_START(t)	((t) = ktime_get_ns())
#define TPMKEY_BENCH_PART(what, t0, t)					\
	do {								\
		u64 now_ = ktime_get_ns();				\
									\
		bench_ns[TPMKEY_BENCH_##what] += now_ - (t0);		\
		(t) = now_;						\
	} while (0)
#define TPMKEY_BENCH_ADD(what, t)					\
	do {								\
		bench_ns[TPMKEY_BENCH_##what] += ktime_get_ns() - (t);	\
		bench_calls[TPMKEY_BENCH_##what]++;			\
	} while (0)
#else
#define TPMKEY_BENCH_START(t)	((void)(t))
#define TPMKEY_BENCH_PART(what, t0, t)	((void)(t))
#define TPMKEY_BENCH_ADD(what, t)	((void)(t))
#endif

struct tpmkey_hmac {
	struct sha256_state sha;
	u8 pad[SHA256_BLOCK_SIZE];
};

/* HMAC-SHA256 (RFC 2104); session keys are never longer than a block. */
static void tpmkey_hmac_init(struct tpmkey_hmac *h, const u8 *key,
			     size_t key_len)
{
	int i;

	memset(h->pad, 0, sizeof(h->pad));
	memcpy(h->pad, key, min(key_len, sizeof(h->pad)));
	for (i = 0; i < sizeof(h->pad); i++)
		h->pad[i] ^= 0x36;
	sha256_init(&h->sha);
	sha256_update(&h->sha, h->pad, sizeof(h->pad));
}

static void tpmkey_hmac_final(struct tpmkey_hmac *h, u8 *out)
{
	int i;

	sha256_final(&h->sha, out);
	for (i = 0; i < sizeof(h->pad); i++)
		h->pad[i] ^= 0x36 ^ 0x5c;
	sha256_init(&h->sha);
	sha256_update(&h->sha, h->pad, sizeof(h->pad));
	sha256_update(&h->sha, out, SHA256_DIGEST_SIZE);
	sha256_final(&h->sha, out);
	memzero_explicit(h, sizeof(*h));
}

/* KDF labels are hashed with their terminating NUL (Part 1, 11.4.10). */
static const u8 tpmkey_label_secret[] = "SECRET";
static const u8 tpmkey_label_ath[] = "ATH";
static const u8 tpmkey_label_cfb[] = "CFB";

/* KDFa (Part 1, 11.4.10.2) with SHA-256 and two 32-byte contexts. */
static void tpmkey_kdfa(const u8 *key, size_t key_len, const u8 *label,
			size_t label_len, const u8 *u, const u8 *v, u8 *out,
			size_t bytes)
{
	u8 block[SHA256_DIGEST_SIZE], c[4], bits[4];
	struct tpmkey_hmac h;
	u64 t0 = 0;
	u32 counter;
	size_t n;

	TPMKEY_BENCH_START(t0);
	put_unaligned_be32(bytes * 8, bits);
	for (counter = 1; bytes; counter++) {
		n = bytes < sizeof(block) ? bytes : sizeof(block);
		put_unaligned_be32(counter, c);
		tpmkey_hmac_init(&h, key, key_len);
		sha256_update(&h.sha, c, sizeof(c));
		sha256_update(&h.sha, label, label_len);
		sha256_update(&h.sha, u, TPMKEY_NONCE_SIZE);
		sha256_update(&h.sha, v, TPMKEY_NONCE_SIZE);
		sha256_update(&h.sha, bits, sizeof(bits));
		tpmkey_hmac_final(&h, block);
		memcpy(out, block, n);
		out += n;
		bytes -= n;
	}
	memzero_explicit(block, sizeof(block));
	TPMKEY_BENCH_ADD(KDF, t0);
}

/* KDFe (Part 1, 11.4.10.3) for one SHA-256 block: the ECDH salt. */
static void tpmkey_kdfe(const u8 *z, const u8 *label, size_t label_len,
			const u8 *party_u, const u8 *party_v, u8 *out)
{
	static const u8 c[4] = { 0, 0, 0, 1 };
	struct sha256_state sha;
	u64 t0 = 0;

	TPMKEY_BENCH_START(t0);
	sha256_init(&sha);
	sha256_update(&sha, c, sizeof(c));
	sha256_update(&sha, z, TPMKEY_ECC_COORD_SIZE);
	sha256_update(&sha, label, label_len);
	sha256_update(&sha, party_u, TPMKEY_ECC_COORD_SIZE);
	sha256_update(&sha, party_v, TPMKEY_ECC_COORD_SIZE);
	sha256_final(&sha, out);
	TPMKEY_BENCH_ADD(KDF, t0);
}

/**
 * tpmkey_session_salt() - an ECDH salt for TPM2_StartAuthSession
 * @tpm_point: the salt key's public point, x then y
 * @ephemeral: receives a fresh ephemeral public point, x then y, for the
 *	command's encryptedSalt
 * @salt: receives the salt, TPMKEY_SESSION_KEY_SIZE bytes
 *
 * The KPP API checks that @tpm_point is on the curve.
 *
 * Return: 0, or a negative errno (-EINVAL for a point not on P-256).
 */
int tpmkey_session_salt(const u8 *tpm_point, u8 *ephemeral, u8 *salt)
{
	/*
	 * An empty private key makes the KPP generate a random one.  Packed
	 * as crypto_ecdh_encode_key() packs it: that helper lives in the
	 * ecdh module, which crypto_alloc_kpp() loads on demand, and the
	 * module must load without it.
	 */
	const struct {
		struct kpp_secret hdr;
		unsigned short key_size;
	} secret = {
		.hdr = {
			.type = CRYPTO_KPP_SECRET_TYPE_ECDH,
			.len = sizeof(secret),
		},
	};
	struct scatterlist src[2], dst[2];
	struct kpp_request *req;
	struct crypto_kpp *kpp;
	DECLARE_CRYPTO_WAIT(wait);
	u64 t0 = 0, t1 = 0, t2 = 0;
	int ret;
	u8 *z;

	BUILD_BUG_ON(sizeof(secret) != sizeof(struct kpp_secret) +
		     sizeof(unsigned short));
	TPMKEY_BENCH_START(t0);
	kpp = crypto_alloc_kpp("ecdh-nist-p256", 0, 0);
	if (IS_ERR(kpp))
		return PTR_ERR(kpp);
	/* scatterlists need memory outside the stack */
	z = kzalloc(4 * TPMKEY_ECC_COORD_SIZE, GFP_KERNEL);
	req = kpp_request_alloc(kpp, GFP_KERNEL);
	if (!z || !req) {
		ret = -ENOMEM;
		goto out;
	}
	ret = crypto_kpp_set_secret(kpp, &secret, sizeof(secret));
	if (ret)
		goto out;
	kpp_request_set_callback(req, CRYPTO_TFM_REQ_MAY_BACKLOG,
				 crypto_req_done, &wait);
	TPMKEY_BENCH_PART(ECDH_SETUP, t0, t1);

	sg_init_table(dst, 2);
	sg_set_buf(&dst[0], z, TPMKEY_ECC_COORD_SIZE);
	sg_set_buf(&dst[1], z + TPMKEY_ECC_COORD_SIZE, TPMKEY_ECC_COORD_SIZE);
	kpp_request_set_input(req, NULL, 0);
	kpp_request_set_output(req, dst, 2 * TPMKEY_ECC_COORD_SIZE);
	ret = crypto_wait_req(crypto_kpp_generate_public_key(req), &wait);
	/*
	 * 6.1's ecc_make_pub_key() turns any failure of its key check into
	 * -EAGAIN, which means a TPM lockout here; for a key the KPP just
	 * made, only a failed allocation can fail that check.
	 */
	if (ret == -EAGAIN)
		ret = -ENOMEM;
	if (ret)
		goto out;
	TPMKEY_BENCH_PART(ECDH_PUBLIC, t1, t2);
	memcpy(ephemeral, z, 2 * TPMKEY_ECC_COORD_SIZE);

	memcpy(z + 2 * TPMKEY_ECC_COORD_SIZE, tpm_point,
	       2 * TPMKEY_ECC_COORD_SIZE);
	sg_init_table(src, 2);
	sg_set_buf(&src[0], z + 2 * TPMKEY_ECC_COORD_SIZE,
		   TPMKEY_ECC_COORD_SIZE);
	sg_set_buf(&src[1], z + 3 * TPMKEY_ECC_COORD_SIZE,
		   TPMKEY_ECC_COORD_SIZE);
	sg_init_one(dst, z, TPMKEY_ECC_COORD_SIZE);
	kpp_request_set_input(req, src, 2 * TPMKEY_ECC_COORD_SIZE);
	kpp_request_set_output(req, dst, TPMKEY_ECC_COORD_SIZE);
	ret = crypto_wait_req(crypto_kpp_compute_shared_secret(req), &wait);
	if (ret)
		goto out;
	TPMKEY_BENCH_PART(ECDH_SHARED, t2, t1);
	TPMKEY_BENCH_ADD(ECDH, t0);
	/* Z is the shared point's x; PartyU is ours, PartyV the TPM's. */
	tpmkey_kdfe(z, tpmkey_label_secret,
		    sizeof(tpmkey_label_secret), ephemeral, tpm_point, salt);
out:
	kpp_request_free(req);
	kfree_sensitive(z);
	crypto_free_kpp(kpp);
	return ret;
}

/**
 * tpmkey_session_begin() - the session key once the TPM answered
 * @s: a session whose salt, nonce_caller and nonce_tpm are set
 *
 * sessionKey = KDFa(salt, "ATH", nonceTPM, nonceCaller); the session is
 * unbound, so no authValue joins the salt.  The salt is wiped.
 */
void tpmkey_session_begin(struct tpmkey_session *s)
{
	tpmkey_kdfa(s->salt, sizeof(s->salt), tpmkey_label_ath,
		    sizeof(tpmkey_label_ath), s->nonce_tpm,
		    s->nonce_caller, s->key, sizeof(s->key));
	memzero_explicit(s->salt, sizeof(s->salt));
}

/* A fresh caller nonce for the next command. */
int tpmkey_session_new_nonce(struct tpmkey_session *s)
{
	return get_random_bytes_wait(s->nonce_caller, sizeof(s->nonce_caller));
}

/*
 * HMAC over pHash || nonceNewer || nonceOlder || sessionAttributes
 * (Part 1, 19.6.5), keyed with sessionKey || authValue; every authValue
 * tpmkey uses is empty.
 */
static void tpmkey_session_hmac(const struct tpmkey_session *s,
				const u8 *phash, const u8 *newer,
				const u8 *older, u8 attrs, u8 *out)
{
	struct tpmkey_hmac h;
	u64 t0 = 0;

	TPMKEY_BENCH_START(t0);
	tpmkey_hmac_init(&h, s->key, sizeof(s->key));
	sha256_update(&h.sha, phash, SHA256_DIGEST_SIZE);
	sha256_update(&h.sha, newer, TPMKEY_NONCE_SIZE);
	sha256_update(&h.sha, older, TPMKEY_NONCE_SIZE);
	sha256_update(&h.sha, &attrs, 1);
	tpmkey_hmac_final(&h, out);
	TPMKEY_BENCH_ADD(HMAC, t0);
}

/* The command's HMAC over cpHash. */
void tpmkey_session_command_hmac(const struct tpmkey_session *s,
				 const u8 *cphash, u8 *out)
{
	tpmkey_session_hmac(s, cphash, s->nonce_caller, s->nonce_tpm,
			    s->attrs, out);
}

/**
 * tpmkey_session_check_response() - verify a response HMAC
 * @s: the session; takes the response's nonceTPM
 * @rphash: SHA-256 of responseCode || commandCode || parameters
 * @nonce_tpm: the response's nonceTPM
 * @attrs: the response's session attributes
 * @hmac: the response's HMAC
 *
 * Return: 0, or -EBADMSG when it does not match: the response did not come
 * from the TPM that holds the salt key's private part.
 */
int tpmkey_session_check_response(struct tpmkey_session *s, const u8 *rphash,
				  const u8 *nonce_tpm, u8 attrs,
				  const u8 *hmac)
{
	u8 expected[SHA256_DIGEST_SIZE];
	int ret = 0;

	tpmkey_session_hmac(s, rphash, nonce_tpm, s->nonce_caller, attrs,
			    expected);
	if (crypto_memneq(expected, hmac, sizeof(expected)))
		ret = -EBADMSG;
	else
		memcpy(s->nonce_tpm, nonce_tpm, sizeof(s->nonce_tpm));
	memzero_explicit(expected, sizeof(expected));
	return ret;
}

/*
 * AES-128-CFB (full-block feedback) over one parameter, in place: the
 * session's symmetric algorithm.  Key and IV come from
 * KDFa(sessionKey, "CFB", nonceNewer, nonceOlder, 256 bits).
 */
static int tpmkey_session_cfb(const struct tpmkey_session *s, const u8 *newer,
			      const u8 *older, u8 *buf, size_t len,
			      bool encrypt)
{
	u8 key_iv[AES_KEYSIZE_128 + AES_BLOCK_SIZE], ks[AES_BLOCK_SIZE];
	u8 *iv = key_iv + AES_KEYSIZE_128;
	struct crypto_aes_ctx *aes;
	u64 t0 = 0;
	size_t i, n;
	int ret;

	aes = kmalloc(sizeof(*aes), GFP_KERNEL);
	if (!aes)
		return -ENOMEM;
	tpmkey_kdfa(s->key, sizeof(s->key), tpmkey_label_cfb,
		    sizeof(tpmkey_label_cfb), newer, older,
		    key_iv, sizeof(key_iv));
	TPMKEY_BENCH_START(t0);
	ret = aes_expandkey(aes, key_iv, AES_KEYSIZE_128);
	if (ret)
		goto out;
	for (; len; buf += n, len -= n) {
		n = min_t(size_t, len, AES_BLOCK_SIZE);
		aes_encrypt(aes, ks, iv);
		for (i = 0; i < n; i++) {
			if (!encrypt)
				iv[i] = buf[i];
			buf[i] ^= ks[i];
			if (encrypt)
				iv[i] = buf[i];
		}
	}
	TPMKEY_BENCH_ADD(CFB, t0);
out:
	memzero_explicit(key_iv, sizeof(key_iv));
	memzero_explicit(ks, sizeof(ks));
	kfree_sensitive(aes);
	return ret;
}

/* Encrypts a command's first parameter (the caller's nonce is newer). */
int tpmkey_session_encrypt(const struct tpmkey_session *s, u8 *buf,
			   size_t len)
{
	return tpmkey_session_cfb(s, s->nonce_caller, s->nonce_tpm, buf, len,
				  true);
}

/* Decrypts a response's first parameter (the TPM's nonce is newer). */
int tpmkey_session_decrypt(const struct tpmkey_session *s, u8 *buf,
			   size_t len)
{
	return tpmkey_session_cfb(s, s->nonce_tpm, s->nonce_caller, buf, len,
				  false);
}
