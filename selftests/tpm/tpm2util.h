/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small TPM 2.0 helpers shared by the bus tools: command code names,
 * big-endian fields, hex dumps and the traffic log format.
 */
#ifndef TPM2UTIL_H
#define TPM2UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

#define TPM2_HEADER_SIZE	10
/* Largest command or response the tools accept (swtpm's default is 4096). */
#define TPM2_MSG_MAX		65536

#define TPM2_ST_NO_SESSIONS	0x8001
#define TPM2_ST_SESSIONS	0x8002

#define TPM2_CC_CREATE_PRIMARY	0x0131
#define TPM2_CC_NV_INCREMENT	0x0134
#define TPM2_CC_NV_READ		0x014e
#define TPM2_CC_CREATE		0x0153
#define TPM2_CC_READ_PUBLIC	0x0173
#define TPM2_CC_CREATE_LOADED	0x0191

#define TPM2_ALG_ECC		0x0023
#define TPM2_ALG_NULL		0x0010
#define TPM2_ALG_ECDAA		0x001a
#define TPM2_ECC_NIST_P256	0x0003

/*
 * Header lines of the traffic logs.  swtpm (--log level 2 and up) writes
 * " SWTPM_IO_Read: length N" before a command and " SWTPM_IO_Write: length
 * N" before a response, then the bytes as hex, 16 to a line; tpm-proxy
 * --log writes its own headers, below, in the same shape.
 */
#define SWTPM_LOG_CMD		"SWTPM_IO_Read: length "
#define SWTPM_LOG_RSP		"SWTPM_IO_Write: length "
#define PROXY_LOG_CMD		"tpm-proxy: command "
#define PROXY_LOG_RSP		"tpm-proxy: response "

static inline uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline uint64_t get_be64(const uint8_t *p)
{
	return (uint64_t)get_be32(p) << 32 | get_be32(p + 4);
}

static inline void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static inline void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static inline void put_be64(uint8_t *p, uint64_t v)
{
	put_be32(p, v >> 32);
	put_be32(p + 4, (uint32_t)v);
}

#define P256_COORD		32

/* Skip a TPM2B at *@off of @buf (@len bytes); -1 if it overruns. */
int skip_tpm2b(const uint8_t *buf, size_t len, size_t *off);

/*
 * The offset of the TPMS_ECC_POINT (x and y, each a 32-byte TPM2B) of a
 * NIST P-256 key in the TPM2B_PUBLIC at @off of @buf, or 0 if it is none.
 */
size_t find_p256_point(const uint8_t *buf, size_t len, size_t off);

/* The TPM2_CC_* name of @cc without "TPM2_", or NULL if unknown. */
const char *tpm2_cc_name(uint32_t cc);

/* Like tpm2_cc_name(), but "0x0000xxxx" (in a static buffer) if unknown. */
const char *tpm2_cc_str(uint32_t cc);

/* @len bytes of @buf as hex, 16 to a line, each line starting " ". */
void hex_dump(FILE *f, const uint8_t *buf, size_t len);

#endif /* TPM2UTIL_H */
