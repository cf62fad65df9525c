/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Frames in flight inside the hub and the bounded per-session send queue.
 *
 * A struct pkt is allocated once by the session that received the frame and
 * shared, by reference count, among every destination it is switched to
 * (flooding costs a pointer per destination, not a copy).
 *
 * A struct queue is a fixed ring of pkt pointers bounded in frames and bytes,
 * filled by any session thread and drained only by its owner.  The owner
 * sleeps on wake_fd (an eventfd); a producer writes it only when the queue
 * goes from empty to non-empty, so a busy owner is not signalled per frame.
 */
#ifndef VPN_QUEUE_H
#define VPN_QUEUE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto.h"

struct pkt {
	atomic_uint refs;
	uint32_t len;  /* bytes in data[] */
	uint8_t flags; /* PROTO_F_VNET: data[] starts with the 10-byte virtio_net_hdr */
	uint8_t data[];
};

/* Copies data (unless NULL: the caller fills it) into a new pkt with one reference; NULL when out
 * of memory. */
struct pkt *pkt_new(const uint8_t *data, uint32_t len, uint8_t flags);
void pkt_get(struct pkt *p);
void pkt_put(struct pkt *p);

struct queue_stats {
	uint64_t drops_full; /* frames refused because the queue was at its bound */
	uint32_t hwm_frames; /* high-water mark */
	size_t hwm_bytes;
};

struct queue {
	pthread_mutex_t lock;
	struct pkt **ring;
	uint32_t cap, head, count;
	size_t bytes, max_bytes;
	int wake_fd;
	struct queue_stats stats;
};

/* Returns 0, or -1 with errno. */
int queue_init(struct queue *q, uint32_t max_frames, size_t max_bytes);
/* Drops every queued frame and frees the queue. */
void queue_destroy(struct queue *q);

enum queue_push_result {
	QUEUE_PUSHED,	   /* queued; the owner was already awake */
	QUEUE_PUSHED_WAKE, /* queued into an empty queue: call queue_wake() */
	QUEUE_FULL,	   /* refused and counted */
};

/* Queues p, taking a new reference on success. */
enum queue_push_result queue_push(struct queue *q, struct pkt *p);
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
