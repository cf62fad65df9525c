/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The data phase of one TLS connection on a non-blocking socket, shared by the
 * hub's session threads and the client's tunnel: a receive buffer that yields
 * whole protocol messages, and a send buffer that gathers many messages into
 * each SSL_write ("drain, then flush").  Owned by one thread; not locked.
 */
#ifndef VPN_STREAM_H
#define VPN_STREAM_H

#include <openssl/ssl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto.h"

#define STREAM_RBUF (4 * 65536)
#define STREAM_WBUF (4 * 65536)
#define STREAM_MSG_ROOM (PROTO_HDR_LEN + PROTO_PAYLOAD_MAX) /* room for any one message */
/*
 * Stop gathering and write once this much is buffered: large enough for
 * full 16 KB records, small enough that a batch does not add latency.
 */
#define STREAM_FLUSH_AT (32 * 1024)
#define STREAM_NOTSENT_LOWAT (128 * 1024) /* TCP_NOTSENT_LOWAT for data sockets */
/*
 * TLS records gather here and leave in one send(2) per flush: OpenSSL writes
 * each 16 KB record with a system call of its own otherwise.  Holds a flush
 * (STREAM_FLUSH_AT plus one largest message) with its record overhead.
 */
#define STREAM_SEND_BUF (128 * 1024)
#define STREAM_KEY_UPDATE_BYTES (1ull << 30) /* rekey every GiB: far below AES-GCM's limit */
/*
 * The TCP congestion control of the tunnel's own connection (the hub's
 * TunnelCongestionControl, a profile's congestion_control).  Not the system's
 * default: BBR, the default of many servers, keeps about two round trips in
 * flight, a round trip on a LAN is microseconds, and the side that reads a
 * little late delays its ACKs by 40 ms, so the tunnel stalls for 40 ms at a
 * time (docs/congestion.md, section 4b).
 */
#define STREAM_CC_DEFAULT "cubic"
#define STREAM_CC_SYSTEM "system" /* the value that keeps the kernel's default */
#define STREAM_CC_MAX 16	  /* the kernel's TCP_CA_NAME_MAX, NUL included */

enum stream_status {
	STREAM_AGAIN = 0, /* drained; wait for poll */
	STREAM_MORE = 1,  /* budget used up, more may be buffered: do not sleep */
	STREAM_EOF = -1,  /* peer closed the TLS stream */
	STREAM_ERROR = -2 /* error text in stream.err */
};

struct stream {
	SSL *ssl;
	int fd;
	uint8_t *rbuf, *wbuf;
	size_t rlen, wlen, woff;
	bool read_wants_write, write_wants_read;
	bool bio_pending; /* records wait in the send BIO (STREAM_SEND_BUF) */
	uint64_t since_key_update;
	uint64_t rx_bytes, tx_bytes, tx_writes;
	char err[256];
};

/* Message handler: returns 0 to go on, -1 to stop (stream_read returns STREAM_ERROR). */
typedef int (*stream_msg_fn)(void *ctx, const struct proto_msg *m);

/*
 * Sets the socket up for the data phase (non-blocking, no timeouts,
 * TCP_NODELAY, TCP_NOTSENT_LOWAT, congestion control cc unless it is "")
 * and allocates the buffers; 0 or -1.
 */
int stream_init(struct stream *s, SSL *ssl, int fd, const char *cc);

/* Whether name can be a kernel congestion control's: 1 to 15 of [a-z0-9_]. */
bool stream_cc_name_ok(const char *name);
/*
 * A configured value into out: a name as it is, "system" as "".  NULL, or
 * what is wrong with the value (to follow the setting's name).
 */
const char *stream_cc_parse(const char *value, char out[STREAM_CC_MAX]);
/* 0 when this process may set congestion control name on a TCP socket, else an errno. */
int stream_cc_probe(const char *name);

/* Handshake phase: blocking I/O bounded by timeout_s per call, TCP_NODELAY. */
void stream_socket_handshake(int fd, int timeout_s);
void stream_free(struct stream *s);

/*
 * A foreign framing's parser (SoftEther's blocks): takes what the receive
 * buffer holds, returns how many bytes it consumed (whole items only), or -1
 * with stream.err set to end the stream.
 */
typedef long (*stream_bytes_fn)(void *ctx, const uint8_t *buf, size_t len, char *err,
				size_t errlen);

/* As stream_read, for a foreign framing: fn sees the buffered bytes after each read. */
enum stream_status stream_read_bytes(struct stream *s, size_t budget, stream_bytes_fn fn,
				     void *ctx);

/* Reads up to budget bytes of plaintext and hands each whole message to fn. */
enum stream_status stream_read(struct stream *s, size_t budget, stream_msg_fn fn, void *ctx);

/* Free bytes at the end of the send buffer, and a pointer to them. */
static inline size_t stream_room(const struct stream *s)
{
	return STREAM_WBUF - s->wlen;
}

static inline uint8_t *stream_tail(struct stream *s)
{
	return s->wbuf + s->wlen;
}

/* Marks n bytes written at stream_tail() as part of the send buffer. */
static inline void stream_commit(struct stream *s, size_t n)
{
	s->wlen += n;
}

/* Appends a whole message (header + payload); false if there is no room. */
bool stream_put(struct stream *s, uint8_t type, uint8_t flags, const uint8_t *payload,
		uint32_t len);

/* Writes the send buffer; returns 0 when empty, 1 when blocked, -1 on error. */
int stream_flush(struct stream *s);

static inline bool stream_pending(const struct stream *s)
{
	return s->wlen > 0 || s->bio_pending;
}

/* poll(2) events this stream needs on its socket. */
short stream_poll_events(const struct stream *s);

/* Best-effort orderly close: one BYE, then stream_finish. */
void stream_close(struct stream *s, uint16_t reason, int timeout_ms);

/*
 * Best-effort end of a stream with no goodbye message (SoftEther's): what is
 * buffered (bounded by timeout_ms), a TLS close_notify and the TCP FIN, so
 * a peer that watches its socket sees the end before its dead-peer timeout.
 */
void stream_finish(struct stream *s, int timeout_ms);

#endif
