// SPDX-License-Identifier: GPL-2.0
/*
 * TPM provisioning through tpm2-tss ESAPI: the SRK and the NV counter.
 *
 * Only password sessions (ESYS_TR_PASSWORD) are used, with the owner's
 * empty password: no secret crosses the bus, so neither an HMAC session nor
 * parameter encryption would protect anything, and no session handle is
 * ever left to flush.  Transient objects are flushed on every path.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <tss2/tss2_esys.h>
#include <tss2/tss2_rc.h>
#include <tss2/tss2_tctildr.h>

#include "internal.h"
#include "tpm.h"

#define SRK_ATTRS	(TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT | \
			 TPMA_OBJECT_SENSITIVEDATAORIGIN | \
			 TPMA_OBJECT_USERWITHAUTH | TPMA_OBJECT_NODA | \
			 TPMA_OBJECT_RESTRICTED | TPMA_OBJECT_DECRYPT)

/* What a parent of a sealed object must have to be used with a password. */
#define PARENT_ATTRS	(TPMA_OBJECT_RESTRICTED | TPMA_OBJECT_DECRYPT | \
			 TPMA_OBJECT_USERWITHAUTH)

#define COUNTER_SIZE	8

/*
 * A storage key's child that is fixedParent and itself a storage key (the
 * native backend's per-key object) must have its parent's nameAlg and
 * symmetric definition (Part 1, 27.2), and the module makes that child
 * with these.
 */
#define SRK_NAME_ALG	TPM2_ALG_SHA256
#define SRK_SYMMETRIC	{ .algorithm = TPM2_ALG_AES, .keyBits.aes = 128, \
			  .mode.aes = TPM2_ALG_CFB }

/*
 * The SRK templates of the TCG "TPM 2.0 Provisioning Guidance" (section
 * 7.5.1), which the TCG EK Credential Profile shares for its storage keys.
 * The all-zero unique fields are part of the template: they go into the
 * key derivation, so any other value would give a different key.
 */
static const TPM2B_PUBLIC srk_template_ecc = {
	.publicArea = {
		.type = TPM2_ALG_ECC,
		.nameAlg = SRK_NAME_ALG,
		.objectAttributes = SRK_ATTRS,
		.parameters.eccDetail = {
			.symmetric = SRK_SYMMETRIC,
			.scheme.scheme = TPM2_ALG_NULL,
			.curveID = TPM2_ECC_NIST_P256,
			.kdf.scheme = TPM2_ALG_NULL,
		},
		.unique.ecc = {
			.x.size = 32,
			.y.size = 32,
		},
	},
};

static const TPM2B_PUBLIC srk_template_rsa = {
	.publicArea = {
		.type = TPM2_ALG_RSA,
		.nameAlg = SRK_NAME_ALG,
		.objectAttributes = SRK_ATTRS,
		.parameters.rsaDetail = {
			.symmetric = SRK_SYMMETRIC,
			.scheme.scheme = TPM2_ALG_NULL,
			.keyBits = 2048,
			.exponent = 0,
		},
		.unique.rsa.size = 256,
	},
};

static void clear_err(char *err, size_t errlen)
{
	if (errlen)
		err[0] = '\0';
}

/*
 * Maps a tpm2-tss response code to the errno value callers act on.  TPM
 * format-one codes carry the number of the failing handle, parameter or
 * session in their high bits; those are dropped before comparing.
 */
static int rc_errno(TSS2_RC rc)
{
	TSS2_RC layer = rc & TSS2_RC_LAYER_MASK;
	TSS2_RC base = rc & ~TSS2_RC_LAYER_MASK;

	if (layer == TSS2_TCTI_RC_LAYER)
		return -ENODEV;
	if (layer != TSS2_TPM_RC_LAYER) {
		if (base == TSS2_BASE_RC_MEMORY)
			return -ENOMEM;
		if (base == TSS2_BASE_RC_NO_CONNECTION ||
		    base == TSS2_BASE_RC_IO_ERROR)
			return -ENODEV;
		return -EIO;
	}
	if (rc & TPM2_RC_FMT1)
		rc &= TPM2_RC_FMT1 | 0x3f;

	switch (rc) {
	case TPM2_RC_INITIALIZE:
		return -ENODEV;
	case TPM2_RC_BAD_AUTH:
	case TPM2_RC_AUTH_FAIL:
	case TPM2_RC_LOCKOUT:
	case TPM2_RC_HIERARCHY:
	case TPM2_RC_NV_AUTHORIZATION:
		return -EACCES;
	case TPM2_RC_NV_SPACE:
	case TPM2_RC_OBJECT_MEMORY:
		return -ENOSPC;
	case TPM2_RC_NV_DEFINED:
		return -EEXIST;
	case TPM2_RC_NV_UNINITIALIZED:
		return -ENODATA;
	default:
		return -EIO;
	}
}

/* Fails with the errno for @rc and a sentence that names it. */
static int __attribute__((format(printf, 4, 5)))
fail_rc(char *err, size_t errlen, TSS2_RC rc, const char *fmt, ...)
{
	char what[160];
	va_list ap;
	int ret = rc_errno(rc);

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return tk_fail(err, errlen, ret,
		    "%s failed: %s (TPM response code 0x%x)%s",
		    what, Tss2_RC_Decode(rc), rc,
		    ret == -EACCES ? "; is the owner password empty?" : "");
}

/*
 * Asks the TPM's handle list rather than trying to open @handle: ESAPI
 * logs an error for every open of a handle that is not there, and
 * absence is an expected answer here.
 */
static int handle_exists(struct tk_tpm *tpm, TPM2_HANDLE handle,
			 bool *exists, char *err, size_t errlen)
{
	TPMS_CAPABILITY_DATA *cap = NULL;
	TPMI_YES_NO more;
	TSS2_RC rc;

	rc = Esys_GetCapability(tpm->esys, ESYS_TR_NONE, ESYS_TR_NONE,
				ESYS_TR_NONE, TPM2_CAP_HANDLES, handle, 1,
				&more, &cap);
	if (rc)
		return fail_rc(err, errlen, rc, "TPM2_GetCapability(handles)");
	*exists = cap->data.handles.count &&
		  cap->data.handles.handle[0] == handle;
	Esys_Free(cap);
	return 0;
}

/* A first command, so that a wrong TCTI or TPM shows up in tk_tpm_open(). */
static int probe(struct tk_tpm *tpm, char *err, size_t errlen)
{
	TPMS_CAPABILITY_DATA *cap = NULL;
	TPMI_YES_NO more;
	uint32_t family = 0;
	TSS2_RC rc;

	rc = Esys_GetCapability(tpm->esys, ESYS_TR_NONE, ESYS_TR_NONE,
				ESYS_TR_NONE, TPM2_CAP_TPM_PROPERTIES,
				TPM2_PT_FAMILY_INDICATOR, 1, &more, &cap);
	if (rc) {
		fail_rc(err, errlen, rc, "the first TPM command");
		return -ENODEV;
	}
	if (cap->data.tpmProperties.count &&
	    cap->data.tpmProperties.tpmProperty[0].property ==
	    TPM2_PT_FAMILY_INDICATOR)
		family = cap->data.tpmProperties.tpmProperty[0].value;
	Esys_Free(cap);
	if (family != TPM2_SPEC_FAMILY)
		return tk_fail(err, errlen, -ENODEV,
			    "the TPM is not a TPM 2.0 (family 0x%08x)", family);
	return 0;
}

int tk_tpm_open(const char *tcti, struct tk_tpm *tpm, char *err,
		size_t errlen)
{
	TSS2_RC rc;
	int ret;

	clear_err(err, errlen);
	tpm->esys = NULL;
	tpm->tcti = NULL;
	if (!tcti)
		tcti = TK_TPM_DEFAULT_TCTI;

	rc = Tss2_TctiLdr_Initialize(tcti, &tpm->tcti);
	if (rc)
		return tk_fail(err, errlen, -ENODEV,
			    "cannot reach a TPM through TCTI \"%s\": %s (0x%x)",
			    tcti, Tss2_RC_Decode(rc), rc);

	rc = Esys_Initialize(&tpm->esys, tpm->tcti, NULL);
	if (rc) {
		ret = fail_rc(err, errlen, rc, "Esys_Initialize");
		goto err_tcti;
	}

	ret = probe(tpm, err, errlen);
	if (ret)
		goto err_esys;
	return 0;

err_esys:
	Esys_Finalize(&tpm->esys);
err_tcti:
	Tss2_TctiLdr_Finalize(&tpm->tcti);
	return ret;
}

void tk_tpm_close(struct tk_tpm *tpm)
{
	if (tpm->esys)
		Esys_Finalize(&tpm->esys);
	if (tpm->tcti)
		Tss2_TctiLdr_Finalize(&tpm->tcti);
}

/* Accepts the object at @handle only if it can parent a sealed object. */
static int srk_check(struct tk_tpm *tpm, TPM2_HANDLE handle, char *err,
		     size_t errlen)
{
	const TPMT_SYM_DEF_OBJECT want = SRK_SYMMETRIC;
	TPMT_SYM_DEF_OBJECT symmetric;
	TPM2B_PUBLIC *pub = NULL;
	ESYS_TR obj = ESYS_TR_NONE;
	TPMI_ALG_PUBLIC type;
	TPMI_ALG_HASH name_alg;
	TPMA_OBJECT attrs;
	TSS2_RC rc;

	rc = Esys_TR_FromTPMPublic(tpm->esys, handle, ESYS_TR_NONE,
				   ESYS_TR_NONE, ESYS_TR_NONE, &obj);
	if (rc)
		return fail_rc(err, errlen, rc,
			       "opening the object at 0x%08x", handle);
	rc = Esys_ReadPublic(tpm->esys, obj, ESYS_TR_NONE, ESYS_TR_NONE,
			     ESYS_TR_NONE, &pub, NULL, NULL);
	/* Forgets ESAPI's record only; the persistent object stays. */
	Esys_TR_Close(tpm->esys, &obj);
	if (rc)
		return fail_rc(err, errlen, rc,
			       "TPM2_ReadPublic of 0x%08x", handle);

	attrs = pub->publicArea.objectAttributes;
	name_alg = pub->publicArea.nameAlg;
	symmetric = pub->publicArea.parameters.asymDetail.symmetric;
	type = pub->publicArea.type;
	Esys_Free(pub);
	if ((attrs & PARENT_ATTRS) != PARENT_ATTRS ||
	    (attrs & TPMA_OBJECT_SIGN_ENCRYPT))
		return tk_fail(err, errlen, -EEXIST,
			    "the object at 0x%08x is not a storage key (attributes 0x%08x, need restricted|decrypt|userwithauth without sign); it has been left in place",
			    handle, attrs);
	if ((type != TPM2_ALG_ECC && type != TPM2_ALG_RSA) ||
	    name_alg != SRK_NAME_ALG ||
	    symmetric.algorithm != want.algorithm ||
	    symmetric.keyBits.aes != want.keyBits.aes ||
	    symmetric.mode.aes != want.mode.aes)
		return tk_fail(err, errlen, -EEXIST,
			    "the storage key at 0x%08x is not of the TCG template (RSA or ECC, nameAlg SHA-256, AES-128-CFB; it has type 0x%04x, nameAlg 0x%04x, symmetric 0x%04x/%u), so the TPM refuses tpmkey's key object under it; it has been left in place: give another free persistent handle with --parent and tpmkeyctl makes a storage key there",
			    handle, type, name_alg, symmetric.algorithm,
			    symmetric.keyBits.aes);
	return 0;
}

/*
 * Picks the ECC template unless the TPM says it cannot do P-256 with
 * AES-128-CFB.  TPM2_TestParms asks without creating anything, so a TPM
 * without ECC costs no failed key generation.
 */
static int srk_template(struct tk_tpm *tpm, const TPM2B_PUBLIC **tmpl,
			char *err, size_t errlen)
{
	TPMT_PUBLIC_PARMS parms = {
		.type = srk_template_ecc.publicArea.type,
		.parameters = srk_template_ecc.publicArea.parameters,
	};
	TSS2_RC rc;

	rc = Esys_TestParms(tpm->esys, ESYS_TR_NONE, ESYS_TR_NONE,
			    ESYS_TR_NONE, &parms);
	if (!rc) {
		*tmpl = &srk_template_ecc;
		return 0;
	}
	if ((rc & TSS2_RC_LAYER_MASK) != TSS2_TPM_RC_LAYER)
		return fail_rc(err, errlen, rc, "TPM2_TestParms(ECC P-256)");
	*tmpl = &srk_template_rsa;
	return 0;
}

static int srk_create(struct tk_tpm *tpm, TPM2_HANDLE handle, bool *created,
		      char *err, size_t errlen)
{
	const TPM2B_SENSITIVE_CREATE sensitive = { 0 };
	const TPML_PCR_SELECTION pcrs = { 0 };
	const TPM2B_DATA outside = { 0 };
	const TPM2B_PUBLIC *tmpl = NULL;
	ESYS_TR primary = ESYS_TR_NONE;
	ESYS_TR persistent = ESYS_TR_NONE;
	const char *alg;
	TSS2_RC rc;
	int ret;

	ret = srk_template(tpm, &tmpl, err, errlen);
	if (ret)
		return ret;
	alg = tmpl == &srk_template_ecc ? "ECC P-256" : "RSA 2048";

	rc = Esys_CreatePrimary(tpm->esys, ESYS_TR_RH_OWNER, ESYS_TR_PASSWORD,
				ESYS_TR_NONE, ESYS_TR_NONE, &sensitive, tmpl,
				&outside, &pcrs, &primary, NULL, NULL, NULL,
				NULL);
	if (rc)
		return fail_rc(err, errlen, rc,
			       "TPM2_CreatePrimary of the %s SRK", alg);

	rc = Esys_EvictControl(tpm->esys, ESYS_TR_RH_OWNER, primary,
			       ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE,
			       handle, &persistent);
	if (rc) {
		ret = fail_rc(err, errlen, rc,
			      "TPM2_EvictControl of the SRK to 0x%08x",
			      handle);
	} else {
		*created = true;
		Esys_TR_Close(tpm->esys, &persistent);
	}

	rc = Esys_FlushContext(tpm->esys, primary);
	if (rc && !ret)
		ret = fail_rc(err, errlen, rc,
			      "TPM2_FlushContext of the transient SRK");
	return ret;
}

int tk_tpm_ensure_srk(struct tk_tpm *tpm, uint32_t handle, bool *created,
		      char *err, size_t errlen)
{
	bool exists;
	int ret;

	clear_err(err, errlen);
	*created = false;
	if (handle < TK_TPM_PERSISTENT_FIRST || handle > TK_TPM_PERSISTENT_LAST)
		return tk_fail(err, errlen, -EINVAL,
			    "0x%08x is not a persistent handle (0x%08x-0x%08x)",
			    handle, TK_TPM_PERSISTENT_FIRST,
			    TK_TPM_PERSISTENT_LAST);

	ret = handle_exists(tpm, handle, &exists, err, errlen);
	if (ret)
		return ret;
	if (exists)
		return srk_check(tpm, handle, err, errlen);
	return srk_create(tpm, handle, created, err, errlen);
}

static int check_nv_index(uint32_t nv_index, char *err, size_t errlen)
{
	if (nv_index >> TPM2_HR_SHIFT != TPM2_HT_NV_INDEX)
		return tk_fail(err, errlen, -EINVAL,
			    "0x%08x is not an NV index (0x01000000-0x01ffffff)",
			    nv_index);
	return 0;
}

/*
 * Opens the NV index at @nv_index for ESAPI and checks that it is a counter
 * owner authorization can read and increment.  On success the caller owns
 * *@nv and closes it with Esys_TR_Close().
 */
static int counter_open(struct tk_tpm *tpm, uint32_t nv_index, ESYS_TR *nv,
			bool *written, char *err, size_t errlen)
{
	const TPMA_NV owner = TPMA_NV_OWNERREAD | TPMA_NV_OWNERWRITE;
	TPM2B_NV_PUBLIC *pub = NULL;
	TPMA_NV attrs, type;
	uint16_t size;
	bool exists;
	TSS2_RC rc;
	int ret;

	ret = handle_exists(tpm, nv_index, &exists, err, errlen);
	if (ret)
		return ret;
	if (!exists)
		return tk_fail(err, errlen, -ENOENT,
			    "there is no NV index at 0x%08x", nv_index);

	rc = Esys_TR_FromTPMPublic(tpm->esys, nv_index, ESYS_TR_NONE,
				   ESYS_TR_NONE, ESYS_TR_NONE, nv);
	if (rc)
		return fail_rc(err, errlen, rc,
			       "opening NV index 0x%08x", nv_index);
	rc = Esys_NV_ReadPublic(tpm->esys, *nv, ESYS_TR_NONE, ESYS_TR_NONE,
				ESYS_TR_NONE, &pub, NULL);
	if (rc) {
		ret = fail_rc(err, errlen, rc,
			      "TPM2_NV_ReadPublic of 0x%08x", nv_index);
		goto err_close;
	}
	attrs = pub->nvPublic.attributes;
	size = pub->nvPublic.dataSize;
	Esys_Free(pub);

	type = (attrs & TPMA_NV_TPM2_NT_MASK) >> TPMA_NV_TPM2_NT_SHIFT;
	if (type != TPM2_NT_COUNTER || size != COUNTER_SIZE) {
		ret = tk_fail(err, errlen, -EEXIST,
			   "NV index 0x%08x is not a counter (type %u, %u bytes); it has been left in place",
			   nv_index, type, size);
		goto err_close;
	}
	if ((attrs & owner) != owner) {
		ret = tk_fail(err, errlen, -EPERM,
			   "NV counter 0x%08x cannot be read and incremented with owner authorization (attributes 0x%08x); it has been left in place",
			   nv_index, attrs);
		goto err_close;
	}
	*written = attrs & TPMA_NV_WRITTEN;
	return 0;

err_close:
	Esys_TR_Close(tpm->esys, nv);
	return ret;
}

static int counter_increment(struct tk_tpm *tpm, ESYS_TR nv,
			     uint32_t nv_index, char *err, size_t errlen)
{
	TSS2_RC rc;

	rc = Esys_NV_Increment(tpm->esys, ESYS_TR_RH_OWNER, nv,
			       ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE);
	if (rc)
		return fail_rc(err, errlen, rc,
			       "TPM2_NV_Increment of 0x%08x", nv_index);
	return 0;
}

int tk_tpm_counter_define(struct tk_tpm *tpm, uint32_t nv_index, char *err,
			  size_t errlen)
{
	const TPM2B_NV_PUBLIC pub = {
		.nvPublic = {
			.nvIndex = nv_index,
			.nameAlg = TPM2_ALG_SHA256,
			.attributes = TK_TPM_COUNTER_ATTRS,
			.dataSize = COUNTER_SIZE,
		},
	};
	const TPM2B_AUTH auth = { 0 };
	ESYS_TR nv = ESYS_TR_NONE;
	bool written = false;
	TSS2_RC rc;
	int ret;

	clear_err(err, errlen);
	ret = check_nv_index(nv_index, err, errlen);
	if (ret)
		return ret;

	ret = counter_open(tpm, nv_index, &nv, &written, err, errlen);
	if (ret == -ENOENT) {
		clear_err(err, errlen);
		rc = Esys_NV_DefineSpace(tpm->esys, ESYS_TR_RH_OWNER,
					 ESYS_TR_PASSWORD, ESYS_TR_NONE,
					 ESYS_TR_NONE, &auth, &pub, &nv);
		if (rc)
			return fail_rc(err, errlen, rc,
				       "TPM2_NV_DefineSpace of counter 0x%08x",
				       nv_index);
	} else if (ret) {
		return ret;
	}

	/*
	 * If the increment fails the index stays defined but unwritten; the
	 * next call finds it and finishes the job.
	 */
	if (!written)
		ret = counter_increment(tpm, nv, nv_index, err, errlen);
	Esys_TR_Close(tpm->esys, &nv);
	return ret;
}

int tk_tpm_counter_read(struct tk_tpm *tpm, uint32_t nv_index,
			uint64_t *value, char *err, size_t errlen)
{
	TPM2B_MAX_NV_BUFFER *data = NULL;
	ESYS_TR nv = ESYS_TR_NONE;
	bool written;
	TSS2_RC rc;
	uint64_t v;
	int ret, i;

	clear_err(err, errlen);
	ret = check_nv_index(nv_index, err, errlen);
	if (ret)
		return ret;
	ret = counter_open(tpm, nv_index, &nv, &written, err, errlen);
	if (ret)
		return ret;
	if (!written) {
		ret = tk_fail(err, errlen, -ENODATA,
			   "NV counter 0x%08x has never been incremented",
			   nv_index);
		goto out;
	}

	rc = Esys_NV_Read(tpm->esys, ESYS_TR_RH_OWNER, nv, ESYS_TR_PASSWORD,
			  ESYS_TR_NONE, ESYS_TR_NONE, COUNTER_SIZE, 0, &data);
	if (rc) {
		ret = fail_rc(err, errlen, rc, "TPM2_NV_Read of 0x%08x",
			      nv_index);
		goto out;
	}
	if (data->size != COUNTER_SIZE) {
		ret = tk_fail(err, errlen, -EIO,
			   "TPM2_NV_Read of 0x%08x returned %u bytes, not %u",
			   nv_index, data->size, COUNTER_SIZE);
	} else {
		/* TPM counters are big-endian, like every TPM integer. */
		for (v = 0, i = 0; i < COUNTER_SIZE; i++)
			v = v << 8 | data->buffer[i];
		*value = v;
	}
	Esys_Free(data);
out:
	Esys_TR_Close(tpm->esys, &nv);
	return ret;
}

int tk_tpm_counter_undefine(struct tk_tpm *tpm, uint32_t nv_index, char *err,
			    size_t errlen)
{
	ESYS_TR nv = ESYS_TR_NONE;
	bool written;
	TSS2_RC rc;
	int ret;

	clear_err(err, errlen);
	ret = check_nv_index(nv_index, err, errlen);
	if (ret)
		return ret;
	ret = counter_open(tpm, nv_index, &nv, &written, err, errlen);
	if (ret)
		return ret;

	/* On success ESAPI forgets @nv itself. */
	rc = Esys_NV_UndefineSpace(tpm->esys, ESYS_TR_RH_OWNER, nv,
				   ESYS_TR_PASSWORD, ESYS_TR_NONE,
				   ESYS_TR_NONE);
	if (rc) {
		Esys_TR_Close(tpm->esys, &nv);
		return fail_rc(err, errlen, rc,
			       "TPM2_NV_UndefineSpace of 0x%08x", nv_index);
	}
	return 0;
}

int tk_tpm_key_name(struct tk_tpm *tpm, uint32_t handle,
		    uint8_t digest[TK_TPM_NAME_DIGEST_SIZE], char *err,
		    size_t errlen)
{
	TPM2B_NAME *name = NULL;
	ESYS_TR obj = ESYS_TR_NONE;
	TSS2_RC rc;
	int ret = 0;

	clear_err(err, errlen);
	rc = Esys_TR_FromTPMPublic(tpm->esys, handle, ESYS_TR_NONE,
				   ESYS_TR_NONE, ESYS_TR_NONE, &obj);
	if (rc)
		return fail_rc(err, errlen, rc,
			       "opening the object at 0x%08x", handle);
	rc = Esys_TR_GetName(tpm->esys, obj, &name);
	Esys_TR_Close(tpm->esys, &obj);
	if (rc)
		return fail_rc(err, errlen, rc, "the name of 0x%08x", handle);
	/* A name is the 2-byte nameAlg followed by the digest. */
	if (name->size != 2 + TK_TPM_NAME_DIGEST_SIZE)
		ret = tk_fail(err, errlen, -EIO,
			   "the object at 0x%08x has a %u-byte name, not SHA-256",
			   handle, name->size);
	else
		memcpy(digest, name->name + 2, TK_TPM_NAME_DIGEST_SIZE);
	Esys_Free(name);
	return ret;
}
