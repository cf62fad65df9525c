// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Broadcast-storm limiter: a key under the threshold is never limited; above
 * it the discard value doubles per window up to dropping everything; quiet
 * windows relax it; keys are separate (normal mode) or merged (strict mode);
 * NoBroadcastLimiter exempts; a source rotating its keys beyond the bounded
 * table is caught by the session-wide entry.
 */
#include <string.h>

#include "storm.h"
#include "suites.h"

static struct storm_key key(uint8_t mac, uint8_t sip, uint8_t dip)
{
	struct storm_key k;

	memset(&k, 0, sizeof(k));
	k.src_mac[0] = 2;
	k.src_mac[5] = mac;
	k.src_ip[0] = 10;
	k.src_ip[3] = sip;
	k.dst_ip[0] = 10;
	k.dst_ip[3] = dip;
	return k;
}

/* Sends n frames of k evenly over ms milliseconds from t; returns how many were dropped. */
static int send_frames(struct storm *s, const struct storm_key *k, uint64_t t, int n, int ms)
{
	int dropped = 0;

	for (int i = 0; i < n; i++)
		dropped += storm_check(s, k, t + (uint64_t)i * (uint64_t)ms / (uint64_t)n);
	return dropped;
}

START_TEST(test_under_threshold)
{
	struct storm s;
	struct storm_key k = key(1, 1, 255);

	storm_init(&s, 0, false, false);
	ck_assert_uint_eq(s.threshold, STORM_THRESHOLD_DEFAULT);
	/* 10 frames per second for 10 s */
	ck_assert_int_eq(send_frames(&s, &k, 1000, 100, 10000), 0);
}
END_TEST

START_TEST(test_storm_escalates_and_relaxes)
{
	struct storm s;
	struct storm_key k = key(1, 1, 255), other = key(2, 2, 255);
	int first, later;
	uint64_t t = 1000;

	storm_init(&s, 0, false, false);
	/* 1000 frames per second */
	first = send_frames(&s, &k, t, 500, 500);
	t += 500;
	for (int w = 0; w < 10; w++, t += 500)
		later = send_frames(&s, &k, t, 500, 500);
	ck_assert_int_le(first, 1);
	ck_assert_int_eq(later, 500); /* discard value past 128: everything */
	/* another source is not affected */
	ck_assert_int_eq(send_frames(&s, &other, t, 10, 500), 0);
	/* quiet for 10 s, then one frame per 600 ms: each window halves the discard
	 * value (1024 to 2 in nine), after which nothing is dropped */
	t += 10000;
	ck_assert_int_ge(send_frames(&s, &k, t, 10, 6000), 8);
	ck_assert_int_eq(send_frames(&s, &k, t + 6000, 5, 3000), 0);
}
END_TEST

/* Drops of 5 s of one key at 1000 frames per second under the given settings. */
static int drops_in_5s(uint32_t threshold, bool disabled)
{
	struct storm s;
	struct storm_key k = key(1, 1, 255);
	uint64_t t = 1000;
	int dropped = 0;

	storm_init(&s, threshold, false, disabled);
	for (int w = 0; w < 10; w++, t += 500)
		dropped += send_frames(&s, &k, t, 500, 500);
	return dropped;
}

START_TEST(test_custom_threshold)
{
	ck_assert_int_gt(drops_in_5s(0, false), 2000);
	ck_assert_int_eq(drops_in_5s(5000, false), 0); /* 1000/s < 5000/s */
}
END_TEST

START_TEST(test_no_broadcast_limiter)
{
	ck_assert_int_eq(drops_in_5s(0, true), 0);
}
END_TEST

START_TEST(test_strict_mode_merges_keys)
{
	struct storm normal, strict;
	uint64_t t = 1000;
	int dn = 0, ds = 0;

	storm_init(&normal, 0, false, false);
	storm_init(&strict, 0, true, false);
	/* one source address to 20 destinations, each 20 frames per second */
	for (int w = 0; w < 10; w++, t += 500)
		for (int d = 0; d < 20; d++) {
			struct storm_key k = key(1, 1, (uint8_t)d);

			dn += send_frames(&normal, &k, t, 10, 500);
			ds += send_frames(&strict, &k, t, 10, 500);
		}
	ck_assert_int_eq(dn, 0);
	ck_assert_int_gt(ds, 1000);
}
END_TEST

START_TEST(test_rotating_keys_keep_discard)
{
	struct storm s;
	uint64_t t = 1000;
	int dropped = 0, total = 0;

	storm_init(&s, 0, false, false);
	/* every frame a new destination: far more keys than the table holds, 2000 per second */
	for (int w = 0; w < 20; w++, t += 500)
		for (int i = 0; i < 1000; i++) {
			struct storm_key k = key(1, 1, 0);

			k.dst_ip[2] = (uint8_t)(i >> 8);
			k.dst_ip[3] = (uint8_t)i;
			dropped += storm_check(&s, &k, t + (uint64_t)i / 2);
			total++;
		}
	/* 2000 frames per second, each key alone at one: the session-wide entry limits them */
	ck_assert_int_eq(total, 20000);
	ck_assert_int_gt(dropped, 15000);
}
END_TEST

Suite *storm_suite(void)
{
	Suite *s = suite_create("storm");
	TCase *tc = tcase_create("storm");

	tcase_add_test(tc, test_under_threshold);
	tcase_add_test(tc, test_storm_escalates_and_relaxes);
	tcase_add_test(tc, test_custom_threshold);
	tcase_add_test(tc, test_no_broadcast_limiter);
	tcase_add_test(tc, test_strict_mode_merges_keys);
	tcase_add_test(tc, test_rotating_keys_keep_discard);
	suite_add_tcase(s, tc);
	return s;
}
