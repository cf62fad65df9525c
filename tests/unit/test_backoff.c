// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * backoff.c: exponential per-source delays, bounded, in a bounded table;
 * authfail.c: their log lines, one per source and episode.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "authfail.h"
#include "backoff.h"
#include "log.h"
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

/* the daemon log lines written meanwhile, one after another */
static char logged[4096];
static unsigned nlogged;

static void capture(const char *level, const char *msg, size_t len)
{
	size_t n = strlen(logged);

	(void)level;
	snprintf(logged + n, sizeof(logged) - n, "%.*s\n", (int)len, msg);
	nlogged++;
}

START_TEST(test_failures_logged_once_per_episode)
{
	static struct authfail af;
	uint8_t a[16], b[16];
	uint64_t now = 1000000;

	logged[0] = '\0';
	nlogged = 0;
	log_set_sink(capture);
	authfail_init(&af);
	key_of(a, 0x0201a8c0); /* 192.168.1.2 */
	a[10] = a[11] = 0xff;
	key_of(b, 0x0301a8c0);
	b[10] = b[11] = 0xff;
	ck_assert(authfail_note(&af, a, "DEFAULT", NULL, "alice", now));
	ck_assert(authfail_note(&af, b, "DEFAULT", NULL, "alice", now)); /* another source */
	for (int i = 0; i < 500; i++)
		ck_assert(!authfail_note(&af, a, "DEFAULT", NULL, i % 2 ? "root" : "admin",
					 now + (uint64_t)i));
	for (int i = 0; i < 10; i++) { /* more names than kept: counted */
		char name[16];

		snprintf(name, sizeof(name), "user%d", i);
		ck_assert(!authfail_note(&af, a, "DEFAULT", NULL, name, now + 600));
	}
	authfail_report(&af, now + 1000); /* still going on: nothing yet */
	ck_assert_uint_eq(nlogged, 0);
	authfail_report(&af, now + 600 + AUTHFAIL_QUIET_MS); /* a quiet, then one line */
	ck_assert_uint_eq(nlogged, 1);
	ck_assert_ptr_nonnull(strstr(logged, "failed logins from 192.168.1.2 to hub DEFAULT: "
					     "510 more in 1 s (users admin, root, user0, user1 "
					     "and 8 more tries of other names); 511 in this "
					     "episode, which has ended"));
	/* b had no failure after its first: its episode ends without a line */
	ck_assert(authfail_note(&af, a, "DEFAULT", NULL, "alice", now + 20000)); /* afresh */
	for (int i = 1; i <= 70; i++) /* a long one: a line a minute while it goes on */
		authfail_note(&af, a, "DEFAULT", NULL, "alice", now + 20000 + 1000ull * i),
		    authfail_report(&af, now + 20000 + 1000ull * i);
	ck_assert_uint_eq(nlogged, 2);
	ck_assert_ptr_nonnull(strstr(logged, "60 more in 60 s (users alice); 61 in this episode "
					     "so far"));
	log_set_sink(NULL);
	authfail_destroy(&af);
}
END_TEST

START_TEST(test_failure_table_bounded)
{
	static struct authfail af;
	uint8_t k[16];

	logged[0] = '\0';
	nlogged = 0;
	log_set_sink(capture);
	authfail_init(&af);
	for (uint32_t i = 0; i < 200; i++) { /* each source twice: a count to report */
		key_of(k, i);
		authfail_note(&af, k, "DEFAULT", NULL, "alice", 1000 + i);
		authfail_note(&af, k, "DEFAULT", NULL, "bob", 1000 + i);
	}
	/* the pushed-out sources were summed up as they went, so nothing was lost */
	ck_assert_uint_eq(nlogged, 200 - AUTHFAIL_SLOTS);
	authfail_report(&af, UINT64_MAX);
	ck_assert_uint_eq(nlogged, 200);
	log_set_sink(NULL);
	authfail_destroy(&af);
}
END_TEST

Suite *backoff_suite(void)
{
	Suite *s = suite_create("backoff");
	TCase *tc = tcase_create("backoff");

	tcase_add_test(tc, test_doubles_up_to_the_bound);
	tcase_add_test(tc, test_table_stays_bounded);
	tcase_add_test(tc, test_failures_logged_once_per_episode);
	tcase_add_test(tc, test_failure_table_bounded);
	suite_add_tcase(s, tc);
	return s;
}
