/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A session's send side: its queue drained into batched TLS records, by its
 * own thread (session_loop.h) or, while that thread sleeps, by the thread
 * that queued the frames (the direct hand-off).
 */
#ifndef VPN_SESSION_TX_H
#define VPN_SESSION_TX_H

#include <stdbool.h>

#include "session.h"
#include "stream.h"

/* Drains and flushes; returns 1 if more work is ready now, 0 if idle or blocked, -1 on error. */
int tx_step(struct session *s, struct stream *st);

/*
 * The direct hand-off: writes dst's queued frames to its TLS stream from the
 * calling thread when dst's own thread sleeps in poll (its queue's consumer
 * lock is free) and at most SESS_HANDOFF_BYTES are queued, which saves that
 * thread's wake-up on the latency path (a ping, an ACK).  False when it did
 * not, or left something for dst's thread: the caller then wakes it.  Caller
 * holds dst's hub lock (dst stays alive); never blocks.
 */
bool sess_handoff(struct session *dst);
#define SESS_HANDOFF_BYTES 2048

#endif
