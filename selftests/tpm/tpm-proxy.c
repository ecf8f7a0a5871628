// SPDX-License-Identifier: GPL-2.0
/*
 * tpm-proxy: an active interposer on the TPM bus between QEMU and swtpm.
 *
 *   tpm-proxy --listen SOCK --connect SWTPM_CTRL_SOCK [--log FILE]
 *             [--rewrite-nv-read[=VALUE] | --drop-nv-increment |
 *              --swap-ecc-point]
 *
 * QEMU's "-tpmdev emulator" talks swtpm's control protocol on a unix
 * socket (QEMU connects to SOCK here) and hands swtpm, with CMD_SET_DATAFD,
 * one end of a socketpair over which the TPM commands travel.  The proxy
 * forwards every control message verbatim to swtpm's control socket,
 * except CMD_SET_DATAFD: it keeps QEMU's end and gives swtpm one end of a
 * socketpair of its own, so that every command and response passes
 * through it.  There it applies one rewrite rule:
 *
 *   --rewrite-nv-read[=VALUE]  a successful TPM2_NV_Read of 8 bytes (a
 *	counter) returns VALUE, or the real value minus one without VALUE;
 *   --drop-nv-increment  TPM2_NV_Increment is not sent to the TPM; the
 *	proxy answers success itself, with a response authorization area of
 *	the command's shape (password: empty nonce, continueSession, empty
 *	HMAC; other sessions: nonce and HMAC of the caller's lengths, random);
 *   --swap-ecc-point  the NIST P-256 point of the ECC public area in the
 *	responses of TPM2_CreatePrimary, TPM2_Create, TPM2_CreateLoaded and
 *	TPM2_ReadPublic is replaced by another valid point (one key pair made
 *	at start).
 *
 * Without a rule it passes everything through.  --log FILE writes every
 * command and response in hex, as the TPM saw them (sniff-kmk reads it).
 * SOCK is bound under a temporary name and renamed once listening, so it
 * exists only when QEMU can connect.  The proxy serves one QEMU and exits
 * when either side closes: 0 when QEMU went away, 1 on an error.
 */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "tpm2util.h"

/* swtpm's control protocol (swtpm's tpm_ioctl.h): big-endian commands. */
enum {
	CMD_GET_CAPABILITY = 1, CMD_INIT, CMD_SHUTDOWN, CMD_GET_TPMESTABLISHED,
	CMD_SET_LOCALITY, CMD_HASH_START, CMD_HASH_DATA, CMD_HASH_END,
	CMD_CANCEL_TPM_CMD, CMD_STORE_VOLATILE, CMD_RESET_TPMESTABLISHED,
	CMD_GET_STATEBLOB, CMD_SET_STATEBLOB, CMD_STOP, CMD_GET_CONFIG,
	CMD_SET_DATAFD, CMD_SET_BUFFERSIZE, CMD_GET_INFO, CMD_LOCK_STORAGE,
};

/*
 * Request payload after the 4-byte command and response sizes, as QEMU's
 * backends/tpm/tpm_emulator.c sends and reads them.  Where a length field
 * makes a message longer, *_len_at says where it is (-1: no such field).
 */
struct ctrl_cmd {
	const char *name;
	size_t req, rsp;
	int req_len_at, rsp_len_at;
};

static const struct ctrl_cmd ctrl_cmds[] = {
	[CMD_GET_CAPABILITY] = { "GET_CAPABILITY", 0, 8, -1, -1 },
	[CMD_INIT] = { "INIT", 4, 4, -1, -1 },
	[CMD_SHUTDOWN] = { "SHUTDOWN", 0, 4, -1, -1 },
	[CMD_GET_TPMESTABLISHED] = { "GET_TPMESTABLISHED", 0, 8, -1, -1 },
	[CMD_SET_LOCALITY] = { "SET_LOCALITY", 4, 4, -1, -1 },
	[CMD_HASH_START] = { "HASH_START", 0, 4, -1, -1 },
	[CMD_HASH_DATA] = { "HASH_DATA", 4, 4, 0, -1 },
	[CMD_HASH_END] = { "HASH_END", 0, 4, -1, -1 },
	[CMD_CANCEL_TPM_CMD] = { "CANCEL_TPM_CMD", 0, 4, -1, -1 },
	[CMD_STORE_VOLATILE] = { "STORE_VOLATILE", 0, 4, -1, -1 },
	[CMD_RESET_TPMESTABLISHED] = { "RESET_TPMESTABLISHED", 4, 4, -1, -1 },
	[CMD_GET_STATEBLOB] = { "GET_STATEBLOB", 12, 16, -1, 12 },
	[CMD_SET_STATEBLOB] = { "SET_STATEBLOB", 12, 4, 8, -1 },
	[CMD_STOP] = { "STOP", 0, 4, -1, -1 },
	[CMD_GET_CONFIG] = { "GET_CONFIG", 0, 8, -1, -1 },
	[CMD_SET_DATAFD] = { "SET_DATAFD", 0, 4, -1, -1 },
	[CMD_SET_BUFFERSIZE] = { "SET_BUFFERSIZE", 4, 16, -1, -1 },
	[CMD_GET_INFO] = { "GET_INFO", 16, 12, -1, 8 },
	[CMD_LOCK_STORAGE] = { "LOCK_STORAGE", 4, 4, -1, -1 },
};

#define CTRL_N_CMDS	ARRAY_SIZE(ctrl_cmds)
/* Longest control message with its length field (state blobs: ~100 KiB) */
#define CTRL_MSG_MAX	(1u << 20)
/* How long an error response may take to show it is only a result code. */
#define CTRL_SHORT_MS	200

#define TPM2_RS_PW		0x40000009
#define TPMA_CONTINUE_SESSION	0x01

enum rule { RULE_NONE, RULE_NV_READ, RULE_NV_INCREMENT, RULE_ECC_POINT };

static struct {
	enum rule rule;
	bool nv_absolute;
	uint64_t nv_value;
	uint8_t ecc_x[P256_COORD], ecc_y[P256_COORD];
	FILE *log;
	int qemu_ctrl, tpm_ctrl, qemu_data, tpm_data;
	unsigned long n_cmds, n_rewrites;
	bool shutdown;		/* QEMU sent CMD_SHUTDOWN: swtpm may go */
} px = { .qemu_ctrl = -1, .tpm_ctrl = -1, .qemu_data = -1, .tpm_data = -1 };

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "tpm-proxy: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void logf_(const char *fmt, ...)
{
	va_list ap;

	if (!px.log)
		return;
	va_start(ap, fmt);
	vfprintf(px.log, fmt, ap);
	va_end(ap);
	fflush(px.log);
}

static void log_bytes(const uint8_t *buf, size_t len)
{
	if (!px.log)
		return;
	hex_dump(px.log, buf, len);
	fflush(px.log);
}

/* Read exactly @len bytes; 0 done, 1 EOF before the first byte, -1 error. */
static int read_full(int fd, void *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		n = read(fd, (uint8_t *)buf + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return got ? -1 : 1;
		got += n;
	}
	return 0;
}

static int write_full(int fd, const void *buf, size_t len)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = write(fd, (const uint8_t *)buf + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		done += n;
	}
	return 0;
}

/*
 * The 4-byte control command from QEMU, and the fd that came with it, if
 * any (CMD_SET_DATAFD).  0 done, 1 QEMU closed, -1 error.
 */
static int recv_ctrl_cmd(int fd, uint8_t cmd[4], int *passed_fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = cmd, .iov_len = 4 };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c;
	ssize_t n;

	*passed_fd = -1;
	do {
		n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
	} while (n < 0 && errno == EINTR);
	if (n == 0)
		return 1;
	if (n < 0)
		return -1;
	for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
		    c->cmsg_len == CMSG_LEN(sizeof(int)))
			memcpy(passed_fd, CMSG_DATA(c), sizeof(int));
	if (n < 4 && read_full(fd, cmd + n, 4 - n))
		return -1;
	return 0;
}

static int send_with_fd(int sock, const uint8_t *buf, size_t len, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	ssize_t n;

	memset(cbuf, 0, sizeof(cbuf));
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	do {
		n = sendmsg(sock, &mh, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	if (n < 0 || (size_t)n != len)
		return -1;
	return 0;
}

/* Forward @len more bytes from @from to @to, in pieces. */
static int copy_bytes(int from, int to, size_t len)
{
	uint8_t buf[4096];
	size_t n;

	while (len) {
		n = len < sizeof(buf) ? len : sizeof(buf);
		if (read_full(from, buf, n) || write_full(to, buf, n))
			return -1;
		len -= n;
	}
	return 0;
}

/*
 * swtpm's response to a control command: ctrl_cmds' size, or only the
 * 4-byte result code when that is an error (swtpm then sends no more).
 */
static int relay_ctrl_rsp(unsigned int cmd, const struct ctrl_cmd *cc)
{
	uint8_t buf[16];
	struct pollfd p = { .fd = px.tpm_ctrl, .events = POLLIN };
	size_t got = 4, extra = 0;

	if (read_full(px.tpm_ctrl, buf, 4))
		die("swtpm closed its control socket during %s", cc->name);
	if (cc->rsp > 4 && (cmd == CMD_GET_CAPABILITY || !get_be32(buf) ||
			    poll(&p, 1, CTRL_SHORT_MS) > 0)) {
		if (read_full(px.tpm_ctrl, buf + 4, cc->rsp - 4))
			die("short response from swtpm to %s", cc->name);
		got = cc->rsp;
	}
	if (cc->rsp_len_at >= 0 && got == cc->rsp) {
		extra = get_be32(buf + cc->rsp_len_at);
		if (extra > CTRL_MSG_MAX)
			die("%s: response claims %zu bytes", cc->name, extra);
	}
	if (write_full(px.qemu_ctrl, buf, got) ||
	    copy_bytes(px.tpm_ctrl, px.qemu_ctrl, extra))
		die("cannot relay the response to %s", cc->name);
	logf_("tpm-proxy: control %s, result 0x%08x, %zu bytes back\n",
	      cc->name, get_be32(buf), got + extra);
	return 0;
}

/* CMD_SET_DATAFD: keep QEMU's fd, give swtpm one of our own. */
static void set_datafd(const uint8_t cmd[4], int qemu_fd)
{
	int sp[2];

	if (qemu_fd < 0)
		die("CMD_SET_DATAFD came without a file descriptor");
	if (px.qemu_data >= 0)
		die("a second CMD_SET_DATAFD");
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp))
		die("socketpair: %s", strerror(errno));
	if (send_with_fd(px.tpm_ctrl, cmd, 4, sp[1]))
		die("cannot pass the data socket to swtpm: %s", strerror(errno));
	close(sp[1]);
	px.qemu_data = qemu_fd;
	px.tpm_data = sp[0];
}

/* One control message from QEMU.  Returns 1 when QEMU closed. */
static int handle_ctrl(void)
{
	uint8_t buf[4 + 16];
	const struct ctrl_cmd *cc;
	unsigned int cmd;
	size_t extra = 0;
	int fd, r;

	r = recv_ctrl_cmd(px.qemu_ctrl, buf, &fd);
	if (r > 0)
		return 1;
	if (r < 0)
		die("reading QEMU's control socket: %s", strerror(errno));
	cmd = get_be32(buf);
	if (cmd >= CTRL_N_CMDS || !ctrl_cmds[cmd].name)
		die("unknown control command 0x%08x from QEMU", cmd);
	cc = &ctrl_cmds[cmd];
	if (fd >= 0 && cmd != CMD_SET_DATAFD)
		die("a file descriptor came with %s", cc->name);
	if (cmd == CMD_SET_DATAFD) {
		set_datafd(buf, fd);
		return relay_ctrl_rsp(cmd, cc);
	}
	if (read_full(px.qemu_ctrl, buf + 4, cc->req))
		die("short %s request from QEMU", cc->name);
	if (cmd == CMD_SHUTDOWN)
		px.shutdown = true;
	if (cc->req_len_at >= 0) {
		extra = get_be32(buf + 4 + cc->req_len_at);
		if (extra > CTRL_MSG_MAX)
			die("%s: request claims %zu bytes", cc->name, extra);
	}
	/* swtpm reads a request in one read(): send it in one write(). */
	if (write_full(px.tpm_ctrl, buf, 4 + cc->req) ||
	    copy_bytes(px.qemu_ctrl, px.tpm_ctrl, extra))
		die("cannot forward %s to swtpm", cc->name);
	return relay_ctrl_rsp(cmd, cc);
}

/* A TPM command or response: 0 done, 1 closed at a boundary, -1 error. */
static int read_tpm_msg(int fd, uint8_t *buf, size_t *len)
{
	uint32_t size;
	int r;

	r = read_full(fd, buf, TPM2_HEADER_SIZE);
	if (r)
		return r;
	size = get_be32(buf + 2);
	if (size < TPM2_HEADER_SIZE || size > TPM2_MSG_MAX)
		return -1;
	if (read_full(fd, buf + TPM2_HEADER_SIZE, size - TPM2_HEADER_SIZE))
		return -1;
	*len = size;
	return 0;
}

/* --rewrite-nv-read: the counter value in an NV_Read response. */
static void rewrite_nv_read(const uint8_t *cmd, size_t cmd_len, uint8_t *rsp,
			    size_t len)
{
	uint64_t old, new;

	/* tag, size, rc, parameterSize, TPM2B_MAX_NV_BUFFER { 8, value } */
	if (get_be16(rsp) != TPM2_ST_SESSIONS || len < 14 + 2 + 8 ||
	    get_be32(rsp + 10) < 2 + 8 || get_be16(rsp + 14) != 8)
		return;
	old = get_be64(rsp + 16);
	new = px.nv_absolute ? px.nv_value : old - 1;
	put_be64(rsp + 16, new);
	px.n_rewrites++;
	fprintf(stderr, "tpm-proxy: NV_Read of 0x%08x: %" PRIu64 " rewritten to %" PRIu64 "\n",
		cmd_len >= 18 ? get_be32(cmd + 14) : 0, old, new);
	logf_("tpm-proxy: rewrite: NV_Read value %" PRIu64 " -> %" PRIu64 "\n",
	      old, new);
}

/*
 * The response authorization of one command session at @p (@end: end of
 * the area) into @out; its length, or -1 if the session is malformed.
 */
static int fake_auth(const uint8_t **p, const uint8_t *end, uint8_t *out)
{
	uint16_t nonce_len, hmac_len;
	uint32_t handle;
	uint8_t attrs;

	if (end - *p < 4 + 2)
		return -1;
	handle = get_be32(*p);
	nonce_len = get_be16(*p + 4);
	if (end - *p < 4 + 2 + nonce_len + 1 + 2)
		return -1;
	attrs = (*p)[6 + nonce_len];
	hmac_len = get_be16(*p + 7 + nonce_len);
	if (end - *p < 9 + nonce_len + hmac_len || nonce_len > 64 ||
	    hmac_len > 64)
		return -1;
	*p += 9 + nonce_len + hmac_len;
	if (handle == TPM2_RS_PW) {
		nonce_len = hmac_len = 0;
		attrs = TPMA_CONTINUE_SESSION;
	} else {
		attrs &= TPMA_CONTINUE_SESSION;
	}
	put_be16(out, nonce_len);
	RAND_bytes(out + 2, nonce_len);
	out[2 + nonce_len] = attrs;
	put_be16(out + 3 + nonce_len, hmac_len);
	RAND_bytes(out + 5 + nonce_len, hmac_len);
	return 5 + nonce_len + hmac_len;
}

/* --drop-nv-increment: a success response of the command's shape. */
static int forge_nv_increment(const uint8_t *cmd, size_t cmd_len,
			      uint8_t *rsp, size_t *rsp_len)
{
	const size_t auth_at = TPM2_HEADER_SIZE + 2 * 4;	/* 2 handles */
	const uint8_t *p, *end;
	size_t len = TPM2_HEADER_SIZE;
	int n, sessions = 0;

	put_be16(rsp, get_be16(cmd));
	put_be32(rsp + 6, 0);
	if (get_be16(cmd) == TPM2_ST_SESSIONS) {
		if (cmd_len < auth_at + 4 ||
		    get_be32(cmd + auth_at) > cmd_len - auth_at - 4)
			return -1;
		p = cmd + auth_at + 4;
		end = p + get_be32(cmd + auth_at);
		put_be32(rsp + len, 0);		/* parameterSize */
		len += 4;
		while (p < end) {
			if (++sessions > 3)	/* the most a command has */
				return -1;
			n = fake_auth(&p, end, rsp + len);
			if (n < 0)
				return -1;
			len += n;
		}
	}
	put_be32(rsp + 2, len);
	*rsp_len = len;
	return 0;
}

/* --swap-ecc-point: in the responses that return a public area. */
static void swap_ecc_point(uint32_t cc, uint8_t *rsp, size_t len)
{
	size_t off = TPM2_HEADER_SIZE, pt;
	bool sessions = get_be16(rsp) == TPM2_ST_SESSIONS;

	if (cc == TPM2_CC_CREATE_PRIMARY || cc == TPM2_CC_CREATE_LOADED)
		off += 4;			/* objectHandle */
	if (sessions)
		off += 4;			/* parameterSize */
	if ((cc == TPM2_CC_CREATE || cc == TPM2_CC_CREATE_LOADED) &&
	    skip_tpm2b(rsp, len, &off))
		return;				/* outPrivate */
	pt = find_p256_point(rsp, len, off);
	if (!pt)
		return;
	memcpy(rsp + pt + 2, px.ecc_x, P256_COORD);
	memcpy(rsp + pt + 4 + P256_COORD, px.ecc_y, P256_COORD);
	px.n_rewrites++;
	fprintf(stderr, "tpm-proxy: %s: the P-256 point of the public area replaced\n",
		tpm2_cc_str(cc));
	logf_("tpm-proxy: rewrite: %s P-256 point replaced\n", tpm2_cc_str(cc));
}

/* The rule's rewrite of a successful response. */
static void rewrite_rsp(const uint8_t *cmd, size_t cmd_len, uint8_t *rsp,
			size_t len)
{
	uint32_t cc = get_be32(cmd + 6);

	if (get_be32(rsp + 6))
		return;
	if (px.rule == RULE_NV_READ && cc == TPM2_CC_NV_READ)
		rewrite_nv_read(cmd, cmd_len, rsp, len);
	if (px.rule == RULE_ECC_POINT &&
	    (cc == TPM2_CC_CREATE_PRIMARY || cc == TPM2_CC_CREATE ||
	     cc == TPM2_CC_CREATE_LOADED || cc == TPM2_CC_READ_PUBLIC))
		swap_ecc_point(cc, rsp, len);
}

/* One TPM command from QEMU and its response.  1 when QEMU closed. */
static int handle_data(void)
{
	static uint8_t cmd[TPM2_MSG_MAX], rsp[TPM2_MSG_MAX];
	size_t cmd_len, rsp_len;
	uint32_t cc;
	int r;

	r = read_tpm_msg(px.qemu_data, cmd, &cmd_len);
	if (r > 0)
		return 1;
	if (r < 0)
		die("a malformed or cut TPM command from QEMU");
	cc = get_be32(cmd + 6);
	px.n_cmds++;
	if (px.rule == RULE_NV_INCREMENT && cc == TPM2_CC_NV_INCREMENT) {
		logf_("%s%s (0x%08x), length %zu (dropped: not sent to the TPM)\n",
		      PROXY_LOG_CMD, tpm2_cc_str(cc), cc, cmd_len);
		log_bytes(cmd, cmd_len);
		if (forge_nv_increment(cmd, cmd_len, rsp, &rsp_len))
			die("NV_Increment with a malformed authorization area");
		px.n_rewrites++;
		fprintf(stderr, "tpm-proxy: NV_Increment of 0x%08x dropped, success forged\n",
			cmd_len >= 18 ? get_be32(cmd + 14) : 0);
		logf_("%s%s (0x%08x) forged by the proxy, rc 0x00000000, length %zu\n",
		      PROXY_LOG_RSP, tpm2_cc_str(cc), cc, rsp_len);
		log_bytes(rsp, rsp_len);
		if (write_full(px.qemu_data, rsp, rsp_len))
			die("cannot answer QEMU");
		return 0;
	}
	logf_("%s%s (0x%08x), length %zu\n", PROXY_LOG_CMD, tpm2_cc_str(cc),
	      cc, cmd_len);
	log_bytes(cmd, cmd_len);
	if (write_full(px.tpm_data, cmd, cmd_len))
		die("cannot send a command to swtpm");
	if (read_tpm_msg(px.tpm_data, rsp, &rsp_len))
		die("no or a malformed response from swtpm to %s",
		    tpm2_cc_str(cc));
	logf_("%s%s (0x%08x), rc 0x%08x, length %zu\n", PROXY_LOG_RSP,
	      tpm2_cc_str(cc), cc, get_be32(rsp + 6), rsp_len);
	log_bytes(rsp, rsp_len);
	rewrite_rsp(cmd, cmd_len, rsp, rsp_len);
	if (write_full(px.qemu_data, rsp, rsp_len))
		die("cannot send a response to QEMU");
	return 0;
}

/* One P-256 key pair for --swap-ecc-point: its point in px.ecc_x/y. */
static void make_ecc_point(void)
{
	uint8_t pub[1 + 2 * P256_COORD];
	size_t len = 0;
	EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");

	if (!key ||
	    !EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY,
					     pub, sizeof(pub), &len) ||
	    len != sizeof(pub) || pub[0] != 0x04)
		die("OpenSSL could not make a P-256 key");
	memcpy(px.ecc_x, pub + 1, P256_COORD);
	memcpy(px.ecc_y, pub + 1 + P256_COORD, P256_COORD);
	EVP_PKEY_free(key);
}

/* Listen on @path: bound under a temporary name, renamed when ready. */
static int listen_at(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char tmp[sizeof(sa.sun_path)];
	int fd;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		die("socket path too long: %s", path);
	memcpy(sa.sun_path, tmp, strlen(tmp) + 1);
	unlink(tmp);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(fd, 1) || rename(tmp, path))
		die("cannot listen on %s: %s", path, strerror(errno));
	return fd;
}

static int connect_to(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		die("socket path too long: %s", path);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
		die("cannot connect to swtpm at %s: %s", path, strerror(errno));
	return fd;
}

/* Relay until one side closes. */
static void serve(void)
{
	struct pollfd p[4];
	int n, i;

	for (;;) {
		p[0] = (struct pollfd){ .fd = px.qemu_ctrl, .events = POLLIN };
		p[1] = (struct pollfd){ .fd = px.qemu_data, .events = POLLIN };
		/* swtpm speaks only when spoken to: anything else is EOF. */
		p[2] = (struct pollfd){ .fd = px.tpm_ctrl, .events = POLLIN };
		p[3] = (struct pollfd){ .fd = px.tpm_data, .events = POLLIN };
		n = poll(p, 4, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die("poll: %s", strerror(errno));
		if (p[0].revents && handle_ctrl())
			return;
		if (p[1].revents && handle_data())
			return;
		for (i = 2; i < 4; i++) {
			if (!p[i].revents)
				continue;
			if (px.shutdown)
				return;
			die("swtpm closed its %s socket",
			    i == 2 ? "control" : "data");
		}
	}
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: tpm-proxy --listen SOCK --connect SWTPM_CTRL_SOCK [--log FILE]\n"
		"                 [--rewrite-nv-read[=VALUE] | --drop-nv-increment |\n"
		"                  --swap-ecc-point]\n"
		"QEMU: -chardev socket,id=chrtpm,path=SOCK -tpmdev emulator,chardev=chrtpm\n"
		"swtpm: --ctrl type=unixio,path=SWTPM_CTRL_SOCK\n");
}

static void set_rule(enum rule r)
{
	if (px.rule != RULE_NONE)
		die("one rewrite rule at a time");
	px.rule = r;
}

static void parse_args(int argc, char **argv, char **listen_path,
		       char **connect_path)
{
	static const struct option opts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "connect", required_argument, NULL, 'c' },
		{ "log", required_argument, NULL, 'L' },
		{ "rewrite-nv-read", optional_argument, NULL, 'r' },
		{ "drop-nv-increment", no_argument, NULL, 'd' },
		{ "swap-ecc-point", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			*listen_path = optarg;
			break;
		case 'c':
			*connect_path = optarg;
			break;
		case 'L':
			px.log = fopen(optarg, "a");
			if (!px.log)
				die("%s: %s", optarg, strerror(errno));
			break;
		case 'r':
			set_rule(RULE_NV_READ);
			if (!optarg)
				break;
			errno = 0;
			px.nv_value = strtoull(optarg, &end, 0);
			if (errno || end == optarg || *end)
				die("--rewrite-nv-read=%s: not a number", optarg);
			px.nv_absolute = true;
			break;
		case 'd':
			set_rule(RULE_NV_INCREMENT);
			break;
		case 's':
			set_rule(RULE_ECC_POINT);
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			exit(2);
		}
	}
	if (optind != argc || !*listen_path || !*connect_path) {
		usage(stderr);
		exit(2);
	}
}

int main(int argc, char **argv)
{
	static const char *const rule_names[] = {
		"none (pass-through)", "rewrite-nv-read", "drop-nv-increment",
		"swap-ecc-point",
	};
	char *listen_path = NULL, *connect_path = NULL;
	int lfd;

	parse_args(argc, argv, &listen_path, &connect_path);
	signal(SIGPIPE, SIG_IGN);
	if (px.rule == RULE_ECC_POINT)
		make_ecc_point();
	lfd = listen_at(listen_path);
	do {
		px.qemu_ctrl = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	} while (px.qemu_ctrl < 0 && errno == EINTR);
	if (px.qemu_ctrl < 0)
		die("accept: %s", strerror(errno));
	close(lfd);
	unlink(listen_path);
	px.tpm_ctrl = connect_to(connect_path);
	fprintf(stderr, "tpm-proxy: QEMU connected; rule: %s\n",
		rule_names[px.rule]);
	logf_("tpm-proxy: rule %s\n", rule_names[px.rule]);
	serve();
	fprintf(stderr, "tpm-proxy: QEMU closed; %lu TPM commands, %lu rewritten\n",
		px.n_cmds, px.n_rewrites);
	logf_("tpm-proxy: end: %lu TPM commands, %lu rewritten\n", px.n_cmds,
	      px.n_rewrites);
	return 0;
}
