/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SHA-0 (FIPS 180, 1993): SoftEther's password hashes and its binary
 * configuration checksum use it, and OpenSSL 3 no longer has it.  Not for any
 * new use: SHA-0 is broken.
 */
#ifndef VPN_SHA0_H
#define VPN_SHA0_H

#include <stddef.h>
#include <stdint.h>

#define SHA0_LEN 20

struct sha0_ctx {
	uint32_t h[5];
	uint64_t total;
	uint8_t block[64];
	size_t fill;
};

void sha0_init(struct sha0_ctx *c);
void sha0_update(struct sha0_ctx *c, const void *data, size_t len);
void sha0_final(struct sha0_ctx *c, uint8_t out[SHA0_LEN]);
void sha0(const void *data, size_t len, uint8_t out[SHA0_LEN]);

#endif
