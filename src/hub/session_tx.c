// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A session's send side (session_tx.h): its queue drained into its TLS
 * stream, by its own thread or by a producer's direct hand-off.
 */
#include "session_tx.h"

#include <pthread.h>

#include "se_dataphase.h"

#define TX_BUDGET (1024 * 1024) /* bytes sent before servicing the receive side */
#define DRAIN_MAX 128		/* frames taken per queue-lock acquisition */

/* Packs queued frames into the stream buffer until it or the queue runs out. */
static bool tx_fill(struct session *s, struct stream *st)
{
	struct pkt *p[DRAIN_MAX];
	uint32_t n;

	while (st->wlen < STREAM_FLUSH_AT &&
	       stream_room(st) >= STREAM_MSG_ROOM + DRAIN_MAX * PROTO_HDR_LEN) {
		/* the budget always admits one largest frame, so n == 0 means empty */
		n = queue_drain_budget(&s->queue, p, DRAIN_MAX,
				       stream_room(st) - DRAIN_MAX * PROTO_HDR_LEN);
		if (n == 0)
			return false;
		for (uint32_t i = 0; i < n; i++) {
			stream_put(st, PROTO_FRAME, p[i]->flags, p[i]->data, p[i]->len);
			sess_count(&s->tx_frames, 1);
			sess_count(&s->tx_frame_bytes, p[i]->len);
			pkt_put(p[i]);
		}
	}
	return true; /* buffer full: more may be queued */
}

/* Returns 1 if more work is ready now, 0 if idle, -1 on error. */
int tx_step(struct session *s, struct stream *st)
{
	uint64_t start = st->tx_bytes;
	bool more = true;

	while (st->tx_bytes - start < TX_BUDGET) {
		int rc = stream_flush(st);

		if (rc > 0)
			sess_count(&s->tx_blocked, 1);
		if (rc != 0)
			return rc < 0 ? -1 : 0; /* blocked: POLLOUT will wake us */
		if (!more)
			return 0;
		more = s->softether ? se_tx_fill(s, st) : tx_fill(s, st);
		if (!stream_pending(st))
			return 0;
	}
	return 1;
}

bool sess_handoff(struct session *dst)
{
	struct queue *q = &dst->queue;
	struct stream *st;
	bool done = false;

	if (pthread_mutex_trylock(&q->consumer) != 0)
		return false; /* its thread is awake: it will see the frames */
	st = q->consumer_ctx;
	/* larger backlogs are bulk, which its own thread encrypts (and not under the hub lock) */
	if (st && !stream_pending(st) && queue_bytes(q) <= SESS_HANDOFF_BYTES)
		done = tx_step(dst, st) == 0 && !stream_pending(st) && queue_bytes(q) == 0;
	pthread_mutex_unlock(&q->consumer);
	return done;
}
