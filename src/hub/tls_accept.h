/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The TLS handshake of a parked connection (listener.c), done by the accept
 * thread without blocking: a client that sends its ClientHello and then
 * stalls, or stops before its first request, costs its SSL object and no
 * thread.  The session's thread starts once the first application record
 * (our HELLO, or SoftEther's HTTP request) can be read; its SSL_accept then
 * returns at once.
 */
#ifndef VPN_TLS_ACCEPT_H
#define VPN_TLS_ACCEPT_H

struct session;

enum tls_accept_next {
	TLS_ACCEPT_WAIT,  /* keep it parked, polling for *events */
	TLS_ACCEPT_START, /* start its thread: a request can be read */
	TLS_ACCEPT_FAIL,  /* end it: the handshake failed or the peer left (counted) */
};

/*
 * One step of s's handshake with what has arrived; hangup: the socket
 * reported a hang-up or an error, so waiting longer cannot help.
 */
enum tls_accept_next tls_accept_step(struct session *s, short *events, int hangup);

#endif
