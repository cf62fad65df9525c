// SPDX-License-Identifier: GPL-2.0-or-later
/* The server's pending handshakes (pending.h). */
#include "pending.h"

#include <pthread.h>

#include "config.h"
#include "hub.h"
#include "list.h"

/* Off the pending list (srv->lock held): no longer counted as a handshake. */
void sess_unpend_locked(struct session *s)
{
	if (s->is_pending) {
		list_del(&s->pending_link);
		s->srv->npending--;
		s->is_pending = false;
	}
}

int sess_promote(struct session *s, const struct hub_config *cfg)
{
	struct hub_server *srv = s->srv;
	int rc = 0;

	pthread_mutex_lock(&srv->lock);
	if (s->is_pending) {
		if (srv->nthreads - srv->npending >= srv->cfg->max_sessions)
			rc = PROTO_R_SERVER_FULL;
		/* under the lock: sess_stop wakes the queue */
		else if (!s->queue.ring &&
			 queue_init(&s->queue, cfg->queue_frames, cfg->queue_bytes) != 0)
			rc = PROTO_R_INTERNAL;
		else
			sess_unpend_locked(s);
		s->queue.flood_bytes = &srv->flood_bytes;
	}
	pthread_mutex_unlock(&srv->lock);
	return rc;
}
