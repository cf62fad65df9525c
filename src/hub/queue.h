/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The bounded per-session send queue of shared frames (pkt.h).
 *
 * A struct queue is a fixed ring of pkt pointers bounded in frames and bytes,
 * filled by any session thread and drained only by its owner.  The owner
 * sleeps on wake_fd (an eventfd); a producer writes it only when the queue
 * goes from empty to non-empty, so a busy owner is not signalled per frame.
 *
 * queue_push_cc adds the congestion control (congestion.h): headroom only
 * control frames may use, eviction of queued bulk for a control frame, early
 * drops of the heaviest sources' bulk frames while the destination is
 * congested, and the server-wide quota of flooded bytes.  Its state lives in
 * the queue, under the queue's lock.
 *
 * Back-pressure before loss: a bulk unicast frame that leaves the queue past
 * its hold mark (cong_hold_mark: 4 ms of what the owner's connection delivers,
 * CongestionMinQueue at least) says so (QUEUE_PUSHED_DEEP), and a TCP
 * source then pauses its reads for a moment, so its client's TCP connection
 * slows it down instead of the queue dropping whole GSO frames (tens of
 * segments of the TCP inside each) when it overflows.
 */
#ifndef VPN_QUEUE_H
#define VPN_QUEUE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "congestion.h"
#include "pkt.h"

struct queue_stats {
	uint64_t drops_full;	  /* frames refused because the queue was at its bound */
	uint64_t drops_throttled; /* bulk frames of heavy sources dropped early (congested) */
	uint64_t drops_quota;	  /* flooded frames refused: server-wide flood quota */
	uint64_t evicted;	  /* queued bulk frames dropped to make room for control */
	uint64_t holds;		  /* pushes that left it past its hold mark (sources paused) */
	uint32_t hwm_frames;	  /* high-water mark */
	size_t hwm_bytes;
	/* congestion state when read */
	bool congested;
	uint64_t drain_rate; /* bytes/s while backlogged; 0 = not measured yet */
	uint64_t link_rate;  /* what the owner's connection delivers, bytes/s; 0 = unknown */
};

struct queue {
	pthread_mutex_t lock;
	struct pkt **ring;
	uint32_t cap, head, count;
	size_t bytes, max_bytes;
	int wake_fd;
	struct queue_stats stats;
	struct cong_dest cong;
	atomic_ullong *flood_bytes; /* server-wide flooded bytes queued, or NULL */
};

/* Returns 0, or -1 with errno. */
int queue_init(struct queue *q, uint32_t max_frames, size_t max_bytes);
/* Drops every queued frame and frees the queue. */
void queue_destroy(struct queue *q);

enum queue_push_result {
	QUEUE_PUSHED,	   /* queued; the owner was already awake */
	QUEUE_PUSHED_DEEP, /* queued (owner awake), past the hold mark: pause the source */
	QUEUE_PUSHED_WAKE, /* queued into an empty queue: call queue_wake() */
	QUEUE_FULL,	   /* refused and counted */
	QUEUE_THROTTLED,   /* dropped early: congested, and p's source feeds it most */
	QUEUE_OVER_QUOTA,  /* flooded frame refused: server-wide flood quota reached */
};

static inline bool queue_refused(enum queue_push_result r)
{
	return r != QUEUE_PUSHED && r != QUEUE_PUSHED_DEEP && r != QUEUE_PUSHED_WAKE;
}

/* Queues p with plain tail-drop, taking a new reference on success. */
enum queue_push_result queue_push(struct queue *q, struct pkt *p);
/*
 * Queues p under the congestion control cp (plain tail-drop when
 * cp->enabled is false, the flood quota still applies); now_ms is the
 * caller's clock.  Takes a new reference on success.
 */
enum queue_push_result queue_push_cc(struct queue *q, struct pkt *p, const struct cong_params *cp,
				     uint64_t now_ms);
/* Owner only: what its connection delivers, bytes/s (linkrate.h): moves the hold mark. */
void queue_set_link_rate(struct queue *q, uint64_t rate);
/* Signals the owner (eventfd write); safe from any thread. */
void queue_wake(struct queue *q);
/* Owner only: clears a pending wake-up. */
void queue_clear_wake(struct queue *q);
/* Owner only: moves up to max frames into out[], oldest first; returns the count. */
uint32_t queue_drain(struct queue *q, struct pkt **out, uint32_t max);
/* Same, stopping before the frames taken would exceed max_bytes in total. */
uint32_t queue_drain_budget(struct queue *q, struct pkt **out, uint32_t max, size_t max_bytes);
void queue_get_stats(struct queue *q, struct queue_stats *out, uint32_t *frames, size_t *bytes);

#endif
