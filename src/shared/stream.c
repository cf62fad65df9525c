// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Buffered TLS message stream (see stream.h).  Receive: one SSL_read fills as
 * much of rbuf as it can (read-ahead pulls several records per recv), whole
 * messages are handed out in place and the tail is moved to the front.
 * Send: messages are appended to wbuf and written in as few SSL_writes as
 * possible; a blocked write is retried with the same bytes.
 */
#include "stream.h"

#include <errno.h>
#include <openssl/err.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "tls.h"

static void set_timeouts(int fd, int timeout_s)
{
	struct timeval tv = {.tv_sec = timeout_s};

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

void stream_socket_handshake(int fd, int timeout_s)
{
	int one = 1;

	set_timeouts(fd, timeout_s);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

/* Puts a buffering BIO in front of the socket for writes; false when out of memory. */
static bool buffer_writes(SSL *ssl)
{
	BIO *sock = SSL_get_wbio(ssl), *buf = BIO_new(BIO_f_buffer());

	if (!buf || BIO_set_write_buffer_size(buf, STREAM_SEND_BUF) != 1 || !BIO_up_ref(sock)) {
		BIO_free(buf);
		return false;
	}
	BIO_push(buf, sock);	 /* the chain holds the reference just taken */
	SSL_set0_wbio(ssl, buf); /* and drops the one SSL held as its wbio */
	return true;
}

bool stream_cc_name_ok(const char *name)
{
	size_t n = strlen(name);

	return n > 0 && n < STREAM_CC_MAX &&
	       strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_") == n;
}

const char *stream_cc_parse(const char *value, char out[STREAM_CC_MAX])
{
	if (strcmp(value, STREAM_CC_SYSTEM) == 0)
		value = "";
	else if (!stream_cc_name_ok(value))
		return "is not a congestion control's name (1-15 of a-z, 0-9, _) nor \"system\"";
	snprintf(out, STREAM_CC_MAX, "%s", value);
	return NULL;
}

static int set_cc(int fd, const char *name)
{
	return setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, name, (socklen_t)strlen(name));
}

int stream_cc_probe(const char *name)
{
	int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0), err = 0;

	if (fd < 0)
		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;
	if (set_cc(fd, name) != 0)
		err = errno;
	close(fd);
	return err;
}

int stream_init(struct stream *s, SSL *ssl, int fd, const char *cc)
{
	int one = 1, lowat = STREAM_NOTSENT_LOWAT;

	set_timeouts(fd, 0);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	/* unsent kernel bytes are a hidden queue: cap them (TCP-over-TCP) */
	setsockopt(fd, IPPROTO_TCP, TCP_NOTSENT_LOWAT, &lowat, sizeof(lowat));
	/* probed when the setting was read: a failure here leaves the kernel's default */
	if (cc[0])
		set_cc(fd, cc);
	memset(s, 0, sizeof(*s));
	s->ssl = ssl;
	s->fd = fd;
	s->rbuf = malloc(STREAM_RBUF);
	s->wbuf = malloc(STREAM_WBUF);
	if (!s->rbuf || !s->wbuf || !buffer_writes(ssl)) {
		stream_free(s);
		return -1;
	}
	return 0;
}

void stream_free(struct stream *s)
{
	free(s->rbuf);
	free(s->wbuf);
	s->rbuf = s->wbuf = NULL;
}

static enum stream_status ssl_failure(struct stream *s, int ret)
{
	char buf[200];

	switch (SSL_get_error(s->ssl, ret)) {
	case SSL_ERROR_WANT_READ:
		return STREAM_AGAIN;
	case SSL_ERROR_WANT_WRITE:
		s->read_wants_write = true;
		return STREAM_AGAIN;
	case SSL_ERROR_ZERO_RETURN:
		return STREAM_EOF;
	case SSL_ERROR_SYSCALL:
		if (errno == 0 || errno == ECONNRESET || errno == EPIPE) {
			snprintf(s->err, sizeof(s->err), "connection %s by peer",
				 errno ? "reset" : "closed");
			return errno ? STREAM_ERROR : STREAM_EOF;
		}
		snprintf(s->err, sizeof(s->err), "socket: %s", strerror(errno));
		return STREAM_ERROR;
	default:
		/* OpenSSL 3 reports a TCP close without close_notify as an error */
		if (ERR_GET_REASON(ERR_peek_last_error()) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
			ERR_clear_error();
			return STREAM_EOF;
		}
		snprintf(s->err, sizeof(s->err), "TLS: %s", tls_error(NULL, buf, sizeof(buf)));
		return STREAM_ERROR;
	}
}

/* Hands out every whole message in rbuf; moves the partial tail to the front. */
static enum stream_status deliver(struct stream *s, stream_msg_fn fn, void *ctx)
{
	size_t off = 0, used;
	struct proto_msg m;
	const char *err;
	int rc;

	while ((rc = proto_next(s->rbuf + off, s->rlen - off, &m, &used, &err)) == 1) {
		if (fn(ctx, &m) != 0) {
			if (!s->err[0])
				snprintf(s->err, sizeof(s->err), "message handler refused input");
			return STREAM_ERROR;
		}
		off += used;
	}
	if (rc < 0) {
		snprintf(s->err, sizeof(s->err), "bad message: %s", err);
		return STREAM_ERROR;
	}
	if (off > 0) {
		memmove(s->rbuf, s->rbuf + off, s->rlen - off);
		s->rlen -= off;
	}
	return STREAM_AGAIN;
}

/* Hands the buffered bytes to a foreign parser; moves what it left to the front. */
static enum stream_status deliver_bytes(struct stream *s, stream_bytes_fn fn, void *ctx)
{
	long used = fn(ctx, s->rbuf, s->rlen, s->err, sizeof(s->err));

	if (used < 0 || (size_t)used > s->rlen) {
		if (!s->err[0])
			snprintf(s->err, sizeof(s->err), "stream parser refused input");
		return STREAM_ERROR;
	}
	if (used > 0) {
		memmove(s->rbuf, s->rbuf + used, s->rlen - (size_t)used);
		s->rlen -= (size_t)used;
	}
	return STREAM_AGAIN;
}

/*
 * Reads up to budget bytes and hands them on as they come: whole messages of
 * our protocol to msg_fn (proto_next bounds each to STREAM_MSG_ROOM <
 * STREAM_RBUF), or raw bytes to a foreign parser, bytes_fn, which consumes
 * every whole item, so what stays is below one item.
 */
static enum stream_status read_loop(struct stream *s, size_t budget, stream_msg_fn msg_fn,
				    stream_bytes_fn bytes_fn, void *ctx)
{
	s->read_wants_write = false;
	while (budget > 0) {
		size_t n = 0;
		int ret;
		enum stream_status st;

		ret = SSL_read_ex(s->ssl, s->rbuf + s->rlen, STREAM_RBUF - s->rlen, &n);
		if (ret != 1)
			return ssl_failure(s, ret);
		s->rlen += n;
		s->rx_bytes += n;
		budget = n < budget ? budget - n : 0;
		st = msg_fn ? deliver(s, msg_fn, ctx) : deliver_bytes(s, bytes_fn, ctx);
		if (st != STREAM_AGAIN)
			return st;
	}
	return STREAM_MORE;
}

enum stream_status stream_read(struct stream *s, size_t budget, stream_msg_fn fn, void *ctx)
{
	return read_loop(s, budget, fn, NULL, ctx);
}

enum stream_status stream_read_bytes(struct stream *s, size_t budget, stream_bytes_fn fn, void *ctx)
{
	return read_loop(s, budget, NULL, fn, ctx);
}

bool stream_put(struct stream *s, uint8_t type, uint8_t flags, const uint8_t *payload, uint32_t len)
{
	if (stream_room(s) < PROTO_HDR_LEN + (size_t)len)
		return false;
	proto_put_hdr(s->wbuf + s->wlen, type, flags, len);
	if (len)
		memcpy(s->wbuf + s->wlen + PROTO_HDR_LEN, payload, len);
	s->wlen += PROTO_HDR_LEN + len;
	return true;
}

/* Sends what the BIO holds; 0 when it is empty, 1 when blocked, -1 on error. */
static int flush_bio(struct stream *s)
{
	BIO *b = SSL_get_wbio(s->ssl);

	if (BIO_flush(b) > 0) {
		s->bio_pending = false;
		return 0;
	}
	s->bio_pending = true;
	if (BIO_should_retry(b))
		return 1;
	snprintf(s->err, sizeof(s->err), "socket: %s",
		 errno ? strerror(errno) : "connection closed");
	return -1;
}

int stream_flush(struct stream *s)
{
	int rc;

	s->write_wants_read = false;
	while (s->woff < s->wlen) {
		size_t n = 0;
		int ret = SSL_write_ex(s->ssl, s->wbuf + s->woff, s->wlen - s->woff, &n);

		if (ret != 1) {
			int e = SSL_get_error(s->ssl, ret);
			char buf[200];

			if (e == SSL_ERROR_WANT_WRITE)
				return 1;
			if (e == SSL_ERROR_WANT_READ) {
				s->write_wants_read = true;
				return 1;
			}
			if (e == SSL_ERROR_SYSCALL)
				snprintf(s->err, sizeof(s->err), "socket: %s",
					 errno ? strerror(errno) : "connection closed");
			else
				snprintf(s->err, sizeof(s->err), "TLS: %s",
					 tls_error(NULL, buf, sizeof(buf)));
			return -1;
		}
		s->woff += n;
		s->tx_bytes += n;
		s->since_key_update += n;
		s->tx_writes++;
	}
	s->wlen = s->woff = 0;
	rc = flush_bio(s);
	if (rc != 0)
		return rc;
	if (s->since_key_update >= STREAM_KEY_UPDATE_BYTES &&
	    SSL_version(s->ssl) == TLS1_3_VERSION) {
		/* OpenSSL never rekeys on its own; sent with the next record */
		SSL_key_update(s->ssl, SSL_KEY_UPDATE_NOT_REQUESTED);
		s->since_key_update = 0;
	}
	return 0;
}

short stream_poll_events(const struct stream *s)
{
	short ev = POLLIN;

	if ((stream_pending(s) && !s->write_wants_read) || s->read_wants_write)
		ev |= POLLOUT;
	return ev;
}

void stream_close(struct stream *s, uint16_t reason, int timeout_ms)
{
	uint8_t bye[PROTO_HDR_LEN + 2];
	size_t n = proto_enc_bye(bye, sizeof(bye), reason);

	if (stream_room(s) >= n) {
		memcpy(stream_tail(s), bye, n);
		stream_commit(s, n);
	}
	stream_finish(s, timeout_ms);
}

void stream_finish(struct stream *s, int timeout_ms)
{
	struct pollfd p = {.fd = s->fd, .events = POLLOUT};

	for (int waited = 0; waited < timeout_ms && stream_flush(s) > 0; waited += 50)
		(void)poll(&p, 1, 50);
	if (s->wlen == 0)
		SSL_shutdown(s->ssl);
	(void)shutdown(s->fd, SHUT_WR);
}
