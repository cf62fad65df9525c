// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A misbehaving client for the end-to-end tests: logs in to a hub for real,
 * then breaks the protocol in one chosen way and reports whether the hub
 * closed the connection.  Exit 0 when the hub hung up within 10 s.
 *
 *   badpeer HOST PORT HUB USER PASSWORD MODE
 *   MODE: oversize | runt | badtype | badvnet | garbage (before HELLO)
 *         idle: a well-behaved session that only answers keep-alives, until
 *         the hub closes it (then exit 0): for tests that need many sessions
 *         sink: announces MAC 02:00:00:00:00:02, then counts the frames it
 *         receives and prints "frames N" (cumulative) every second
 *         flood [FPS]: sends 64-byte UDP frames 02:..:01 -> 02:..:02, 512 per
 *         record, as fast as TLS takes them or FPS frames/s (bench/pktlog.sh)
 *         hold N [WINDOW]: N idle sessions in this one process (bench/logins.sh),
 *         see hold.c
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "auth.h"
#include "badpeer.h"
#include "proto.h"
#include "tls.h"

#define BUFSZ (PROTO_HDR_LEN + PROTO_CTRL_MAX)

int badpeer_dial(const char *host, const char *port)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res;
	struct timeval tv = {.tv_sec = 10};
	int fd;

	if (getaddrinfo(host, port, &hints, &res) != 0)
		return -1;
	fd = socket(res->ai_family, SOCK_STREAM, 0);
	if (fd >= 0 && connect(fd, res->ai_addr, res->ai_addrlen) != 0) {
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

/* The client key for this salt and iteration count, derived once per salt (hold logs in
 * thousands of times as one user). */
static int derive_keys(const char *pw, const struct proto_challenge *c, struct badpeer_keys *k)
{
	uint8_t sk[32];

	if (k->valid && k->iterations == c->iterations && k->salt_len == c->salt_len &&
	    memcmp(k->salt, c->salt, c->salt_len) == 0)
		return 0;
	k->valid = 0;
	if (c->salt_len > sizeof(k->salt) ||
	    auth_derive(pw, c->salt, c->salt_len, c->iterations, k->ck, sk))
		return -1;
	memcpy(k->salt, c->salt, c->salt_len);
	k->salt_len = c->salt_len;
	k->iterations = c->iterations;
	k->valid = 1;
	return 0;
}

int badpeer_login(SSL *ssl, const char *hub, const char *user, const char *pw,
		  struct badpeer_keys *keys)
{
	uint8_t buf[BUFSZ], binding[32], tr[32];
	struct badpeer_keys own = {0}, *k = keys ? keys : &own;
	struct proto_hello h = {
	    .version = PROTO_VERSION, .caps = PROTO_CAP_VNET, .method = PROTO_AUTH_PASSWORD};
	struct proto_challenge c;
	struct proto_auth a;
	struct proto_msg m;
	const char *err;
	size_t n;

	snprintf(h.hub, sizeof(h.hub), "%s", hub);
	snprintf(h.user, sizeof(h.user), "%s", user);
	n = proto_enc_hello(buf, sizeof(buf), &h);
	if (tls_write_all(ssl, buf, n) || tls_read_msg(ssl, buf, sizeof(buf), &m, &err) ||
	    proto_dec_challenge(&m, &c, &err))
		return -1;
	if (tls_exporter(ssl, binding) || derive_keys(pw, &c, k))
		return -1;
	auth_transcript(hub, user, c.nonce, PROTO_NONCE_LEN, binding, 32, tr);
	auth_client_proof(k->ck, tr, a.proof);
	n = proto_enc_auth(buf, sizeof(buf), &a);
	if (tls_write_all(ssl, buf, n) || tls_read_msg(ssl, buf, sizeof(buf), &m, &err))
		return -1;
	return m.type == PROTO_WELCOME ? 0 : -1;
}

/* Answers every read with a keep-alive until the hub hangs up; 0 then. */
static int idle(SSL *ssl)
{
	uint8_t buf[4096], ka[PROTO_HDR_LEN];
	size_t n;

	proto_enc_keepalive(ka, sizeof(ka));
	printf("badpeer: logged in, idle\n");
	fflush(stdout);
	/* errno cleared first: a stale EAGAIN must not hide the hub's close_notify */
	for (;;) {
		errno = 0;
		if (SSL_read_ex(ssl, buf, sizeof(buf), &n) != 1 && errno != EAGAIN)
			break;
		if (tls_write_all(ssl, ka, sizeof(ka)) != 0)
			break;
	}
	printf("badpeer: hub closed the connection\n");
	return 0;
}

#define BENCH_FRAME_LEN 64
#define BENCH_BATCH 512

/* A 64-byte IPv4/UDP frame from MAC 02:..:0<from> to 02:..:0<to>, with its message header. */
static void bench_frame(uint8_t *msg, uint8_t from, uint8_t to)
{
	static const uint8_t ip_udp[28] = {
	    0x45, 0,	0,    50,   0, 1,  0,  0,  64, 17,
	    0,	  0,	10,   88,   0, 1,  10, 88, 0,  2, /* IPv4 */
	    0x13, 0x88, 0x17, 0x70, 0, 30, 0,  0,	  /* UDP */
	};
	uint8_t *f = msg + PROTO_HDR_LEN;

	proto_put_hdr(msg, PROTO_FRAME, 0, BENCH_FRAME_LEN);
	memset(f, 0, BENCH_FRAME_LEN);
	f[0] = f[6] = 0x02;
	f[5] = to;
	f[11] = from;
	f[12] = 0x08;
	memcpy(f + 14, ip_udp, sizeof(ip_udp));
}

/* Sends BENCH_BATCH frames per TLS record until the hub hangs up, fps a second (0: no limit). */
static int flood(SSL *ssl, unsigned long fps)
{
	static uint8_t batch[BENCH_BATCH * (PROTO_HDR_LEN + BENCH_FRAME_LEN)];
	uint64_t period_ns = fps ? 1000000000ull * BENCH_BATCH / fps : 0;
	struct timespec due;

	for (size_t i = 0; i < BENCH_BATCH; i++)
		bench_frame(batch + i * (PROTO_HDR_LEN + BENCH_FRAME_LEN), 1, 2);
	printf("badpeer: logged in, flooding\n");
	fflush(stdout);
	clock_gettime(CLOCK_MONOTONIC, &due);
	while (tls_write_all(ssl, batch, sizeof(batch)) == 0) {
		if (!period_ns)
			continue;
		due.tv_nsec += (long)period_ns;
		due.tv_sec += due.tv_nsec / 1000000000;
		due.tv_nsec %= 1000000000;
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &due, NULL);
	}
	return 0;
}

/* Counts the frames in buf[0..*len) and keeps a partial message; -1 on a bad one. */
static int count_frames(uint8_t *buf, size_t *len, unsigned long long *frames)
{
	size_t off = 0, used;
	struct proto_msg m;
	const char *err;
	int rc;

	while ((rc = proto_next(buf + off, *len - off, &m, &used, &err)) == 1) {
		*frames += m.type == PROTO_FRAME;
		off += used;
	}
	memmove(buf, buf + off, *len - off);
	*len -= off;
	return rc;
}

/* Counts received frames; its keep-alives keep the session up. */
static int sink(SSL *ssl, int fd)
{
	static uint8_t buf[1 << 18];
	uint8_t hello[PROTO_HDR_LEN + BENCH_FRAME_LEN], ka[PROTO_HDR_LEN];
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	unsigned long long frames = 0;
	time_t last = time(NULL);
	size_t len = 0, n;

	bench_frame(hello, 2, 1); /* the hub learns where 02:..:02 is */
	proto_enc_keepalive(ka, sizeof(ka));
	if (tls_write_all(ssl, hello, sizeof(hello)) != 0)
		return -1;
	printf("badpeer: logged in, counting\n");
	fflush(stdout);
	for (;;) {
		if (SSL_pending(ssl) == 0 && poll(&pfd, 1, 1000) < 0)
			return -1;
		if (SSL_pending(ssl) > 0 || (pfd.revents & POLLIN)) {
			if (SSL_read_ex(ssl, buf + len, sizeof(buf) - len, &n) != 1)
				return 0;
			len += n;
			if (count_frames(buf, &len, &frames) < 0)
				return -1;
		}
		if (time(NULL) != last) {
			last = time(NULL);
			printf("frames %llu\n", frames);
			fflush(stdout);
			if (tls_write_all(ssl, ka, sizeof(ka)) != 0)
				return 0;
		}
	}
}

static int send_bad(SSL *ssl, const char *mode)
{
	uint8_t msg[64] = {0};

	if (strcmp(mode, "oversize") == 0) {
		proto_put_hdr(msg, PROTO_FRAME, 0, 0x01000000);
	} else if (strcmp(mode, "runt") == 0) {
		proto_put_hdr(msg, PROTO_FRAME, 0, 5);
	} else if (strcmp(mode, "badtype") == 0) {
		proto_put_hdr(msg, 99, 0, 4);
	} else if (strcmp(mode, "badvnet") == 0) {
		proto_put_hdr(msg, PROTO_FRAME, PROTO_F_VNET, 10 + 14);
		msg[PROTO_HDR_LEN + 1] = 9; /* unknown GSO type */
		memset(msg + PROTO_HDR_LEN + 10, 0x02, 12);
	} else {
		return -1;
	}
	return tls_write_all(ssl, msg, sizeof(msg));
}

int main(int argc, char **argv)
{
	char err[256];
	SSL_CTX *ctx;
	SSL *ssl;
	uint8_t junk[4096];
	size_t n;
	int fd;

	signal(SIGPIPE, SIG_IGN); /* a write after the hub hung up fails; it must not kill us */
	if (argc >= 8 && strcmp(argv[6], "hold") == 0)
		return badpeer_hold(argv[1], argv[2], argv[3], argv[4], argv[5],
				    strtoul(argv[7], NULL, 10),
				    argc > 8 ? strtoul(argv[8], NULL, 10) : 8);
	if (argc != 7 && !(argc == 8 && strcmp(argv[6], "flood") == 0)) {
		fprintf(stderr, "usage: badpeer HOST PORT HUB USER PASSWORD MODE [FPS]\n"
				"       badpeer HOST PORT HUB USER PASSWORD hold N [WINDOW]\n");
		return 2;
	}
	ctx = tls_client_ctx(NULL, err, sizeof(err));
	fd = badpeer_dial(argv[1], argv[2]);
	if (!ctx || fd < 0) {
		fprintf(stderr, "badpeer: cannot connect\n");
		return 2;
	}
	ssl = SSL_new(ctx);
	SSL_set_fd(ssl, fd);
	if (SSL_connect(ssl) != 1) {
		fprintf(stderr, "badpeer: TLS failed\n");
		return 2;
	}
	if (strcmp(argv[6], "garbage") == 0) {
		for (size_t i = 0; i < sizeof(junk); i++)
			junk[i] = (uint8_t)(i * 7 + 3);
		tls_write_all(ssl, junk, sizeof(junk));
	} else if (badpeer_login(ssl, argv[3], argv[4], argv[5], NULL) != 0) {
		fprintf(stderr, "badpeer: login failed\n");
		return 2;
	} else if (strcmp(argv[6], "flood") == 0 || strcmp(argv[6], "sink") == 0) {
		return strcmp(argv[6], "flood") == 0
			   ? flood(ssl, argc > 7 ? strtoul(argv[7], NULL, 10) : 0)
			   : sink(ssl, fd);
	} else if (strcmp(argv[6], "idle") == 0) {
		idle(ssl);
		SSL_free(ssl);
		SSL_CTX_free(ctx);
		close(fd);
		return 0;
	} else if (send_bad(ssl, argv[6]) != 0) {
		fprintf(stderr, "badpeer: login or send failed\n");
		return 2;
	}
	/* the hub must hang up: read until EOF or error, never a timeout */
	errno = 0;
	while (SSL_read_ex(ssl, junk, sizeof(junk), &n) == 1)
		;
	if (errno == EAGAIN || errno == EWOULDBLOCK) {
		printf("badpeer: the hub did not close the connection within 10 s\n");
		return 1;
	}
	printf("badpeer: hub closed the connection\n");
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	close(fd);
	return 0;
}
