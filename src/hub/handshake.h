/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A session's TLS accept and login, run by its own thread.
 */
#ifndef VPN_HANDSHAKE_H
#define VPN_HANDSHAKE_H

struct session;

/* TLS accept and login; 0 when the session is established in its hub. */
int sess_handshake(struct session *s);

/* s's TLS handshake failed (on its thread, or in tls_accept.h): counted, logged at debug. */
void handshake_tls_failed(struct session *s);

#endif
