/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where a client loses or holds back frames, per stage, for its log and
 * "vpnclient status": frames
 * the device refused (write errors), frames the kernel dropped on the device
 * (its statistics: the queue towards us was full, or it refused what we
 * wrote), TLS writes that met a full socket buffer, and retransmissions on
 * the connection to the hub.  Counted by the data loop, logged every
 * DROPS_LOG_MS while any of them moves, and when a session ends.
 */
#ifndef VPN_DROPS_H
#define VPN_DROPS_H

#include <stdbool.h>
#include <stdint.h>

#include "status.h"
#include "vif.h"

#define DROPS_LOG_MS 60000
#define DROPS_STATUS_MS 1000 /* how often "vpnclient status" gets fresh counters */

struct drops {
	uint64_t tx_blocked;  /* TLS writes that met a full socket buffer */
	uint64_t write_base;  /* the device's write_drops at session start */
	uint64_t dev_base[2]; /* the device's tx_dropped, rx_dropped at session start */
	uint64_t logged_sum;  /* sum of the counters at the last log line */
	uint64_t last_log_ms;
	uint64_t last_status_ms;
};

/* Starts counting for a new session on device v. */
void drops_start(struct drops *d, const struct vif *v, uint64_t now_ms);
/*
 * Logs a line when forced (session end) or when DROPS_LOG_MS have passed and
 * a counter moved; fd is the hub connection (its TCP retransmissions).
 */
/* Every DROPS_STATUS_MS, hands the counters to the status record s. */
void drops_status(struct drops *d, const struct vif *v, int fd, struct status *s, uint64_t now_ms);
void drops_log(struct drops *d, const struct vif *v, int fd, uint64_t rx_frames, uint64_t tx_frames,
	       uint64_t now_ms, bool force);

#endif
