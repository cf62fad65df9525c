// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The loop guard through the real switching path: a hub with two cascade
 * ports and one client, other hubs' probes built byte by byte and pushed
 * through hub_forward() on both cascade ports, as a hub on a cycle gets
 * them, with the clock in the test's hands.  Checked: one port blocked once
 * the loop lasted LOOPGUARD_CONFIRM_MS, and the other hubs told (a probe
 * flagged "topology changed"); no block under a hub with a higher
 * identifier; a block lifted when a hub with a higher identifier turns up on
 * the cycle later (two blocks would part the cycle) and when the loop goes.
 */
#include <stdlib.h>
#include <string.h>

#include "firewall.h"
#include "forward.h"
#include "hub.h"
#include "loopguard.h"
#include "session.h"
#include "suites.h"
#include "testframe.h"
#include "testhub.h"

#define PORTS 3 /* 1, 2: cascades to the two other hubs of a cycle; 3: a client */

static struct conf_hub ch;
static struct hub *h;
static struct session *port[PORTS + 1];
static atomic_ullong flood_bytes;
static uint64_t now;

static const uint8_t OUR_ID[8] = {0x80, 1, 2, 3, 4, 5, 6, 7};
static const uint8_t LOWER_ID[8] = {0x10, 1, 2, 3, 4, 5, 6, 7};
static const uint8_t HIGHER_ID[8] = {0xf0, 1, 2, 3, 4, 5, 6, 7};

static void hub_up(void)
{
	snprintf(ch.name, sizeof(ch.name), "TEST");
	h = testhub_new(&ch);
	loopguard_init(&h->lg);
	memcpy(h->lg.id, OUR_ID, 8);
	for (int i = 1; i <= PORTS; i++) {
		struct session *s = calloc(1, sizeof(*s));
		struct policy pol;

		ck_assert_ptr_nonnull(s);
		policy_defaults(&pol);
		s->id = (uint32_t)i;
		s->hub = h;
		s->kind = i <= 2 ? SESS_CASCADE : SESS_CLIENT;
		snprintf(s->user, sizeof(s->user), "port%d", i);
		ck_assert_int_eq(queue_init(&s->queue, 256, 1 << 20), 0);
		s->queue.flood_bytes = &flood_bytes;
		cong_params_default(&s->cong);
		fw_session_init(&s->fw, &pol, s->user, "", false);
		ck_assert_int_eq(hub_attach(h, s, 100, 0), 0);
		port[i] = s;
	}
	now = 1000000;
}

static void hub_down(void)
{
	for (int i = 1; i <= PORTS; i++) {
		testhub_leave(port[i]);
		port[i] = NULL;
	}
	testhub_free(h);
	memset(&ch, 0, sizeof(ch));
}

/* Another hub's probe number seq, as it arrives on port i. */
static void probe_in(int i, const uint8_t id[8], uint32_t seq)
{
	static const uint8_t dst[6] = {0x03, 0x76, 0x70, 0x6e, 0x68, 0x62};
	struct fb f = {.n = 0};
	struct pkt *p;

	tf_put(&f, dst, 6);
	tf_put8(&f, 0x02);
	tf_put(&f, id, 5);
	tf_put16(&f, 0x88b5);
	tf_put(&f, "VHLG", 4);
	tf_put8(&f, 1);
	tf_put(&f, id, 8);
	tf_put32(&f, seq);
	while (f.n < 60)
		tf_put8(&f, 0);
	p = pkt_new(f.b, (uint32_t)f.n, 0);
	ck_assert_ptr_nonnull(p);
	hub_forward(h, port[i], &p, 1, now);
	pkt_put(p);
}

/* Our own probes queued for port i since the last look: how many, and how many flagged TC. */
static unsigned own_probes(int i, unsigned *tc)
{
	struct pkt *out[256];
	uint32_t n = queue_drain(&port[i]->queue, out, 256);
	unsigned own = 0;

	for (uint32_t k = 0; k < n; k++) {
		if (out[k]->len >= 32 && memcmp(out[k]->data + 19, OUR_ID, 8) == 0) {
			own++;
			*tc += out[k]->data[31] & 1;
		}
		pkt_put(out[k]);
	}
	return own;
}

static void tick(void)
{
	pthread_mutex_lock(&h->lock);
	loopguard_tick(h, now);
	pthread_mutex_unlock(&h->lock);
}

/*
 * One period of a cycle: each origin's probe comes in on both cascade ports
 * (on port 2 only when only_port2), then the clock moves on a period.
 */
static void period(const uint8_t *ids[], int nids, uint32_t seq, bool only_port2)
{
	unsigned tc = 0;

	for (int k = 0; k < nids; k++) {
		if (!only_port2)
			probe_in(1, ids[k], seq);
		probe_in(2, ids[k], seq);
	}
	tick();
	for (int i = 1; i <= PORTS; i++)
		own_probes(i, &tc);
	now += LOOPGUARD_PERIOD_MS;
}

static int blocked_ports(void)
{
	return loopguard_port_blocked(port[1]) + loopguard_port_blocked(port[2]) +
	       loopguard_port_blocked(port[3]);
}

START_TEST(test_block_after_confirm)
{
	const uint8_t *ids[] = {LOWER_ID};
	unsigned tc = 0, own = 0;
	uint32_t seq = 1;

	hub_up();
	/* the loop lasts LOOPGUARD_CONFIRM_MS before the guard acts */
	for (; (seq - 1) * LOOPGUARD_PERIOD_MS < LOOPGUARD_CONFIRM_MS; seq++) {
		period(ids, 1, seq, false);
		ck_assert_int_eq(blocked_ports(), 0);
	}
	probe_in(1, LOWER_ID, seq);
	probe_in(2, LOWER_ID, seq);
	ck_assert_int_eq(blocked_ports(), 1);
	ck_assert(!loopguard_port_blocked(port[3])); /* a cascade port, not the client */
	/* the other hubs hear at once that the paths changed */
	for (int i = 1; i <= 2; i++)
		own += own_probes(i, &tc);
	ck_assert_uint_eq(own, 2);
	ck_assert_uint_eq(tc, 2);
	hub_down();
}
END_TEST

START_TEST(test_no_block_under_a_higher_hub)
{
	const uint8_t *ids[] = {LOWER_ID, HIGHER_ID};

	hub_up();
	for (uint32_t seq = 1; seq <= 15; seq++) {
		period(ids, 2, seq, false);
		ck_assert_int_eq(blocked_ports(), 0);
	}
	hub_down();
}
END_TEST

START_TEST(test_block_lifted_for_a_later_higher_hub)
{
	const uint8_t *lower[] = {LOWER_ID}, *both[] = {LOWER_ID, HIGHER_ID};
	uint64_t higher_since;
	uint32_t seq = 1;

	hub_up();
	/* the higher hub's probes reach us on one port only at first (they race) */
	for (; seq <= 4; seq++) {
		period(lower, 1, seq, false);
		probe_in(2, HIGHER_ID, seq);
	}
	ck_assert_int_eq(blocked_ports(), 1);
	/* then on two: it decides the loop, after its own LOOPGUARD_CONFIRM_MS */
	higher_since = now;
	for (; now - higher_since < LOOPGUARD_CONFIRM_MS + LOOPGUARD_PERIOD_MS; seq++) {
		ck_assert_int_eq(blocked_ports(), 1);
		period(both, 2, seq, false);
	}
	probe_in(1, HIGHER_ID, seq);
	ck_assert_int_eq(blocked_ports(), 0);
	/* and we leave it to that hub for as long as it is on the loop */
	for (seq++; seq <= 30; seq++) {
		period(both, 2, seq, false);
		ck_assert_int_eq(blocked_ports(), 0);
	}
	hub_down();
}
END_TEST

START_TEST(test_block_lifted_when_the_loop_goes)
{
	const uint8_t *ids[] = {LOWER_ID};
	uint32_t seq = 1;

	hub_up();
	for (; seq <= 4; seq++)
		period(ids, 1, seq, false);
	ck_assert_int_eq(blocked_ports(), 1);
	/* port 1's path fails: the probes come in on port 2 only */
	for (int n = 0; n * LOOPGUARD_PERIOD_MS < LOOPGUARD_WINDOW_MS; n++, seq++)
		period(ids, 1, seq, true);
	tick();
	ck_assert_int_eq(blocked_ports(), 0);
	hub_down();
}
END_TEST

Suite *loopguard_suite(void)
{
	Suite *s = suite_create("loopguard");
	TCase *tc = tcase_create("decide");

	tcase_add_test(tc, test_block_after_confirm);
	tcase_add_test(tc, test_no_block_under_a_higher_hub);
	tcase_add_test(tc, test_block_lifted_for_a_later_higher_hub);
	tcase_add_test(tc, test_block_lifted_when_the_loop_goes);
	suite_add_tcase(s, tc);
	return s;
}
