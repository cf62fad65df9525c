/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The server's pending handshakes (srv->pending, srv->npending): a session
 * counts against Vpnhub/MaxSessions only once its login succeeded.  Kept
 * apart from the session thread (session_loop.h) so the login code
 * (handshake.h) can promote a session without depending on it.
 */
#ifndef VPN_PENDING_H
#define VPN_PENDING_H

#include "session.h"

/* Off the pending list (srv->lock held): no longer counted as a handshake. */
void sess_unpend_locked(struct session *s);
/*
 * Turns a pending handshake into a session, counted against Vpnhub/MaxSessions,
 * with its send queue (cfg's bounds); 0, PROTO_R_SERVER_FULL when that many are
 * established, or PROTO_R_INTERNAL when out of memory.
 */
struct hub_config;
int sess_promote(struct session *s, const struct hub_config *cfg);

#endif
