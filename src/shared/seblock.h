/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SoftEther's data-phase framing inside the TLS stream (Cedar Connection.c
 * ConnectionSend/ConnectionReceive), shared by the hub side and the client
 * side:
 *
 *   stream    = { batch | keepalive }
 *   batch     = u32 N (1..0xfffffffe), N x (u32 len, len bytes: one Ethernet frame)
 *   keepalive = u32 0xffffffff, u32 klen (<= 512), klen random bytes
 *
 * A block longer than SEBLOCK_WIRE_MAX (3200) or a keepalive longer than 512
 * ends the connection, as in SoftEther; a frame longer than SEBLOCK_FRAME_MAX
 * (1600) is reported as SEBLOCK_OVERSIZE for the caller to drop and count.
 * N = 0 is skipped.  Transport-free: the parser reads from the caller's
 * buffer and points into it.
 */
#ifndef VPN_SEBLOCK_H
#define VPN_SEBLOCK_H

#include <stddef.h>
#include <stdint.h>

#define SEBLOCK_WIRE_MAX 3200
#define SEBLOCK_FRAME_MAX 1600
#define SEBLOCK_KEEPALIVE_MAX 512
#define SEBLOCK_KEEPALIVE_MAGIC 0xffffffffu
/* A receive buffer this large always holds the next whole item. */
#define SEBLOCK_RX_MIN_BUF (4 + SEBLOCK_WIRE_MAX)
/* Per-frame overhead on the wire (the block length), per batch the count */
#define SEBLOCK_HDR 4

enum seblock_kind {
	SEBLOCK_NEED_MORE, /* no whole item at the cursor yet */
	SEBLOCK_FRAME,	   /* data/len: one frame of at most SEBLOCK_FRAME_MAX bytes */
	SEBLOCK_OVERSIZE,  /* a block over SEBLOCK_FRAME_MAX: drop it */
	SEBLOCK_KEEPALIVE, /* data/len: its random payload */
	SEBLOCK_ERROR,	   /* the stream is broken: disconnect */
};

struct seblock_rx {
	uint32_t blocks_left; /* of the current batch */
};

struct seblock_item {
	enum seblock_kind kind;
	const uint8_t *data;
	uint32_t len;
	const char *why; /* SEBLOCK_ERROR: a static reason */
};

/*
 * Reads the next item from buf[0..len).  Returns how many bytes to consume
 * (possibly > 0 with SEBLOCK_NEED_MORE: a batch count was read).  With
 * SEBLOCK_ERROR nothing more may be read from the stream.
 */
size_t seblock_next(struct seblock_rx *rx, const uint8_t *buf, size_t len, struct seblock_item *it);

/* Writers: the bytes written (4).  A batch is a count then count blocks. */
size_t seblock_put_count(uint8_t *p, uint32_t n);
size_t seblock_put_len(uint8_t *p, uint32_t len);

/* A keepalive of random size (1..64) and content into p[0..cap); its length or 0. */
size_t seblock_put_keepalive(uint8_t *p, size_t cap);

/* When to send the next keepalive: a random point in [timeout/5, timeout/2) ms. */
uint32_t seblock_keepalive_interval_ms(uint32_t timeout_ms);

#endif
