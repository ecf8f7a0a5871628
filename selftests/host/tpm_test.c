// SPDX-License-Identifier: GPL-2.0
/*
 * tpm_test: tpm.c against a real software TPM, no mocks.
 *
 *   tpm_test TCTI WORKDIR
 *
 * run-tpm-test.sh starts a fresh swtpm (no SRK, no NV indices) and runs
 * this with TCTI "swtpm:port=P".  tpm2-tools, pointed at the same TPM
 * through TPM2TOOLS_TCTI, make the objects tpm.c must refuse and give an
 * independent view of what tpm.c made.  WORKDIR takes their context files.
 *
 * Prints one TAP line per assertion; exits 1 if any failed.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <linux/tpmkey.h>

#include "tap.h"
#include "tpm.h"

#define SRK_HANDLE	TPMKEY_DEFAULT_PARENT
#define SIGN_HANDLE	0x81000002u
#define RSA_SRK_HANDLE	0x81000003u
#define COUNTER		0x01000100u
#define ORDINARY_NV	0x01000101u
#define AUTH_COUNTER	0x01000102u
#define UNWRITTEN	0x01000103u
#define UNUSED_HANDLE	0x81000004u
#define P384_SRK_HANDLE	0x81000005u
#define UNUSED_NV	0x01000104u
#define OWNER_PASSWORD	"tpmkey-test"

/* The SRK attributes as tpm2-tools spell them. */
#define SRK_ATTRS_TOOLS	"fixedtpm|fixedparent|sensitivedataorigin|" \
			"userwithauth|noda|restricted|decrypt"
#define SIGN_ATTRS_TOOLS "fixedtpm|fixedparent|sensitivedataorigin|" \
			"userwithauth|sign"
#define COUNTER_TOOLS	"ownerwrite|nt=0x1|ownerread|no_da|written"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

struct ctx {
	struct tap tap;
	struct tk_tpm tpm;
	const char *workdir;
	char err[512];
	char out[16384];	/* stdout of the last tpm2-tools command */
};

/*
 * Runs a shell command (tpm2-tools) and keeps its stdout in c->out.
 * Returns its exit status, or -1 if it could not run or was killed.
 */
static int __attribute__((format(printf, 2, 3)))
sh(struct ctx *c, const char *fmt, ...)
{
	char cmd[1024];
	size_t len = 0, n;
	va_list ap;
	FILE *p;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);

	c->out[0] = '\0';
	p = popen(cmd, "r");
	if (!p)
		return -1;
	while (len < sizeof(c->out) - 1 &&
	       (n = fread(c->out + len, 1, sizeof(c->out) - 1 - len, p)))
		len += n;
	c->out[len] = '\0';
	st = pclose(p);
	if (st == -1 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

/* The value after "KEY: " in tpm2-tools' YAML output, or "". */
static const char *field(const char *out, const char *key, char *buf,
			 size_t len)
{
	const char *p = strstr(out, key);
	size_t n;

	buf[0] = '\0';
	if (!p)
		return buf;
	p += strlen(key);
	n = strcspn(p, "\n");
	if (n >= len)
		n = len - 1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return buf;
}

/*
 * Counts transient objects and sessions loaded in the TPM.  swtpm has no
 * resource manager, so whatever tpm.c forgets to flush stays visible here.
 */
static int loaded(struct ctx *c, unsigned int *count)
{
	static const TPM2_HANDLE first[] = {
		TPM2_TRANSIENT_FIRST, TPM2_LOADED_SESSION_FIRST,
		TPM2_POLICY_SESSION_FIRST,
	};
	TPMS_CAPABILITY_DATA *cap;
	TPMI_YES_NO more;
	uint32_t j;
	size_t i;

	*count = 0;
	for (i = 0; i < ARRAY_SIZE(first); i++) {
		cap = NULL;
		if (Esys_GetCapability(c->tpm.esys, ESYS_TR_NONE, ESYS_TR_NONE,
				       ESYS_TR_NONE, TPM2_CAP_HANDLES, first[i],
				       TPM2_MAX_CAP_HANDLES, &more, &cap))
			return -1;
		for (j = 0; j < cap->data.handles.count; j++)
			if (cap->data.handles.handle[j] >> TPM2_HR_SHIFT ==
			    first[i] >> TPM2_HR_SHIFT)
				(*count)++;
		Esys_Free(cap);
	}
	return 0;
}

static void check_nothing_loaded(struct ctx *c, const char *after)
{
	unsigned int n;
	int ret = loaded(c, &n);

	check(&c->tap, !ret && !n,
	      "no transient object or session left loaded after %s (%u)",
	      after, ret ? 0 : n);
}

/* tpm2-tools leave their transient objects loaded when there is no RM. */
static int tools_flush(struct ctx *c)
{
	return sh(c, "tpm2 flushcontext -t && tpm2 flushcontext -s");
}

static void test_open(struct ctx *c, const char *tcti)
{
	struct tk_tpm none;
	int ret;

	ret = tk_tpm_open("device:/nonexistent/tpmrm0", &none, c->err,
			  sizeof(c->err));
	if (!ret)
		tk_tpm_close(&none);
	check(&c->tap, ret == -ENODEV,
	      "tk_tpm_open of a missing device fails with -ENODEV (%d)", ret);
	diag("err: %s", c->err);

	ret = tk_tpm_open(tcti, &c->tpm, c->err, sizeof(c->err));
	if (!check(&c->tap, !ret, "tk_tpm_open(\"%s\") (%d)", tcti, ret)) {
		diag("err: %s", c->err);
		printf("Bail out! no TPM\n");
		exit(1);
	}
}

static void test_srk(struct ctx *c)
{
	char srk_x[80], srk_y[80], x[80], y[80], buf[160];
	bool created = true;
	int ret;

	snprintf(buf, sizeof(buf), "0x%08x", SRK_HANDLE);
	ret = sh(c, "tpm2 getcap handles-persistent");
	check(&c->tap, !ret && !strstr(c->out, buf),
	      "a fresh swtpm has no object at 0x%08x", SRK_HANDLE);

	ret = tk_tpm_ensure_srk(&c->tpm, SRK_HANDLE, &created, c->err,
				sizeof(c->err));
	check(&c->tap, !ret && created,
	      "ensure_srk creates the SRK at 0x%08x (ret %d, created %d)",
	      SRK_HANDLE, ret, created);
	if (ret)
		diag("err: %s", c->err);
	check_nothing_loaded(c, "creating the SRK");

	ret = sh(c, "tpm2 readpublic -c 0x%08x", SRK_HANDLE);
	check(&c->tap, !ret, "tpm2 readpublic -c 0x%08x succeeds", SRK_HANDLE);
	check(&c->tap, !strcmp(field(c->out, "type:\n  value: ", buf,
				     sizeof(buf)), "ecc") &&
	      !strcmp(field(c->out, "curve-id:\n  value: ", buf,
			    sizeof(buf)), "NIST p256"),
	      "the SRK is an ECC NIST P-256 key");
	field(c->out, "attributes:\n  value: ", buf, sizeof(buf));
	check(&c->tap, !strcmp(buf, SRK_ATTRS_TOOLS),
	      "the SRK is restricted|decrypt with the TCG attributes (%s)",
	      buf);
	check(&c->tap, !strcmp(field(c->out, "sym-alg:\n  value: ", buf,
				     sizeof(buf)), "aes") &&
	      !strcmp(field(c->out, "sym-mode:\n  value: ", buf,
			    sizeof(buf)), "cfb") &&
	      !strcmp(field(c->out, "sym-keybits: ", buf, sizeof(buf)), "128"),
	      "the SRK's symmetric algorithm is AES-128-CFB");
	field(c->out, "\nx: ", srk_x, sizeof(srk_x));
	field(c->out, "\ny: ", srk_y, sizeof(srk_y));

	/*
	 * The same template through tpm2-tools, with x and y zero: the
	 * owner seed must derive the very same key if the template is
	 * byte for byte the TCG one.
	 */
	ret = sh(c,
		 "head -c 64 /dev/zero | tpm2 createprimary -C o -g sha256 -G ecc256:aes128cfb -a '%s' -u - -c %s/tcg-srk.ctx",
		 SRK_ATTRS_TOOLS, c->workdir);
	field(c->out, "\nx: ", x, sizeof(x));
	field(c->out, "\ny: ", y, sizeof(y));
	check(&c->tap, !ret && *x && !strcmp(x, srk_x) && !strcmp(y, srk_y),
	      "the SRK is the key tpm2-tools derives from the TCG template");
	diag("SRK x: %s", srk_x);
	tools_flush(c);

	ret = tk_tpm_ensure_srk(&c->tpm, SRK_HANDLE, &created, c->err,
				sizeof(c->err));
	check(&c->tap, !ret && !created,
	      "ensure_srk again keeps the SRK (ret %d, created %d)", ret,
	      created);
	check_nothing_loaded(c, "finding the SRK");
}

static void test_srk_refusals(struct ctx *c)
{
	char buf[160];
	bool created = true;
	int ret;

	ret = sh(c,
		 "tpm2 createprimary -C o -G ecc -a '%s' -c %s/sign.ctx >/dev/null && tpm2 evictcontrol -C o -c %s/sign.ctx 0x%08x",
		 SIGN_ATTRS_TOOLS, c->workdir, c->workdir, SIGN_HANDLE);
	check(&c->tap, !ret, "tpm2-tools put a signing key at 0x%08x",
	      SIGN_HANDLE);
	tools_flush(c);

	ret = tk_tpm_ensure_srk(&c->tpm, SIGN_HANDLE, &created, c->err,
				sizeof(c->err));
	check(&c->tap, ret == -EEXIST && !created,
	      "ensure_srk at the signing key fails with -EEXIST (%d)", ret);
	diag("err: %s", c->err);
	ret = sh(c, "tpm2 readpublic -c 0x%08x", SIGN_HANDLE);
	field(c->out, "attributes:\n  value: ", buf, sizeof(buf));
	check(&c->tap, !ret && !strcmp(buf, SIGN_ATTRS_TOOLS),
	      "the signing key is still at 0x%08x (%s)", SIGN_HANDLE, buf);

	ret = sh(c,
		 "tpm2 createprimary -C o -G rsa2048:aes128cfb -c %s/rsa.ctx >/dev/null && tpm2 evictcontrol -C o -c %s/rsa.ctx 0x%08x",
		 c->workdir, c->workdir, RSA_SRK_HANDLE);
	check(&c->tap, !ret, "tpm2-tools put an RSA storage key at 0x%08x",
	      RSA_SRK_HANDLE);
	tools_flush(c);
	ret = tk_tpm_ensure_srk(&c->tpm, RSA_SRK_HANDLE, &created, c->err,
				sizeof(c->err));
	check(&c->tap, !ret && !created,
	      "ensure_srk accepts an RSA storage key (ret %d, created %d)",
	      ret, created);

	/* swtpm_setup --ecc's kind: P-384, SHA-384, AES-256 */
	ret = sh(c,
		 "tpm2 createprimary -C o -g sha384 -G ecc384:aes256cfb -c %s/p384.ctx >/dev/null && tpm2 evictcontrol -C o -c %s/p384.ctx 0x%08x",
		 c->workdir, c->workdir, P384_SRK_HANDLE);
	check(&c->tap, !ret, "tpm2-tools put a P-384 storage key at 0x%08x",
	      P384_SRK_HANDLE);
	tools_flush(c);
	ret = tk_tpm_ensure_srk(&c->tpm, P384_SRK_HANDLE, &created, c->err,
				sizeof(c->err));
	check(&c->tap, ret == -EEXIST && !created &&
	      strstr(c->err, "TCG template") && strstr(c->err, "--parent"),
	      "ensure_srk refuses a storage key of another template, naming --parent (%d: %s)",
	      ret, c->err);
	ret = sh(c, "tpm2 readpublic -c 0x%08x", P384_SRK_HANDLE);
	check(&c->tap, !ret && strstr(c->out, "sha384"),
	      "... and leaves it in place");

	ret = tk_tpm_ensure_srk(&c->tpm, 0x80000000u, &created, c->err,
				sizeof(c->err));
	check(&c->tap, ret == -EINVAL,
	      "ensure_srk refuses a non-persistent handle (%d)", ret);
	check_nothing_loaded(c, "the refusals");
}

static void test_counter(struct ctx *c)
{
	uint64_t v = 0, before;
	char buf[160];
	int ret;

	ret = tk_tpm_counter_define(&c->tpm, COUNTER, c->err, sizeof(c->err));
	check(&c->tap, !ret, "counter_define 0x%08x (%d)", COUNTER, ret);
	if (ret)
		diag("err: %s", c->err);
	ret = tk_tpm_counter_read(&c->tpm, COUNTER, &v, c->err,
				  sizeof(c->err));
	check(&c->tap, !ret && v == 1,
	      "counter_read gives 1 (ret %d, %" PRIu64 ")", ret, v);

	ret = sh(c, "tpm2 nvreadpublic 0x%08x", COUNTER);
	field(c->out, "attributes:\n    friendly: ", buf, sizeof(buf));
	check(&c->tap, !ret && !strcmp(buf, COUNTER_TOOLS),
	      "tpm2 nvreadpublic shows an 8-byte owner counter (%s)", buf);

	ret = tk_tpm_counter_define(&c->tpm, COUNTER, c->err, sizeof(c->err));
	check(&c->tap, !ret, "counter_define again succeeds (%d)", ret);
	ret = tk_tpm_counter_read(&c->tpm, COUNTER, &v, c->err,
				  sizeof(c->err));
	check(&c->tap, !ret && v == 1,
	      "counter_define again leaves the counter at 1 (%" PRIu64 ")", v);

	/* What the kernel will do: NV_Increment with owner authorization. */
	ret = sh(c, "tpm2 nvincrement -C o 0x%08x", COUNTER);
	check(&c->tap, !ret, "owner authorization increments the counter");
	ret = tk_tpm_counter_read(&c->tpm, COUNTER, &before, c->err,
				  sizeof(c->err));
	check(&c->tap, !ret && before == 2,
	      "counter_read sees the increment (%" PRIu64 ")", before);

	ret = tk_tpm_counter_undefine(&c->tpm, COUNTER, c->err,
				      sizeof(c->err));
	check(&c->tap, !ret, "counter_undefine (%d)", ret);
	ret = tk_tpm_counter_read(&c->tpm, COUNTER, &v, c->err,
				  sizeof(c->err));
	check(&c->tap, ret == -ENOENT,
	      "counter_read after undefine fails with -ENOENT (%d)", ret);

	ret = tk_tpm_counter_define(&c->tpm, COUNTER, c->err, sizeof(c->err));
	check(&c->tap, !ret, "counter_define after undefine (%d)", ret);
	v = 0;
	ret = tk_tpm_counter_read(&c->tpm, COUNTER, &v, c->err,
				  sizeof(c->err));
	check(&c->tap, !ret && v >= 1 && v != 1 && v > before,
	      "the redefined counter continues above %" PRIu64 " (%" PRIu64 ")",
	      before, v);
	diag("redefined counter starts at %" PRIu64, v);
	check_nothing_loaded(c, "the counter");
}

static void test_counter_refusals(struct ctx *c)
{
	uint64_t v = 0;
	char buf[160];
	int ret;

	ret = sh(c, "tpm2 nvdefine 0x%08x -C o -s 8 -a 'ownerread|ownerwrite'",
		 ORDINARY_NV);
	check(&c->tap, !ret, "tpm2-tools define an ordinary 8-byte index");
	ret = tk_tpm_counter_define(&c->tpm, ORDINARY_NV, c->err,
				    sizeof(c->err));
	check(&c->tap, ret == -EEXIST,
	      "counter_define at an ordinary index fails with -EEXIST (%d)",
	      ret);
	diag("err: %s", c->err);
	ret = tk_tpm_counter_undefine(&c->tpm, ORDINARY_NV, c->err,
				      sizeof(c->err));
	check(&c->tap, ret == -EEXIST,
	      "counter_undefine refuses the ordinary index (%d)", ret);
	ret = sh(c, "tpm2 nvreadpublic 0x%08x", ORDINARY_NV);
	field(c->out, "attributes:\n    friendly: ", buf, sizeof(buf));
	check(&c->tap, !ret && !strcmp(buf, "ownerwrite|ownerread"),
	      "the ordinary index is still there (%s)", buf);

	ret = sh(c,
		 "tpm2 nvdefine 0x%08x -C o -s 8 -a 'nt=counter|authread|authwrite'",
		 AUTH_COUNTER);
	check(&c->tap, !ret, "tpm2-tools define a counter without owner auth");
	ret = tk_tpm_counter_define(&c->tpm, AUTH_COUNTER, c->err,
				    sizeof(c->err));
	check(&c->tap, ret == -EPERM,
	      "counter_define at it fails with -EPERM (%d)", ret);
	diag("err: %s", c->err);

	/* As if an earlier counter_define had stopped before incrementing. */
	ret = sh(c,
		 "tpm2 nvdefine 0x%08x -C o -s 8 -a 'nt=counter|ownerread|ownerwrite|no_da'",
		 UNWRITTEN);
	check(&c->tap, !ret, "tpm2-tools define a counter, not incremented");
	ret = tk_tpm_counter_read(&c->tpm, UNWRITTEN, &v, c->err,
				  sizeof(c->err));
	check(&c->tap, ret == -ENODATA,
	      "counter_read of it fails with -ENODATA (%d)", ret);
	ret = tk_tpm_counter_define(&c->tpm, UNWRITTEN, c->err,
				    sizeof(c->err));
	check(&c->tap, !ret, "counter_define completes it (%d)", ret);
	ret = tk_tpm_counter_read(&c->tpm, UNWRITTEN, &v, c->err,
				  sizeof(c->err));
	check(&c->tap, !ret && v >= 1,
	      "it can then be read (ret %d, %" PRIu64 ")", ret, v);

	ret = tk_tpm_counter_define(&c->tpm, 0x81000010u, c->err,
				    sizeof(c->err));
	check(&c->tap, ret == -EINVAL,
	      "counter_define refuses a non-NV handle (%d)", ret);
	check_nothing_loaded(c, "the counter refusals");
}

/* Last: an owner password set by someone else must be reported as such. */
static void test_owner_password(struct ctx *c)
{
	bool created = true;
	int ret;

	ret = sh(c, "tpm2 changeauth -c o " OWNER_PASSWORD);
	check(&c->tap, !ret, "tpm2-tools set an owner password");
	ret = tk_tpm_ensure_srk(&c->tpm, UNUSED_HANDLE, &created, c->err,
				sizeof(c->err));
	check(&c->tap, ret == -EACCES && !created,
	      "ensure_srk fails with -EACCES under an owner password (%d)",
	      ret);
	diag("err: %s", c->err);
	ret = tk_tpm_counter_define(&c->tpm, UNUSED_NV, c->err,
				    sizeof(c->err));
	check(&c->tap, ret == -EACCES,
	      "counter_define fails with -EACCES under an owner password (%d)",
	      ret);
	diag("err: %s", c->err);
	ret = sh(c, "tpm2 changeauth -c o -p " OWNER_PASSWORD);
	check(&c->tap, !ret, "tpm2-tools clear the owner password");
	check_nothing_loaded(c, "the owner password refusals");
}

int main(int argc, char *argv[])
{
	struct ctx *c;
	int failed;

	if (argc != 3) {
		fprintf(stderr, "usage: tpm_test TCTI WORKDIR\n");
		return 2;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return 1;
	c->workdir = argv[2];
	/* tpm2-tools talk to the same TPM. */
	if (setenv("TPM2TOOLS_TCTI", argv[1], 1))
		return 1;

	test_open(c, argv[1]);
	test_srk(c);
	test_srk_refusals(c);
	test_counter(c);
	test_counter_refusals(c);
	test_owner_password(c);
	tk_tpm_close(&c->tpm);

	printf("1..%u\n", c->tap.run);
	if (c->tap.failed)
		diag("%u of %u failed", c->tap.failed, c->tap.run);
	failed = c->tap.failed;
	free(c);
	return failed ? 1 : 0;
}
