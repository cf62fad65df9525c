/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The client side of SoftEther's login (Cedar Protocol.c, see
 * docs/softether-protocol.md), run by hubconn_open on a verified TLS
 * connection when the target's protocol is HUBCONN_SOFTETHER: the signature
 * POST, the server's Hello with its 20-byte random, the login PACK with the
 * password proof SHA-0(SHA-0(password || USER) || random), and the Welcome
 * (or the server's error code, in words).  One TCP connection is asked for,
 * without compression, half connection, QoS or UDP acceleration.
 */
#ifndef VPN_SECLIENT_H
#define VPN_SECLIENT_H

#include <openssl/ssl.h>
#include <stddef.h>

#include "hubconn.h"

/*
 * Logs in on ssl (blocking, bounded by the socket's timeouts).  0 fills hc's
 * timers and session name; -1 sets *why (HUBCONN_FATAL for a refusal that
 * retrying cannot change) and err.
 */
int seclient_login(const struct hubconn_target *t, SSL *ssl, struct hubconn *hc,
		   enum hubconn_status *why, char *err, size_t errlen);

/* SoftEther's error code in words (Cedar.h ERR_*); "error N" when unknown. */
const char *seclient_error_str(uint32_t code);

#endif
