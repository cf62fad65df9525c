// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * SHA-0: SHA-1's compression function without the one-bit rotation in the
 * message schedule.
 */
#include "sha0.h"

#include <string.h>

static uint32_t rol(uint32_t x, int n)
{
	return x << n | x >> (32 - n);
}

static void compress(uint32_t h[5], const uint8_t *p)
{
	uint32_t w[80], a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];

	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (int i = 16; i < 80; i++)
		w[i] = w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]; /* SHA-1 rotates here */
	for (int i = 0; i < 80; i++) {
		uint32_t f, k, t;

		if (i < 20) {
			f = (b & c) | (~b & d);
			k = 0x5a827999;
		} else if (i < 40) {
			f = b ^ c ^ d;
			k = 0x6ed9eba1;
		} else if (i < 60) {
			f = (b & c) | (b & d) | (c & d);
			k = 0x8f1bbcdc;
		} else {
			f = b ^ c ^ d;
			k = 0xca62c1d6;
		}
		t = rol(a, 5) + f + e + k + w[i];
		e = d;
		d = c;
		c = rol(b, 30);
		b = a;
		a = t;
	}
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	h[4] += e;
}

void sha0_init(struct sha0_ctx *c)
{
	static const uint32_t iv[5] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0};

	memcpy(c->h, iv, sizeof(iv));
	c->total = 0;
	c->fill = 0;
}

void sha0_update(struct sha0_ctx *c, const void *data, size_t len)
{
	const uint8_t *p = data;

	c->total += len;
	while (len > 0) {
		size_t n = 64 - c->fill < len ? 64 - c->fill : len;

		memcpy(c->block + c->fill, p, n);
		c->fill += n;
		p += n;
		len -= n;
		if (c->fill == 64) {
			compress(c->h, c->block);
			c->fill = 0;
		}
	}
}

void sha0_final(struct sha0_ctx *c, uint8_t out[SHA0_LEN])
{
	uint64_t bits = c->total * 8;
	uint8_t pad = 0x80, zero = 0, len[8];

	sha0_update(c, &pad, 1);
	while (c->fill != 56)
		sha0_update(c, &zero, 1);
	for (int i = 0; i < 8; i++)
		len[i] = (uint8_t)(bits >> (56 - 8 * i));
	sha0_update(c, len, 8);
	for (int i = 0; i < 5; i++) {
		out[4 * i] = (uint8_t)(c->h[i] >> 24);
		out[4 * i + 1] = (uint8_t)(c->h[i] >> 16);
		out[4 * i + 2] = (uint8_t)(c->h[i] >> 8);
		out[4 * i + 3] = (uint8_t)c->h[i];
	}
}

void sha0(const void *data, size_t len, uint8_t out[SHA0_LEN])
{
	struct sha0_ctx c;

	sha0_init(&c);
	sha0_update(&c, data, len);
	sha0_final(&c, out);
}
