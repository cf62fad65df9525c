// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * SoftEther's batch/keepalive framer (see seblock.h).  The parser keeps one
 * counter of state, the blocks left in the current batch, so a caller may
 * feed it the stream in pieces of any size.
 */
#include "seblock.h"

#include <openssl/rand.h>

#include "bytes.h"

static size_t read_keepalive(const uint8_t *buf, size_t len, struct seblock_item *it)
{
	uint32_t klen;

	if (len < 8)
		return 0;
	klen = get_be32(buf + 4);
	if (klen > SEBLOCK_KEEPALIVE_MAX) {
		it->kind = SEBLOCK_ERROR;
		it->why = "keepalive longer than 512 bytes";
		return 0;
	}
	if (len - 8 < klen)
		return 0;
	it->kind = SEBLOCK_KEEPALIVE;
	it->data = buf + 8;
	it->len = klen;
	return 8 + klen;
}

static size_t read_block(struct seblock_rx *rx, const uint8_t *buf, size_t len,
			 struct seblock_item *it)
{
	uint32_t blen;

	if (len < 4)
		return 0;
	blen = get_be32(buf);
	if (blen > SEBLOCK_WIRE_MAX) {
		it->kind = SEBLOCK_ERROR;
		it->why = "block longer than 3200 bytes";
		return 0;
	}
	if (len - 4 < blen)
		return 0;
	rx->blocks_left--;
	it->kind = blen > SEBLOCK_FRAME_MAX ? SEBLOCK_OVERSIZE : SEBLOCK_FRAME;
	it->data = buf + 4;
	it->len = blen;
	return 4 + blen;
}

size_t seblock_next(struct seblock_rx *rx, const uint8_t *buf, size_t len, struct seblock_item *it)
{
	size_t used = 0, n;
	uint32_t count;

	it->kind = SEBLOCK_NEED_MORE;
	it->data = NULL;
	it->len = 0;
	it->why = NULL;
	while (rx->blocks_left == 0) {
		if (len - used < 4)
			return used;
		count = get_be32(buf + used);
		if (count == SEBLOCK_KEEPALIVE_MAGIC)
			return used + read_keepalive(buf + used, len - used, it);
		used += 4;
		rx->blocks_left = count; /* 0: an empty batch, skipped */
	}
	n = read_block(rx, buf + used, len - used, it);
	return used + n;
}

size_t seblock_put_count(uint8_t *p, uint32_t n)
{
	put_be32(p, n);
	return 4;
}

size_t seblock_put_len(uint8_t *p, uint32_t len)
{
	put_be32(p, len);
	return 4;
}

size_t seblock_put_keepalive(uint8_t *p, size_t cap)
{
	uint8_t r;
	size_t klen;

	if (RAND_bytes(&r, 1) != 1)
		return 0;
	klen = 1 + r % 64;
	if (cap < 8 + klen || RAND_bytes(p + 8, (int)klen) != 1)
		return 0;
	put_be32(p, SEBLOCK_KEEPALIVE_MAGIC);
	put_be32(p + 4, (uint32_t)klen);
	return 8 + klen;
}

uint32_t seblock_keepalive_interval_ms(uint32_t timeout_ms)
{
	uint32_t lo = timeout_ms / 5, span = timeout_ms / 2 - lo, r = 0;

	if (span == 0 || RAND_bytes((uint8_t *)&r, sizeof(r)) != 1)
		return lo ? lo : 1;
	return lo + r % span;
}
