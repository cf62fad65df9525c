/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The protocol's client side up to the data phase, shared by vpnclient's
 * tunnel and the hub's cascade links: TCP connect (each address in turn,
 * optionally through an HTTP or SOCKS5 proxy), TLS with the hub verified
 * (CA and host name, or a pinned certificate fingerprint), HELLO, the
 * password proof for either scheme or a certificate login (the context holds
 * the client certificate), WELCOME with the hub's own proof, and the hub's
 * message when the caller can show one.  With protocol HUBCONN_SOFTETHER the
 * same connection and verification lead to SoftEther's login instead
 * (seclient.h), for a stock SoftEther VPN Server.
 * Every wait is bounded by connect_timeout_s and ends early when the
 * caller's cancel fd becomes readable and its stop() says so.
 */
#ifndef VPN_HUBCONN_H
#define VPN_HUBCONN_H

#include <openssl/ssl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth.h"
#include "proxy.h"
#include "tls.h"

enum hubconn_verify {
	VERIFY_UNSET,
	VERIFY_CA,	    /* chain to the context's CA file and host name check */
	VERIFY_FINGERPRINT, /* pinned SHA-256 of the hub's certificate */
	VERIFY_NONE,	    /* explicit, warned about loudly */
};

/* The wire protocol spoken to the hub. */
enum hubconn_protocol {
	HUBCONN_VPNHUB,	   /* our own (proto.h) */
	HUBCONN_SOFTETHER, /* a stock SoftEther VPN Server's (seclient.h) */
};

/* How an attempt ended. */
enum hubconn_status {
	HUBCONN_OK,	 /* logged in: the data phase may start */
	HUBCONN_STOPPED, /* the caller asked to stop */
	HUBCONN_RETRY,	 /* network trouble, or a hub that may take us later */
	HUBCONN_FATAL,	 /* refused or not trustworthy: retrying cannot help */
	HUBCONN_LOCAL,	 /* this machine failed (set-up, device) */
};

struct hubconn_target {
	enum hubconn_protocol protocol;
	const char *host; /* the hub's name or address */
	uint16_t port;
	const char *hub, *user;
	bool cert_login;	/* the TLS handshake proves the user (SSL_CTX's certificate) */
	const char *password;	/* the password, or NULL when only se_hash is known */
	const uint8_t *se_hash; /* SoftEther's SHA-0(password, USER), used when password is NULL */
	const struct proxy_conf *proxy; /* NULL or type PROXY_NONE: straight to the hub */
	bool bridge; /* SoftEther: asks for bridge/routing mode (a cascade: many MACs behind) */
	enum hubconn_verify verify;
	const char *verify_name;    /* VERIFY_CA: the name the certificate must carry */
	const uint8_t *fingerprint; /* VERIFY_FINGERPRINT: TLS_FP_LEN bytes */
	uint32_t connect_timeout_s;
	/* NULL: no hub message is asked for; else it reads the one after WELCOME */
	int (*receive_message)(SSL *ssl, char *err, size_t errlen);
};

/*
 * When fd is readable, stop(ctx) says whether to give up (it may consume the
 * event); tick (may be NULL) runs between the bounded steps (a watchdog).
 */
struct hubconn_cancel {
	int fd;
	bool (*stop)(void *ctx);
	void *ctx;
	void (*tick)(void);
};

/* A logged-in connection: the data phase's socket, TLS and timers. */
struct hubconn {
	int fd;
	SSL *ssl;
	uint32_t session_id;
	uint16_t keepalive_s, timeout_s;
	char session_name[64]; /* SoftEther: the server's name for the session */
};

/*
 * One attempt from TCP connect to WELCOME.  HUBCONN_OK fills hc (close it
 * with hubconn_close); otherwise err says why (empty when stopped).
 */
enum hubconn_status hubconn_open(const struct hubconn_target *t, SSL_CTX *ctx,
				 const struct hubconn_cancel *cancel, struct hubconn *hc, char *err,
				 size_t errlen);
void hubconn_close(struct hubconn *hc);

/* Uniform in [base/2, base] milliseconds: spreads reconnects after a hub restart. */
int hubconn_backoff_ms(uint32_t base_s);

#endif
