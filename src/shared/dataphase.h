/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The data phase as both ends of a tunnel see it (the client's tunnel.c and
 * the hub's session_loop.c): frames go to the end's own handler, keep-alives
 * only prove the peer alive, a goodbye ends the phase, anything else is a
 * protocol error; a keep-alive is due after keepalive_s without sending, the
 * peer is dead after timeout_s without receiving.
 *
 * An end that answers (the hub, toward a client that keeps its own timer)
 * sends its keep-alive when the peer's comes in and it has been quiet for half
 * an interval, and on its own timer only after one and a half: the peer's
 * keep-alive and the answer then share one wake-up of the answering end, where
 * two timers would wake it twice per interval.
 */
#ifndef VPN_DATAPHASE_H
#define VPN_DATAPHASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto.h"
#include "stream.h"

/* An end's frame handler: 0, or -1 with a message in err to end the phase. */
typedef int (*dataphase_frame_fn)(void *ctx, const struct proto_msg *m, char *err, size_t errlen);

struct dataphase {
	dataphase_frame_fn on_frame;
	void *ctx;
	const char *from; /* ends "unexpected message type N ...": "in data phase" */
	uint32_t keepalive_s, timeout_s;
	bool answers; /* answers the peer's keep-alives (above); its own timer is 1.5x */
	uint64_t last_rx, last_tx; /* when bytes last came in, went out */
	bool got_bye;
	uint16_t bye_reason; /* PROTO_R_NONE when the goodbye did not decode */
	char err[160];	     /* why a message ended the phase */
};

void dataphase_init(struct dataphase *dp, dataphase_frame_fn on_frame, void *ctx, const char *from,
		    uint32_t keepalive_s, uint32_t timeout_s, uint64_t now_ms);

/* The stream_msg_fn for stream_read (ctx: the struct dataphase). */
int dataphase_on_msg(void *ctx, const struct proto_msg *m);

/* Milliseconds until the next keep-alive or the dead-peer timeout, 0 if one is due. */
int dataphase_timeout_ms(const struct dataphase *dp, const struct stream *st, uint64_t now_ms);

/* The longest an end stays quiet before its own keep-alive, in ms. */
static inline uint64_t dataphase_quiet_max_ms(const struct dataphase *dp)
{
	uint64_t ka = dp->keepalive_s * 1000ull;

	return dp->answers ? ka + ka / 2 : ka;
}

/*
 * A keep-alive is due, no write being blocked: after the longest quiet, or, for
 * an end that answers, when bytes came in just now (last_rx == now_ms) after
 * half an interval of quiet.
 */
static inline bool dataphase_keepalive_due(const struct dataphase *dp, const struct stream *st,
					   uint64_t now_ms)
{
	uint64_t quiet = now_ms - dp->last_tx;

	if (stream_pending(st))
		return false;
	return quiet >= dataphase_quiet_max_ms(dp) ||
	       (dp->answers && dp->last_rx == now_ms && quiet >= dp->keepalive_s * 500ull);
}

/* The peer sent nothing for timeout_s. */
static inline bool dataphase_peer_dead(const struct dataphase *dp, uint64_t now_ms)
{
	return now_ms - dp->last_rx >= dp->timeout_s * 1000ull;
}

#endif
