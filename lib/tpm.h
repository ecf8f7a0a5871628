/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Provisioning of the TPM objects the tpmkey module relies on but does not
 * create itself: the storage root key (SRK) that parents the sealed key, and
 * an NV counter.  The module only loads and uses them; making them is a
 * one-time, owner-level job that belongs in userspace, through tpm2-tss
 * ESAPI.
 *
 * Every function returns 0 on success or a negative errno value:
 *   -ENODEV  no TPM 2.0 behind the TCTI, or the TCTI failed
 *   -EINVAL  a handle or index outside its range
 *   -EEXIST  something else already occupies the handle or index
 *   -EPERM   an NV counter is there but tpmkey cannot use it
 *   -ENOENT  nothing at the handle or index (read and undefine only)
 *   -ENODATA an NV counter that has never been incremented
 *   -EACCES  the TPM refused owner authorization (owner password set?)
 *   -ENOSPC  the TPM has no room for another persistent object or index
 *   -ENOMEM  out of memory
 *   -EIO     any other TPM error
 * and, unless @errlen is 0, leaves a sentence in @err that says what went
 * wrong and names the TPM response code.  @err is set to "" on success.
 *
 * All objects are authorized with the owner hierarchy's password, which
 * must be empty: tpmkey provisions appliances whose owner has not set one.
 */
#ifndef TPM_H
#define TPM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <tss2/tss2_esys.h>

/* The resource manager, so that the kernel's own TPM use is not disturbed. */
#define TK_TPM_DEFAULT_TCTI	"device:/dev/tpmrm0"

#define TK_TPM_PERSISTENT_FIRST	0x81000000u
#define TK_TPM_PERSISTENT_LAST	0x81ffffffu

/*
 * TK_TPM_COUNTER_ATTRS - the attributes of the NV counter.
 *
 * The module reads and increments the counter with owner authorization
 * (authHandle TPM_RH_OWNER, empty password), so OWNERREAD and OWNERWRITE
 * are what it needs.  AUTHREAD and AUTHWRITE are left clear: with them the
 * index's own (empty) password would let anyone who can reach the TPM
 * increment the counter even after the owner sets a password.  NO_DA
 * because the index password is never used, so no failure on it should
 * ever count towards dictionary-attack lockout.  Not ORDERLY: after a power
 * cut an orderly counter jumps ahead, which would make the module's state
 * look stale.
 */
#define TK_TPM_COUNTER_ATTRS \
	(TPM2_NT_COUNTER << TPMA_NV_TPM2_NT_SHIFT | TPMA_NV_OWNERWRITE | \
	 TPMA_NV_OWNERREAD | TPMA_NV_NO_DA)

/* One connection to the TPM; nothing else in tpm.c keeps state. */
struct tk_tpm {
	ESYS_CONTEXT *esys;
	TSS2_TCTI_CONTEXT *tcti;
};

/**
 * tk_tpm_open() - connect to the TPM
 * @tcti: a tctildr string such as "device:/dev/tpmrm0" or
 *	"swtpm:port=2321"; NULL means %TK_TPM_DEFAULT_TCTI
 * @tpm: filled in; release it with tk_tpm_close()
 *
 * Sends one command (GetCapability) so that a missing or non-2.0 TPM is
 * reported here as -ENODEV rather than by the first real command.  Does not
 * send TPM2_Startup: firmware or the kernel has done that.
 */
int tk_tpm_open(const char *tcti, struct tk_tpm *tpm, char *err,
		size_t errlen);

/**
 * tk_tpm_close() - release what tk_tpm_open() set up
 *
 * Safe on a zeroed or already closed @tpm.
 */
void tk_tpm_close(struct tk_tpm *tpm);

/**
 * tk_tpm_ensure_srk() - make sure a storage root key lives at @handle
 * @handle: a persistent handle, 0x81000000 to 0x81ffffff
 * @created: set to true once this call has made a new SRK persistent, even
 *	if a later cleanup step fails; false otherwise
 *
 * An object already at @handle is accepted when it can parent sealed
 * objects with an empty password: restricted, decrypt, not sign, and
 * userWithAuth.  Anything else there is an error (-EEXIST) and is left
 * alone: the handle may belong to another user of the TPM, so it is never
 * evicted or replaced.
 *
 * Otherwise the SRK is created in the owner hierarchy from the TCG
 * Provisioning Guidance template (ECC NIST P-256, or RSA 2048 when the TPM
 * lacks P-256), which makes it the same key every other TCG-conformant
 * tool derives from the owner seed, and made persistent at @handle.
 */
int tk_tpm_ensure_srk(struct tk_tpm *tpm, uint32_t handle, bool *created,
		      char *err, size_t errlen);

/**
 * tk_tpm_counter_define() - make sure an NV counter exists at @nv_index
 * @nv_index: an NV index handle, 0x01000000 to 0x01ffffff
 *
 * Defines an 8-byte counter with %TK_TPM_COUNTER_ATTRS, SHA-256 name and
 * empty password, and increments it once: a counter that has never been
 * incremented cannot be read.  The TPM starts a new counter at the highest
 * value any counter has had, so the first value is not necessarily 1.
 *
 * A counter already there that owner authorization can read and increment
 * is left as it is (and incremented once if it never was, which completes
 * an earlier call that was interrupted).  Another kind of index gives
 * -EEXIST, a counter without OWNERREAD and OWNERWRITE -EPERM; either is
 * left in place.
 */
int tk_tpm_counter_define(struct tk_tpm *tpm, uint32_t nv_index, char *err,
			  size_t errlen);

/**
 * tk_tpm_counter_read() - read the counter at @nv_index with owner auth
 * @value: the counter's value
 */
int tk_tpm_counter_read(struct tk_tpm *tpm, uint32_t nv_index,
			uint64_t *value, char *err, size_t errlen);

/**
 * tk_tpm_counter_undefine() - delete the counter at @nv_index (tests only)
 *
 * Refuses (-EEXIST, -EPERM) anything tk_tpm_counter_define() would not
 * accept, so a wrong index cannot destroy another user's data.
 */
int tk_tpm_counter_undefine(struct tk_tpm *tpm, uint32_t nv_index, char *err,
			    size_t errlen);

/**
 * tk_tpm_key_name() - the SHA-256 digest in the TPM name of an object
 *
 * The name of the storage key differs between TPMs (it derives from the
 * storage primary seed), so it identifies the TPM a backup came from.
 * Return: 0 or a negative errno value as above.
 */
#define TK_TPM_NAME_DIGEST_SIZE	32
int tk_tpm_key_name(struct tk_tpm *tpm, uint32_t handle,
		    uint8_t digest[TK_TPM_NAME_DIGEST_SIZE], char *err,
		    size_t errlen);

#endif /* TPM_H */
