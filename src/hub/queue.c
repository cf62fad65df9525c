// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Bounded send queues (see queue.h for ownership).
 */
#include "queue.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

int queue_init(struct queue *q, uint32_t max_frames, size_t max_bytes)
{
	memset(q, 0, sizeof(*q));
	q->ring = calloc(max_frames, sizeof(*q->ring));
	if (!q->ring)
		return -1;
	q->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (q->wake_fd < 0) {
		int err = errno;

		free(q->ring);
		errno = err;
		return -1;
	}
	q->cap = max_frames;
	q->max_bytes = max_bytes;
	pthread_mutex_init(&q->lock, NULL);
	return 0;
}

void queue_destroy(struct queue *q)
{
	struct pkt *p[64];
	uint32_t n;

	while ((n = queue_drain(q, p, 64)) > 0)
		for (uint32_t i = 0; i < n; i++)
			pkt_put(p[i]);
	close(q->wake_fd);
	free(q->ring);
	pthread_mutex_destroy(&q->lock);
}

/* Room for p: bulk frames leave the reserve to control frames when cp is on. */
static bool has_room(const struct queue *q, const struct pkt *p, const struct cong_params *cp)
{
	uint32_t cap = q->cap;
	size_t max_bytes = q->max_bytes;

	if (cp && cp->enabled && !(p->cls & PKT_CLASS_CONTROL)) {
		cap -= (uint32_t)((uint64_t)cap * cp->reserve_pct / 100);
		max_bytes -= max_bytes / 100 * cp->reserve_pct;
	}
	return q->count < cap && q->bytes + p->len <= max_bytes;
}

/* Undoes the accounting of a frame leaving the queue; caller holds the lock. */
static void account_out(struct queue *q, const struct pkt *p, bool drained)
{
	cong_dest_remove(&q->cong, p->src, p->len, drained);
	if ((p->cls & PKT_CLASS_FLOOD) && q->flood_bytes)
		/* relaxed: a budget, not a hand-off; pairs with nothing */
		atomic_fetch_sub_explicit(q->flood_bytes, p->len, memory_order_relaxed);
}

/* Drops the newest queued frame if it is bulk; true if it did.  Caller holds the lock. */
static bool evict_newest_bulk(struct queue *q)
{
	uint32_t last;
	struct pkt *v;

	if (q->count == 0)
		return false;
	last = (q->head + q->count - 1) % q->cap;
	v = q->ring[last];
	if (v->cls & PKT_CLASS_CONTROL)
		return false;
	q->count--;
	q->bytes -= v->len;
	account_out(q, v, false);
	pkt_put(v);
	q->stats.evicted++;
	return true;
}

static bool over_flood_quota(const struct queue *q, const struct pkt *p,
			     const struct cong_params *cp)
{
	/* relaxed: concurrent hubs may overshoot by a frame each, which the quota tolerates */
	return cp && (p->cls & PKT_CLASS_FLOOD) && q->flood_bytes &&
	       atomic_load_explicit(q->flood_bytes, memory_order_relaxed) + p->len >
		   cp->flood_quota;
}

/* Why p may not be queued, or QUEUE_PUSHED; caller holds the lock. */
static enum queue_push_result admit(struct queue *q, struct pkt *p, const struct cong_params *cp,
				    uint64_t now_ms)
{
	bool control = p->cls & PKT_CLASS_CONTROL;

	if (cp && cp->enabled)
		cong_dest_update(&q->cong, q->bytes, now_ms, cp);
	if (over_flood_quota(q, p, cp)) {
		q->stats.drops_quota++;
		return QUEUE_OVER_QUOTA;
	}
	while (!has_room(q, p, cp))
		if (!(cp && cp->enabled && control && evict_newest_bulk(q))) {
			q->stats.drops_full++;
			return QUEUE_FULL;
		}
	/* a TCP source is paused instead (past_hold_mark): the holds keep its queue short, so
	 * the drain rate measured then is its supply, and early drops on it would feed back */
	if (cp && cp->enabled && !control && !(p->cls & PKT_CLASS_TCP) &&
	    cong_dest_early_drop(&q->cong, q->bytes, p->src, now_ms, cp)) {
		q->stats.drops_throttled++;
		return QUEUE_THROTTLED;
	}
	return QUEUE_PUSHED;
}

static void enqueue(struct queue *q, struct pkt *p)
{
	pkt_get(p);
	q->ring[(q->head + q->count) % q->cap] = p;
	q->count++;
	q->bytes += p->len;
	cong_dest_add(&q->cong, p->src, p->len);
	if ((p->cls & PKT_CLASS_FLOOD) && q->flood_bytes)
		/* relaxed: see over_flood_quota */
		atomic_fetch_add_explicit(q->flood_bytes, p->len, memory_order_relaxed);
	if (q->count > q->stats.hwm_frames)
		q->stats.hwm_frames = q->count;
	if (q->bytes > q->stats.hwm_bytes)
		q->stats.hwm_bytes = q->bytes;
}

/*
 * Whether bulk unicast p, just queued, left q past its hold mark (queue.h,
 * cong_hold_mark): never below CongestionMinQueue, below which the queue is
 * never congested, so back-pressure comes before early drops.  Caller holds
 * the lock.
 */
static bool past_hold_mark(const struct queue *q, const struct pkt *p, const struct cong_params *cp)
{
	if (!cp || !cp->enabled || (p->cls & (PKT_CLASS_CONTROL | PKT_CLASS_FLOOD)))
		return false;
	return q->bytes >= cong_hold_mark(&q->cong, cp, q->max_bytes);
}

void queue_set_link_rate(struct queue *q, uint64_t rate)
{
	pthread_mutex_lock(&q->lock);
	q->cong.link_rate = rate;
	pthread_mutex_unlock(&q->lock);
}

enum queue_push_result queue_push_cc(struct queue *q, struct pkt *p, const struct cong_params *cp,
				     uint64_t now_ms)
{
	enum queue_push_result r;

	pthread_mutex_lock(&q->lock);
	r = admit(q, p, cp, now_ms);
	if (r == QUEUE_PUSHED) {
		r = q->count == 0 ? QUEUE_PUSHED_WAKE : QUEUE_PUSHED;
		enqueue(q, p);
		if (r == QUEUE_PUSHED && past_hold_mark(q, p, cp)) {
			r = QUEUE_PUSHED_DEEP;
			q->stats.holds++;
		}
	}
	pthread_mutex_unlock(&q->lock);
	return r;
}

enum queue_push_result queue_push(struct queue *q, struct pkt *p)
{
	return queue_push_cc(q, p, NULL, 0);
}

void queue_wake(struct queue *q)
{
	uint64_t one = 1;

	(void)!write(q->wake_fd, &one, sizeof(one));
}

void queue_clear_wake(struct queue *q)
{
	uint64_t v;

	(void)!read(q->wake_fd, &v, sizeof(v));
}

uint32_t queue_drain_budget(struct queue *q, struct pkt **out, uint32_t max, size_t max_bytes)
{
	uint32_t n = 0;
	size_t taken = 0;

	pthread_mutex_lock(&q->lock);
	while (n < max && n < q->count) {
		struct pkt *p = q->ring[q->head];

		if (taken + p->len > max_bytes)
			break;
		taken += p->len;
		account_out(q, p, true);
		out[n++] = p;
		q->head = (q->head + 1) % q->cap;
	}
	q->count -= n;
	q->bytes -= taken;
	pthread_mutex_unlock(&q->lock);
	return n;
}

uint32_t queue_drain(struct queue *q, struct pkt **out, uint32_t max)
{
	return queue_drain_budget(q, out, max, SIZE_MAX);
}

void queue_get_stats(struct queue *q, struct queue_stats *out, uint32_t *frames, size_t *bytes)
{
	pthread_mutex_lock(&q->lock);
	*out = q->stats;
	out->congested = q->cong.congested;
	out->drain_rate = q->cong.rate;
	out->link_rate = q->cong.link_rate;
	*frames = q->count;
	*bytes = q->bytes;
	pthread_mutex_unlock(&q->lock);
}
