// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Congestion control: frame classification (control versus bulk, storm
 * keys), the destination's drain-rate, delay and congestion state, early
 * drops aimed at the heaviest source only on CoDel's schedule, source pacing (start on a large
 * loss share or on persistent non-TCP loss, AIMD, end when quiet), and
 * through queue_push_cc the control-frame headroom, eviction of bulk for
 * control, the flood quota and the per-source accounting.
 */
#include <string.h>

#include "congestion.h"
#include "packet.h"
#include "queue.h"
#include "suites.h"

/* An Ethernet frame with ethertype type and l3 bytes after the 14-byte header. */
static size_t eth(uint8_t *buf, uint16_t type, const uint8_t *l3, size_t l3len)
{
	static const uint8_t dst[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	static const uint8_t src[6] = {0x02, 0, 0, 0, 0, 1};

	memcpy(buf, dst, 6);
	memcpy(buf + 6, src, 6);
	buf[12] = (uint8_t)(type >> 8);
	buf[13] = (uint8_t)type;
	memcpy(buf + 14, l3, l3len);
	return 14 + l3len;
}

/* IPv4 header (20 bytes) with protocol proto, then l4 bytes. */
static size_t ipv4(uint8_t *out, uint8_t proto, const uint8_t *l4, size_t l4len)
{
	memset(out, 0, 20);
	out[0] = 0x45;
	out[2] = (uint8_t)((20 + l4len) >> 8); /* total length */
	out[3] = (uint8_t)(20 + l4len);
	out[8] = 64;
	out[9] = proto;
	memcpy(out + 12, (uint8_t[]){10, 77, 0, 1}, 4);
	memcpy(out + 16, (uint8_t[]){10, 77, 0, 2}, 4);
	memcpy(out + 20, l4, l4len);
	return 20 + l4len;
}

static struct cong_frame classify(const uint8_t *frame, size_t len)
{
	struct pkt_info pi;
	struct cong_frame cf;

	ck_assert_int_eq(pkt_parse(frame, len, NULL, &pi), 0);
	cong_classify(&pi, &cf);
	return cf;
}

static struct cong_frame classify_ipv4(uint8_t proto, const uint8_t *l4, size_t l4len)
{
	uint8_t l3[320], f[360];
	size_t l3len = ipv4(l3, proto, l4, l4len);

	return classify(f, eth(f, 0x0800, l3, l3len));
}

START_TEST(test_classify_control)
{
	uint8_t arp[28] = {0, 1, 8, 0, 6, 4, 0, 1};
	uint8_t f[160];
	uint8_t tcp[20] = {[12] = 0x50}, udp[248] = {0}, icmp[8] = {8};
	struct cong_frame cf;

	memcpy(arp + 14, (uint8_t[]){10, 77, 0, 1}, 4);
	memcpy(arp + 24, (uint8_t[]){10, 77, 0, 9}, 4);
	cf = classify(f, eth(f, 0x0806, arp, sizeof(arp)));
	ck_assert(cf.control);
	ck_assert_mem_eq(cf.key.src_ip, ((uint8_t[]){10, 77, 0, 1}), 4);
	ck_assert_mem_eq(cf.key.dst_ip, ((uint8_t[]){10, 77, 0, 9}), 4);
	ck_assert_mem_eq(cf.key.src_mac, f + 6, 6);

	ck_assert(classify_ipv4(1, icmp, sizeof(icmp)).control);
	tcp[13] = 0x02; /* SYN */
	ck_assert(classify_ipv4(6, tcp, sizeof(tcp)).control);
	tcp[13] = 0x11; /* FIN ACK */
	ck_assert(classify_ipv4(6, tcp, sizeof(tcp)).control);
	tcp[13] = 0x04; /* RST */
	ck_assert(classify_ipv4(6, tcp, sizeof(tcp)).control);
	udp[1] = 68;
	udp[3] = 67; /* DHCP client to server: a BOOTP request with the magic cookie */
	udp[4] = 0;
	udp[5] = sizeof(udp) & 0xff;
	udp[8] = 1;
	udp[9] = 1;
	udp[10] = 6;
	memcpy(udp + 8 + 236, (uint8_t[]){0x63, 0x82, 0x53, 0x63}, 4);
	cf = classify_ipv4(17, udp, sizeof(udp));
	ck_assert(cf.control);
	ck_assert_mem_eq(cf.key.dst_ip, ((uint8_t[]){10, 77, 0, 2}), 4);
}
END_TEST

START_TEST(test_classify_bulk)
{
	uint8_t tcp[20] = {[12] = 0x50}, udp[8] = {0x13, 0x88, 0x13, 0x89, 0, 8}, icmp[8] = {8};
	uint8_t l3[64], f[128];
	size_t n;

	tcp[13] = 0x18; /* PSH ACK */
	ck_assert(!classify_ipv4(6, tcp, sizeof(tcp)).control);
	ck_assert(!classify_ipv4(17, udp, sizeof(udp)).control);
	/* a TCP header cut short cannot show its flags */
	ck_assert(!classify_ipv4(6, tcp, 10).control);
	/* a later fragment of an ICMP datagram carries no ICMP header */
	n = ipv4(l3, 1, icmp, sizeof(icmp));
	l3[7] = 0x10;
	ck_assert(!classify(f, eth(f, 0x0800, l3, n)).control);
	/* a truncated IPv4 header: bulk, no addresses */
	ck_assert(!classify(f, eth(f, 0x0800, l3, 12)).control);
	ck_assert_mem_eq(classify(f, eth(f, 0x0800, l3, 12)).key.src_ip, ((uint8_t[4]){0}), 4);
	/* an EtherType we do not know */
	ck_assert(!classify(f, eth(f, 0x88cc, l3, 20)).control);
}
END_TEST

START_TEST(test_classify_ipv6_and_vlan)
{
	uint8_t l3[64] = {0x60}, f[128], tagged[132];
	size_t n;

	l3[5] = 8; /* payload length */
	l3[7] = 64;

	l3[6] = 58; /* ICMPv6 */
	l3[8] = 0xfd;
	n = eth(f, 0x86dd, l3, 48);
	ck_assert(classify(f, n).control);
	ck_assert_uint_eq(classify(f, n).key.src_ip[0], 0xfd);
	l3[6] = 17; /* UDP 546 -> 547: a DHCPv6 Solicit */
	l3[5] = 12;
	l3[40] = 0x02;
	l3[41] = 0x22;
	l3[42] = 0x02;
	l3[43] = 0x23;
	l3[45] = 12;
	l3[48] = 1;
	ck_assert(classify(f, eth(f, 0x86dd, l3, 52)).control);

	/* an 802.1Q-tagged ARP */
	n = eth(f, 0x0806, (uint8_t[28]){0, 1, 8, 0, 6, 4, 0, 1}, 28);
	memcpy(tagged, f, 12);
	memcpy(tagged + 12, (uint8_t[]){0x81, 0x00, 0x00, 0x05}, 4);
	memcpy(tagged + 16, f + 12, n - 12);
	ck_assert(classify(tagged, n + 4).control);
}
END_TEST

#define MB_PER_S (CONG_RATE_WINDOW_MS * 1000) /* bytes per window at 1 MB/s */

/* Drives d through windows in which depth stays at depth and drained bytes leave per window. */
static uint64_t run_windows(struct cong_dest *d, const struct cong_params *p, uint64_t t,
			    int windows, size_t depth, uint32_t drained)
{
	for (int i = 0; i < windows; i++) {
		d->win_drained += drained;
		t += CONG_RATE_WINDOW_MS;
		cong_dest_update(d, depth, t, p);
	}
	return t;
}

START_TEST(test_dest_rate_and_delay)
{
	struct cong_params p;
	struct cong_dest d = {0};
	uint64_t t;

	cong_params_default(&p);
	cong_dest_update(&d, 0, 1000, &p);
	ck_assert(!d.congested);
	ck_assert_uint_eq(cong_dest_delay_ms(&d, 0), 0);
	/* nothing measured: a deep queue has an unknown delay */
	ck_assert_uint_eq(cong_dest_delay_ms(&d, 100000), UINT64_MAX);
	/* backlogged, 1 MB/s */
	t = run_windows(&d, &p, 1000, 1, 200000, 0);
	t = run_windows(&d, &p, t, 20, 200000, MB_PER_S);
	ck_assert_uint_ge(d.rate, 990000);
	ck_assert_uint_le(d.rate, 1000000);
	/* 200 KB at 1 MB/s is 200 ms of delay: congested */
	ck_assert_uint_ge(cong_dest_delay_ms(&d, 200000), 200);
	ck_assert(d.congested);
	ck_assert(!d.growing);
	/* 10 KB: under the minimum depth */
	cong_dest_update(&d, 10000, t + 1, &p);
	ck_assert(!d.congested);
	/* 140 KB at 1 MB/s is 140 ms, above the 50 ms target */
	cong_dest_update(&d, 140000, t + 2, &p);
	ck_assert(d.congested);
	/* the switch off: plain tail-drop, never congested */
	p.enabled = false;
	cong_dest_update(&d, 200000, t + 3, &p);
	ck_assert(!d.congested);
}
END_TEST

START_TEST(test_dest_idle_gap_is_no_sample)
{
	struct cong_params p;
	struct cong_dest d = {0};
	uint64_t t;

	cong_params_default(&p);
	t = run_windows(&d, &p, 1000, 1, 200000, 0);
	t = run_windows(&d, &p, t, 10, 200000, MB_PER_S);
	/* a 10 s gap says nothing about the rate */
	d.win_drained += 1000;
	cong_dest_update(&d, 200000, t + 10000, &p);
	ck_assert_uint_ge(d.rate, 900000);
	/* a stuck destination: the rate decays and the delay grows */
	run_windows(&d, &p, t + 10000, 4, 200000, 0);
	ck_assert_uint_lt(d.rate, 400000);
	ck_assert(d.congested);
}
END_TEST

START_TEST(test_early_drop_targets_heavy_source)
{
	struct cong_params p;
	struct cong_dest d = {0};
	int heavy = 0, light = 0;
	uint64_t t;

	cong_params_default(&p);
	cong_dest_add(&d, 7, 900000);
	cong_dest_add(&d, 8, 100000);
	ck_assert_uint_eq(d.nsources, 2);
	t = run_windows(&d, &p, 1000, 1, 1000000, 0);
	t = run_windows(&d, &p, t, 20, 1000000, MB_PER_S);
	d.win_drained = 0;
	/* 1 s of delay: past 8 x target, every heavy bulk frame goes */
	t = run_windows(&d, &p, t, 1, 1100000, 0);
	ck_assert(d.growing);
	for (int i = 0; i < 1000; i++) {
		heavy += cong_dest_early_drop(&d, 1000000, 7, t, &p);
		light += cong_dest_early_drop(&d, 1000000, 8, t, &p);
	}
	ck_assert_int_eq(heavy, 1000);
	ck_assert_int_eq(light, 0);
	/* a source id in the same bucket shares the bucket's verdict */
	ck_assert(cong_dest_early_drop(&d, 1000000, 7 + CONG_SLOTS, t, &p));
	cong_dest_remove(&d, 7, 900000, true);
	cong_dest_remove(&d, 8, 100000, true);
	ck_assert_uint_eq(d.nsources, 0);
	ck_assert(!cong_dest_early_drop(&d, 1000000, 7, t, &p));
}
END_TEST

/*
 * One frame per millisecond from the only source for ms milliseconds at depth
 * bytes, the destination draining 1 MB/s; returns the drops and the time of
 * the first in *first (0 if none).
 */
static int run_ms(struct cong_dest *d, const struct cong_params *p, uint64_t *t, int ms,
		  size_t depth, uint64_t *first)
{
	int dropped = 0;

	*first = 0;
	for (int i = 0; i < ms; i++, (*t)++) {
		d->win_drained += 1000;
		cong_dest_update(d, depth, *t, p);
		if (cong_dest_early_drop(d, depth, 1, *t, p)) {
			if (!dropped)
				*first = *t;
			dropped++;
		}
	}
	return dropped;
}

START_TEST(test_early_drop_schedule)
{
	struct cong_params p;
	struct cong_dest d = {0};
	uint64_t t = 1000, start, first;
	int n;

	cong_params_default(&p);
	cong_dest_add(&d, 1, 1000000); /* the only source: always the heaviest */
	/* under the target (40 ms): nothing */
	ck_assert_int_eq(run_ms(&d, &p, &t, 1000, 40000, &first), 0);
	ck_assert_uint_ge(d.rate, 900000);
	/* 150 ms: one drop after an interval, then at interval / sqrt(n) */
	start = t;
	n = run_ms(&d, &p, &t, 1000, 150000, &first);
	ck_assert_uint_ge(first, start + CONG_INTERVAL_MS);
	ck_assert_uint_le(first, start + CONG_INTERVAL_MS + 1);
	/* intervals of 1, 1, 1, 1/2, 1/2 ... : more than one drop per interval, not many more */
	ck_assert_int_ge(n, 1000 / CONG_INTERVAL_MS - 1);
	ck_assert_int_le(n, 3 * 1000 / CONG_INTERVAL_MS);
	/* below the target again: the schedule stops */
	ck_assert_int_eq(run_ms(&d, &p, &t, 200, 40000, &first), 0);
	/* back above soon after: after an interval it resumes near its last rate */
	start = t;
	n = run_ms(&d, &p, &t, 3 * CONG_INTERVAL_MS, 150000, &first);
	ck_assert_uint_ge(first, start + CONG_INTERVAL_MS);
	ck_assert_uint_le(first, start + CONG_INTERVAL_MS + 1);
	ck_assert_int_ge(n, 3);
	/* past 8 x target: every frame of the heavy source */
	ck_assert_int_eq(run_ms(&d, &p, &t, 100, 450000, &first), 100);
}
END_TEST

static void note(struct cong_src *s, uint32_t len, bool tcp, bool dropped)
{
	struct cong_outcome o = {.responsive = tcp, .dropped = dropped, .throttled = dropped};

	cong_src_note(s, len, &o);
}

START_TEST(test_source_pacing)
{
	struct cong_params p;
	struct cong_src s = {0};
	uint64_t t = 1000;

	cong_params_default(&p);
	ck_assert_uint_eq(cong_src_allowance(&s, t, &p), SIZE_MAX);
	/* half its TCP frames dropped: a flood all the same */
	for (int i = 0; i < 400; i++)
		note(&s, 1000, true, i % 2);
	t += CONG_PACE_WINDOW_MS;
	ck_assert_uint_eq(cong_src_allowance(&s, t, &p), CONG_PACE_MIN); /* from the floor */
	ck_assert(atomic_load(&s.paced));
	ck_assert_uint_eq(atomic_load(&s.drops_throttled), 200);
	cong_src_read(&s, CONG_PACE_MIN - 10000);
	ck_assert_uint_eq(cong_src_allowance(&s, t + 1, &p), 10000);
	cong_src_read(&s, 10000);
	ck_assert_uint_eq(cong_src_allowance(&s, t + 1, &p), 0);
	ck_assert_int_eq(cong_src_wait_ms(&s, t + 1), CONG_PACE_WINDOW_MS - 1);
	/* drops again: halved, never below the floor */
	note(&s, 1000, true, true);
	t += CONG_PACE_WINDOW_MS;
	ck_assert_uint_eq(cong_src_allowance(&s, t, &p), CONG_PACE_MIN);
	/* a drop-free period using all of it: a little more, still paced */
	cong_src_read(&s, CONG_PACE_MIN);
	t += CONG_PACE_WINDOW_MS;
	ck_assert_uint_eq(cong_src_allowance(&s, t, &p), CONG_PACE_MIN + CONG_PACE_MIN / 10);
	/* quiet periods (allowance unused) end the pacing */
	for (int i = 0; i < CONG_PACE_CALM - 1; i++) {
		t += CONG_PACE_WINDOW_MS;
		ck_assert_uint_lt(cong_src_allowance(&s, t, &p), SIZE_MAX);
	}
	t += CONG_PACE_WINDOW_MS;
	ck_assert_uint_eq(cong_src_allowance(&s, t, &p), SIZE_MAX);
	ck_assert(!atomic_load(&s.paced));
	ck_assert_uint_eq(atomic_load(&s.paced_periods), CONG_PACE_CALM + 2);
}
END_TEST

/*
 * Periods of 1000 frames of 1000 bytes, TCP or not, every drop_every-th of
 * them dropped (0: none), except in odd periods when clean_odd is set; the
 * source must stay unpaced throughout.
 */
static uint64_t unpaced_periods(struct cong_src *s, const struct cong_params *p, uint64_t t,
				int periods, bool tcp, int drop_every, bool clean_odd)
{
	for (int w = 0; w < periods; w++, t += CONG_PACE_WINDOW_MS) {
		ck_assert_uint_eq(cong_src_allowance(s, t, p), SIZE_MAX);
		for (int i = 0; i < 1000; i++)
			note(s, 1000, tcp,
			     drop_every && i % drop_every == 0 && !(clean_odd && w % 2));
	}
	return t;
}

START_TEST(test_source_pacing_persistent_udp_loss)
{
	struct cong_params p;
	struct cong_src s = {0};
	uint64_t t = 1000;

	cong_params_default(&p);
	/* 2 % of its UDP frames lost, period after period: nothing will slow it but us */
	t = unpaced_periods(&s, &p, t, CONG_PACE_OVERRUNS, false, 50, false);
	ck_assert_uint_eq(cong_src_allowance(&s, t, &p), CONG_PACE_MIN);
}
END_TEST

START_TEST(test_source_pacing_needs_flood)
{
	struct cong_params p;
	struct cong_src s = {0};
	uint64_t t = 1000;

	cong_params_default(&p);
	/* 2 % of its TCP frames dropped early, period after period: TCP adapting */
	t = unpaced_periods(&s, &p, t, 10, true, 50, false);
	/* UDP loss every other period: not persistent */
	t = unpaced_periods(&s, &p, t, 10, false, 1000, true);
	/* a flood with pacing switched off */
	p.pacing = false;
	for (int i = 0; i < 200; i++)
		note(&s, 1000, false, true);
	ck_assert_uint_eq(cong_src_allowance(&s, t + CONG_PACE_WINDOW_MS, &p), SIZE_MAX);
}
END_TEST

static struct pkt *frame(uint32_t len, uint32_t src, uint8_t cls)
{
	static const uint8_t data[65536];
	struct pkt *p = pkt_new(data, len, 0);

	ck_assert_ptr_nonnull(p);
	p->src = src;
	p->cls = cls;
	return p;
}

static void drain_all(struct queue *q)
{
	struct pkt *out[64];
	uint32_t n;

	while ((n = queue_drain(q, out, 64)) > 0)
		for (uint32_t i = 0; i < n; i++)
			pkt_put(out[i]);
}

/* Back-pressure: bulk unicast past half the byte bound asks its source to pause. */
START_TEST(test_queue_hold_mark)
{
	struct cong_params p;
	struct queue q;
	struct pkt *bulk = frame(1000, 1, 0), *ctl = frame(1000, 1, PKT_CLASS_CONTROL);
	struct pkt *fl = frame(1000, 1, PKT_CLASS_FLOOD);
	struct queue_stats st;
	uint32_t frames;
	size_t bytes;

	cong_params_default(&p);
	p.min_bytes = 1 << 20; /* never congested: no early drops in the way */
	ck_assert_int_eq(queue_init(&q, 100, 10000), 0);
	ck_assert_int_eq(queue_push_cc(&q, bulk, &p, 1000), QUEUE_PUSHED_WAKE);
	for (int i = 1; i < 4; i++)
		ck_assert_int_eq(queue_push_cc(&q, bulk, &p, 1000), QUEUE_PUSHED);
	/* 5000 of 10000 bytes: past the mark */
	ck_assert_int_eq(queue_push_cc(&q, bulk, &p, 1000), QUEUE_PUSHED_DEEP);
	ck_assert(!queue_refused(QUEUE_PUSHED_DEEP));
	/* control and flooded frames never pause their source */
	ck_assert_int_eq(queue_push_cc(&q, ctl, &p, 1000), QUEUE_PUSHED);
	ck_assert_int_eq(queue_push_cc(&q, fl, &p, 1000), QUEUE_PUSHED);
	/* nor does anything with the congestion control off (plain tail drop) */
	p.enabled = false;
	ck_assert_int_eq(queue_push_cc(&q, bulk, &p, 1000), QUEUE_PUSHED);
	queue_get_stats(&q, &st, &frames, &bytes);
	ck_assert_uint_eq(st.holds, 1);
	ck_assert_uint_eq(frames, 8);
	drain_all(&q);
	pkt_put(bulk);
	pkt_put(ctl);
	pkt_put(fl);
	queue_destroy(&q);
}
END_TEST

/* The mark follows the owner's link: CONG_HOLD_MS of its rate, between the floor and half. */
START_TEST(test_hold_mark_follows_link)
{
	struct cong_params p;
	struct cong_dest d = {0};
	struct queue q;
	struct pkt *bulk = frame(64000, 1, 0);
	const size_t max = 4u << 20;

	cong_params_default(&p); /* CongestionMinQueue 128 KiB */
	ck_assert_uint_eq(cong_hold_mark(&d, &p, max), 128 * 1024);
	d.link_rate = 1250000; /* 10 Mbit/s: 5 KB in 4 ms, so the floor */
	ck_assert_uint_eq(cong_hold_mark(&d, &p, max), 128 * 1024);
	d.link_rate = 125000000; /* 1 Gbit/s: 500 KB */
	ck_assert_uint_eq(cong_hold_mark(&d, &p, max), 125000 * CONG_HOLD_MS);
	d.link_rate = 5000000000ull; /* 40 Gbit/s: half the bound */
	ck_assert_uint_eq(cong_hold_mark(&d, &p, max), max / 2);
	/* a floor above half the bound gives way to it */
	p.min_bytes = 3u << 20;
	d.link_rate = 0;
	ck_assert_uint_eq(cong_hold_mark(&d, &p, max), max / 2);

	/* in a queue of 64,000-byte frames: the second passes a 100,000-byte floor ... */
	cong_params_default(&p);
	p.min_bytes = 100000;
	ck_assert_int_eq(queue_init(&q, 100, max), 0);
	ck_assert_int_eq(queue_push_cc(&q, bulk, &p, 1000), QUEUE_PUSHED_WAKE);
	ck_assert_int_eq(queue_push_cc(&q, bulk, &p, 1000), QUEUE_PUSHED_DEEP);
	/* ... and at 1 Gbit/s the eighth (512,000 bytes), past 500,000 */
	queue_set_link_rate(&q, 125000000);
	ck_assert_int_eq(queue_push_cc(&q, bulk, &p, 1000), QUEUE_PUSHED);
	ck_assert_int_eq(queue_push_cc(&q, bulk, &p, 1000), QUEUE_PUSHED);
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(queue_push_cc(&q, bulk, &p, 1000),
				 i < 3 ? QUEUE_PUSHED : QUEUE_PUSHED_DEEP);
	drain_all(&q);
	pkt_put(bulk);
	queue_destroy(&q);
}
END_TEST

START_TEST(test_queue_control_headroom)
{
	struct cong_params p;
	struct queue q;
	struct pkt *bulk = frame(100, 1, 0), *ctl = frame(100, 1, PKT_CLASS_CONTROL);
	struct queue_stats st;
	uint32_t frames;
	size_t bytes;

	cong_params_default(&p);
	ck_assert_int_eq(queue_init(&q, 100, 1 << 20), 0);
	/* bulk may use 90 of 100 slots */
	for (int i = 0; i < 90; i++)
		ck_assert_int_le(queue_push_cc(&q, bulk, &p, 1000), QUEUE_PUSHED_WAKE);
	ck_assert_int_eq(queue_push_cc(&q, bulk, &p, 1000), QUEUE_FULL);
	/* control the remaining ten */
	for (int i = 0; i < 10; i++)
		ck_assert_int_eq(queue_push_cc(&q, ctl, &p, 1000), QUEUE_PUSHED);
	/* full of control at the tail: nothing to evict */
	ck_assert_int_eq(queue_push_cc(&q, ctl, &p, 1000), QUEUE_FULL);
	/* plain tail-drop ignores the classes: bound only */
	ck_assert_int_eq(queue_push(&q, bulk), QUEUE_FULL);
	queue_get_stats(&q, &st, &frames, &bytes);
	ck_assert_uint_eq(frames, 100);
	ck_assert_uint_eq(st.drops_full, 3);
	ck_assert_uint_eq(st.evicted, 0);
	drain_all(&q);
	ck_assert_uint_eq(q.cong.nsources, 0);
	ck_assert_uint_eq(q.cong.src_bytes[1], 0);
	pkt_put(bulk);
	pkt_put(ctl);
	queue_destroy(&q);
}
END_TEST

START_TEST(test_queue_control_evicts_bulk)
{
	struct cong_params p;
	struct queue q;
	struct pkt *bulk = frame(100, 2, 0), *ctl = frame(100, 3, PKT_CLASS_CONTROL), *out[16];
	struct queue_stats st;
	uint32_t frames, n;
	size_t bytes;

	cong_params_default(&p);
	ck_assert_int_eq(queue_init(&q, 16, 1 << 20), 0);
	for (int i = 0; i < 16; i++)
		ck_assert_int_le(queue_push(&q, bulk), QUEUE_PUSHED_WAKE);
	ck_assert_int_eq(queue_push_cc(&q, ctl, &p, 1000), QUEUE_PUSHED);
	queue_get_stats(&q, &st, &frames, &bytes);
	ck_assert_uint_eq(frames, 16);
	ck_assert_uint_eq(st.evicted, 1);
	ck_assert_uint_eq(q.cong.src_bytes[2], 1500);
	ck_assert_uint_eq(q.cong.src_bytes[3], 100);
	/* tail-drop (the switch off) evicts nothing */
	p.enabled = false;
	ck_assert_int_eq(queue_push_cc(&q, ctl, &p, 1000), QUEUE_FULL);
	n = queue_drain(&q, out, 16);
	ck_assert_uint_eq(n, 16);
	ck_assert_ptr_eq(out[15], ctl);
	for (uint32_t i = 0; i < n; i++)
		pkt_put(out[i]);
	ck_assert_uint_eq(atomic_load(&bulk->refs), 1);
	pkt_put(bulk);
	pkt_put(ctl);
	queue_destroy(&q);
}
END_TEST

START_TEST(test_queue_flood_quota)
{
	struct cong_params p;
	struct queue q[2];
	atomic_ullong flooded;
	struct pkt *f = frame(1000, 1, PKT_CLASS_FLOOD), *u = frame(1000, 1, 0);
	struct queue_stats st;
	uint32_t frames;
	size_t bytes;

	cong_params_default(&p);
	p.flood_quota = 5000;
	atomic_init(&flooded, 0);
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(queue_init(&q[i], 64, 1 << 20), 0);
		q[i].flood_bytes = &flooded;
	}
	/* the quota is shared: five copies fit, across both queues */
	for (int i = 0; i < 5; i++)
		ck_assert_int_le(queue_push_cc(&q[i % 2], f, &p, 1000), QUEUE_PUSHED_WAKE);
	ck_assert_int_eq(queue_push_cc(&q[0], f, &p, 1000), QUEUE_OVER_QUOTA);
	ck_assert_int_eq(queue_push_cc(&q[1], f, &p, 1000), QUEUE_OVER_QUOTA);
	/* unicast is not flooding */
	ck_assert_int_eq(queue_push_cc(&q[1], u, &p, 1000), QUEUE_PUSHED);
	ck_assert_uint_eq(atomic_load(&flooded), 5000);
	queue_get_stats(&q[0], &st, &frames, &bytes);
	ck_assert_uint_eq(st.drops_quota, 1);
	drain_all(&q[0]);
	ck_assert_uint_eq(atomic_load(&flooded), 2000);
	ck_assert_int_le(queue_push_cc(&q[0], f, &p, 1000), QUEUE_PUSHED_WAKE);
	queue_destroy(&q[0]);
	queue_destroy(&q[1]);
	ck_assert_uint_eq(atomic_load(&flooded), 0);
	pkt_put(f);
	pkt_put(u);
}
END_TEST

/*
 * A destination draining 1 MB/s fed by a flooding source (9 frames in 10)
 * and a light one: the early drops fall on the flooding source only, and
 * the queue's delay stays near the target instead of filling the bound.
 */
START_TEST(test_queue_throttles_flooder)
{
	struct cong_params p;
	struct queue q;
	struct pkt *heavy = frame(1000, 1, 0), *light = frame(1000, 2, 0), *out[64];
	struct queue_stats st;
	uint64_t light_dropped = 0, heavy_dropped = 0;
	uint32_t frames;
	size_t bytes;

	cong_params_default(&p);
	ck_assert_int_eq(queue_init(&q, 4096, 4 << 20), 0);
	for (uint64_t ms = 1000; ms < 4000; ms++) {
		/* 2 MB/s offered, 1 MB/s drained */
		for (int i = 0; i < 2; i++) {
			struct pkt *p1 = i == 0 && ms % 5 == 0 ? light : heavy;
			enum queue_push_result r = queue_push_cc(&q, p1, &p, ms);

			if (r == QUEUE_THROTTLED || r == QUEUE_FULL)
				*(p1 == light ? &light_dropped : &heavy_dropped) += 1;
		}
		uint32_t n = queue_drain(&q, out, 1);

		for (uint32_t i = 0; i < n; i++)
			pkt_put(out[i]);
	}
	queue_get_stats(&q, &st, &frames, &bytes);
	ck_assert_uint_eq(light_dropped, 0);
	ck_assert_uint_gt(heavy_dropped, 1000);
	ck_assert_uint_eq(st.drops_full, 0);
	/* far below the 4 MB bound: 8 x target (400 ms) at 1 MB/s at most */
	ck_assert_uint_lt(st.hwm_bytes, 450000);
	ck_assert_uint_gt(st.drain_rate, 0);
	drain_all(&q);
	queue_destroy(&q);
	pkt_put(heavy);
	pkt_put(light);
}
END_TEST

Suite *congestion_suite(void)
{
	Suite *s = suite_create("congestion");
	TCase *tc = tcase_create("congestion");

	tcase_add_test(tc, test_classify_control);
	tcase_add_test(tc, test_classify_bulk);
	tcase_add_test(tc, test_classify_ipv6_and_vlan);
	tcase_add_test(tc, test_dest_rate_and_delay);
	tcase_add_test(tc, test_dest_idle_gap_is_no_sample);
	tcase_add_test(tc, test_early_drop_targets_heavy_source);
	tcase_add_test(tc, test_early_drop_schedule);
	tcase_add_test(tc, test_source_pacing);
	tcase_add_test(tc, test_source_pacing_persistent_udp_loss);
	tcase_add_test(tc, test_source_pacing_needs_flood);
	tcase_add_test(tc, test_queue_hold_mark);
	tcase_add_test(tc, test_hold_mark_follows_link);
	tcase_add_test(tc, test_queue_control_headroom);
	tcase_add_test(tc, test_queue_control_evicts_bulk);
	tcase_add_test(tc, test_queue_flood_quota);
	tcase_add_test(tc, test_queue_throttles_flooder);
	suite_add_tcase(s, tc);
	return s;
}
