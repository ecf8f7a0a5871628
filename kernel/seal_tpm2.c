// SPDX-License-Identifier: GPL-2.0
/*
 * The native backend: the module seals the KMK itself (tpm2_object.c),
 * with every secret-bearing command in a session salted to the per-key
 * object, and owns the boot-phase lock.
 *
 * ACTIVATE/RESTORE/RESEAL: PCR_Read; Create, Load, EvictControl and
 * FlushContext of the per-key object; StartAuthSession (HMAC);
 * NV_ReadPublic, NV_Read (and NV_Increment) of the counter; Create of the
 * sealed KMK, encrypted; PCR_Extend if the lock is still open.
 * LOAD: StartAuthSession (policy), PolicyPCR, Load, Unseal (encrypted
 * response), FlushContext, PCR_Extend: six commands, all under one hold
 * of the chip, so nothing can unseal between the Unseal and the Extend.
 */

#include <linux/crypto.h>
#include <linux/kmod.h>
#include <crypto/sha2.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "tpm2_compat.h"
#include "tpm2_object.h"
#include "tpmkey.h"

/*
 * Test-only: no sessions for sealing and the counter, so that the tests
 * show the bus sniffer and the interposer succeeding where the protection
 * is off.  LOAD still needs its policy session.
 */
static bool test_no_sessions;
module_param(test_no_sessions, bool, 0444);
MODULE_PARM_DESC(test_no_sessions,
		 "TESTS ONLY: seal and count without sessions, the KMK in clear on the TPM bus");

static const char tpmkey_lock_event[] = "tpmkey: boot-phase lock closed";

void tpmkey_boot_lock_init(struct tpmkey_device *tk, u32 pcr)
{
	tk->boot_lock.pcr = pcr;
}

u32 tpmkey_boot_lock_flags(const struct tpmkey_device *tk, u32 pcr)
{
	u32 flags = 0;

	if (tk->boot_lock.closed && tk->boot_lock.closed_pcr == pcr)
		flags |= TPMKEY_LOCK_CLOSED;
	if (pcr == TPMKEY_LOCK_PCR_TEST)
		flags |= TPMKEY_LOCK_TEST_PCR;
	return flags;
}

static int tpmkey_lock_extend(struct tpmkey_tpm *tpm, u32 pcr)
{
	u8 digest[SHA256_DIGEST_SIZE];

	sha256(tpmkey_lock_event, sizeof(tpmkey_lock_event) - 1, digest);
	return tpmkey_tpm2_pcr_extend(tpm, pcr, digest);
}

/*
 * Closes the lock on @pcr, whose value before it was @prelock; tk->lock
 * held.  Sealing closes it only if it is open; a successful Unseal always
 * extends, because the PCR held the sealed value a moment ago: open,
 * whatever the module remembers (a test PCR can be reset).
 */
static int tpmkey_boot_lock_close(struct tpmkey_device *tk,
				  struct tpmkey_tpm *tpm, u32 pcr,
				  const u8 *prelock, bool unsealed)
{
	struct tpmkey_boot_lock *bl = &tk->boot_lock;
	int ret;

	if (!unsealed && bl->closed && bl->closed_pcr == pcr)
		return 0;
	ret = tpmkey_lock_extend(tpm, pcr);
	if (ret)
		return ret;
	bl->closed = true;
	bl->closed_pcr = pcr;
	memcpy(bl->prelock, prelock, sizeof(bl->prelock));
	return 0;
}

/**
 * tpmkey_boot_lock_relock() - close the lock again after a TPM reset
 * @tk: the device
 *
 * Resume from hibernation starts the TPM afresh (TPM2_Startup(CLEAR)),
 * which resets the PCRs: a lock closed before is open again.
 *
 * Return: 0 or a negative errno.
 */
int tpmkey_boot_lock_relock(struct tpmkey_device *tk)
{
	struct tpmkey_tpm tpm;
	int ret;

	mutex_lock(&tk->lock);
	ret = 0;
	if (tk->boot_lock.closed) {
		ret = tpmkey_tpm_open(&tpm);
		if (!ret) {
			ret = tpmkey_lock_extend(&tpm, tk->boot_lock.closed_pcr);
			tpmkey_tpm_close(&tpm);
		}
	}
	mutex_unlock(&tk->lock);
	return ret;
}

/*
 * Debian builds ECDH as the module ecdh_generic, whose only crypto alias
 * is "ecdh": asking the crypto API for "ecdh-nist-p256" does not load it
 * (MODULE_SOFTDEP covers modprobe, not insmod).
 */
static int tpmkey_tpm2_check(struct tpmkey_device *tk)
{
	if (!crypto_has_alg("ecdh-nist-p256", 0, 0))
		request_module("ecdh_generic");
	return crypto_has_alg("ecdh-nist-p256", 0, 0) ? 0 : -ENOPKG;
}

/* A recorded name, or an empty one (a key that never had sessions). */
static void tpmkey_recorded_name(const u8 *data, struct tpmkey_name *name)
{
	memcpy(name->data, data, TPMKEY_TPM_NAME_SIZE);
	name->len = memchr_inv(data, 0, TPMKEY_TPM_NAME_SIZE) ?
		    TPMKEY_TPM_NAME_SIZE : 0;
}

/*
 * The counter part of sealing a new key: its Name first (ReadPublic, no
 * session: a missing counter is reported before anything is made), then,
 * in the session, its value and for RESTORE its increment.
 */
static int tpmkey_seal_counter_name(struct tpmkey_tpm *tpm,
				    struct tpmkey_key_info *info,
				    enum tpmkey_counter_op op)
{
	struct tpmkey_name name;
	int ret;

	tpmkey_recorded_name(info->nv_name, &name);
	if (op == TPMKEY_COUNTER_KEEP && name.len)
		return 0;
	ret = tpmkey_tpm2_nv_name(tpm, info->nv_index, &name);
	if (!ret)
		memcpy(info->nv_name, name.data, TPMKEY_TPM_NAME_SIZE);
	return ret;
}

static int tpmkey_seal_counter(struct tpmkey_tpm *tpm,
			       struct tpmkey_key_info *info,
			       enum tpmkey_counter_op op,
			       struct tpmkey_session *s)
{
	struct tpmkey_name name;
	int ret;

	if (op == TPMKEY_COUNTER_KEEP)
		return 0;
	tpmkey_recorded_name(info->nv_name, &name);
	ret = tpmkey_tpm2_nv_read_u64(tpm, info->nv_index, &name, s,
				      &info->nv_value);
	if (!ret && op == TPMKEY_COUNTER_INCREMENT)
		ret = tpmkey_tpm2_nv_increment(tpm, info->nv_index, &name, s);
	return ret;
}

/* The KMK's policy: @info's PCRs as they were before the lock. */
static int tpmkey_seal_policy(struct tpmkey_device *tk, struct tpmkey_tpm *tpm,
			      struct tpmkey_key_info *info, u8 *policy)
{
	const struct tpmkey_boot_lock *bl = &tk->boot_lock;
	u32 pcrs = info->pcr_mask | BIT(bl->pcr);
	u8 *digests;
	int ret;

	digests = kzalloc(TPMKEY_PCR_COUNT * TPMKEY_PCR_DIGEST_SIZE, GFP_KERNEL);
	if (!digests)
		return -ENOMEM;
	ret = tpmkey_tpm2_pcr_read(tpm, pcrs, digests);
	if (ret)
		goto out;
	if (bl->closed && bl->closed_pcr == bl->pcr)
		memcpy(digests + bl->pcr * TPMKEY_PCR_DIGEST_SIZE, bl->prelock,
		       TPMKEY_PCR_DIGEST_SIZE);
	info->lock_pcr = bl->pcr;
	memcpy(info->lock_pcr_value, digests + bl->pcr * TPMKEY_PCR_DIGEST_SIZE,
	       TPMKEY_PCR_DIGEST_SIZE);
	tpmkey_policy_digest(pcrs, digests, policy);
out:
	kfree(digests);
	return ret;
}

static int tpmkey_tpm2_seal(struct tpmkey_device *tk,
			    struct tpmkey_key_info *info,
			    enum tpmkey_counter_op op, u8 *kmk, u8 *sealed,
			    size_t *sealed_len)
{
	struct tpmkey_session s = {};
	struct tpmkey_name key_name;
	u8 policy[SHA256_DIGEST_SIZE];
	struct tpmkey_tpm tpm;
	int ret;

	ret = get_random_bytes_wait(kmk, TPMKEY_KMK_SIZE);
	if (ret)
		return ret;
	ret = tpmkey_tpm_open(&tpm);
	if (ret)
		return ret;
	info->key_handle = 0;
	/* The counter's errors as they are; the rest are the TPM refusing. */
	ret = tpmkey_seal_counter_name(&tpm, info, op);
	if (ret)
		goto out;
	ret = tpmkey_seal_policy(tk, &tpm, info, policy) ?:
	      tpmkey_key_create(&tpm, info->parent_handle, &info->key_handle,
				info->salt_point);
	if (ret) {
		ret = tpmkey_tpm_refused(ret);
		goto out;
	}
	tpmkey_key_name(&tpm, info->salt_point, &key_name);
	if (!test_no_sessions)
		ret = tpmkey_tpm2_start_session(&tpm, info->key_handle,
						info->salt_point, TPM2_SE_HMAC,
						&s);
	if (!ret)
		ret = tpmkey_seal_counter(&tpm, info, op, s.handle ? &s : NULL);
	if (ret)
		goto out;
	ret = tpmkey_sealed_create(&tpm, info->key_handle, &key_name,
				   s.handle ? &s : NULL, policy, kmk, sealed,
				   sealed_len) ?:
	      tpmkey_boot_lock_close(tk, &tpm, info->lock_pcr,
				     info->lock_pcr_value, false);
	if (ret)
		ret = tpmkey_tpm_refused(ret);
out:
	if (ret) {
		tpmkey_tpm2_flush(&tpm, s.handle);
		if (info->key_handle)
			tpmkey_tpm2_evict(&tpm, info->key_handle,
					  info->key_handle);
		info->key_handle = 0;
		memzero_explicit(kmk, TPMKEY_KMK_SIZE);
	}
	memzero_explicit(&s, sizeof(s));
	tpmkey_tpm_close(&tpm);
	return ret;
}

/*
 * Why a policy did not hold: the lock PCR is not at its pre-lock value
 * (closed in this boot, by tpmkey or anybody) or a bound platform PCR
 * changed (another boot chain).
 */
static int tpmkey_policy_failure(struct tpmkey_tpm *tpm,
				 const struct tpmkey_key_info *info)
{
	u8 *digests;
	int ret;

	digests = kzalloc(TPMKEY_PCR_COUNT * TPMKEY_PCR_DIGEST_SIZE, GFP_KERNEL);
	if (!digests)
		return -ENOMEM;
	ret = tpmkey_tpm2_pcr_read(tpm, BIT(info->lock_pcr), digests);
	if (!ret)
		ret = memcmp(digests + info->lock_pcr * TPMKEY_PCR_DIGEST_SIZE,
			     info->lock_pcr_value, TPMKEY_PCR_DIGEST_SIZE) ?
		      -EKEYREVOKED : -EKEYEXPIRED;
	kfree(digests);
	return ret;
}

/* A v2 native state names a tpmkey handle and a lock PCR; check first. */
static bool tpmkey_tpm2_info_valid(const struct tpmkey_key_info *info)
{
	return info->key_handle >= TPMKEY_KEY_HANDLE_FIRST &&
	       info->key_handle < TPMKEY_KEY_HANDLE_FIRST +
				  TPMKEY_KEY_HANDLE_COUNT &&
	       ((info->lock_pcr >= TPMKEY_LOCK_PCR_MIN &&
		 info->lock_pcr <= TPMKEY_LOCK_PCR_MAX) ||
		info->lock_pcr == TPMKEY_LOCK_PCR_TEST) &&
	       !(info->pcr_mask & ~TPMKEY_PCR_MASK_ALLOWED) &&
	       !(info->pcr_mask & BIT(info->lock_pcr));
}

static int tpmkey_tpm2_unseal(struct tpmkey_device *tk,
			      const struct tpmkey_key_info *info,
			      const u8 *sealed, size_t sealed_len, u8 *kmk)
{
	struct tpmkey_session s = {};
	struct tpmkey_tpm tpm;
	int ret;

	if (!tpmkey_tpm2_info_valid(info))
		return -EBADMSG;
	ret = tpmkey_tpm_open(&tpm);
	if (ret)
		return ret;
	ret = tpmkey_tpm2_start_session(&tpm, info->key_handle,
					info->salt_point, TPM2_SE_POLICY, &s) ?:
	      tpmkey_tpm2_policy_pcr(&tpm, &s, info->pcr_mask |
				     BIT(info->lock_pcr)) ?:
	      tpmkey_sealed_unseal(&tpm, info->key_handle, &s, sealed,
				   sealed_len, kmk);
	if (!ret) {
		/* The KMK is out: nothing may unseal it again this boot. */
		ret = tpmkey_boot_lock_close(tk, &tpm, info->lock_pcr,
					     info->lock_pcr_value, true);
		if (ret) {
			pr_err("the boot-phase lock PCR %u cannot be extended (%d): key not loaded\n",
			       info->lock_pcr, ret);
			memzero_explicit(kmk, TPMKEY_KMK_SIZE);
		}
	} else if (ret == -EKEYEXPIRED) {
		ret = tpmkey_policy_failure(&tpm, info);
	}
	tpmkey_tpm2_flush(&tpm, s.handle);
	memzero_explicit(&s, sizeof(s));
	tpmkey_tpm_close(&tpm);
	return ret;
}

static int tpmkey_tpm2_evict_key(const struct tpmkey_key_info *info)
{
	struct tpmkey_tpm tpm;
	int ret;

	if (!info->key_handle)
		return 0;
	ret = tpmkey_tpm_open(&tpm);
	if (ret)
		return ret;
	ret = tpmkey_tpm2_evict(&tpm, info->key_handle, info->key_handle);
	tpmkey_tpm_close(&tpm);
	return ret;
}

/**
 * tpmkey_tpm2_counter() - read the backup counter, or consume the allowance
 * @info: the key; with a per-key object, every command runs in a session
 *	salted to it whose response HMACs cover the counter's recorded Name
 *	and value, so neither a redefined index nor a forged answer passes
 * @op: TPMKEY_COUNTER_READ; TPMKEY_COUNTER_INCREMENT: read, then
 *	increment; TPMKEY_COUNTER_CONSUME: increment if the value is still
 *	@info->nv_value
 * @value: receives the value before any increment
 *
 * Return: 0; -EALREADY (CONSUME) the counter has moved; -ENODEV no TPM
 * 2.0; -ENOENT no such index or object; -ENODATA never incremented;
 * -EBADMSG a forged response; or another negative errno.
 */
int tpmkey_tpm2_counter(const struct tpmkey_key_info *info,
			enum tpmkey_counter_op op, u64 *value)
{
	struct tpmkey_session s = {}, *sp = NULL;
	struct tpmkey_name name;
	struct tpmkey_tpm tpm;
	int ret;

	ret = tpmkey_tpm_open(&tpm);
	if (ret)
		return ret;
	tpmkey_recorded_name(info->nv_name, &name);
	if (info->key_handle && !test_no_sessions) {
		ret = tpmkey_tpm2_start_session(&tpm, info->key_handle,
						info->salt_point,
						TPM2_SE_HMAC, &s);
		sp = &s;
	}
	if (!ret)
		ret = tpmkey_tpm2_nv_read_u64(&tpm, info->nv_index, &name, sp,
					      value);
	if (!ret && op == TPMKEY_COUNTER_CONSUME && *value != info->nv_value)
		ret = -EALREADY;
	if (!ret && op != TPMKEY_COUNTER_READ)
		ret = tpmkey_tpm2_nv_increment(&tpm, info->nv_index, &name, sp);
	tpmkey_tpm2_flush(&tpm, s.handle);
	memzero_explicit(&s, sizeof(s));
	tpmkey_tpm_close(&tpm);
	return ret;
}

const struct tpmkey_backend tpmkey_backend_tpm2 = {
	.id = TPMKEY_BACKEND_TPM2,
	.name = "tpm2",
	.protections = TPMKEY_PROT_BUS | TPMKEY_PROT_BOOT_LOCK |
		       TPMKEY_PROT_TPM_ERASE,
	.check = tpmkey_tpm2_check,
	.seal = tpmkey_tpm2_seal,
	.unseal = tpmkey_tpm2_unseal,
	.evict = tpmkey_tpm2_evict_key,
	.counter = tpmkey_tpm2_counter,
};
