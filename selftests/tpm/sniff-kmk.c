// SPDX-License-Identifier: GPL-2.0
/*
 * sniff-kmk: a passive TPM bus sniffer, for the tests of sessions.
 *
 *   sniff-kmk [-q] LOG STATE	try every 32-byte window of the traffic in
 *				LOG as the KMK of the state blob STATE
 *   sniff-kmk --count LOG	count the commands in LOG by command code
 *
 * LOG is swtpm's log (--log file=LOG,level=5: every command and response
 * in hex) or tpm-proxy's --log.  The commands and responses are put back
 * together into one byte stream, and every 32-byte window of it is tried
 * as the AES-256-GCM key of the state's wrapped DEK, with the state's
 * nonce and AAD (header and sealed KMK).  A window whose tag authenticates
 * is the KMK.  Exit status: 0 the KMK was found (where is printed), 1 it
 * was not, 2 bad input.
 */

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/sha.h>

#include "tpm2util.h"

#define KMK_SIZE		32
#define STATE_MAX		4096
#define STATE_MAGIC		"tpmkeyST"
#define STATE_NONCE_OFF		72
#define STATE_NONCE_SIZE	12
#define STATE_TAG_SIZE		16
#define STATE_SUM_SIZE		32
#define TRAFFIC_MAX		(64u << 20)

enum { EXIT_FOUND = 0, EXIT_NOT_FOUND = 1, EXIT_BAD_INPUT = 2 };

struct msg {
	bool cmd;		/* a command; else a response */
	uint32_t cc;		/* command code (a response: its command's) */
	size_t off;		/* where it starts in the traffic */
	size_t len;
};

struct traffic {
	uint8_t *buf;
	size_t len, cap;
	struct msg *msgs;
	size_t n_msgs, cap_msgs;
	size_t n_cmds, n_rsps;
};

struct state {
	uint8_t blob[STATE_MAX];
	size_t len;
	unsigned int version;
	size_t hdr_len, sealed_len, key_len;
};

static const char *prog = "sniff-kmk";

static void *grow(void *p, size_t *cap, size_t need, size_t elem)
{
	size_t n = *cap ? *cap : 64;

	while (n < need)
		n *= 2;
	p = realloc(p, n * elem);
	if (!p) {
		fprintf(stderr, "%s: out of memory\n", prog);
		exit(EXIT_BAD_INPUT);
	}
	*cap = n;
	return p;
}

/* A header line: its direction and length; 0 if @line is not one. */
static int parse_header(const char *line, bool *cmd, bool *tpm, size_t *len)
{
	static const struct {
		const char *text;
		bool cmd;
		bool tpm;
	} hdrs[] = {
		{ SWTPM_LOG_CMD, true, true },
		{ SWTPM_LOG_RSP, false, true },
		{ PROXY_LOG_CMD, true, true },
		{ PROXY_LOG_RSP, false, true },
		/* swtpm's control channel: skipped */
		{ "Ctrl Cmd: length ", true, false },
		{ "Ctrl Rsp: length ", false, false },
	};
	const char *p;
	unsigned long n;
	char *end;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(hdrs); i++) {
		if (!strstr(line, hdrs[i].text))
			continue;
		p = strstr(line, "length ");
		if (!p)
			return -1;
		errno = 0;
		n = strtoul(p + 7, &end, 10);
		if (errno || end == p + 7 || n > TPM2_MSG_MAX)
			return -1;
		*cmd = hdrs[i].cmd;
		*tpm = hdrs[i].tpm;
		*len = n;
		return 1;
	}
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * The bytes of a hex line (" 80 01 00 ..."), at most @max into @out;
 * -1 if @line is not a hex line.
 */
static int parse_hex_line(const char *line, uint8_t *out, size_t max)
{
	const char *p = line;
	int n = 0, hi, lo;

	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\n' || *p == '\r' || !*p)
			break;
		hi = hexval(p[0]);
		lo = hi < 0 ? -1 : hexval(p[1]);
		if (lo < 0 || (p[2] && !strchr(" \t\r\n", p[2])))
			return -1;
		if ((size_t)n >= max)
			return -1;
		out[n++] = (uint8_t)(hi << 4 | lo);
		p += 2;
	}
	return n ? n : -1;
}

static void add_msg(struct traffic *t, bool cmd, size_t off, size_t len)
{
	struct msg *m;

	if (t->n_msgs == t->cap_msgs)
		t->msgs = grow(t->msgs, &t->cap_msgs, t->n_msgs + 1,
			       sizeof(*t->msgs));
	m = &t->msgs[t->n_msgs++];
	m->cmd = cmd;
	m->off = off;
	m->len = len;
	if (cmd) {
		m->cc = 0;
		if (len >= TPM2_HEADER_SIZE)
			m->cc = get_be32(t->buf + off + 6);
		t->n_cmds++;
	} else {
		m->cc = t->n_msgs > 1 ? t->msgs[t->n_msgs - 2].cc : 0;
		t->n_rsps++;
	}
}

/* One line of the log; @want is what the open message still lacks. */
static int log_line(struct traffic *t, const char *line, size_t *want,
		    bool *tpm, bool *cmd, size_t *start)
{
	uint8_t bytes[64];
	size_t len;
	int n;

	if (*want) {
		n = parse_hex_line(line, bytes, sizeof(bytes));
		if (n < 0 || (size_t)n > *want)
			return -1;
		*want -= n;
		if (*tpm) {
			if (t->len + n > t->cap)
				t->buf = grow(t->buf, &t->cap, t->len + n, 1);
			memcpy(t->buf + t->len, bytes, n);
			t->len += n;
			if (t->len > TRAFFIC_MAX)
				return -1;
			if (!*want)
				add_msg(t, *cmd, *start, t->len - *start);
		}
		return 0;
	}
	n = parse_header(line, cmd, tpm, &len);
	if (n < 0)
		return -1;
	if (n > 0) {
		*want = len;
		*start = t->len;
		if (!len && *tpm)
			add_msg(t, *cmd, t->len, 0);
	}
	/* Other lines, and hex outside a message, are not traffic. */
	return 0;
}

static int read_log(const char *path, struct traffic *t)
{
	size_t want = 0, start = 0, cap = 0;
	unsigned long lineno = 0;
	bool tpm = false, cmd = false;
	char *line = NULL;
	FILE *f;
	int ret = 0;

	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
		return -1;
	}
	while (getline(&line, &cap, f) >= 0) {
		lineno++;
		if (log_line(t, line, &want, &tpm, &cmd, &start)) {
			fprintf(stderr, "%s: %s:%lu: not the hex of a message, or too long: %s",
				prog, path, lineno, line);
			ret = -1;
			break;
		}
	}
	if (!ret && ferror(f)) {
		fprintf(stderr, "%s: %s: read error\n", prog, path);
		ret = -1;
	}
	if (!ret && want) {
		fprintf(stderr, "%s: %s: the last message lacks %zu bytes\n",
			prog, path, want);
		ret = -1;
	}
	free(line);
	fclose(f);
	return ret;
}

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* Version 1 (88-byte header) and 2 (256 bytes); file-formats.rst. */
static int check_state(struct state *s, const char *path)
{
	uint8_t sum[SHA256_DIGEST_LENGTH];
	size_t hdr_len;

	if (s->len < 88 || memcmp(s->blob, STATE_MAGIC, 8)) {
		fprintf(stderr, "%s: %s: not a tpmkey state blob\n", prog, path);
		return -1;
	}
	s->version = s->blob[8] | s->blob[9] << 8;
	hdr_len = s->blob[10] | s->blob[11] << 8;
	if (!((s->version == 1 && hdr_len == 88) ||
	      (s->version == 2 && hdr_len == 256))) {
		fprintf(stderr, "%s: %s: version %u with a %zu-byte header: unknown\n",
			prog, path, s->version, hdr_len);
		return -1;
	}
	s->hdr_len = hdr_len;
	s->key_len = get_le32(s->blob + 24);
	s->sealed_len = get_le32(s->blob + 28);
	if ((s->key_len != 32 && s->key_len != 64) || !s->sealed_len ||
	    s->sealed_len > STATE_MAX ||
	    s->len != hdr_len + s->sealed_len + s->key_len + STATE_TAG_SIZE +
		      STATE_SUM_SIZE) {
		fprintf(stderr, "%s: %s: key_len %zu, sealed_len %zu and the length %zu do not fit\n",
			prog, path, s->key_len, s->sealed_len, s->len);
		return -1;
	}
	SHA256(s->blob, s->len - STATE_SUM_SIZE, sum);
	if (memcmp(sum, s->blob + s->len - STATE_SUM_SIZE, sizeof(sum))) {
		fprintf(stderr, "%s: %s: checksum mismatch: damaged\n", prog, path);
		return -1;
	}
	return 0;
}

static int read_state(const char *path, struct state *s)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f) {
		fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
		return -1;
	}
	n = fread(s->blob, 1, sizeof(s->blob), f);
	if (ferror(f) || (n == sizeof(s->blob) && fgetc(f) != EOF)) {
		fprintf(stderr, "%s: %s: read error or larger than %d bytes\n",
			prog, path, STATE_MAX);
		fclose(f);
		return -1;
	}
	fclose(f);
	s->len = n;
	return check_state(s, path);
}

/* Does @key unwrap the state's DEK?  1 yes, 0 no, -1 error. */
static int try_key(EVP_CIPHER_CTX *ctx, const struct state *s,
		   const uint8_t *key)
{
	size_t aad_len = s->hdr_len + s->sealed_len;
	const uint8_t *ct = s->blob + aad_len;
	uint8_t out[64], tag[STATE_TAG_SIZE];
	int n, ok;

	memcpy(tag, ct + s->key_len, sizeof(tag));
	if (!EVP_DecryptInit_ex(ctx, NULL, NULL, key,
				s->blob + STATE_NONCE_OFF) ||
	    !EVP_DecryptUpdate(ctx, NULL, &n, s->blob, (int)aad_len) ||
	    !EVP_DecryptUpdate(ctx, out, &n, ct, (int)s->key_len) ||
	    !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, sizeof(tag), tag))
		return -1;
	ok = EVP_DecryptFinal_ex(ctx, out + n, &n) > 0;
	OPENSSL_cleanse(out, sizeof(out));
	return ok;
}

static const struct msg *msg_at(const struct traffic *t, size_t off)
{
	const struct msg *m;
	size_t i;

	for (i = 0; i < t->n_msgs; i++) {
		m = &t->msgs[i];
		if (off >= m->off && off < m->off + m->len)
			return m;
	}
	return NULL;
}

static void report_hit(const struct traffic *t, size_t off)
{
	const struct msg *m = msg_at(t, off);
	size_t i;

	printf("KMK found at traffic offset %zu: ", off);
	if (m)
		printf("%s %s (0x%08x), offset %zu of its %zu bytes%s\n",
		       m->cmd ? "command" : "response of", tpm2_cc_str(m->cc),
		       m->cc, off - m->off, m->len,
		       off + KMK_SIZE > m->off + m->len ? " (spans the next)" :
							  "");
	else
		printf("outside any message\n");
	printf("KMK:");
	for (i = 0; i < KMK_SIZE; i++)
		printf("%02x", t->buf[off + i]);
	printf("\n");
}

static int sniff(const struct traffic *t, const struct state *s, bool quiet)
{
	size_t off, windows = 0, hits = 0;
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	struct timespec t0, t1;
	int r = 0;

	if (!ctx || !EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL,
					NULL) ||
	    !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, STATE_NONCE_SIZE,
				 NULL)) {
		fprintf(stderr, "%s: OpenSSL cannot set up AES-256-GCM\n", prog);
		EVP_CIPHER_CTX_free(ctx);
		return EXIT_BAD_INPUT;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (off = 0; off + KMK_SIZE <= t->len; off++) {
		windows++;
		r = try_key(ctx, s, t->buf + off);
		if (r < 0)
			break;
		if (r) {
			hits++;
			if (!quiet)
				report_hit(t, off);
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	EVP_CIPHER_CTX_free(ctx);
	if (r < 0) {
		fprintf(stderr, "%s: AES-256-GCM failed at window %zu\n", prog, off);
		return EXIT_BAD_INPUT;
	}
	printf("sniff-kmk: state v%u (%zu-byte DEK); %zu bytes of traffic in %zu commands and %zu responses; %zu windows tried in %.3f s; %zu unwrap the DEK\n",
	       s->version, s->key_len, t->len, t->n_cmds, t->n_rsps, windows,
	       (double)(t1.tv_sec - t0.tv_sec) +
	       (double)(t1.tv_nsec - t0.tv_nsec) / 1e9, hits);
	return hits ? EXIT_FOUND : EXIT_NOT_FOUND;
}

/* --count: "NAME N" per command code, in order of first use. */
static int count(const struct traffic *t)
{
	uint32_t codes[512];
	size_t counts[512], n = 0, i, j;

	for (i = 0; i < t->n_msgs; i++) {
		if (!t->msgs[i].cmd)
			continue;
		for (j = 0; j < n && codes[j] != t->msgs[i].cc; j++)
			;
		if (j == n) {
			if (n == ARRAY_SIZE(codes)) {
				fprintf(stderr, "%s: too many command codes\n", prog);
				return EXIT_BAD_INPUT;
			}
			codes[n] = t->msgs[i].cc;
			counts[n++] = 0;
		}
		counts[j]++;
	}
	for (j = 0; j < n; j++)
		printf("%s %zu\n", tpm2_cc_str(codes[j]), counts[j]);
	printf("total %zu\n", t->n_cmds);
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: %s [-q] LOG STATE\n"
		   "       %s --count LOG\n"
		   "LOG: swtpm's log (level 2 or more) or tpm-proxy's --log;\n"
		   "STATE: a tpmkey state blob (key.state), version 1 or 2.\n"
		   "Exit: 0 a window of the traffic unwraps the DEK, 1 none does,\n"
		   "2 bad input.\n", prog, prog);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "count", no_argument, NULL, 'c' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct traffic t = { 0 };
	static struct state s;
	bool do_count = false, quiet = false;
	int c, ret;

	while ((c = getopt_long(argc, argv, "cqh", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			do_count = true;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_BAD_INPUT;
		}
	}
	if (argc - optind != (do_count ? 1 : 2)) {
		usage(stderr);
		return EXIT_BAD_INPUT;
	}
	if (read_log(argv[optind], &t))
		return EXIT_BAD_INPUT;
	if (!t.n_cmds) {
		/* "Nothing unwraps" must not pass for want of traffic. */
		fprintf(stderr, "%s: %s: no TPM command in the log (swtpm: --log level=2 or more)\n",
			prog, argv[optind]);
		return EXIT_BAD_INPUT;
	}
	if (do_count)
		ret = count(&t);
	else if (read_state(argv[optind + 1], &s))
		ret = EXIT_BAD_INPUT;
	else
		ret = sniff(&t, &s, quiet);
	OPENSSL_cleanse(t.buf, t.len);
	free(t.buf);
	free(t.msgs);
	return ret;
}
