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
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Who logs in where. */
struct seclient_account {
	const char *host; /* the server's name, for the HTTP Host header */
	const char *hub, *user;
	const char *password;	/* or NULL when only se_hash is known */
	const uint8_t *se_hash; /* SoftEther's SHA-0(password, USER), 20 bytes */
	bool bridge;		/* a whole site behind it (a cascade): bridge/routing mode */
};

/* What the Welcome settled. */
struct seclient_session {
	char name[64];	     /* the server's name for the session */
	uint32_t timeout_ms; /* its timeout, clamped to 5 s .. 600 s */
};

enum seclient_status {
	SECLIENT_OK,
	SECLIENT_RETRY, /* network trouble or a refusal that may pass */
	SECLIENT_FATAL, /* a refusal retrying cannot change */
	SECLIENT_LOCAL, /* this machine failed (memory) */
};

/* Logs in on ssl (blocking, bounded by the socket's timeouts); err says why not. */
enum seclient_status seclient_login(SSL *ssl, const struct seclient_account *a,
				    struct seclient_session *s, char *err, size_t errlen);

/* SoftEther's error code in words (Cedar.h ERR_*); "error N" when unknown. */
const char *seclient_error_str(uint32_t code);

#endif
