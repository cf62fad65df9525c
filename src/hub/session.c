// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What other threads do to a session (see session.h): read its counters,
 * ask it to stop.
 */
#include "session.h"

#include <sys/socket.h>

#include "log.h"

void sess_get_cong_stats(struct session *s, struct sess_cong_stats *out)
{
	queue_get_stats(&s->queue, &out->q, &out->qframes, &out->qbytes);
	out->drops_throttled = atomic_load_explicit(&s->csrc.drops_throttled, memory_order_relaxed);
	out->drops_storm = atomic_load_explicit(&s->csrc.drops_storm, memory_order_relaxed);
	out->paced = atomic_load_explicit(&s->csrc.paced, memory_order_relaxed);
	out->pace_allowance = atomic_load_explicit(&s->csrc.allowance, memory_order_relaxed);
	out->paced_periods = atomic_load_explicit(&s->csrc.paced_periods, memory_order_relaxed);
}

void sess_log_cong(const struct session *s, const struct sess_cong_stats *cs)
{
	log_info("session %u (%s): queue %u frames %zu bytes (high-water %u frames %zu bytes)%s, "
		 "drain %llu B/s; to it dropped: full %llu, throttled %llu, flood quota %llu, "
		 "evicted for control %llu; from it dropped: throttled %llu, storm %llu; "
		 "%s (%llu periods)",
		 s->id, s->user, cs->qframes, cs->qbytes, cs->q.hwm_frames, cs->q.hwm_bytes,
		 cs->q.congested ? " congested" : "", (unsigned long long)cs->q.drain_rate,
		 (unsigned long long)cs->q.drops_full, (unsigned long long)cs->q.drops_throttled,
		 (unsigned long long)cs->q.drops_quota, (unsigned long long)cs->q.evicted,
		 (unsigned long long)cs->drops_throttled, (unsigned long long)cs->drops_storm,
		 cs->paced ? "paced" : "not paced", (unsigned long long)cs->paced_periods);
}

void sess_stop(struct session *s, uint16_t reason)
{
	atomic_store_explicit(&s->stop_reason, reason, memory_order_relaxed);
	/* release pairs with the acquire load at the top of data_loop */
	atomic_store_explicit(&s->stop, true, memory_order_release);
	queue_wake(&s->queue);
	/* a handshake blocks in SSL_read: cut it short (fd stays valid under srv->lock) */
	if (atomic_load(&s->state) == SESS_HANDSHAKE)
		shutdown(s->fd, SHUT_RDWR);
}
