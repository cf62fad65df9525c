// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * SoftEther wire codec tests: PACK round trips of every type, the decoder's
 * refusals (truncation at every byte, names, types, counts, duplicates,
 * trailing bytes), the HTTP envelope (heads of the four handshake messages,
 * split heads, bad lengths, the signature bodies) and the block framer
 * (batches fed a byte at a time, keepalives, oversize and over-limit
 * blocks), and the secure_password proof.
 */
#include <string.h>

#include "auth.h"
#include "bytes.h"
#include "seblock.h"
#include "sehttp.h"
#include "sepack.h"
#include "sha0.h"
#include "suites.h"

static struct sepack pk;

static long build_sample(uint8_t *buf, size_t cap)
{
	struct sepack_out o;
	const uint8_t rnd[20] = {1, 2, 3};

	sepack_out_init(&o, buf, cap);
	sepack_add_str(&o, "method", "login");
	sepack_add_int(&o, "authtype", 1);
	sepack_add_int64(&o, "big", 0x123456789abcdef0ull);
	sepack_add_data(&o, "random", rnd, sizeof(rnd));
	sepack_add_unistr(&o, "msg", "h\xc3\xa9llo");
	sepack_add_bool(&o, "use_encrypt", true);
	return sepack_out_finish(&o);
}

START_TEST(pack_round_trip)
{
	uint8_t buf[512], rnd[20];
	char s[32];
	const char *why = NULL;
	long n = build_sample(buf, sizeof(buf));

	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(sepack_decode(buf, (size_t)n, &pk, &why), 0);
	ck_assert_uint_eq(pk.count, 6);
	ck_assert_int_eq(sepack_get_str(&pk, "METHOD", s, sizeof(s)), 0);
	ck_assert_str_eq(s, "login");
	ck_assert_uint_eq(sepack_get_int(&pk, "authtype"), 1);
	ck_assert(sepack_get_int64(&pk, "big") == 0x123456789abcdef0ull);
	ck_assert_int_eq(sepack_get_data(&pk, "random", rnd, sizeof(rnd)), 0);
	ck_assert_uint_eq(rnd[2], 3);
	ck_assert_int_eq(sepack_get_data(&pk, "random", rnd, 19), -1);
	ck_assert_int_eq(sepack_get_str(&pk, "msg", s, sizeof(s)), 0);
	ck_assert_str_eq(s, "h\xc3\xa9llo");
	ck_assert(sepack_get_bool(&pk, "use_encrypt"));
	ck_assert_uint_eq(sepack_get_int(&pk, "absent"), 0);
	ck_assert_int_eq(sepack_get_str(&pk, "absent", s, sizeof(s)), -1);
	ck_assert_int_eq(sepack_get_str(&pk, "method", s, 5), -1);
	/* the wrong type is not found */
	ck_assert_ptr_null(sepack_find(&pk, "authtype", SEPACK_STR));
	/* the UNISTR carries its NUL on the wire */
	ck_assert_ptr_nonnull(sepack_find(&pk, "msg", SEPACK_UNISTR));
	ck_assert_uint_eq(sepack_find(&pk, "msg", SEPACK_UNISTR)->first.len, 6);
}
END_TEST

START_TEST(pack_every_truncation_refused)
{
	uint8_t buf[512];
	const char *why;
	long n = build_sample(buf, sizeof(buf));

	for (long i = 0; i < n; i++)
		ck_assert_msg(sepack_decode(buf, (size_t)i, &pk, &why) == -1, "len %ld", i);
	ck_assert_int_eq(sepack_decode(buf, (size_t)n + 0, &pk, &why), 0);
	buf[n] = 0;
	ck_assert_int_eq(sepack_decode(buf, (size_t)n + 1, &pk, &why), -1);
	ck_assert_str_eq(why, "PACK followed by trailing bytes");
}
END_TEST

static size_t raw_elem(uint8_t *p, uint32_t name_len1, const char *name, uint32_t type,
		       uint32_t nvals)
{
	size_t n = 0;

	put_be32(p, name_len1);
	n += 4;
	for (const char *c = name; *c; c++)
		p[n++] = (uint8_t)*c;
	put_be32(p + n, type);
	put_be32(p + n + 4, nvals);
	return n + 8;
}

START_TEST(pack_refusals)
{
	uint8_t b[256];
	const char *why;
	size_t n;
	char longname[70];

	/* unknown type */
	put_be32(b, 1);
	n = 4 + raw_elem(b + 4, 2, "a", 5, 1);
	put_be32(b + n, 0);
	ck_assert_int_eq(sepack_decode(b, n + 4, &pk, &why), -1);
	ck_assert_str_eq(why, "element type unknown");
	/* zero values */
	n = 4 + raw_elem(b + 4, 2, "a", 0, 0);
	ck_assert_int_eq(sepack_decode(b, n, &pk, &why), -1);
	/* empty name (length field 1) and length field 0 */
	n = 4 + raw_elem(b + 4, 1, "", 0, 1);
	put_be32(b + n, 7);
	ck_assert_int_eq(sepack_decode(b, n + 4, &pk, &why), -1);
	put_be32(b + 4, 0);
	ck_assert_int_eq(sepack_decode(b, n + 4, &pk, &why), -1);
	/* a 64-byte name */
	memset(longname, 'x', 64);
	longname[64] = '\0';
	n = 4 + raw_elem(b + 4, 65, longname, 0, 1);
	put_be32(b + n, 7);
	ck_assert_int_eq(sepack_decode(b, n + 4, &pk, &why), -1);
	/* 63 bytes is fine */
	longname[63] = '\0';
	n = 4 + raw_elem(b + 4, 64, longname, 0, 1);
	put_be32(b + n, 7);
	ck_assert_int_eq(sepack_decode(b, n + 4, &pk, &why), 0);
	/* a duplicate name, differing in case */
	put_be32(b, 2);
	n = 4 + raw_elem(b + 4, 2, "a", 0, 1);
	put_be32(b + n, 1);
	n += 4;
	n += raw_elem(b + n, 2, "A", 0, 1);
	put_be32(b + n, 2);
	ck_assert_int_eq(sepack_decode(b, n + 4, &pk, &why), -1);
	ck_assert_str_eq(why, "PACK has a duplicate element name");
	/* too many elements */
	put_be32(b, SEPACK_MAX_ELEMS + 1);
	ck_assert_int_eq(sepack_decode(b, 4, &pk, &why), -1);
	/* a DATA length past the end */
	put_be32(b, 1);
	n = 4 + raw_elem(b + 4, 2, "d", 1, 1);
	put_be32(b + n, 0xfffffff0u);
	ck_assert_int_eq(sepack_decode(b, n + 4, &pk, &why), -1);
}
END_TEST

START_TEST(pack_multi_value_and_overflow)
{
	uint8_t b[64], small[20];
	struct sepack_value v;
	struct sepack_out o;
	const char *why;
	size_t n;

	put_be32(b, 1);
	n = 4 + raw_elem(b + 4, 2, "i", 0, 3);
	for (uint32_t i = 0; i < 3; i++)
		put_be32(b + n + 4 * i, 10 + i);
	ck_assert_int_eq(sepack_decode(b, n + 12, &pk, &why), 0);
	sepack_value_at(&pk.elem[0], 2, &v);
	ck_assert(v.num == 12);
	sepack_out_init(&o, small, sizeof(small));
	sepack_add_str(&o, "method", "login");
	ck_assert_int_eq(sepack_out_finish(&o), -1);
	sepack_out_init(&o, b, sizeof(b));
	sepack_add_int(&o, "", 1);
	ck_assert_int_eq(sepack_out_finish(&o), -1);
}
END_TEST

START_TEST(pack_pencore_bounded)
{
	static uint8_t buf[2048];
	struct sepack_out o;
	const char *why;
	long n;

	for (int i = 0; i < 20; i++) {
		sepack_out_init(&o, buf, sizeof(buf));
		sepack_add_pencore(&o);
		n = sepack_out_finish(&o);
		ck_assert_int_gt(n, 0);
		ck_assert_int_eq(sepack_decode(buf, (size_t)n, &pk, &why), 0);
		ck_assert_uint_lt(sepack_find(&pk, "pencore", SEPACK_DATA)->first.len, 1000);
	}
}
END_TEST

/* --- HTTP --- */

START_TEST(http_signature_request)
{
	char head[512];
	struct sehttp_head h;
	const char *why;
	int n =
	    sehttp_post_head(head, sizeof(head), SEHTTP_SIG_TARGET, "10.0.0.1", "image/jpeg", 10);

	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(sehttp_is_signature_start((const uint8_t *)head, (size_t)n), 1);
	ck_assert_int_eq(sehttp_is_signature_start((const uint8_t *)head, 4), -1);
	ck_assert_int_eq(sehttp_is_signature_start((const uint8_t *)"\x00\x01", 2), 0);
	for (int i = 0; i < n; i++)
		ck_assert_int_eq(sehttp_head_len(head, (size_t)i), 0);
	ck_assert_int_eq(sehttp_head_len(head, (size_t)n), n);
	ck_assert_int_eq(sehttp_head_parse(head, (size_t)n, &h, &why), 0);
	ck_assert(!h.is_response);
	ck_assert_str_eq(h.method, "POST");
	ck_assert_str_eq(h.target, SEHTTP_SIG_TARGET);
	ck_assert(h.has_length);
	ck_assert_uint_eq(h.content_length, 10);
	ck_assert_str_eq(h.content_type, "image/jpeg");
}
END_TEST

START_TEST(http_response_and_refusals)
{
	char head[512];
	struct sehttp_head h;
	const char *why;
	int n = sehttp_ok_head(head, sizeof(head), 1234);

	ck_assert_int_eq(sehttp_head_parse(head, (size_t)n, &h, &why), 0);
	ck_assert(h.is_response);
	ck_assert_int_eq(h.status, 200);
	ck_assert_uint_eq(h.content_length, 1234);
	n = sehttp_error_head(head, sizeof(head), 403);
	ck_assert_int_eq(sehttp_head_parse(head, (size_t)n, &h, &why), 0);
	ck_assert_int_eq(h.status, 403);
	/* LF-only heads */
	strcpy(head, "POST /x HTTP/1.0\nContent-Length: 5\n\n");
	ck_assert_int_eq(sehttp_head_len(head, strlen(head)), (int)strlen(head));
	ck_assert_int_eq(sehttp_head_parse(head, strlen(head), &h, &why), 0);
	/* refusals */
	strcpy(head, "POST /x HTTP/1.1\r\nContent-Length: 5\r\ncontent-length: 5\r\n\r\n");
	ck_assert_int_eq(sehttp_head_parse(head, strlen(head), &h, &why), -1);
	strcpy(head, "POST /x HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n");
	ck_assert_int_eq(sehttp_head_parse(head, strlen(head), &h, &why), -1);
	strcpy(head, "POST /x HTTP/1.1\r\nContent-Length: -1\r\n\r\n");
	ck_assert_int_eq(sehttp_head_parse(head, strlen(head), &h, &why), -1);
	strcpy(head, "POST  HTTP/1.1\r\n\r\n");
	ck_assert_int_eq(sehttp_head_parse(head, strlen(head), &h, &why), -1);
	strcpy(head, "HTTP/1.1 2x0 OK\r\n\r\n");
	ck_assert_int_eq(sehttp_head_parse(head, strlen(head), &h, &why), -1);
	strcpy(head, "POST /x HTTP/1.1\r\nnocolon\r\n\r\n");
	ck_assert_int_eq(sehttp_head_parse(head, strlen(head), &h, &why), -1);
	ck_assert_int_eq(sehttp_post_head(head, 20, "/x", "h", "t", 1), -1);
}
END_TEST

START_TEST(http_head_too_long)
{
	static char big[SEHTTP_HEAD_MAX + 10];

	memset(big, 'a', sizeof(big));
	ck_assert_int_eq(sehttp_head_len(big, SEHTTP_HEAD_MAX - 1), 0);
	ck_assert_int_eq(sehttp_head_len(big, sizeof(big)), -1);
}
END_TEST

START_TEST(http_signature_bodies)
{
	static uint8_t wm[SEHTTP_WATERMARK_LEN + SEHTTP_WATERMARK_PAD_MAX];

	ck_assert(sehttp_signature_ok((const uint8_t *)"VPNCONNECT", 10));
	ck_assert(!sehttp_signature_ok((const uint8_t *)"VPNCONNECX", 10));
	memcpy(wm, (const uint8_t[]){'G', 'I', 'F', '8', '9', 'a'}, 6);
	ck_assert(sehttp_signature_ok(wm, SEHTTP_WATERMARK_LEN));
	ck_assert(sehttp_signature_ok(wm, SEHTTP_WATERMARK_LEN + 1999));
	ck_assert(!sehttp_signature_ok(wm, SEHTTP_WATERMARK_LEN + 2000));
	ck_assert(!sehttp_signature_ok(wm, SEHTTP_WATERMARK_LEN - 1));
	wm[0] = 'X';
	ck_assert(!sehttp_signature_ok(wm, SEHTTP_WATERMARK_LEN));
}
END_TEST

/* --- blocks --- */

static size_t sample_stream(uint8_t *s)
{
	size_t n = 0, k;

	n += seblock_put_count(s + n, 2);
	n += seblock_put_len(s + n, 60);
	memset(s + n, 0xaa, 60);
	n += 60;
	n += seblock_put_len(s + n, 1601);
	memset(s + n, 0xbb, 1601);
	n += 1601;
	n += seblock_put_count(s + n, 0); /* an empty batch */
	k = seblock_put_keepalive(s + n, 600);
	ck_assert_uint_gt(k, 8);
	n += k;
	n += seblock_put_count(s + n, 1);
	n += seblock_put_len(s + n, 0);
	return n;
}

/* Feeds the stream through a window growing by step bytes; counts the kinds. */
static void run_stream(const uint8_t *s, size_t len, size_t step, int counts[5])
{
	struct seblock_rx rx = {0};
	struct seblock_item it;
	size_t pos = 0, avail = 0;

	memset(counts, 0, 5 * sizeof(int));
	while (pos < len) {
		size_t used = seblock_next(&rx, s + pos, avail - pos, &it);

		pos += used;
		if (it.kind == SEBLOCK_NEED_MORE) {
			ck_assert_uint_lt(avail, len);
			avail = avail + step > len ? len : avail + step;
			continue;
		}
		counts[it.kind]++;
		if (it.kind == SEBLOCK_FRAME && it.len == 60)
			ck_assert_uint_eq(it.data[59], 0xaa);
	}
}

START_TEST(block_stream_any_split)
{
	static uint8_t s[4096];
	size_t len = sample_stream(s);
	int c[5];

	for (size_t step = 1; step < 40; step += 7) {
		run_stream(s, len, step, c);
		ck_assert_int_eq(c[SEBLOCK_FRAME], 2);
		ck_assert_int_eq(c[SEBLOCK_OVERSIZE], 1);
		ck_assert_int_eq(c[SEBLOCK_KEEPALIVE], 1);
		ck_assert_int_eq(c[SEBLOCK_ERROR], 0);
	}
}
END_TEST

START_TEST(block_limits)
{
	uint8_t s[16];
	struct seblock_rx rx = {0};
	struct seblock_item it;

	seblock_put_count(s, 1);
	seblock_put_len(s + 4, SEBLOCK_WIRE_MAX + 1);
	(void)seblock_next(&rx, s, 8, &it);
	ck_assert_int_eq(it.kind, SEBLOCK_ERROR);
	rx.blocks_left = 0;
	put_be32(s, SEBLOCK_KEEPALIVE_MAGIC);
	put_be32(s + 4, SEBLOCK_KEEPALIVE_MAX + 1);
	(void)seblock_next(&rx, s, 8, &it);
	ck_assert_int_eq(it.kind, SEBLOCK_ERROR);
	put_be32(s + 4, SEBLOCK_KEEPALIVE_MAX);
	ck_assert_uint_eq(seblock_next(&rx, s, 8, &it), 0);
	ck_assert_int_eq(it.kind, SEBLOCK_NEED_MORE);
	for (int i = 0; i < 100; i++) {
		uint32_t t = seblock_keepalive_interval_ms(20000);

		ck_assert_uint_ge(t, 4000);
		ck_assert_uint_lt(t, 10000);
	}
}
END_TEST

START_TEST(secure_password_proof)
{
	uint8_t hash[20], rnd[20], proof[20], want[20], cat[40];

	auth_softether_hash("pw", "alice", hash);
	memset(rnd, 7, sizeof(rnd));
	auth_softether_secure_password(hash, rnd, proof);
	memcpy(cat, hash, 20);
	memcpy(cat + 20, rnd, 20);
	sha0(cat, sizeof(cat), want);
	ck_assert_mem_eq(proof, want, 20);
	ck_assert(auth_softether_secure_password_ok(hash, rnd, proof));
	rnd[0] ^= 1;
	ck_assert(!auth_softether_secure_password_ok(hash, rnd, proof));
}
END_TEST

Suite *sewire_suite(void)
{
	Suite *s = suite_create("sewire");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, pack_round_trip);
	tcase_add_test(tc, pack_every_truncation_refused);
	tcase_add_test(tc, pack_refusals);
	tcase_add_test(tc, pack_multi_value_and_overflow);
	tcase_add_test(tc, pack_pencore_bounded);
	tcase_add_test(tc, http_signature_request);
	tcase_add_test(tc, http_response_and_refusals);
	tcase_add_test(tc, http_head_too_long);
	tcase_add_test(tc, http_signature_bodies);
	tcase_add_test(tc, block_stream_any_split);
	tcase_add_test(tc, block_limits);
	tcase_add_test(tc, secure_password_proof);
	suite_add_tcase(s, tc);
	return s;
}
