// SPDX-License-Identifier: GPL-2.0-or-later
/* The server's pending handshakes (pending.h). */
#include "pending.h"

#include <pthread.h>

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

int sess_promote(struct session *s)
{
	struct hub_server *srv = s->srv;
	int rc = 0;

	pthread_mutex_lock(&srv->lock);
	if (s->is_pending) {
		if (srv->nthreads - srv->npending >= srv->cfg->max_sessions)
			rc = -1;
		else
			sess_unpend_locked(s);
	}
	pthread_mutex_unlock(&srv->lock);
	return rc;
}
