// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Shared frames and bounded send queues (see queue.h for ownership).
 */
#include "queue.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

struct pkt *pkt_new(const uint8_t *data, uint32_t len, uint8_t flags)
{
	struct pkt *p = malloc(sizeof(*p) + len);

	if (!p)
		return NULL;
	atomic_init(&p->refs, 1);
	p->len = len;
	p->flags = flags;
	if (data)
		memcpy(p->data, data, len);
	return p;
}

void pkt_get(struct pkt *p)
{
	/* relaxed: a new reference is always taken from an existing one */
	atomic_fetch_add_explicit(&p->refs, 1, memory_order_relaxed);
}

void pkt_put(struct pkt *p)
{
	/* acq_rel pairs with other threads' final puts: the last one sees all writes */
	if (atomic_fetch_sub_explicit(&p->refs, 1, memory_order_acq_rel) == 1)
		free(p);
}

int queue_init(struct queue *q, uint32_t max_frames, size_t max_bytes)
{
	memset(q, 0, sizeof(*q));
	q->ring = calloc(max_frames, sizeof(*q->ring));
	if (!q->ring)
		return -1;
	q->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (q->wake_fd < 0) {
		free(q->ring);
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

enum queue_push_result queue_push(struct queue *q, struct pkt *p)
{
	enum queue_push_result r;

	pthread_mutex_lock(&q->lock);
	if (q->count == q->cap || q->bytes + p->len > q->max_bytes) {
		q->stats.drops_full++;
		pthread_mutex_unlock(&q->lock);
		return QUEUE_FULL;
	}
	pkt_get(p);
	q->ring[(q->head + q->count) % q->cap] = p;
	r = q->count == 0 ? QUEUE_PUSHED_WAKE : QUEUE_PUSHED;
	q->count++;
	q->bytes += p->len;
	if (q->count > q->stats.hwm_frames)
		q->stats.hwm_frames = q->count;
	if (q->bytes > q->stats.hwm_bytes)
		q->stats.hwm_bytes = q->bytes;
	pthread_mutex_unlock(&q->lock);
	return r;
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
	*frames = q->count;
	*bytes = q->bytes;
	pthread_mutex_unlock(&q->lock);
}
