/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The data phase of a stock SoftEther client's session, the parts that
 * differ from ours (session_loop.c runs the loop for both): its batches of
 * blocks parsed into frames, the send queue drained into one batch per pass
 * with GSO super-frames segmented and offloaded checksums completed in
 * software (segment.h), and its keepalives.
 */
#ifndef VPN_SE_DATAPHASE_H
#define VPN_SE_DATAPHASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "seblock.h"

struct session;
struct stream;

/* The loop's frame sink: one plain Ethernet frame of at most 1600 bytes. */
typedef void (*se_frame_fn)(void *ctx, const uint8_t *frame, uint32_t len);

struct se_rx {
	struct seblock_rx blk;
	struct session *s;
	se_frame_fn frame;
	void *ctx;
};

/* The stream_bytes_fn (stream.h) for a SoftEther session; ctx is a struct se_rx. */
long se_rx_parse(void *ctx, const uint8_t *buf, size_t len, char *err, size_t errlen);

/*
 * Moves queued frames into the stream's send buffer as SoftEther batches
 * until the buffer or the queue runs out; false when the queue is empty.
 */
bool se_tx_fill(struct session *s, struct stream *st);

/* Appends one keepalive; the seconds until the next one is due. */
uint32_t se_put_keepalive(const struct session *s, struct stream *st);

/* The first keepalive interval: random in [timeout/5, timeout/2), in seconds. */
uint32_t se_keepalive_s(const struct session *s);

#endif
