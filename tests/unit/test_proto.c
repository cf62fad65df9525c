// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Wire codec tests: every message type round-trips, proto_next honours each
 * per-type bound and reassembles split or packed input, every decoder refuses
 * truncated, padded or malformed payloads, and 100,000 pseudo-random buffers
 * never make the codec read out of bounds or answer inconsistently.  Payloads
 * handed to decoders live in exact-size heap blocks so ASan sees any over-read.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dataphase.h"
#include "proto.h"
#include "suites.h"

#define MSG_MAX (PROTO_HDR_LEN + PROTO_CTRL_MAX)

/* Copies n bytes into a heap block of exactly n bytes (1 if n is 0). */
static uint8_t *dup_exact(const void *p, size_t n)
{
	uint8_t *d = malloc(n ? n : 1);

	ck_assert_ptr_nonnull(d);
	if (n)
		memcpy(d, p, n);
	return d;
}

static struct proto_msg msg_of(uint8_t type, const uint8_t *payload, size_t len)
{
	struct proto_msg m = {.type = type, .flags = 0, .len = (uint32_t)len, .payload = payload};

	return m;
}

/* Runs proto_next over a whole encoded message and checks the header it reports. */
static struct proto_msg next_one(const uint8_t *buf, size_t n, uint8_t type)
{
	struct proto_msg m;
	const char *err = NULL;
	size_t used = 0;

	ck_assert_int_eq(proto_next(buf, n, &m, &used, &err), 1);
	ck_assert_uint_eq(used, n);
	ck_assert_uint_eq(m.type, type);
	ck_assert_uint_eq(m.flags, 0);
	ck_assert_uint_eq(m.len, n - PROTO_HDR_LEN);
	ck_assert_ptr_eq(m.payload, buf + PROTO_HDR_LEN);
	return m;
}

static void sample_hello(struct proto_hello *h)
{
	memset(h, 0, sizeof(*h));
	h->version = PROTO_VERSION;
	h->caps = PROTO_CAP_VNET | 0x80000000u;
	h->method = PROTO_AUTH_PASSWORD;
	strcpy(h->hub, "DEFAULT");
	strcpy(h->user, "alice");
}

static void sample_challenge(struct proto_challenge *c, uint8_t salt_len)
{
	memset(c, 0, sizeof(*c));
	c->method = PROTO_AUTH_PASSWORD;
	c->iterations = 0x01020304;
	c->salt_len = salt_len;
	for (int i = 0; i < PROTO_SALT_MAX; i++)
		c->salt[i] = (uint8_t)(0xa0 + i);
	for (int i = 0; i < PROTO_NONCE_LEN; i++)
		c->nonce[i] = (uint8_t)(0x10 + i);
}

static void sample_welcome(struct proto_welcome *w, uint16_t npolicy)
{
	memset(w, 0, sizeof(*w));
	w->session_id = 0xdeadbeef;
	w->keepalive_s = 5;
	w->timeout_s = 20;
	w->caps = PROTO_CAP_VNET;
	for (int i = 0; i < PROTO_KEY_LEN; i++)
		w->server_sig[i] = (uint8_t)(0xff - i);
	w->npolicy = npolicy;
	for (int i = 0; i < npolicy; i++) {
		w->policy[i].id = (uint16_t)(0x100 + i);
		w->policy[i].value = 0xfedc0000u + (uint32_t)i;
	}
}

START_TEST(test_hello_roundtrip)
{
	uint8_t buf[MSG_MAX];
	struct proto_hello h, d;
	struct proto_msg m;
	const char *err = NULL;
	size_t n;

	sample_hello(&h);
	n = proto_enc_hello(buf, sizeof(buf), &h);
	/* magic 6 + version 2 + caps 4 + method 1 + (1 + 7) + (1 + 5) */
	ck_assert_uint_eq(n, PROTO_HDR_LEN + 27);
	ck_assert_mem_eq(buf, "\0\0\0\x1b\x01\0\0\0", 8);
	ck_assert_mem_eq(buf + PROTO_HDR_LEN, PROTO_MAGIC, 6);
	m = next_one(buf, n, PROTO_HELLO);
	memset(&d, 0x5a, sizeof(d));
	ck_assert_int_eq(proto_dec_hello(&m, &d, &err), 0);
	ck_assert_uint_eq(d.version, PROTO_VERSION);
	ck_assert_uint_eq(d.caps, h.caps);
	ck_assert_uint_eq(d.method, PROTO_AUTH_PASSWORD);
	ck_assert_str_eq(d.hub, "DEFAULT");
	ck_assert_str_eq(d.user, "alice");

	/* longest names: 255 bytes each, including UTF-8 */
	memset(h.hub, 'H', PROTO_NAME_MAX);
	h.hub[PROTO_NAME_MAX] = '\0';
	memset(h.user, 0xc3, PROTO_NAME_MAX);
	h.user[PROTO_NAME_MAX] = '\0';
	n = proto_enc_hello(buf, sizeof(buf), &h);
	ck_assert_uint_eq(n, PROTO_HDR_LEN + 13 + 2 * 256);
	m = next_one(buf, n, PROTO_HELLO);
	ck_assert_int_eq(proto_dec_hello(&m, &d, &err), 0);
	ck_assert_str_eq(d.hub, h.hub);
	ck_assert_str_eq(d.user, h.user);
}
END_TEST

START_TEST(test_encoders_refuse_short_buffers)
{
	uint8_t buf[MSG_MAX];
	struct proto_hello h;
	struct proto_challenge c;
	struct proto_auth a = {{0}};
	struct proto_welcome w;
	struct proto_reject r = {.reason = PROTO_R_HUB_FULL, .text = "full"};
	size_t full[7], cap;

	sample_hello(&h);
	sample_challenge(&c, 16);
	sample_welcome(&w, 4);
	full[0] = proto_enc_hello(buf, sizeof(buf), &h);
	full[1] = proto_enc_challenge(buf, sizeof(buf), &c);
	full[2] = proto_enc_auth(buf, sizeof(buf), &a);
	full[3] = proto_enc_welcome(buf, sizeof(buf), &w);
	full[4] = proto_enc_reject(buf, sizeof(buf), &r);
	full[5] = proto_enc_bye(buf, sizeof(buf), PROTO_R_SHUTDOWN);
	full[6] = proto_enc_keepalive(buf, sizeof(buf));
	for (int i = 0; i < 7; i++)
		ck_assert_uint_ge(full[i], PROTO_HDR_LEN);
	for (cap = 0; cap < full[0]; cap++)
		ck_assert_uint_eq(proto_enc_hello(buf, cap, &h), 0);
	for (cap = 0; cap < full[1]; cap++)
		ck_assert_uint_eq(proto_enc_challenge(buf, cap, &c), 0);
	for (cap = 0; cap < full[2]; cap++)
		ck_assert_uint_eq(proto_enc_auth(buf, cap, &a), 0);
	for (cap = 0; cap < full[3]; cap++)
		ck_assert_uint_eq(proto_enc_welcome(buf, cap, &w), 0);
	for (cap = 0; cap < full[4]; cap++)
		ck_assert_uint_eq(proto_enc_reject(buf, cap, &r), 0);
	for (cap = 0; cap < full[5]; cap++)
		ck_assert_uint_eq(proto_enc_bye(buf, cap, PROTO_R_SHUTDOWN), 0);
	for (cap = 0; cap < full[6]; cap++)
		ck_assert_uint_eq(proto_enc_keepalive(buf, cap), 0);
}
END_TEST

START_TEST(test_challenge_roundtrip)
{
	static const uint8_t salt_lens[] = {0, 1, 16, PROTO_SALT_MAX};
	uint8_t buf[MSG_MAX];
	struct proto_challenge c, d;
	struct proto_msg m;
	const char *err = NULL;
	size_t n;

	for (size_t i = 0; i < sizeof(salt_lens); i++) {
		sample_challenge(&c, salt_lens[i]);
		n = proto_enc_challenge(buf, sizeof(buf), &c);
		ck_assert_uint_eq(n, PROTO_HDR_LEN + 6 + salt_lens[i] + PROTO_NONCE_LEN);
		/* iterations are big-endian right after the method byte */
		ck_assert_mem_eq(buf + PROTO_HDR_LEN, "\x01\x01\x02\x03\x04", 5);
		m = next_one(buf, n, PROTO_CHALLENGE);
		memset(&d, 0x5a, sizeof(d));
		ck_assert_int_eq(proto_dec_challenge(&m, &d, &err), 0);
		ck_assert_uint_eq(d.method, c.method);
		ck_assert_uint_eq(d.iterations, c.iterations);
		ck_assert_uint_eq(d.salt_len, c.salt_len);
		if (c.salt_len)
			ck_assert_mem_eq(d.salt, c.salt, c.salt_len);
		ck_assert_mem_eq(d.nonce, c.nonce, PROTO_NONCE_LEN);
	}
	sample_challenge(&c, PROTO_SALT_MAX + 1);
	ck_assert_uint_eq(proto_enc_challenge(buf, sizeof(buf), &c), 0);
}
END_TEST

START_TEST(test_auth_roundtrip)
{
	uint8_t buf[MSG_MAX];
	struct proto_auth a, d;
	struct proto_msg m;
	const char *err = NULL;
	size_t n;

	for (int i = 0; i < PROTO_KEY_LEN; i++)
		a.proof[i] = (uint8_t)(i * 7 + 3);
	n = proto_enc_auth(buf, sizeof(buf), &a);
	ck_assert_uint_eq(n, PROTO_HDR_LEN + PROTO_KEY_LEN);
	m = next_one(buf, n, PROTO_AUTH);
	memset(&d, 0, sizeof(d));
	ck_assert_int_eq(proto_dec_auth(&m, &d, &err), 0);
	ck_assert_mem_eq(d.proof, a.proof, PROTO_KEY_LEN);
}
END_TEST

START_TEST(test_welcome_roundtrip)
{
	static const uint16_t counts[] = {0, 1, 3, PROTO_POLICY_MAX};
	uint8_t buf[MSG_MAX];
	struct proto_welcome w, d;
	struct proto_msg m;
	const char *err = NULL;
	size_t n;

	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		sample_welcome(&w, counts[i]);
		n = proto_enc_welcome(buf, sizeof(buf), &w);
		ck_assert_uint_eq(n, PROTO_HDR_LEN + 14 + PROTO_KEY_LEN + 6u * counts[i]);
		m = next_one(buf, n, PROTO_WELCOME);
		memset(&d, 0x5a, sizeof(d));
		ck_assert_int_eq(proto_dec_welcome(&m, &d, &err), 0);
		ck_assert_uint_eq(d.session_id, 0xdeadbeef);
		ck_assert_uint_eq(d.keepalive_s, 5);
		ck_assert_uint_eq(d.timeout_s, 20);
		ck_assert_uint_eq(d.caps, PROTO_CAP_VNET);
		ck_assert_mem_eq(d.server_sig, w.server_sig, PROTO_KEY_LEN);
		ck_assert_uint_eq(d.npolicy, counts[i]);
		for (int j = 0; j < counts[i]; j++) {
			ck_assert_uint_eq(d.policy[j].id, w.policy[j].id);
			ck_assert_uint_eq(d.policy[j].value, w.policy[j].value);
		}
	}
	sample_welcome(&w, PROTO_POLICY_MAX);
	w.npolicy = PROTO_POLICY_MAX + 1;
	ck_assert_uint_eq(proto_enc_welcome(buf, sizeof(buf), &w), 0);
}
END_TEST

START_TEST(test_reject_roundtrip)
{
	uint8_t buf[MSG_MAX];
	struct proto_reject r = {.reason = PROTO_R_AUTH_FAILED}, d;
	struct proto_msg m;
	const char *err = NULL;
	size_t n;

	strcpy(r.text, "wrong password for alice");
	n = proto_enc_reject(buf, sizeof(buf), &r);
	ck_assert_uint_eq(n, PROTO_HDR_LEN + 2 + 1 + strlen(r.text));
	m = next_one(buf, n, PROTO_REJECT);
	ck_assert_int_eq(proto_dec_reject(&m, &d, &err), 0);
	ck_assert_uint_eq(d.reason, PROTO_R_AUTH_FAILED);
	ck_assert_str_eq(d.text, r.text);

	/* empty text is fine; control characters never reach the terminal */
	r.text[0] = '\0';
	n = proto_enc_reject(buf, sizeof(buf), &r);
	m = next_one(buf, n, PROTO_REJECT);
	ck_assert_int_eq(proto_dec_reject(&m, &d, &err), 0);
	ck_assert_str_eq(d.text, "");
	strcpy(r.text, "\x1b[2Jbye\x7f\r\n");
	n = proto_enc_reject(buf, sizeof(buf), &r);
	m = next_one(buf, n, PROTO_REJECT);
	ck_assert_int_eq(proto_dec_reject(&m, &d, &err), 0);
	ck_assert_str_eq(d.text, "?[2Jbye???");

	/* the longest text that fits struct proto_reject survives */
	memset(r.text, 'x', sizeof(r.text) - 1);
	r.text[sizeof(r.text) - 1] = '\0';
	n = proto_enc_reject(buf, sizeof(buf), &r);
	m = next_one(buf, n, PROTO_REJECT);
	ck_assert_int_eq(proto_dec_reject(&m, &d, &err), 0);
	ck_assert_str_eq(d.text, r.text);
}
END_TEST

START_TEST(test_reject_long_text_is_cut)
{
	/* a hub may send up to 255 bytes: the decoder truncates to 199 */
	uint8_t payload[2 + 1 + 255];
	struct proto_reject d;
	struct proto_msg m;
	const char *err = NULL;

	payload[0] = 0;
	payload[1] = PROTO_R_KICKED;
	payload[2] = 255;
	memset(payload + 3, 'y', 255);
	m = msg_of(PROTO_REJECT, payload, sizeof(payload));
	ck_assert_int_eq(proto_dec_reject(&m, &d, &err), 0);
	ck_assert_uint_eq(d.reason, PROTO_R_KICKED);
	ck_assert_uint_eq(strlen(d.text), sizeof(d.text) - 1);
}
END_TEST

START_TEST(test_bye_keepalive_roundtrip)
{
	uint8_t buf[MSG_MAX];
	struct proto_msg m;
	const char *err = NULL;
	uint16_t reason;
	size_t n;

	for (uint32_t r = 0; r <= 0xffff; r += 0x1111) {
		n = proto_enc_bye(buf, sizeof(buf), (uint16_t)r);
		ck_assert_uint_eq(n, PROTO_HDR_LEN + 2);
		m = next_one(buf, n, PROTO_BYE);
		reason = 0x5a5a;
		ck_assert_int_eq(proto_dec_bye(&m, &reason, &err), 0);
		ck_assert_uint_eq(reason, r);
	}
	n = proto_enc_keepalive(buf, sizeof(buf));
	ck_assert_uint_eq(n, PROTO_HDR_LEN);
	ck_assert_mem_eq(buf, "\0\0\0\0\x11\0\0\0", 8);
	m = next_one(buf, n, PROTO_KEEPALIVE);
	ck_assert_uint_eq(m.len, 0);
}
END_TEST

START_TEST(test_decoders_check_type)
{
	uint8_t payload[64] = {0};
	struct proto_msg m = msg_of(PROTO_BYE, payload, 2);
	struct proto_hello h;
	struct proto_challenge c;
	struct proto_auth a;
	struct proto_welcome w;
	struct proto_reject r;
	const char *err;
	uint16_t reason;

	err = NULL;
	ck_assert_int_eq(proto_dec_hello(&m, &h, &err), -1);
	ck_assert_ptr_nonnull(err);
	err = NULL;
	ck_assert_int_eq(proto_dec_challenge(&m, &c, &err), -1);
	ck_assert_ptr_nonnull(err);
	err = NULL;
	ck_assert_int_eq(proto_dec_auth(&m, &a, &err), -1);
	ck_assert_ptr_nonnull(err);
	err = NULL;
	ck_assert_int_eq(proto_dec_welcome(&m, &w, &err), -1);
	ck_assert_ptr_nonnull(err);
	err = NULL;
	ck_assert_int_eq(proto_dec_reject(&m, &r, &err), -1);
	ck_assert_ptr_nonnull(err);
	m.type = PROTO_KEEPALIVE;
	err = NULL;
	ck_assert_int_eq(proto_dec_bye(&m, &reason, &err), -1);
	ck_assert_ptr_nonnull(err);
}
END_TEST

/* ---- proto_next: reassembly and bounds ---- */

START_TEST(test_next_split_every_offset)
{
	uint8_t buf[MSG_MAX];
	struct proto_hello h;
	struct proto_msg m;
	const char *err;
	size_t n, used;

	sample_hello(&h);
	n = proto_enc_hello(buf, sizeof(buf), &h);
	for (size_t k = 0; k < n; k++) {
		uint8_t *part = dup_exact(buf, k);

		err = NULL;
		used = 12345;
		ck_assert_msg(proto_next(part, k, &m, &used, &err) == 0, "offset %zu", k);
		ck_assert_ptr_null(err);
		ck_assert_uint_eq(used, 12345);
		free(part);
	}
	ck_assert_int_eq(proto_next(buf, n, &m, &used, &err), 1);
	ck_assert_uint_eq(used, n);
}
END_TEST

START_TEST(test_next_back_to_back)
{
	static const uint8_t want[] = {PROTO_HELLO,	PROTO_CHALLENGE, PROTO_AUTH,	PROTO_FRAME,
				       PROTO_KEEPALIVE, PROTO_FRAME,	 PROTO_WELCOME, PROTO_BYE};
	uint8_t *stream = malloc(8 * MSG_MAX), eth[60];
	struct proto_hello h;
	struct proto_challenge c;
	struct proto_auth a = {{1}};
	struct proto_welcome w;
	struct proto_msg m;
	const char *err = NULL;
	size_t len = 0, off = 0, used, n_msgs = 0;
	uint16_t reason = 0;

	ck_assert_ptr_nonnull(stream);
	sample_hello(&h);
	sample_challenge(&c, 16);
	sample_welcome(&w, 2);
	memset(eth, 0xee, sizeof(eth));
	len += proto_enc_hello(stream + len, MSG_MAX, &h);
	len += proto_enc_challenge(stream + len, MSG_MAX, &c);
	len += proto_enc_auth(stream + len, MSG_MAX, &a);
	len += proto_put_hdr(stream + len, PROTO_FRAME, 0, sizeof(eth));
	memcpy(stream + len, eth, sizeof(eth));
	len += sizeof(eth);
	len += proto_enc_keepalive(stream + len, MSG_MAX);
	len += proto_put_hdr(stream + len, PROTO_FRAME, PROTO_F_VNET, PROTO_VNET_HDR_LEN + 14);
	memset(stream + len, 0, PROTO_VNET_HDR_LEN + 14);
	len += PROTO_VNET_HDR_LEN + 14;
	len += proto_enc_welcome(stream + len, MSG_MAX, &w);
	len += proto_enc_bye(stream + len, MSG_MAX, PROTO_R_CLIENT_EXIT);

	while (proto_next(stream + off, len - off, &m, &used, &err) == 1) {
		ck_assert_uint_lt(n_msgs, sizeof(want));
		ck_assert_uint_eq(m.type, want[n_msgs]);
		ck_assert_ptr_eq(m.payload, stream + off + PROTO_HDR_LEN);
		if (n_msgs == 3)
			ck_assert_mem_eq(m.payload, eth, sizeof(eth));
		if (n_msgs == 5)
			ck_assert_uint_eq(m.flags, PROTO_F_VNET);
		off += used;
		n_msgs++;
	}
	ck_assert_uint_eq(n_msgs, sizeof(want));
	ck_assert_uint_eq(off, len);
	m.payload = stream + len - 2;
	m.len = 2;
	ck_assert_int_eq(proto_dec_bye(&m, &reason, &err), 0);
	ck_assert_uint_eq(reason, PROTO_R_CLIENT_EXIT);
	free(stream);
}
END_TEST

/*
 * Runs proto_next on a header (type, flags, len, reserved) followed by len
 * bytes of zeroes; returns its result.
 */
static int next_with(uint8_t type, uint8_t flags, uint32_t len, uint16_t zero, const char **err)
{
	uint8_t *buf = calloc(1, PROTO_HDR_LEN + (size_t)len);
	struct proto_msg m;
	size_t used = 0;
	int rc;

	ck_assert_ptr_nonnull(buf);
	proto_put_hdr(buf, type, flags, len);
	buf[6] = (uint8_t)(zero >> 8);
	buf[7] = (uint8_t)zero;
	*err = NULL;
	rc = proto_next(buf, PROTO_HDR_LEN + (size_t)len, &m, &used, err);
	if (rc == 1) {
		ck_assert_uint_eq(used, PROTO_HDR_LEN + (size_t)len);
		ck_assert_uint_eq(m.len, len);
		ck_assert_uint_eq(m.flags, flags);
		ck_assert_ptr_null(*err);
	} else {
		ck_assert_int_eq(rc, -1);
		ck_assert_ptr_nonnull(*err);
		/* a bad header is refused before its payload has arrived */
		ck_assert_int_eq(proto_next(buf, PROTO_HDR_LEN, &m, &used, err), -1);
	}
	free(buf);
	return rc;
}

START_TEST(test_next_frame_bounds)
{
	const char *err;

	ck_assert_int_eq(next_with(PROTO_FRAME, 0, 0, 0, &err), -1);
	ck_assert_int_eq(next_with(PROTO_FRAME, 0, PROTO_FRAME_MIN - 1, 0, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "shorter"));
	ck_assert_int_eq(next_with(PROTO_FRAME, 0, PROTO_FRAME_MIN, 0, &err), 1);
	ck_assert_int_eq(next_with(PROTO_FRAME, 0, 1514, 0, &err), 1);
	ck_assert_int_eq(next_with(PROTO_FRAME, 0, PROTO_FRAME_MAX, 0, &err), 1);
	ck_assert_int_eq(next_with(PROTO_FRAME, 0, PROTO_FRAME_MAX + 1, 0, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "longer"));
	ck_assert_int_eq(next_with(PROTO_FRAME, 0, 0xffffffffu, 0, &err), -1);
}
END_TEST

START_TEST(test_next_vnet_bounds)
{
	const uint32_t min = PROTO_VNET_HDR_LEN + PROTO_FRAME_MIN;
	const char *err;

	ck_assert_int_eq(next_with(PROTO_FRAME, PROTO_F_VNET, PROTO_FRAME_MIN, 0, &err), -1);
	ck_assert_int_eq(next_with(PROTO_FRAME, PROTO_F_VNET, min - 1, 0, &err), -1);
	ck_assert_int_eq(next_with(PROTO_FRAME, PROTO_F_VNET, min, 0, &err), 1);
	ck_assert_int_eq(next_with(PROTO_FRAME, PROTO_F_VNET, PROTO_PAYLOAD_MAX, 0, &err), 1);
	ck_assert_int_eq(next_with(PROTO_FRAME, PROTO_F_VNET, PROTO_PAYLOAD_MAX + 1, 0, &err), -1);
	/* without the flag the same length is one byte too many */
	ck_assert_int_eq(next_with(PROTO_FRAME, 0, PROTO_PAYLOAD_MAX, 0, &err), -1);
}
END_TEST

START_TEST(test_next_control_bounds)
{
	static const uint8_t ctrl[] = {PROTO_HELLO,  PROTO_CHALLENGE, PROTO_AUTH, PROTO_WELCOME,
				       PROTO_REJECT, PROTO_KEEPALIVE, PROTO_BYE};
	const char *err;

	for (size_t i = 0; i < sizeof(ctrl); i++) {
		ck_assert_int_eq(next_with(ctrl[i], 0, 0, 0, &err), 1);
		ck_assert_int_eq(next_with(ctrl[i], 0, PROTO_CTRL_MAX, 0, &err), 1);
		ck_assert_int_eq(next_with(ctrl[i], 0, PROTO_CTRL_MAX + 1, 0, &err), -1);
		ck_assert_ptr_nonnull(strstr(err, "1024"));
		for (unsigned f = 1; f < 256; f <<= 1) {
			ck_assert_int_eq(next_with(ctrl[i], (uint8_t)f, 2, 0, &err), -1);
			ck_assert_ptr_nonnull(strstr(err, "flags"));
		}
	}
}
END_TEST

START_TEST(test_next_bad_headers)
{
	const char *err;

	/* every type that is not defined */
	for (unsigned t = 0; t < 256; t++) {
		int known = (t >= PROTO_HELLO && t <= PROTO_MESSAGE) ||
			    (t >= PROTO_FRAME && t <= PROTO_BYE);
		int rc = next_with((uint8_t)t, 0, 20, 0, &err);

		ck_assert_msg(rc == (known ? 1 : -1), "type %u -> %d", t, rc);
		if (!known)
			ck_assert_str_eq(err, "unknown message type");
	}
	/* frame flags other than PROTO_F_VNET */
	for (unsigned f = 2; f < 256; f++) {
		ck_assert_int_eq(next_with(PROTO_FRAME, (uint8_t)f, 60, 0, &err), -1);
		ck_assert_str_eq(err, "unknown frame flags");
	}
	/* each reserved bit on its own */
	for (int bit = 0; bit < 16; bit++) {
		ck_assert_int_eq(next_with(PROTO_FRAME, 0, 60, (uint16_t)(1u << bit), &err), -1);
		ck_assert_str_eq(err, "reserved header bits set");
		ck_assert_int_eq(next_with(PROTO_KEEPALIVE, 0, 0, (uint16_t)(1u << bit), &err), -1);
	}
}
END_TEST

/* ---- decoders on malformed payloads ---- */

/* Builds a HELLO payload with raw name bytes; returns its length. */
static size_t raw_hello(uint8_t *p, const void *hub, uint8_t hub_len, const void *user,
			uint8_t user_len)
{
	size_t n = 0;

	memcpy(p, PROTO_MAGIC, 6);
	n += 6;
	p[n++] = 0;
	p[n++] = PROTO_VERSION;
	memset(p + n, 0, 4);
	n += 4;
	p[n++] = PROTO_AUTH_PASSWORD;
	p[n++] = hub_len;
	memcpy(p + n, hub, hub_len);
	n += hub_len;
	p[n++] = user_len;
	memcpy(p + n, user, user_len);
	n += user_len;
	return n;
}

static int dec_hello_raw(const uint8_t *p, size_t n, struct proto_hello *h, const char **err)
{
	uint8_t *copy = dup_exact(p, n);
	struct proto_msg m = msg_of(PROTO_HELLO, copy, n);
	int rc;

	*err = NULL;
	rc = proto_dec_hello(&m, h, err);
	if (rc)
		ck_assert_ptr_nonnull(*err);
	free(copy);
	return rc;
}

START_TEST(test_hello_every_truncation)
{
	uint8_t buf[MSG_MAX];
	struct proto_hello h, d;
	const char *err;
	size_t n;

	sample_hello(&h);
	n = proto_enc_hello(buf, sizeof(buf), &h) - PROTO_HDR_LEN;
	for (size_t k = 0; k < n; k++)
		ck_assert_msg(dec_hello_raw(buf + PROTO_HDR_LEN, k, &d, &err) == -1,
			      "truncated to %zu", k);
	ck_assert_int_eq(dec_hello_raw(buf + PROTO_HDR_LEN, n, &d, &err), 0);
}
END_TEST

START_TEST(test_hello_malformed)
{
	uint8_t p[600];
	struct proto_hello d;
	const char *err;
	size_t n;

	n = raw_hello(p, "hub", 3, "bob", 3);
	ck_assert_int_eq(dec_hello_raw(p, n, &d, &err), 0);
	/* trailing byte */
	p[n] = 0;
	ck_assert_int_eq(dec_hello_raw(p, n + 1, &d, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "trailing"));
	/* bad magic, at each position */
	for (int i = 0; i < 6; i++) {
		p[i] ^= 0x20;
		ck_assert_int_eq(dec_hello_raw(p, n, &d, &err), -1);
		ck_assert_ptr_nonnull(strstr(err, "magic"));
		p[i] ^= 0x20;
	}
	/* zero-length names */
	n = raw_hello(p, "", 0, "bob", 3);
	ck_assert_int_eq(dec_hello_raw(p, n, &d, &err), -1);
	n = raw_hello(p, "hub", 3, "", 0);
	ck_assert_int_eq(dec_hello_raw(p, n, &d, &err), -1);
	/* NUL inside a name */
	n = raw_hello(p, "h\0b", 3, "bob", 3);
	ck_assert_int_eq(dec_hello_raw(p, n, &d, &err), -1);
	n = raw_hello(p, "hub", 3, "bo\0", 3);
	ck_assert_int_eq(dec_hello_raw(p, n, &d, &err), -1);
	/* control characters and DEL */
	n = raw_hello(p,
		      "h\x01"
		      "b",
		      3, "bob", 3);
	ck_assert_int_eq(dec_hello_raw(p, n, &d, &err), -1);
	n = raw_hello(p, "hub", 3, "bob\n", 4);
	ck_assert_int_eq(dec_hello_raw(p, n, &d, &err), -1);
	n = raw_hello(p, "hub", 3, "\x7f", 1);
	ck_assert_int_eq(dec_hello_raw(p, n, &d, &err), -1);
	n = raw_hello(p, "\x1f", 1, "bob", 3);
	ck_assert_int_eq(dec_hello_raw(p, n, &d, &err), -1);
	/* a name length pointing past the end */
	n = raw_hello(p, "hub", 3, "bob", 3);
	p[n - 4] = 4;
	ck_assert_int_eq(dec_hello_raw(p, n, &d, &err), -1);
	p[n - 4] = 255;
	ck_assert_int_eq(dec_hello_raw(p, n, &d, &err), -1);
}
END_TEST

/* Runs decoder `type` on an exact-size copy of p[0..n); returns its result. */
static int dec_any(uint8_t type, const uint8_t *p, size_t n, const char **err)
{
	uint8_t *copy = dup_exact(p, n);
	struct proto_msg m = msg_of(type, copy, n);
	struct proto_hello h;
	struct proto_challenge c;
	struct proto_auth a;
	struct proto_welcome w;
	struct proto_reject r;
	uint16_t reason;
	int rc = -2;

	*err = NULL;
	switch (type) {
	case PROTO_HELLO:
		rc = proto_dec_hello(&m, &h, err);
		break;
	case PROTO_CHALLENGE:
		rc = proto_dec_challenge(&m, &c, err);
		break;
	case PROTO_AUTH:
		rc = proto_dec_auth(&m, &a, err);
		break;
	case PROTO_WELCOME:
		rc = proto_dec_welcome(&m, &w, err);
		break;
	case PROTO_REJECT:
		rc = proto_dec_reject(&m, &r, err);
		break;
	case PROTO_BYE:
		rc = proto_dec_bye(&m, &reason, err);
		break;
	}
	free(copy);
	ck_assert_msg(rc == 0 || rc == -1, "type %u returned %d", type, rc);
	if (rc)
		ck_assert_ptr_nonnull(*err);
	return rc;
}

START_TEST(test_decoders_truncated_and_trailing)
{
	uint8_t buf[MSG_MAX + 1];
	struct proto_challenge c;
	struct proto_auth a = {{7}};
	struct proto_welcome w;
	struct proto_reject r = {.reason = 3, .text = "no such hub"};
	const char *err;
	struct {
		uint8_t type;
		size_t n;
	} enc[5];

	sample_challenge(&c, 16);
	sample_welcome(&w, 5);
	enc[0].type = PROTO_CHALLENGE;
	enc[1].type = PROTO_AUTH;
	enc[2].type = PROTO_WELCOME;
	enc[3].type = PROTO_REJECT;
	enc[4].type = PROTO_BYE;
	for (int i = 0; i < 5; i++) {
		switch (enc[i].type) {
		case PROTO_CHALLENGE:
			enc[i].n = proto_enc_challenge(buf, MSG_MAX, &c);
			break;
		case PROTO_AUTH:
			enc[i].n = proto_enc_auth(buf, MSG_MAX, &a);
			break;
		case PROTO_WELCOME:
			enc[i].n = proto_enc_welcome(buf, MSG_MAX, &w);
			break;
		case PROTO_REJECT:
			enc[i].n = proto_enc_reject(buf, MSG_MAX, &r);
			break;
		default:
			enc[i].n = proto_enc_bye(buf, MSG_MAX, 9);
			break;
		}
		enc[i].n -= PROTO_HDR_LEN;
		for (size_t k = 0; k < enc[i].n; k++)
			ck_assert_msg(dec_any(enc[i].type, buf + PROTO_HDR_LEN, k, &err) == -1,
				      "type %u truncated to %zu", enc[i].type, k);
		ck_assert_int_eq(dec_any(enc[i].type, buf + PROTO_HDR_LEN, enc[i].n, &err), 0);
		buf[PROTO_HDR_LEN + enc[i].n] = 0;
		ck_assert_int_eq(dec_any(enc[i].type, buf + PROTO_HDR_LEN, enc[i].n + 1, &err), -1);
		ck_assert_ptr_nonnull(strstr(err, "trailing"));
	}
}
END_TEST

START_TEST(test_challenge_salt_too_long)
{
	uint8_t p[1 + 4 + 1 + 255 + PROTO_NONCE_LEN] = {PROTO_AUTH_PASSWORD, 0, 0, 0x10, 0};
	const char *err;

	/* a well-formed message around a salt of 65 bytes: refused on the length */
	p[5] = PROTO_SALT_MAX + 1;
	ck_assert_int_eq(dec_any(PROTO_CHALLENGE, p, 6 + 65 + PROTO_NONCE_LEN, &err), -1);
	ck_assert_str_eq(err, "salt longer than 64 bytes");
	p[5] = 255;
	ck_assert_int_eq(dec_any(PROTO_CHALLENGE, p, sizeof(p), &err), -1);
	ck_assert_str_eq(err, "salt longer than 64 bytes");
	p[5] = PROTO_SALT_MAX;
	ck_assert_int_eq(dec_any(PROTO_CHALLENGE, p, 6 + 64 + PROTO_NONCE_LEN, &err), 0);
}
END_TEST

START_TEST(test_welcome_too_many_policies)
{
	/* session id, keepalive, timeout, caps, signature, then the policy count */
	uint8_t p[12 + PROTO_KEY_LEN + 2 + 6 * (PROTO_POLICY_MAX + 1)];
	size_t head = 12 + PROTO_KEY_LEN;
	const char *err;

	memset(p, 0, sizeof(p));
	p[head] = 0;
	p[head + 1] = PROTO_POLICY_MAX + 1;
	ck_assert_int_eq(dec_any(PROTO_WELCOME, p, sizeof(p), &err), -1);
	ck_assert_str_eq(err, "too many policy values");
	p[head] = 0xff;
	p[head + 1] = 0xff;
	ck_assert_int_eq(dec_any(PROTO_WELCOME, p, sizeof(p), &err), -1);
	p[head] = 0;
	p[head + 1] = PROTO_POLICY_MAX;
	ck_assert_int_eq(dec_any(PROTO_WELCOME, p, sizeof(p) - 6, &err), 0);
	/* a count promising more entries than present */
	ck_assert_int_eq(dec_any(PROTO_WELCOME, p, sizeof(p) - 12, &err), -1);
}
END_TEST

START_TEST(test_reject_nul_in_text)
{
	uint8_t p[] = {0, 4, 3, 'a', 0, 'b'};
	const char *err;

	ck_assert_int_eq(dec_any(PROTO_REJECT, p, sizeof(p), &err), -1);
	p[4] = 'c';
	ck_assert_int_eq(dec_any(PROTO_REJECT, p, sizeof(p), &err), 0);
}
END_TEST

/* The hub message: round trip at the bound, UTF-8 and control characters refused. */
START_TEST(test_message)
{
	static char big[PROTO_MESSAGE_MAX + 1], text[PROTO_MESSAGE_MAX + 1];
	static uint8_t buf[PROTO_HDR_LEN + 2 + PROTO_MESSAGE_MAX + 1];
	static const char *const bad[] = {
	    "\xc3",		 /* truncated */
	    "\xc0\xaf",		 /* overlong '/' */
	    "\xe0\x80\xaf",	 /* overlong */
	    "\xed\xa0\x80",	 /* surrogate */
	    "\xf4\x90\x80\x80",	 /* above U+10FFFF */
	    "\xff",		 /* never valid */
	    "a\x1b[2Jb",	 /* ESC: a terminal escape */
	    "\xc2\x9b\x33\x31m", /* C1 CSI, then "31m" */
	    "a\x7f",		 /* DEL */
	};
	const char *ok =
	    "Welcome to MIGRATE \xe2\x80\x94 caf\xc3\xa9.\r\nSecond line.\t\xf0\x9f\x98\x80";
	struct proto_msg m;
	const char *err;
	size_t n, used;

	n = proto_enc_message(buf, sizeof(buf), ok, strlen(ok));
	ck_assert_uint_gt(n, 0);
	ck_assert_int_eq(proto_next(buf, n, &m, &used, &err), 1);
	ck_assert_int_eq(proto_dec_message(&m, text, sizeof(text), &err), 0);
	ck_assert_str_eq(text, ok);
	/* too small a buffer for the text is an error, not a cut */
	ck_assert_int_eq(proto_dec_message(&m, text, 5, &err), -1);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_ptr_nonnull(proto_message_check(bad[i], strlen(bad[i])));
		ck_assert_uint_eq(proto_enc_message(buf, sizeof(buf), bad[i], strlen(bad[i])), 0);
	}
	/* exactly the bound passes, one more byte does not (also in the header check) */
	memset(big, 'x', PROTO_MESSAGE_MAX);
	n = proto_enc_message(buf, sizeof(buf), big, PROTO_MESSAGE_MAX);
	ck_assert_uint_eq(n, PROTO_HDR_LEN + 2 + PROTO_MESSAGE_MAX);
	ck_assert_int_eq(proto_next(buf, n, &m, &used, &err), 1);
	ck_assert_int_eq(proto_dec_message(&m, text, sizeof(text), &err), 0);
	ck_assert_uint_eq(strlen(text), PROTO_MESSAGE_MAX);
	ck_assert_uint_eq(proto_enc_message(buf, sizeof(buf), big, PROTO_MESSAGE_MAX + 1), 0);
	ck_assert_int_eq(next_with(PROTO_MESSAGE, 0, 2 + PROTO_MESSAGE_MAX + 1, 0, &err), -1);
	ck_assert_int_eq(next_with(PROTO_MESSAGE, 1, 4, 0, &err), -1);
	/* a NUL inside is a control character */
	buf[PROTO_HDR_LEN + 2 + 3] = 0;
	ck_assert_int_eq(proto_dec_message(&m, text, sizeof(text), &err), -1);
}
END_TEST

START_TEST(test_reason_str)
{
	const char *seen[PROTO_R_MAX];

	for (int r = 0; r < PROTO_R_MAX; r++) {
		const char *s = proto_reason_str((uint16_t)r);

		ck_assert_ptr_nonnull(s);
		ck_assert_uint_gt(strlen(s), 5);
		ck_assert_str_ne(s, "unknown reason code");
		for (int j = 0; j < r; j++)
			ck_assert_str_ne(s, seen[j]);
		seen[r] = s;
	}
	ck_assert_str_eq(proto_reason_str(PROTO_R_MAX), "unknown reason code");
	ck_assert_str_eq(proto_reason_str(PROTO_R_MAX + 1), "unknown reason code");
	ck_assert_str_eq(proto_reason_str(0xffff), "unknown reason code");
	ck_assert_ptr_nonnull(strstr(proto_reason_str(PROTO_R_AUTH_FAILED), "authentication"));
}
END_TEST

START_TEST(test_name_ok)
{
	char name[PROTO_NAME_MAX + 2];

	ck_assert_int_eq(proto_name_ok("a"), 1);
	ck_assert_int_eq(proto_name_ok("with space ~"), 1);
	ck_assert_int_eq(proto_name_ok("\xc3\xa9t\xc3\xa9"), 1);
	ck_assert_int_eq(proto_name_ok(""), 0);
	ck_assert_int_eq(proto_name_ok("tab\there"), 0);
	ck_assert_int_eq(proto_name_ok("del\x7f"), 0);
	ck_assert_int_eq(proto_name_ok("\x1b[31m"), 0);
	memset(name, 'n', PROTO_NAME_MAX);
	name[PROTO_NAME_MAX] = '\0';
	ck_assert_int_eq(proto_name_ok(name), 1);
	name[PROTO_NAME_MAX] = 'n';
	name[PROTO_NAME_MAX + 1] = '\0';
	ck_assert_int_eq(proto_name_ok(name), 0);
}
END_TEST

/* ---- pseudo-random input ---- */

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
	rng ^= rng << 13; /* xorshift64 */
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

/*
 * Every ck_assert records its location through check's message channel, which
 * is far too slow for millions of checks: the loop counts failures itself and
 * reports the first one at the end.
 */
struct fuzz_counts {
	unsigned next[3];
	unsigned dec_ok, dec_fail;
	unsigned failures;
	int first_line;
	const char *first_what;
	unsigned first_iter, iter;
};

#define FUZZ_CHECK(fc, cond)                                                                       \
	do {                                                                                       \
		if (!(cond))                                                                       \
			fuzz_fail(fc, #cond, __LINE__);                                            \
	} while (0)

static void fuzz_fail(struct fuzz_counts *fc, const char *what, int line)
{
	if (fc->failures++ == 0) {
		fc->first_what = what;
		fc->first_line = line;
		fc->first_iter = fc->iter;
	}
}

static uint8_t *fuzz_dup(const uint8_t *p, size_t n)
{
	uint8_t *d = malloc(n ? n : 1);

	if (!d)
		abort();
	if (n)
		memcpy(d, p, n);
	return d;
}

static void rnd_name(char *s)
{
	size_t n = rnd() % 8 == 0 ? rnd() % 256 : 1 + rnd() % 12;

	for (size_t i = 0; i < n; i++)
		s[i] = (char)(rnd() % 16 == 0 ? rnd() % 256 : 'a' + rnd() % 26);
	s[n] = '\0';
}

/* Encodes a valid message of a random type with random contents. */
static size_t rnd_message(uint8_t *buf, size_t cap)
{
	struct proto_hello h;
	struct proto_challenge c;
	struct proto_auth a;
	struct proto_welcome w;
	struct proto_reject r;
	size_t n;

	switch (rnd() % 8) {
	case 0:
		h.version = (uint16_t)rnd();
		h.caps = rnd();
		h.method = (uint8_t)rnd();
		rnd_name(h.hub);
		rnd_name(h.user);
		return proto_enc_hello(buf, cap, &h);
	case 1:
		c.method = (uint8_t)rnd();
		c.iterations = rnd();
		c.salt_len = (uint8_t)(rnd() % (PROTO_SALT_MAX + 1));
		for (int i = 0; i < PROTO_SALT_MAX; i++)
			c.salt[i] = (uint8_t)rnd();
		for (int i = 0; i < PROTO_NONCE_LEN; i++)
			c.nonce[i] = (uint8_t)rnd();
		return proto_enc_challenge(buf, cap, &c);
	case 2:
		for (int i = 0; i < PROTO_KEY_LEN; i++)
			a.proof[i] = (uint8_t)rnd();
		return proto_enc_auth(buf, cap, &a);
	case 3:
		w.session_id = rnd();
		w.keepalive_s = (uint16_t)rnd();
		w.timeout_s = (uint16_t)rnd();
		w.caps = rnd();
		for (int i = 0; i < PROTO_KEY_LEN; i++)
			w.server_sig[i] = (uint8_t)rnd();
		w.npolicy = (uint16_t)(rnd() % (PROTO_POLICY_MAX + 1));
		for (int i = 0; i < w.npolicy; i++) {
			w.policy[i].id = (uint16_t)rnd();
			w.policy[i].value = rnd();
		}
		return proto_enc_welcome(buf, cap, &w);
	case 4:
		r.reason = (uint16_t)rnd();
		rnd_name(h.hub);
		n = strlen(h.hub) % sizeof(r.text);
		memcpy(r.text, h.hub, n);
		r.text[n] = '\0';
		return proto_enc_reject(buf, cap, &r);
	case 5:
		return proto_enc_bye(buf, cap, (uint16_t)rnd());
	case 6:
		return proto_enc_keepalive(buf, cap);
	default:
		n = 14 + rnd() % 100;
		proto_put_hdr(buf, PROTO_FRAME, 0, (uint32_t)n);
		for (size_t i = 0; i < n; i++)
			buf[PROTO_HDR_LEN + i] = (uint8_t)rnd();
		return PROTO_HDR_LEN + n;
	}
}

/* A random buffer: raw bytes, or a message that is mutated, cut or extended. */
static size_t rnd_buffer(uint8_t *buf, size_t cap, struct fuzz_counts *fc)
{
	size_t n;

	if (rnd() % 4 == 0) {
		n = rnd() % 96;
		for (size_t i = 0; i < n; i++)
			buf[i] = (uint8_t)rnd();
		return n;
	}
	n = rnd_message(buf, cap - 64);
	FUZZ_CHECK(fc, n >= PROTO_HDR_LEN); /* every sample fits its buffer */
	if (n < PROTO_HDR_LEN)
		return 0;
	switch (rnd() % 4) {
	case 0: /* a few flipped bytes */
		for (uint32_t k = rnd() % 4; k > 0; k--)
			buf[rnd() % n] ^= (uint8_t)(1 + rnd() % 255);
		break;
	case 1: /* cut short */
		n = rnd() % n;
		break;
	case 2: /* extra bytes, sometimes counted in the header */
		for (uint32_t k = 1 + rnd() % 8; k > 0; k--)
			buf[n++] = (uint8_t)rnd();
		if (rnd() % 2)
			proto_put_hdr(buf, buf[4], buf[5], (uint32_t)(n - PROTO_HDR_LEN));
		break;
	default: /* intact */
		break;
	}
	return n;
}

static void fuzz_next(const uint8_t *buf, size_t n, struct fuzz_counts *fc)
{
	struct proto_msg m;
	const char *err = NULL;
	size_t used = 0, used2 = 0;
	int rc = proto_next(buf, n, &m, &used, &err);

	FUZZ_CHECK(fc, rc == -1 || rc == 0 || rc == 1);
	if (rc < -1 || rc > 1)
		return;
	fc->next[rc + 1]++;
	if (rc == 1) {
		FUZZ_CHECK(fc, err == NULL);
		FUZZ_CHECK(fc, used <= n);
		FUZZ_CHECK(fc, used == PROTO_HDR_LEN + (size_t)m.len);
		FUZZ_CHECK(fc, m.payload == buf + PROTO_HDR_LEN);
		FUZZ_CHECK(fc, m.type == buf[4] && m.flags == buf[5]);
		/* one byte less is "need more", never an error */
		FUZZ_CHECK(fc, proto_next(buf, used - 1, &m, &used2, &err) == 0);
	} else if (rc == -1) {
		FUZZ_CHECK(fc, err != NULL);
		FUZZ_CHECK(fc, n >= PROTO_HDR_LEN);
		/* decided on the header alone */
		FUZZ_CHECK(fc, proto_next(buf, PROTO_HDR_LEN, &m, &used2, &err) == -1);
	} else if (n >= PROTO_HDR_LEN) {
		uint32_t len = (uint32_t)buf[0] << 24 | (uint32_t)buf[1] << 16 |
			       (uint32_t)buf[2] << 8 | buf[3];

		FUZZ_CHECK(fc, len > n - PROTO_HDR_LEN);
	}
}

/* Decodes payload p[0..n) as every type; a success must re-encode to the same bytes. */
static void fuzz_decoders(const uint8_t *p, size_t n, struct fuzz_counts *fc)
{
	uint8_t *copy = fuzz_dup(p, n), out[MSG_MAX];
	struct proto_hello h;
	struct proto_challenge c;
	struct proto_auth a;
	struct proto_welcome w;
	struct proto_reject r;
	struct proto_msg m;
	uint16_t reason;

	for (int type = PROTO_HELLO; type <= PROTO_BYE; type++) {
		const char *err = NULL;
		size_t enc = 0;
		int rc;

		m = msg_of((uint8_t)type, copy, n);
		switch (type) {
		case PROTO_HELLO:
			rc = proto_dec_hello(&m, &h, &err);
			if (rc == 0) {
				FUZZ_CHECK(fc, proto_name_ok(h.hub) && proto_name_ok(h.user));
				enc = proto_enc_hello(out, sizeof(out), &h);
			}
			break;
		case PROTO_CHALLENGE:
			rc = proto_dec_challenge(&m, &c, &err);
			if (rc == 0) {
				FUZZ_CHECK(fc, c.salt_len <= PROTO_SALT_MAX);
				enc = proto_enc_challenge(out, sizeof(out), &c);
			}
			break;
		case PROTO_AUTH:
			rc = proto_dec_auth(&m, &a, &err);
			if (rc == 0)
				enc = proto_enc_auth(out, sizeof(out), &a);
			break;
		case PROTO_WELCOME:
			rc = proto_dec_welcome(&m, &w, &err);
			if (rc == 0) {
				FUZZ_CHECK(fc, w.npolicy <= PROTO_POLICY_MAX);
				enc = proto_enc_welcome(out, sizeof(out), &w);
			}
			break;
		case PROTO_REJECT:
			rc = proto_dec_reject(&m, &r, &err);
			if (rc == 0) {
				FUZZ_CHECK(fc, strlen(r.text) < sizeof(r.text));
				for (const char *s = r.text; *s; s++)
					FUZZ_CHECK(fc, (unsigned char)*s >= 0x20 && *s != 0x7f);
			}
			break; /* the text is sanitised: no byte-exact round trip */
		case PROTO_BYE:
			rc = proto_dec_bye(&m, &reason, &err);
			if (rc == 0)
				enc = proto_enc_bye(out, sizeof(out), reason);
			break;
		default:
			continue; /* no decoder for this type */
		}
		FUZZ_CHECK(fc, rc == 0 || rc == -1);
		if (rc) {
			FUZZ_CHECK(fc, err != NULL);
			fc->dec_fail++;
			continue;
		}
		fc->dec_ok++;
		if (type != PROTO_REJECT) {
			FUZZ_CHECK(fc, enc == PROTO_HDR_LEN + n);
			FUZZ_CHECK(fc, enc != PROTO_HDR_LEN + n ||
					   memcmp(out + PROTO_HDR_LEN, p, n) == 0);
		}
	}
	free(copy);
}

START_TEST(test_garbage_loop)
{
	static uint8_t buf[MSG_MAX + 128];
	struct fuzz_counts fc = {.failures = 0};

	rng = 0x9e3779b97f4a7c15ull;
	for (fc.iter = 0; fc.iter < 100000; fc.iter++) {
		size_t n = rnd_buffer(buf, sizeof(buf), &fc);
		uint8_t *exact = fuzz_dup(buf, n);

		fuzz_next(exact, n, &fc);
		free(exact);
		if (n >= PROTO_HDR_LEN)
			fuzz_decoders(buf + PROTO_HDR_LEN, n - PROTO_HDR_LEN, &fc);
		fuzz_decoders(buf, n, &fc);
	}
	ck_assert_msg(fc.failures == 0, "%u failed checks; first at line %d, buffer %u: %s",
		      fc.failures, fc.first_line, fc.first_iter, fc.first_what);
	/* the generator must reach every outcome, or the loop proves little */
	ck_assert_uint_gt(fc.next[0], 1000);
	ck_assert_uint_gt(fc.next[1], 1000);
	ck_assert_uint_gt(fc.next[2], 1000);
	ck_assert_uint_gt(fc.dec_ok, 10000);
	ck_assert_uint_gt(fc.dec_fail, 10000);
}
END_TEST

/* The data phase's keep-alive timers: a plain end, and one that answers. */
START_TEST(test_dataphase_keepalive_timers)
{
	struct stream st = {0}; /* nothing pending */
	struct dataphase dp;
	uint64_t t0 = 100000;

	dataphase_init(&dp, NULL, NULL, "in data phase", 4, 20, t0);
	ck_assert(!dataphase_keepalive_due(&dp, &st, t0 + 3999));
	ck_assert(dataphase_keepalive_due(&dp, &st, t0 + 4000));
	ck_assert_int_eq(dataphase_timeout_ms(&dp, &st, t0 + 1000), 3000);
	dp.last_rx = t0 + 2500; /* a plain end keeps its own timer only */
	ck_assert(!dataphase_keepalive_due(&dp, &st, t0 + 2500));

	dp.answers = true;
	ck_assert_int_eq(dataphase_timeout_ms(&dp, &st, t0 + 1000), 5000); /* 1.5 intervals */
	ck_assert(dataphase_keepalive_due(&dp, &st, t0 + 2500)); /* peer's came in, quiet 2 s */
	dp.last_rx = t0 + 1999; /* quiet less than half an interval: no answer */
	ck_assert(!dataphase_keepalive_due(&dp, &st, t0 + 1999));
	ck_assert(!dataphase_keepalive_due(&dp, &st, t0 + 5999)); /* nothing came in just now */
	ck_assert(dataphase_keepalive_due(&dp, &st, t0 + 6000));  /* its own timer */
	st.wlen = 1; /* a blocked write waits for POLLOUT, never for a keep-alive */
	dp.last_rx = t0 + 7000;
	ck_assert(!dataphase_keepalive_due(&dp, &st, t0 + 7000));
	ck_assert_int_eq(dataphase_timeout_ms(&dp, &st, t0 + 7000), 20000);
	ck_assert(!dataphase_peer_dead(&dp, t0 + 26999));
	ck_assert(dataphase_peer_dead(&dp, t0 + 27000));
}
END_TEST

Suite *proto_suite(void)
{
	Suite *s = suite_create("proto");
	TCase *tc = tcase_create("roundtrip");
	TCase *next = tcase_create("next");
	TCase *bad = tcase_create("malformed");
	TCase *fuzz = tcase_create("garbage");

	tcase_add_test(tc, test_hello_roundtrip);
	tcase_add_test(tc, test_encoders_refuse_short_buffers);
	tcase_add_test(tc, test_challenge_roundtrip);
	tcase_add_test(tc, test_auth_roundtrip);
	tcase_add_test(tc, test_welcome_roundtrip);
	tcase_add_test(tc, test_reject_roundtrip);
	tcase_add_test(tc, test_reject_long_text_is_cut);
	tcase_add_test(tc, test_bye_keepalive_roundtrip);
	tcase_add_test(tc, test_decoders_check_type);
	tcase_add_test(tc, test_reason_str);
	tcase_add_test(tc, test_message);
	tcase_add_test(tc, test_name_ok);
	tcase_add_test(tc, test_dataphase_keepalive_timers);
	suite_add_tcase(s, tc);

	tcase_add_test(next, test_next_split_every_offset);
	tcase_add_test(next, test_next_back_to_back);
	tcase_add_test(next, test_next_frame_bounds);
	tcase_add_test(next, test_next_vnet_bounds);
	tcase_add_test(next, test_next_control_bounds);
	tcase_add_test(next, test_next_bad_headers);
	suite_add_tcase(s, next);

	tcase_add_test(bad, test_hello_every_truncation);
	tcase_add_test(bad, test_hello_malformed);
	tcase_add_test(bad, test_decoders_truncated_and_trailing);
	tcase_add_test(bad, test_challenge_salt_too_long);
	tcase_add_test(bad, test_welcome_too_many_policies);
	tcase_add_test(bad, test_reject_nul_in_text);
	suite_add_tcase(s, bad);

	tcase_set_timeout(fuzz, 60);
	tcase_add_test(fuzz, test_garbage_loop);
	suite_add_tcase(s, fuzz);
	return s;
}
