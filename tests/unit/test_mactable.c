// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * MAC learning table tests: learn, refresh and move with the per-port
 * counters, aging (lookups stop at aging_ms, sw_age purges), the per-port and
 * hub-wide bounds including reclaiming aged entries when full, forgetting a
 * port, VLAN separation, walking, and 10,000 entries with every count checked;
 * and macflap.c: moves between sessions logged once per episode.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "macflap.h"
#include "mactable.h"
#include "session.h"
#include "suites.h"

/* A locally administered unicast MAC numbered i. */
static void mac_of(uint32_t i, uint8_t mac[6])
{
	mac[0] = 0x02;
	mac[1] = 0x5e;
	mac[2] = (uint8_t)(i >> 24);
	mac[3] = (uint8_t)(i >> 16);
	mac[4] = (uint8_t)(i >> 8);
	mac[5] = (uint8_t)i;
}

static uint32_t mac_index(const uint8_t mac[6])
{
	return (uint32_t)mac[2] << 24 | (uint32_t)mac[3] << 16 | (uint32_t)mac[4] << 8 | mac[5];
}

static enum sw_learn_result learn(struct sw_table *t, uint32_t i, uint16_t vlan, struct sw_port *p,
				  uint64_t now)
{
	uint8_t mac[6];

	mac_of(i, mac);
	return sw_learn(t, mac, vlan, p, now);
}

static struct sw_port *lookup(struct sw_table *t, uint32_t i, uint16_t vlan, uint64_t now)
{
	uint8_t mac[6];

	mac_of(i, mac);
	return sw_lookup(t, mac, vlan, now);
}

START_TEST(test_learn_refresh_move)
{
	struct sw_table *t = sw_new(1024, 10000);
	struct sw_port a = {0}, b = {0};

	ck_assert_ptr_nonnull(t);
	ck_assert_ptr_null(lookup(t, 1, 0, 1000));
	ck_assert_int_eq(learn(t, 1, 0, &a, 1000), SW_LEARNED);
	ck_assert_uint_eq(sw_count(t), 1);
	ck_assert_uint_eq(a.nmacs, 1);
	ck_assert_ptr_eq(lookup(t, 1, 0, 1000), &a);
	ck_assert_ptr_null(lookup(t, 2, 0, 1000));

	ck_assert_int_eq(learn(t, 1, 0, &a, 2000), SW_REFRESHED);
	ck_assert_uint_eq(sw_count(t), 1);
	ck_assert_uint_eq(a.nmacs, 1);

	ck_assert_int_eq(learn(t, 1, 0, &b, 3000), SW_MOVED);
	ck_assert_uint_eq(sw_count(t), 1);
	ck_assert_uint_eq(a.nmacs, 0);
	ck_assert_uint_eq(b.nmacs, 1);
	ck_assert_ptr_eq(lookup(t, 1, 0, 3000), &b);

	ck_assert_int_eq(learn(t, 1, 0, &a, 4000), SW_MOVED);
	ck_assert_uint_eq(a.nmacs, 1);
	ck_assert_uint_eq(b.nmacs, 0);
	ck_assert_ptr_eq(lookup(t, 1, 0, 4000), &a);
	sw_free(t);
}
END_TEST

START_TEST(test_aging)
{
	struct sw_table *t = sw_new(1024, 1000);
	struct sw_port a = {0};

	ck_assert_int_eq(learn(t, 1, 0, &a, 10000), SW_LEARNED);
	ck_assert_int_eq(learn(t, 2, 0, &a, 10000), SW_LEARNED);
	/* a refresh restarts the clock */
	ck_assert_int_eq(learn(t, 2, 0, &a, 10500), SW_REFRESHED);
	ck_assert_ptr_eq(lookup(t, 1, 0, 10999), &a);
	/* aged: no longer attracts unicast, though not yet purged */
	ck_assert_ptr_null(lookup(t, 1, 0, 11000));
	ck_assert_ptr_eq(lookup(t, 2, 0, 11000), &a);
	ck_assert_uint_eq(sw_count(t), 2);
	ck_assert_uint_eq(a.nmacs, 2);

	/* only the stale entry is purged */
	sw_age(t, 11000);
	ck_assert_uint_eq(sw_count(t), 1);
	ck_assert_uint_eq(a.nmacs, 1);
	ck_assert_ptr_null(lookup(t, 1, 0, 11000));
	ck_assert_ptr_eq(lookup(t, 2, 0, 11000), &a);
	sw_age(t, 11499);
	ck_assert_uint_eq(sw_count(t), 1);
	sw_age(t, 11500);
	ck_assert_uint_eq(sw_count(t), 0);
	ck_assert_uint_eq(a.nmacs, 0);

	/* an aged entry comes back as a refresh of the same port */
	ck_assert_int_eq(learn(t, 3, 0, &a, 20000), SW_LEARNED);
	ck_assert_ptr_null(lookup(t, 3, 0, 25000));
	ck_assert_int_eq(learn(t, 3, 0, &a, 25000), SW_REFRESHED);
	ck_assert_ptr_eq(lookup(t, 3, 0, 25000), &a);
	sw_free(t);
}
END_TEST

/* Threads read the clock before the hub lock: an entry may be newer than a lookup's now. */
START_TEST(test_entry_newer_than_now)
{
	struct sw_table *t = sw_new(16, 1000);
	struct sw_port a = {0};

	ck_assert_ptr_nonnull(t);
	learn(t, 1, 0, &a, 5000);
	ck_assert_ptr_eq(lookup(t, 1, 0, 4999), &a);
	sw_age(t, 4990);
	ck_assert_uint_eq(sw_count(t), 1);
	ck_assert_ptr_eq(lookup(t, 1, 0, 5999), &a);
	ck_assert_ptr_null(lookup(t, 1, 0, 6000));
	sw_free(t);
}
END_TEST

START_TEST(test_port_limit)
{
	struct sw_table *t = sw_new(1024, 60000);
	struct sw_port a = {.max_macs = 3}, b = {0};

	for (uint32_t i = 0; i < 3; i++)
		ck_assert_int_eq(learn(t, i, 0, &a, 1000), SW_LEARNED);
	ck_assert_int_eq(learn(t, 3, 0, &a, 1000), SW_PORT_LIMIT);
	ck_assert_uint_eq(a.nmacs, 3);
	ck_assert_uint_eq(sw_count(t), 3);
	ck_assert_ptr_null(lookup(t, 3, 0, 1000));
	/* refreshing a known address is always allowed */
	ck_assert_int_eq(learn(t, 2, 0, &a, 1001), SW_REFRESHED);
	/* so is learning on an unlimited port, but moving onto the full port is not */
	ck_assert_int_eq(learn(t, 10, 0, &b, 1002), SW_LEARNED);
	ck_assert_int_eq(learn(t, 10, 0, &a, 1003), SW_PORT_LIMIT);
	ck_assert_ptr_eq(lookup(t, 10, 0, 1003), &b);
	ck_assert_uint_eq(b.nmacs, 1);
	/* moving one away makes room */
	ck_assert_int_eq(learn(t, 0, 0, &b, 1004), SW_MOVED);
	ck_assert_uint_eq(a.nmacs, 2);
	ck_assert_int_eq(learn(t, 3, 0, &a, 1005), SW_LEARNED);
	ck_assert_uint_eq(a.nmacs, 3);
	ck_assert_uint_eq(sw_count(t), 5);
	sw_free(t);
}
END_TEST

START_TEST(test_table_full)
{
	struct sw_table *t = sw_new(4, 5000);
	struct sw_port a = {0}, b = {0};

	for (uint32_t i = 0; i < 4; i++)
		ck_assert_int_eq(learn(t, i, 0, &a, 1000), SW_LEARNED);
	/* full of live entries: the purge runs and frees nothing */
	ck_assert_int_eq(learn(t, 4, 0, &a, 2000), SW_TABLE_FULL);
	ck_assert_int_eq(learn(t, 4, 0, &b, 2000), SW_TABLE_FULL);
	ck_assert_uint_eq(sw_count(t), 4);
	ck_assert_uint_eq(a.nmacs, 4);
	ck_assert_uint_eq(b.nmacs, 0);
	ck_assert_ptr_null(lookup(t, 4, 0, 2000));
	/* known entries can still be refreshed and moved */
	ck_assert_int_eq(learn(t, 0, 0, &a, 5900), SW_REFRESHED);
	ck_assert_int_eq(learn(t, 1, 0, &b, 5900), SW_MOVED);
	ck_assert_uint_eq(a.nmacs, 3);
	ck_assert_uint_eq(b.nmacs, 1);
	/* 2 and 3 are aged at 6000, but the last purge was under a second ago */
	ck_assert_int_eq(learn(t, 5, 0, &a, 5900), SW_TABLE_FULL);
	ck_assert_int_eq(learn(t, 5, 0, &a, 6100), SW_TABLE_FULL);
	ck_assert_uint_eq(sw_count(t), 4);
	/* a second after that purge, the aged entries are reclaimed */
	ck_assert_int_eq(learn(t, 5, 0, &a, 5900 + SW_AGE_INTERVAL_MS), SW_LEARNED);
	ck_assert_uint_eq(sw_count(t), 3);
	ck_assert_uint_eq(a.nmacs, 2);
	ck_assert_uint_eq(b.nmacs, 1);
	ck_assert_ptr_null(lookup(t, 2, 0, 6900));
	ck_assert_ptr_eq(lookup(t, 0, 0, 6900), &a);
	ck_assert_ptr_eq(lookup(t, 1, 0, 6900), &b);
	ck_assert_ptr_eq(lookup(t, 5, 0, 6900), &a);
	ck_assert_int_eq(learn(t, 6, 0, &b, 6900), SW_LEARNED);
	ck_assert_int_eq(learn(t, 7, 0, &b, 6900), SW_TABLE_FULL);
	sw_free(t);
}
END_TEST

START_TEST(test_full_reclaim_relinks)
{
	/*
	 * A full table of aged entries: the purge inside sw_learn frees the chain
	 * the new entry was about to be linked into, so its slot must be looked up
	 * again.  512 entries in 256 buckets leave few chains empty; under ASan a
	 * stale slot is a use after free, without it the new entry goes missing.
	 */
	struct sw_table *t = sw_new(512, 100);
	struct sw_port a = {0};
	uint64_t now = 1000;
	uint32_t next = 0;

	for (int round = 0; round < 20; round++) {
		while (sw_count(t) < 512)
			ck_assert_int_eq(learn(t, next++, 0, &a, now), SW_LEARNED);
		now += SW_AGE_INTERVAL_MS;
		ck_assert_int_eq(learn(t, next, 0, &a, now), SW_LEARNED);
		ck_assert_uint_eq(sw_count(t), 1);
		ck_assert_uint_eq(a.nmacs, 1);
		ck_assert_ptr_eq(lookup(t, next, 0, now), &a);
		next++;
	}
	sw_free(t);
}
END_TEST

START_TEST(test_forget_port)
{
	struct sw_table *t = sw_new(1024, 60000);
	struct sw_port a = {0}, b = {0}, c = {0};

	for (uint32_t i = 0; i < 50; i++)
		ck_assert_int_eq(learn(t, i, (uint16_t)(i % 4), i % 2 ? &a : &b, 1000), SW_LEARNED);
	ck_assert_uint_eq(a.nmacs, 25);
	ck_assert_uint_eq(b.nmacs, 25);
	sw_forget_port(t, &c); /* owns nothing */
	ck_assert_uint_eq(sw_count(t), 50);
	sw_forget_port(t, &a);
	ck_assert_uint_eq(sw_count(t), 25);
	ck_assert_uint_eq(a.nmacs, 0);
	ck_assert_uint_eq(b.nmacs, 25);
	for (uint32_t i = 0; i < 50; i++)
		ck_assert_ptr_eq(lookup(t, i, (uint16_t)(i % 4), 1000), i % 2 ? NULL : &b);
	/* a forgotten address is learned afresh */
	ck_assert_int_eq(learn(t, 1, 1, &c, 1000), SW_LEARNED);
	sw_forget_port(t, &b);
	sw_forget_port(t, &c);
	ck_assert_uint_eq(sw_count(t), 0);
	ck_assert_uint_eq(b.nmacs, 0);
	ck_assert_uint_eq(c.nmacs, 0);
	sw_free(t);
}
END_TEST

START_TEST(test_vlans_are_separate)
{
	struct sw_table *t = sw_new(1024, 60000);
	struct sw_port a = {0}, b = {0}, c = {0};

	ck_assert_int_eq(learn(t, 7, 1, &a, 1000), SW_LEARNED);
	ck_assert_int_eq(learn(t, 7, 2, &b, 1000), SW_LEARNED);
	/* differs only in the high byte of the VLAN id */
	ck_assert_int_eq(learn(t, 7, 0x101, &c, 1000), SW_LEARNED);
	ck_assert_uint_eq(sw_count(t), 3);
	ck_assert_ptr_eq(lookup(t, 7, 1, 1000), &a);
	ck_assert_ptr_eq(lookup(t, 7, 2, 1000), &b);
	ck_assert_ptr_eq(lookup(t, 7, 0x101, 1000), &c);
	ck_assert_ptr_null(lookup(t, 7, 0, 1000));
	ck_assert_ptr_null(lookup(t, 7, 4095, 1000));
	/* the same address seen on another VLAN of the same port is a new entry */
	ck_assert_int_eq(learn(t, 7, 3, &a, 1000), SW_LEARNED);
	ck_assert_uint_eq(a.nmacs, 2);
	sw_free(t);
}
END_TEST

struct walk_ctx {
	uint8_t seen[200];
	unsigned visits, stop_after;
	struct sw_port *ports;
};

static int walk_fn(void *vctx, const uint8_t mac[6], uint16_t vlan, struct sw_port *port,
		   uint64_t updated_ms)
{
	struct walk_ctx *w = vctx;
	uint32_t i = mac_index(mac);

	ck_assert_uint_lt(i, 200);
	ck_assert_uint_eq(vlan, i % 5);
	ck_assert_ptr_eq(port, &w->ports[i % 3]);
	ck_assert_uint_eq(updated_ms, 1000 + i);
	w->seen[i]++;
	w->visits++;
	return w->stop_after && w->visits == w->stop_after;
}

START_TEST(test_walk)
{
	struct sw_table *t = sw_new(1024, 60000);
	struct sw_port ports[3] = {{0}};
	struct walk_ctx w = {.ports = ports};

	for (uint32_t i = 0; i < 200; i++)
		ck_assert_int_eq(learn(t, i, (uint16_t)(i % 5), &ports[i % 3], 1000 + i),
				 SW_LEARNED);
	sw_walk(t, walk_fn, &w);
	ck_assert_uint_eq(w.visits, 200);
	for (int i = 0; i < 200; i++)
		ck_assert_uint_eq(w.seen[i], 1);

	memset(&w, 0, sizeof(w));
	w.ports = ports;
	w.stop_after = 10;
	sw_walk(t, walk_fn, &w);
	ck_assert_uint_eq(w.visits, 10);
	sw_free(t);
}
END_TEST

static int count_fn(void *ctx, const uint8_t mac[6], uint16_t vlan, struct sw_port *port,
		    uint64_t updated_ms)
{
	(void)mac;
	(void)vlan;
	(void)port;
	(void)updated_ms;
	(*(unsigned *)ctx)++;
	return 0;
}

START_TEST(test_stress_10k)
{
	enum { N = 10000, NPORTS = 4 };
	struct sw_table *t = sw_new(N, 600000);
	struct sw_port ports[NPORTS] = {{0}};
	unsigned walked = 0;

	ck_assert_ptr_nonnull(t);
	for (uint32_t i = 0; i < N; i++)
		ck_assert_int_eq(
		    learn(t, i * 2654435761u, (uint16_t)(i & 7), &ports[i % NPORTS], 1000),
		    SW_LEARNED);
	ck_assert_uint_eq(sw_count(t), N);
	ck_assert_int_eq(learn(t, 0xfffffff, 0, &ports[0], 1000), SW_TABLE_FULL);
	for (int p = 0; p < NPORTS; p++)
		ck_assert_uint_eq(ports[p].nmacs, N / NPORTS);
	for (uint32_t i = 0; i < N; i++)
		ck_assert_ptr_eq(lookup(t, i * 2654435761u, (uint16_t)(i & 7), 2000),
				 &ports[i % NPORTS]);

	/* move every even entry to the next port */
	for (uint32_t i = 0; i < N; i += 2)
		ck_assert_int_eq(
		    learn(t, i * 2654435761u, (uint16_t)(i & 7), &ports[(i + 1) % NPORTS], 3000),
		    SW_MOVED);
	ck_assert_uint_eq(ports[0].nmacs, 0);
	ck_assert_uint_eq(ports[1].nmacs, N / 2);
	ck_assert_uint_eq(ports[2].nmacs, 0);
	ck_assert_uint_eq(ports[3].nmacs, N / 2);
	sw_walk(t, count_fn, &walked);
	ck_assert_uint_eq(walked, N);

	sw_forget_port(t, &ports[1]);
	ck_assert_uint_eq(sw_count(t), N / 2);
	for (uint32_t i = 0; i < N; i++)
		ck_assert_ptr_eq(lookup(t, i * 2654435761u, (uint16_t)(i & 7), 4000),
				 i % 4 >= 2 ? &ports[3] : NULL);
	/* odd entries were last seen at 1000, even ones at 3000 */
	sw_age(t, 1000 + 600000 - 1);
	ck_assert_uint_eq(sw_count(t), N / 2);
	sw_age(t, 1000 + 600000);
	ck_assert_uint_eq(sw_count(t), N / 4);
	ck_assert_uint_eq(ports[3].nmacs, N / 4);
	sw_age(t, 3000 + 600000);
	ck_assert_uint_eq(sw_count(t), 0);
	for (int p = 0; p < NPORTS; p++)
		ck_assert_uint_eq(ports[p].nmacs, 0);
	sw_free(t);
}
END_TEST

static char flap_lines[2048];
static unsigned nflap;

static void flap_sink(const char *level, const char *msg, size_t len)
{
	size_t n = strlen(flap_lines);

	(void)level;
	snprintf(flap_lines + n, sizeof(flap_lines) - n, "%.*s\n", (int)len, msg);
	nflap++;
}

/* A MAC flapping between two sessions: one line as it starts, one summary as it settles. */
START_TEST(test_flapping_logged_once)
{
	static struct macflap f;
	static struct session a = {.id = 3, .user = "bob"}, b = {.id = 5, .user = "carol"};
	const uint8_t mac[6] = {2, 0, 0, 0, 0, 0x42}, other[6] = {2, 0, 0, 0, 0, 0x43};
	uint64_t now = 1000000;

	flap_lines[0] = '\0';
	nflap = 0;
	log_set_sink(flap_sink);
	ck_assert(macflap_moved(&f, "H", NULL, mac, 0, &b, now));
	for (int i = 1; i <= 6; i++)
		ck_assert(!macflap_moved(&f, "H", NULL, mac, 0, i % 2 ? &a : &b, now + 500ull * i));
	ck_assert(macflap_moved(&f, "H", NULL, other, 0, &a, now + 3000)); /* its own episode */
	macflap_report(&f, "H", NULL, now + 3000 + 5000); /* still within 10 s: nothing */
	ck_assert_uint_eq(nflap, 0);
	macflap_report(&f, "H", NULL, now + 3000 + FW_EPISODE_GAP_MS);
	ck_assert_uint_eq(nflap, 1); /* the other moved once: nothing to sum up */
	ck_assert_ptr_nonnull(strstr(flap_lines,
				     "MAC 02-00-00-00-00-42 (VLAN 0) moved 6 more times "
				     "in 3 s, to sessions 3 (bob), 5 (carol); 7 moves "
				     "in this episode, which has ended on session 5"));
	/* a move long after starts a new episode */
	ck_assert(macflap_moved(&f, "H", NULL, mac, 0, &a, now + 60000));
	log_set_sink(NULL);
}
END_TEST

Suite *mactable_suite(void)
{
	Suite *s = suite_create("mactable");
	TCase *tc = tcase_create("table");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_learn_refresh_move);
	tcase_add_test(tc, test_aging);
	tcase_add_test(tc, test_entry_newer_than_now);
	tcase_add_test(tc, test_port_limit);
	tcase_add_test(tc, test_table_full);
	tcase_add_test(tc, test_full_reclaim_relinks);
	tcase_add_test(tc, test_forget_port);
	tcase_add_test(tc, test_flapping_logged_once);
	tcase_add_test(tc, test_vlans_are_separate);
	tcase_add_test(tc, test_walk);
	tcase_add_test(tc, test_stress_10k);
	suite_add_tcase(s, tc);
	return s;
}
