// SPDX-License-Identifier: GPL-2.0-or-later
/* backoff.c: exponential per-source delays, bounded, in a bounded table. */
#include <check.h>
#include <string.h>

#include "backoff.h"
#include "suites.h"

static void key_of(uint8_t key[16], uint32_t n)
{
	memset(key, 0, 16);
	memcpy(key + 12, &n, 4);
}

START_TEST(test_doubles_up_to_the_bound)
{
	struct backoff b;
	uint8_t a[16], other[16];
	uint64_t now = 1000000;

	ck_assert_int_eq(backoff_init(&b, 64), 0);
	key_of(a, 1);
	key_of(other, 2);
	ck_assert_uint_eq(backoff_wait_ms(&b, a, now), 0);
	backoff_failed(&b, a, now, 100, 1000);
	ck_assert_uint_eq(backoff_wait_ms(&b, a, now), 100);
	backoff_failed(&b, a, now, 100, 1000);
	ck_assert_uint_eq(backoff_wait_ms(&b, a, now), 200);
	backoff_failed(&b, a, now, 100, 1000);
	backoff_failed(&b, a, now, 100, 1000);
	ck_assert_uint_eq(backoff_wait_ms(&b, a, now), 800);
	for (int i = 0; i < 40; i++)
		backoff_failed(&b, a, now, 100, 1000);
	ck_assert_uint_eq(backoff_wait_ms(&b, a, now), 1000); /* bounded, no overflow */
	ck_assert_uint_eq(backoff_wait_ms(&b, a, now + 1000), 0);
	ck_assert_uint_eq(backoff_wait_ms(&b, other, now), 0); /* others unaffected */
	backoff_failed(&b, other, now, 0, 1000);	       /* base 0: off */
	ck_assert_uint_eq(backoff_wait_ms(&b, other, now), 0);
	backoff_free(&b);
}
END_TEST

START_TEST(test_table_stays_bounded)
{
	struct backoff b;
	uint8_t k[16];

	ck_assert_int_eq(backoff_init(&b, 16), 0);
	for (uint32_t i = 0; i < 100000; i++) { /* random sources cannot grow it */
		key_of(k, i);
		backoff_failed(&b, k, 1000 + i, 100, 30000);
	}
	ck_assert_uint_eq(b.nslots, 16);
	key_of(k, 99999); /* the newest is still remembered */
	ck_assert_uint_gt(backoff_wait_ms(&b, k, 1000 + 99999), 0);
	backoff_free(&b);
}
END_TEST

Suite *backoff_suite(void)
{
	Suite *s = suite_create("backoff");
	TCase *tc = tcase_create("backoff");

	tcase_add_test(tc, test_doubles_up_to_the_bound);
	tcase_add_test(tc, test_table_stays_bounded);
	suite_add_tcase(s, tc);
	return s;
}
