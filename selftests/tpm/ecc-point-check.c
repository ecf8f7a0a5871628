// SPDX-License-Identifier: GPL-2.0
/*
 * ecc-point-check REAL SWAPPED: both files hold a TPM2B_PUBLIC of a NIST
 * P-256 key (tpm2 readpublic -o); exit 0 if SWAPPED's point is a valid
 * P-256 point (OpenSSL checks it is on the curve) and differs from
 * REAL's, 1 if not, 2 for bad input.  For the tests of tpm-proxy
 * --swap-ecc-point.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/ec.h>
#include <openssl/obj_mac.h>

#include "tpm2util.h"

/* The point of the P-256 public area in @path: 04 || x || y. */
static int read_point(const char *path, uint8_t pt[1 + 2 * P256_COORD])
{
	uint8_t buf[1024];
	size_t len, off;
	FILE *f = fopen(path, "rb");

	if (!f) {
		fprintf(stderr, "ecc-point-check: %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	off = find_p256_point(buf, len, 0);
	if (!off) {
		fprintf(stderr, "ecc-point-check: %s: no P-256 public area\n",
			path);
		return -1;
	}
	pt[0] = 0x04;
	memcpy(pt + 1, buf + off + 2, P256_COORD);
	memcpy(pt + 1 + P256_COORD, buf + off + 4 + P256_COORD, P256_COORD);
	return 0;
}

int main(int argc, char **argv)
{
	uint8_t real[1 + 2 * P256_COORD], swapped[sizeof(real)];
	EC_GROUP *g;
	EC_POINT *p;
	int ok, same;

	if (argc != 3) {
		fprintf(stderr, "usage: ecc-point-check REAL.pub SWAPPED.pub\n");
		return 2;
	}
	if (read_point(argv[1], real) || read_point(argv[2], swapped))
		return 2;
	g = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
	p = g ? EC_POINT_new(g) : NULL;
	if (!p) {
		fprintf(stderr, "ecc-point-check: OpenSSL has no P-256\n");
		return 2;
	}
	ok = EC_POINT_oct2point(g, p, swapped, sizeof(swapped), NULL) == 1 &&
	     EC_POINT_is_on_curve(g, p, NULL) == 1;
	same = !memcmp(real, swapped, sizeof(real));
	printf("ecc-point-check: %s: the point %s P-256, %s the real one\n",
	       argv[2], ok ? "is on" : "is NOT on",
	       same ? "the SAME as" : "differs from");
	EC_POINT_free(p);
	EC_GROUP_free(g);
	return ok && !same ? 0 : 1;
}
