// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The TLS handshake of a parked connection, non-blocking, in the accept
 * thread (tls_accept.h).
 */
#include "tls_accept.h"

#include <fcntl.h>
#include <openssl/ssl.h>
#include <poll.h>

#include "handshake.h"
#include "hub.h"
#include "log.h"
#include "session.h"

/* O_NONBLOCK on or off; false if fcntl failed. */
static bool set_nonblocking(int fd, bool on)
{
	int fl = fcntl(fd, F_GETFL);

	return fl >= 0 && fcntl(fd, F_SETFL, on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK) == 0;
}

/* s's SSL object on its socket, made non-blocking for the steps; false when out of memory. */
static bool tls_begin(struct session *s)
{
	s->ssl = SSL_new(s->srv->tls); /* freed with the session */
	if (!s->ssl || SSL_set_fd(s->ssl, s->fd) != 1)
		return false;
	/* its record buffers go back whenever they are empty (cleared after the login) */
	SSL_set_mode(s->ssl, SSL_MODE_RELEASE_BUFFERS);
	return set_nonblocking(s->fd, true);
}

/* What a step that did not finish (rc from SSL_accept or SSL_peek_ex) waits for. */
static enum tls_accept_next wait_for(struct session *s, int rc, short *events, int hangup)
{
	int err = SSL_get_error(s->ssl, rc);

	if (!hangup && (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE)) {
		*events = err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
		return TLS_ACCEPT_WAIT;
	}
	if (!SSL_is_init_finished(s->ssl))
		handshake_tls_failed(s);
	return TLS_ACCEPT_FAIL;
}

enum tls_accept_next tls_accept_step(struct session *s, short *events, int hangup)
{
	uint8_t b;
	size_t n;
	int rc;

	if (!s->ssl && !tls_begin(s)) {
		log_warnx("session %u from %s: out of memory for its TLS state", s->id, s->peer);
		return TLS_ACCEPT_FAIL;
	}
	if (!SSL_is_init_finished(s->ssl)) {
		rc = SSL_accept(s->ssl);
		if (rc != 1)
			return wait_for(s, rc, events, hangup);
	}
	/* a whole application record decrypted: the thread's first read will not wait */
	rc = SSL_peek_ex(s->ssl, &b, 1, &n);
	if (rc != 1)
		return wait_for(s, rc, events, hangup);
	/* the thread's login reads with blocking calls and socket timeouts */
	return set_nonblocking(s->fd, false) ? TLS_ACCEPT_START : TLS_ACCEPT_FAIL;
}
