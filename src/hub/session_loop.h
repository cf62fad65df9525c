/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The session thread.  It performs the TLS and login handshake (handshake.h),
 * then runs the data loop: read frames from TLS and switch them (forward.h);
 * drain its own send queue into batched TLS records; keep-alives and the
 * dead-peer timer.  It sleeps in poll(2) on its socket and its queue's eventfd
 * when there is nothing to do.
 */
#ifndef VPN_SESSION_LOOP_H
#define VPN_SESSION_LOOP_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "session.h"

/* Why sess_spawn refused a connection. */
enum sess_refusal {
	SESS_ADMITTED,
	SESS_REFUSED_SOURCE,   /* Vpnhub/MaxPendingPerSource handshakes from its source */
	SESS_REFUSED_PENDING,  /* Vpnhub/MaxPendingHandshakes in progress */
	SESS_REFUSED_SESSIONS, /* Vpnhub/MaxSessions established */
	SESS_REFUSED_BACKOFF,  /* its source failed logins: Vpnhub/LoginBackoff */
	SESS_REFUSED_STOPPING,
	SESS_REFUSED_NOMEM,
	SESS_REFUSED_COUNT
};

/* Takes ownership of fd and starts the session thread, or closes fd and says why not. */
enum sess_refusal sess_spawn(struct hub_server *srv, int fd, const struct sockaddr_storage *peer);
/*
 * sess_spawn in two steps, for the accept thread, which holds a connection
 * until its first bytes (listener.c): sess_accept takes fd and makes the pending
 * session (*out) without a thread; sess_start starts its thread (-1: it could
 * not, and s is gone); sess_discard ends one that never got a thread.
 */
enum sess_refusal sess_accept(struct hub_server *srv, int fd, const struct sockaddr_storage *peer,
			      struct session **out);
int sess_start(struct session *s);
void sess_discard(struct session *s);

/*
 * For session threads that sess_spawn does not start (local bridge ports,
 * bridge.h): join the server's list (false when it is stopping or full), leave
 * it (sess_stop can no longer reach s), and the thread's last act (after it,
 * shutdown may free the server).
 */
bool sess_register(struct hub_server *srv, struct session *s);
void sess_unlist(struct session *s);
void sess_thread_done(struct hub_server *srv);

/*
 * The data phase of an established session with fd and ssl (a client's, or
 * a cascade port's, cascade.h), then its leaving the hub and the logs.
 */
void sess_run_established(struct session *s);

/* Cuts every handshake older than SESS_HANDSHAKE_TIMEOUT_MS (slow or stuck peers). */
void sess_reap_handshakes(struct hub_server *srv, uint64_t now_ms);

#define SESS_HANDSHAKE_TIMEOUT_MS 10000

#endif
