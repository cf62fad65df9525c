// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The data phase's TLS stream over a real TLS 1.3 connection (a non-blocking
 * socketpair, so writes block and are retried): large frames sent from their
 * owner's buffer (stream_put_ref) and received into one (stream_claim) arrive
 * whole and in order among small ones, every owner is released once, and a
 * receiver without a claim sees the same bytes.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "stream.h"
#include "suites.h"
#include "tls.h"

#define NFRAMES 12

static char tmpdir[64], cert_path[128], key_path[128];

static void setup(void)
{
	char err[512] = "";

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/streamtest.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(cert_path, sizeof(cert_path), "%s/cert.pem", tmpdir);
	snprintf(key_path, sizeof(key_path), "%s/key.pem", tmpdir);
	ck_assert_msg(tls_make_selfsigned(cert_path, key_path, "hub.test", err, sizeof(err)) == 0,
		      "%s", err);
	signal(SIGPIPE, SIG_IGN);
}

static void teardown(void)
{
	unlink(cert_path);
	unlink(key_path);
	rmdir(tmpdir);
}

/* Frame i: its length (small and large ones, some not a multiple of anything) and bytes. */
static uint32_t frame_len(int i)
{
	static const uint32_t lens[NFRAMES] = {60,    40000, 1514, 65000, 9000, 8191,
					       16384, 16376, 100,  30000, 64,   20000};
	return lens[i];
}

static uint8_t frame_byte(int i, uint32_t off)
{
	return (uint8_t)(i * 31 + off * 7 + (off >> 8));
}

/* An owner of a buffer: counts its references, as a pkt does. */
struct owned {
	int refs;
	uint32_t len;
	uint8_t *buf;
};

static int live_owners;

static struct owned *owned_new(uint32_t len)
{
	struct owned *o = calloc(1, sizeof(*o));

	ck_assert_ptr_nonnull(o);
	o->buf = malloc(len);
	ck_assert_ptr_nonnull(o->buf);
	o->len = len;
	o->refs = 1;
	live_owners++;
	return o;
}

static void owned_put(void *owner)
{
	struct owned *o = owner;

	ck_assert_int_gt(o->refs, 0);
	if (--o->refs == 0) {
		free(o->buf);
		free(o);
		live_owners--;
	}
}

static void *claim_get(void *ctx, uint8_t flags, uint32_t len, uint8_t **buf)
{
	struct owned *o = owned_new(len);

	(void)ctx;
	ck_assert_uint_eq(flags, 0x01);
	*buf = o->buf;
	return o;
}

static const struct stream_claim claim = {.get = claim_get, .put = owned_put};

struct received {
	int n;
	unsigned claimed; /* bit i: frame i arrived in a claimed buffer */
};

static int on_msg(void *ctx, const struct proto_msg *m)
{
	struct received *r = ctx;

	ck_assert_int_lt(r->n, NFRAMES);
	ck_assert_uint_eq(m->type, PROTO_FRAME);
	ck_assert_uint_eq(m->flags, 0x01);
	ck_assert_uint_eq(m->len, frame_len(r->n));
	for (uint32_t off = 0; off < m->len; off++)
		ck_assert_uint_eq(m->payload[off], frame_byte(r->n, off));
	if (m->owner) {
		ck_assert_uint_ge(m->len, STREAM_DIRECT_MIN);
		r->claimed |= 1u << r->n;
	}
	r->n++;
	return 0;
}

/* Sends every frame (large ones by reference) and reads them back; returns the claimed ones. */
static unsigned exchange(bool receiver_claims)
{
	char err[512] = "";
	SSL_CTX *sctx = tls_server_ctx(cert_path, key_path, err, sizeof(err));
	SSL_CTX *cctx = tls_client_ctx(NULL, err, sizeof(err));
	struct stream tx, rx;
	struct received got = {0};
	int sv[2], rc_c = 0, rc_s = 0, next = 0;
	SSL *c, *s;

	ck_assert_msg(sctx && cctx, "%s", err);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
	c = SSL_new(cctx);
	s = SSL_new(sctx);
	ck_assert(c && s);
	ck_assert_int_eq(SSL_set_fd(c, sv[0]), 1);
	ck_assert_int_eq(SSL_set_fd(s, sv[1]), 1);
	SSL_set_connect_state(c);
	SSL_set_accept_state(s);
	for (int step = 0; step < 100 && (rc_c != 1 || rc_s != 1); step++) {
		if (rc_c != 1)
			rc_c = SSL_do_handshake(c);
		if (rc_s != 1)
			rc_s = SSL_do_handshake(s);
	}
	ck_assert(rc_c == 1 && rc_s == 1);
	ck_assert_int_eq(stream_init(&tx, c, sv[0]), 0);
	ck_assert_int_eq(stream_init(&rx, s, sv[1]), 0);
	if (receiver_claims)
		rx.claim = &claim;

	for (int step = 0; step < 100000 && got.n < NFRAMES; step++) {
		while (next < NFRAMES && stream_room(&tx) >= STREAM_MSG_ROOM) {
			struct owned *o = owned_new(frame_len(next));

			for (uint32_t off = 0; off < o->len; off++)
				o->buf[off] = frame_byte(next, off);
			ck_assert(stream_put_ref(&tx, 0x01, o->buf, o->len, owned_put, o));
			next++;
		}
		ck_assert_int_ge(stream_flush(&tx), 0);
		ck_assert_int_ge(stream_read(&rx, 65536, on_msg, &got), STREAM_AGAIN);
	}
	ck_assert_int_eq(got.n, NFRAMES);
	ck_assert(!stream_pending(&tx));
	ck_assert_int_eq(live_owners, 0);
	stream_free(&tx);
	stream_free(&rx);
	SSL_free(c);
	SSL_free(s);
	close(sv[0]);
	close(sv[1]);
	SSL_CTX_free(sctx);
	SSL_CTX_free(cctx);
	return got.claimed;
}

START_TEST(test_large_frames_by_reference)
{
	/* a frame larger than a record is never read whole in one, so it is always claimed */
	unsigned claimed = exchange(true), spans = 1u << 1 | 1u << 3 | 1u << 9 | 1u << 11;

	ck_assert_uint_eq(claimed & spans, spans);
}
END_TEST

START_TEST(test_without_claim_same_bytes)
{
	ck_assert_uint_eq(exchange(false), 0);
}
END_TEST

/* A stream freed with a payload still waiting releases it, and a claimed frame. */
START_TEST(test_free_releases_owners)
{
	struct stream st;
	struct owned *o = owned_new(60000), *in = owned_new(30000);
	SSL_CTX *cctx = tls_client_ctx(NULL, NULL, 0);
	SSL *ssl;
	int sv[2];

	ck_assert_ptr_nonnull(cctx);
	ssl = SSL_new(cctx);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ck_assert_int_eq(SSL_set_fd(ssl, sv[0]), 1);
	ck_assert_int_eq(stream_init(&st, ssl, sv[0]), 0);
	st.claim = &claim;
	ck_assert(stream_put_ref(&st, 0, o->buf, o->len, owned_put, o));
	ck_assert(stream_pending(&st));
	ck_assert_uint_eq(stream_room(&st), 0);
	st.in.owner = in;
	st.in.buf = in->buf;
	st.in.len = in->len;
	stream_free(&st);
	ck_assert_int_eq(live_owners, 0);
	SSL_free(ssl);
	SSL_CTX_free(cctx);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

Suite *stream_suite(void)
{
	Suite *s = suite_create("stream");
	TCase *tc = tcase_create("direct");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_large_frames_by_reference);
	tcase_add_test(tc, test_without_claim_same_bytes);
	tcase_add_test(tc, test_free_releases_owners);
	suite_add_tcase(s, tc);
	return s;
}
