// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The firewall through the real switching path: a hub with its MAC and IP
 * tables and sessions with send queues, frames built byte by byte, pushed
 * through hub_forward(), and what each session's queue received checked.
 * Every policy item that acts on frames has a drop case and a pass case;
 * the hub's Filter* options, VLAN access ports, monitor ports, the IP table
 * rules and access-list entries in both phases too.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "firewall.h"
#include "forward.h"
#include "hub.h"
#include "packet.h"
#include "session.h"
#include "suites.h"
#include "testhub.h"

/* ---- frames ---- */

struct fb {
	uint8_t b[1600];
	size_t n;
};

static const uint8_t BCAST[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static void mac_of(int who, uint8_t mac[6])
{
	static const uint8_t base[6] = {0x02, 0, 0, 0, 0, 0};

	memcpy(mac, base, 6);
	mac[5] = (uint8_t)who;
}

static void put(struct fb *f, const void *p, size_t n)
{
	memcpy(f->b + f->n, p, n);
	f->n += n;
}

static void put8(struct fb *f, uint8_t v)
{
	f->b[f->n++] = v;
}

static void put16(struct fb *f, uint16_t v)
{
	put8(f, (uint8_t)(v >> 8));
	put8(f, (uint8_t)v);
}

static void put32(struct fb *f, uint32_t v)
{
	put16(f, (uint16_t)(v >> 16));
	put16(f, (uint16_t)v);
}

static void eth(struct fb *f, const uint8_t dst[6], int src, uint16_t type)
{
	uint8_t s[6];

	f->n = 0;
	mac_of(src, s);
	put(f, dst, 6);
	put(f, s, 6);
	put16(f, type);
}

static void eth_to(struct fb *f, int dst, int src, uint16_t type)
{
	uint8_t d[6];

	mac_of(dst, d);
	eth(f, d, src, type);
}

static void set16(struct fb *f, size_t at, uint16_t v)
{
	f->b[at] = (uint8_t)(v >> 8);
	f->b[at + 1] = (uint8_t)v;
}

static uint16_t csum(const uint8_t *p, size_t n, uint32_t sum)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)(p[n - 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* IPv4 header with addresses 10.0.0.s -> 10.0.0.d (d 255: broadcast); returns its offset. */
static size_t ip4(struct fb *f, int s, int d, uint8_t proto)
{
	size_t at = f->n;

	put8(f, 0x45);
	put8(f, 0);
	put16(f, 0); /* total length, fixed by ip4_done */
	put32(f, 0x12340000);
	put8(f, 64);
	put8(f, proto);
	put16(f, 0);
	put32(f, 0x0a000000u | (uint32_t)s);
	put32(f, d == 255 ? 0xffffffffu : 0x0a000000u | (uint32_t)d);
	return at;
}

static void ip4_done(struct fb *f, size_t at)
{
	set16(f, at + 2, (uint16_t)(f->n - at));
	set16(f, at + 10, csum(f->b + at, 20, 0));
}

static void udp(struct fb *f, uint16_t sport, uint16_t dport, size_t payload)
{
	put16(f, sport);
	put16(f, dport);
	put16(f, (uint16_t)(8 + payload));
	put16(f, 0);
	memset(f->b + f->n, 0, payload);
	f->n += payload;
}

static void tcp(struct fb *f, uint16_t sport, uint16_t dport, uint8_t flags, size_t payload)
{
	put16(f, sport);
	put16(f, dport);
	put32(f, 1000);
	put32(f, flags & PKT_TCP_ACK ? 2000 : 0);
	put8(f, 5 << 4);
	put8(f, flags);
	put16(f, 65535);
	put32(f, 0);
	memset(f->b + f->n, 'x', payload);
	f->n += payload;
}

static void udp4_frame(struct fb *f, int dst, int src, int ipd, int ips, uint16_t dport,
		       size_t payload)
{
	size_t at;

	if (dst < 0)
		eth(f, BCAST, src, 0x0800);
	else
		eth_to(f, dst, src, 0x0800);
	at = ip4(f, ips, ipd, 17);
	udp(f, 40000, dport, payload);
	ip4_done(f, at);
}

static void tcp4_frame(struct fb *f, int dst, int src, uint16_t sport, uint16_t dport,
		       uint8_t flags)
{
	size_t at;

	eth_to(f, dst, src, 0x0800);
	at = ip4(f, src, dst, 6);
	tcp(f, sport, dport, flags, 10);
	ip4_done(f, at);
}

static void arp_frame(struct fb *f, int src, int spa)
{
	uint8_t s[6];

	eth(f, BCAST, src, 0x0806);
	mac_of(src, s);
	put16(f, 1);
	put16(f, 0x0800);
	put8(f, 6);
	put8(f, 4);
	put16(f, 1);
	put(f, s, 6);
	put32(f, 0x0a000000u | (uint32_t)spa);
	put(f, (uint8_t[6]){0}, 6);
	put32(f, 0x0a0000feu);
	memset(f->b + f->n, 0, 18); /* Ethernet padding */
	f->n += 18;
}

/* A DHCPv4 message (op 1 request, 2 reply) of type msg for client MAC chaddr_of. */
static void dhcp_frame(struct fb *f, int src, int dst, uint8_t op, uint8_t msg, int chaddr_of,
		       int yiaddr)
{
	uint8_t chaddr[6];
	size_t at;

	if (dst < 0)
		eth(f, BCAST, src, 0x0800);
	else
		eth_to(f, dst, src, 0x0800);
	at = ip4(f, op == 2 ? src : 0, 255, 17);
	if (op == 1)
		memset(f->b + at + 12, 0, 4); /* 0.0.0.0 */
	udp(f, op == 2 ? 67 : 68, op == 2 ? 68 : 67, 0);
	put8(f, op);
	put8(f, 1);
	put8(f, 6);
	put8(f, 0);
	put32(f, 0xabcdef01);
	put32(f, 0);
	put32(f, 0);					       /* ciaddr */
	put32(f, yiaddr ? 0x0a000000u | (uint32_t)yiaddr : 0); /* yiaddr */
	put32(f, 0);
	put32(f, 0);
	mac_of(chaddr_of, chaddr);
	put(f, chaddr, 6);
	memset(f->b + f->n, 0, 10 + 64 + 128);
	f->n += 10 + 64 + 128;
	put32(f, 0x63825363);
	put8(f, 53);
	put8(f, 1);
	put8(f, msg);
	put8(f, 255);
	set16(f, at + 20 + 4, (uint16_t)(f->n - at - 20));
	ip4_done(f, at);
}

/* IPv6 header fd00::s -> fd00::d (d 0: ff02::1); returns its offset. */
static size_t ip6(struct fb *f, int s, int d, uint8_t next)
{
	uint8_t a[16] = {0xfd};
	size_t at = f->n;

	put32(f, 0x60000000);
	put16(f, 0);
	put8(f, next);
	put8(f, 255);
	a[15] = (uint8_t)s;
	put(f, a, 16);
	if (d) {
		a[15] = (uint8_t)d;
		put(f, a, 16);
	} else {
		uint8_t m[16] = {0xff, 0x02};

		m[15] = 1;
		put(f, m, 16);
	}
	return at;
}

static void ip6_done(struct fb *f, size_t at)
{
	set16(f, at + 4, (uint16_t)(f->n - at - 40));
}

static void icmp6_frame(struct fb *f, int src, int dst, uint8_t type)
{
	size_t at;

	if (dst)
		eth_to(f, dst, src, 0x86dd);
	else
		eth(f, (uint8_t[6]){0x33, 0x33, 0, 0, 0, 1}, src, 0x86dd);
	at = ip6(f, src, dst, 58);
	put8(f, type);
	put8(f, 0);
	put16(f, 0x1234); /* checksum (not verified by the hub) */
	if (type == PKT_ICMPV6_RA) {
		put8(f, 64);
		put8(f, 0);
		put16(f, 1800); /* router lifetime */
		put32(f, 0);
		put32(f, 0);
	} else {
		put32(f, 0);
		if (type == PKT_ICMPV6_NS || type == PKT_ICMPV6_NA)
			put(f, (uint8_t[16]){0xfd, [15] = 9}, 16); /* target */
	}
	ip6_done(f, at);
}

static void udp6_frame(struct fb *f, int src, int dst, uint16_t sport, uint16_t dport,
		       uint8_t first)
{
	size_t at;

	eth_to(f, dst, src, 0x86dd);
	at = ip6(f, src, dst, 17);
	udp(f, sport, dport, 8);
	f->b[f->n - 8] = first; /* DHCPv6 message type */
	ip6_done(f, at);
}

static void tcp6_frame(struct fb *f, int src, int dst, uint8_t flags)
{
	size_t at;

	eth_to(f, dst, src, 0x86dd);
	at = ip6(f, src, dst, 6);
	tcp(f, 80, 40000, flags, 0);
	ip6_done(f, at);
}

/* A Neighbor Advertisement from src to all nodes for fd00::target, with a target link-layer option.
 */
static void na_frame(struct fb *f, int src, int target, const uint8_t tll[6])
{
	size_t at;

	eth(f, (uint8_t[6]){0x33, 0x33, 0, 0, 0, 1}, src, 0x86dd);
	at = ip6(f, src, 0, 58);
	put8(f, PKT_ICMPV6_NA);
	put8(f, 0);
	put16(f, 0x1234);
	put32(f, 0x20000000); /* override */
	put(f, (uint8_t[16]){0xfd, [15] = (uint8_t)target}, 16);
	put8(f, 2); /* target link-layer address, 8 bytes */
	put8(f, 1);
	put(f, tll, 6);
	ip6_done(f, at);
}

/* ---- a hub with sessions ---- */

#define NS 5
static struct conf_hub ch;
static struct hub *h;
static struct session *sess[NS + 1]; /* 1-based, session i uses MAC 02:..:0i */
static uint64_t now = 1000000;
static atomic_ullong flood_bytes; /* the server-wide count of flooded bytes queued */

static void hub_up(void)
{
	snprintf(ch.name, sizeof(ch.name), "TEST");
	ch.opt.manage_only_private_ip = true;
	h = testhub_new(&ch);
}

static struct session *join(int i, const struct policy *pol)
{
	struct session *s = calloc(1, sizeof(*s));
	struct policy def;

	ck_assert_ptr_nonnull(s);
	if (!pol) {
		policy_defaults(&def);
		pol = &def;
	}
	s->id = (uint32_t)i;
	s->hub = h;
	snprintf(s->user, sizeof(s->user), "user%d", i);
	ck_assert_int_eq(queue_init(&s->queue, 64, 1 << 20), 0);
	s->queue.flood_bytes = &flood_bytes;
	cong_params_default(&s->cong);
	fw_session_init(&s->fw, pol, s->user, i == 3 ? "staff" : "", false);
	s->port.max_macs = pol->v[POL_MAX_MAC]	   ? pol->v[POL_MAX_MAC]
			   : pol->v[POL_NO_BRIDGE] ? 3
						   : 0;
	s->port.exclusive_ms = pol->v[POL_CHECK_MAC] ? SW_EXCLUSIVE_MS : 0;
	ck_assert_int_eq(hub_attach(h, s, 100, pol->v[POL_MULTI_LOGINS]), 0);
	sess[i] = s;
	return s;
}

/* Sessions 1..NS with default policies except the one given for session who. */
static void hub_with(int who, enum policy_item item, uint32_t value)
{
	struct policy p;

	hub_up();
	policy_defaults(&p);
	ck_assert_int_eq(policy_set(&p, item, value, NULL, 0), 0);
	for (int i = 1; i <= NS; i++)
		join(i, i == who ? &p : NULL);
}

static void hub_down(void)
{
	for (int i = 1; i <= NS; i++) {
		if (!sess[i])
			continue;
		testhub_leave(sess[i]);
		sess[i] = NULL;
	}
	testhub_free(h);
	memset(&ch, 0, sizeof(ch));
}

static void send_from(int i, const struct fb *f)
{
	struct pkt *p = pkt_new(f->b, (uint32_t)f->n, 0);

	ck_assert_ptr_nonnull(p);
	hub_forward(h, sess[i], &p, 1, now);
	pkt_put(p);
}

/* Frames waiting for session i; drains them, keeping the last in *last if asked. */
static unsigned got(int i, struct fb *last)
{
	struct pkt *out[64];
	uint32_t n = queue_drain(&sess[i]->queue, out, 64);

	for (uint32_t k = 0; k < n; k++) {
		if (last && k == n - 1) {
			memcpy(last->b, out[k]->data, out[k]->len);
			last->n = out[k]->len;
		}
		pkt_put(out[k]);
	}
	return n;
}

static unsigned long long dropped(int i, enum fw_reason r)
{
	return atomic_load(&sess[i]->fw.drops[r]);
}

/* Both sides' MACs learned, so that unicast is not flooded. */
static void introduce(int a, int b)
{
	struct fb f;

	arp_frame(&f, a, 200 + a);
	send_from(a, &f);
	arp_frame(&f, b, 200 + b);
	send_from(b, &f);
	for (int i = 1; i <= NS; i++)
		if (sess[i])
			got(i, NULL);
}

/* ---- tests ---- */

START_TEST(test_unicast_and_flood_pass)
{
	struct fb f;

	hub_with(0, POL_ACCESS, 1);
	introduce(1, 2);
	udp4_frame(&f, 2, 1, 2, 1, 9999, 100);
	send_from(1, &f);
	ck_assert_uint_eq(got(2, NULL), 1);
	ck_assert_uint_eq(got(3, NULL), 0);
	udp4_frame(&f, -1, 1, 255, 1, 9999, 10);
	send_from(1, &f);
	for (int i = 2; i <= NS; i++)
		ck_assert_uint_eq(got(i, NULL), 1);
	ck_assert_uint_eq(got(1, NULL), 0);
	hub_down();
}
END_TEST

START_TEST(test_filter_ipv4_ipv6_nonip)
{
	struct fb f;

	hub_with(1, POL_FILTER_IPV4, 1);
	introduce(1, 2); /* ARP from 1 is IPv4 family: dropped */
	ck_assert_uint_ge(dropped(1, fw_policy(POL_FILTER_IPV4)), 1);
	udp4_frame(&f, 1, 2, 1, 2, 53, 10); /* toward 1: dropped at egress (flooded) */
	send_from(2, &f);
	ck_assert_uint_eq(got(1, NULL), 0);
	ck_assert_uint_eq(got(3, NULL), 1);
	tcp6_frame(&f, 1, 2, PKT_TCP_SYN); /* IPv6 from 1 passes (2 is known: unicast) */
	send_from(1, &f);
	ck_assert_uint_eq(got(2, NULL), 1);
	hub_down();

	hub_with(1, POL_FILTER_IPV6, 1);
	tcp6_frame(&f, 1, 2, PKT_TCP_SYN);
	send_from(1, &f);
	ck_assert_uint_eq(got(2, NULL), 0);
	ck_assert_uint_eq(dropped(1, fw_policy(POL_FILTER_IPV6)), 1);
	udp4_frame(&f, -1, 1, 255, 1, 9, 10);
	send_from(1, &f);
	ck_assert_uint_eq(got(2, NULL), 1);
	hub_down();

	hub_with(1, POL_FILTER_NON_IP, 1);
	eth(&f, BCAST, 1, 0x88cc); /* LLDP */
	memset(f.b + f.n, 0, 46);
	f.n += 46;
	send_from(1, &f);
	ck_assert_uint_eq(got(2, NULL), 0);
	ck_assert_uint_eq(dropped(1, fw_policy(POL_FILTER_NON_IP)), 1);
	udp4_frame(&f, -1, 1, 255, 1, 9, 10);
	send_from(1, &f);
	ck_assert_uint_eq(got(2, NULL), 1);
	hub_down();
}
END_TEST

START_TEST(test_hub_filters)
{
	struct fb f;

	hub_up();
	ch.opt.filter_ipv6 = true;
	ch.opt.filter_ospf = true;
	ck_assert_int_eq(fw_hub_update(&h->fw, &ch), 0);
	join(1, NULL);
	join(2, NULL);
	tcp6_frame(&f, 1, 2, PKT_TCP_SYN);
	send_from(1, &f);
	ck_assert_uint_eq(got(2, NULL), 0);
	{
		size_t at;

		eth(&f, BCAST, 1, 0x0800);
		at = ip4(&f, 1, 255, 89);
		put32(&f, 0);
		ip4_done(&f, at);
	}
	send_from(1, &f);
	ck_assert_uint_eq(got(2, NULL), 0);
	ck_assert_uint_eq(atomic_load(&h->fw.drops[FW_R_HUB_FILTER]), 2);
	udp4_frame(&f, -1, 1, 255, 1, 9, 10);
	send_from(1, &f);
	ck_assert_uint_eq(got(2, NULL), 1);
	hub_down();
}
END_TEST

START_TEST(test_dhcp_filter_and_no_server)
{
	struct fb f;

	hub_with(1, POL_DHCP_NO_SERVER, 1);
	dhcp_frame(&f, 1, -1, 2, PKT_DHCP_OFFER, 2, 50); /* 1 answers as a server */
	send_from(1, &f);
	ck_assert_uint_eq(got(2, NULL), 0);
	ck_assert_uint_eq(dropped(1, fw_policy(POL_DHCP_NO_SERVER)), 1);
	dhcp_frame(&f, 1, -1, 1, PKT_DHCP_DISCOVER, 1, 0); /* its own requests pass */
	send_from(1, &f);
	ck_assert_uint_eq(got(2, NULL), 1);
	dhcp_frame(&f, 2, -1, 2, PKT_DHCP_OFFER, 1, 50); /* a real server's offer reaches it */
	send_from(2, &f);
	ck_assert_uint_eq(got(1, NULL), 1);
	hub_down();

	hub_with(1, POL_DHCP_FILTER, 1);
	dhcp_frame(&f, 1, -1, 1, PKT_DHCP_DISCOVER, 1, 0);
	send_from(1, &f);
	ck_assert_uint_eq(got(2, NULL), 0);
	dhcp_frame(&f, 2, -1, 2, PKT_DHCP_OFFER, 1, 50);
	send_from(2, &f);
	ck_assert_uint_eq(got(1, NULL), 0);
	ck_assert_uint_eq(got(3, NULL), 1);
	ck_assert_uint_eq(dropped(1, fw_policy(POL_DHCP_FILTER)), 2);
	hub_down();
}
END_TEST

START_TEST(test_dhcp_force)
{
	struct fb f;

	hub_with(1, POL_DHCP_FORCE, 1);
	udp4_frame(&f, -1, 1, 255, 1, 9, 10); /* 10.0.0.1 was never assigned */
	send_from(1, &f);
	ck_assert_uint_eq(got(2, NULL), 0);
	ck_assert_uint_eq(dropped(1, fw_policy(POL_DHCP_FORCE)), 1);
	dhcp_frame(&f, 1, -1, 1, PKT_DHCP_REQUEST, 1, 0); /* 0.0.0.0 source passes */
	send_from(1, &f);
	ck_assert_uint_eq(got(2, NULL), 1);
	dhcp_frame(&f, 2, 1, 2, PKT_DHCP_ACK, 1, 1); /* server 2 gives 10.0.0.1 to 1 */
	send_from(2, &f);
	ck_assert_uint_eq(got(1, NULL), 1);
	udp4_frame(&f, -1, 1, 255, 1, 9, 10);
	send_from(1, &f);
	ck_assert_uint_eq(got(2, NULL), 1);
	hub_down();
}
END_TEST

START_TEST(test_no_bridge_and_max_mac)
{
	struct fb f;

	hub_with(1, POL_NO_BRIDGE, 1);
	for (int m = 0; m < 5; m++) {
		udp4_frame(&f, -1, 1, 255, 1, 9, 10);
		f.b[11] = (uint8_t)(0x10 + m); /* five source MACs */
		send_from(1, &f);
	}
	ck_assert_uint_eq(got(2, NULL), 3);
	ck_assert_uint_eq(dropped(1, fw_policy(POL_NO_BRIDGE)), 2);
	hub_down();

	hub_with(1, POL_MAX_MAC, 4);
	for (int m = 0; m < 5; m++) {
		udp4_frame(&f, -1, 1, 255, 1, 9, 10);
		f.b[11] = (uint8_t)(0x10 + m);
		send_from(1, &f);
	}
	ck_assert_uint_eq(got(2, NULL), 4);
	ck_assert_uint_eq(dropped(1, fw_policy(POL_MAX_MAC)), 1);
	hub_down();
}
END_TEST

START_TEST(test_check_mac)
{
	struct fb f;

	hub_with(3, POL_CHECK_MAC, 1);
	introduce(1, 2);
	udp4_frame(&f, 2, 1, 2, 1, 9, 10);
	f.b[11] = 1; /* 3 spoofs 1's MAC */
	send_from(3, &f);
	ck_assert_uint_eq(got(2, NULL), 0);
	ck_assert_uint_eq(dropped(3, fw_policy(POL_CHECK_MAC)), 1);
	now += SW_EXCLUSIVE_MS; /* 1 silent for 13 s: the address may move */
	send_from(3, &f);
	ck_assert_uint_eq(got(2, NULL), 1);
	hub_down();

	hub_with(0, POL_ACCESS, 1); /* without CheckMac the move is allowed at once */
	introduce(1, 2);
	udp4_frame(&f, 2, 1, 2, 1, 9, 10);
	f.b[11] = 1;
	send_from(3, &f);
	ck_assert_uint_eq(got(2, NULL), 1);
	hub_down();
}
END_TEST

START_TEST(test_ip_rules)
{
	struct fb f;

	hub_with(1, POL_NO_ROUTING, 1);
	for (int ip = 1; ip <= 6; ip++) {
		udp4_frame(&f, -1, 1, 255, ip, 9, 10);
		send_from(1, &f);
	}
	ck_assert_uint_eq(got(2, NULL), 4);
	ck_assert_uint_eq(dropped(1, fw_policy(POL_NO_ROUTING)), 2);
	hub_down();

	hub_with(1, POL_MAX_IP, 5);
	for (int ip = 1; ip <= 6; ip++) {
		udp4_frame(&f, -1, 1, 255, ip, 9, 10);
		send_from(1, &f);
	}
	ck_assert_uint_eq(got(2, NULL), 5);
	ck_assert_uint_eq(dropped(1, fw_policy(POL_MAX_IP)), 1);
	hub_down();

	hub_with(3, POL_CHECK_IP, 1);
	udp4_frame(&f, -1, 1, 255, 1, 9, 10);
	send_from(1, &f);
	udp4_frame(&f, -1, 3, 255, 1, 9, 10); /* 3 claims 1's address */
	send_from(3, &f);
	ck_assert_uint_eq(dropped(3, fw_policy(POL_CHECK_IP)), 1);
	arp_frame(&f, 3, 1); /* also through ARP */
	send_from(3, &f);
	ck_assert_uint_eq(dropped(3, fw_policy(POL_CHECK_IP)), 2);
	arp_frame(&f, 3, 33);
	send_from(3, &f);
	ck_assert_uint_eq(got(2, NULL), 2);
	hub_down();
}
END_TEST

START_TEST(test_ipv6_rules)
{
	struct fb f;

	hub_with(1, POL_NO_ROUTING_V6, 1);
	introduce(1, 2);
	for (int ip = 1; ip <= 17; ip++) {
		tcp6_frame(&f, ip, 2, PKT_TCP_ACK);
		f.b[11] = 1;
		send_from(1, &f);
	}
	ck_assert_uint_eq(got(2, NULL), 15);
	ck_assert_uint_eq(dropped(1, fw_policy(POL_NO_ROUTING_V6)), 2);
	hub_down();

	hub_with(1, POL_MAX_IPV6, 6);
	introduce(1, 2);
	for (int ip = 1; ip <= 7; ip++) {
		tcp6_frame(&f, ip, 2, PKT_TCP_ACK);
		f.b[11] = 1;
		send_from(1, &f);
	}
	ck_assert_uint_eq(got(2, NULL), 6);
	ck_assert_uint_eq(dropped(1, fw_policy(POL_MAX_IPV6)), 1);
	hub_down();

	hub_with(3, POL_CHECK_IPV6, 1);
	introduce(1, 2);
	tcp6_frame(&f, 1, 2, PKT_TCP_ACK);
	send_from(1, &f);
	tcp6_frame(&f, 3, 2, PKT_TCP_ACK);
	memcpy(f.b + 14 + 8, (uint8_t[16]){0xfd, [15] = 1}, 16); /* 3 uses fd00::1 */
	send_from(3, &f);
	ck_assert_uint_eq(dropped(3, fw_policy(POL_CHECK_IPV6)), 1);
	ck_assert_uint_eq(got(2, NULL), 1);
	hub_down();
}
END_TEST

/* CheckIPv6 holds what neighbour discovery claims: an NA's target and its link-layer option. */
START_TEST(test_check_ipv6_neighbor_advertisements)
{
	static const uint8_t mac2[6] = {2, 0, 0, 0, 0, 2}, mac3[6] = {2, 0, 0, 0, 0, 3};
	struct fb f;

	hub_with(3, POL_CHECK_IPV6, 1);
	introduce(1, 2);
	tcp6_frame(&f, 2, 1, PKT_TCP_ACK); /* 2 uses fd00::2 */
	send_from(2, &f);
	got(1, NULL);
	na_frame(&f, 3, 2, mac3); /* 3 claims fd00::2 for its own MAC */
	send_from(3, &f);
	ck_assert_uint_eq(dropped(3, fw_policy(POL_CHECK_IPV6)), 1);
	ck_assert_uint_eq(got(1, NULL), 0);
	na_frame(&f, 3, 3, mac2); /* its own address, for 2's MAC */
	send_from(3, &f);
	ck_assert_uint_eq(dropped(3, fw_policy(POL_CHECK_IPV6)), 2);
	na_frame(&f, 3, 3, mac3); /* its own address and MAC: fine */
	send_from(3, &f);
	ck_assert_uint_eq(dropped(3, fw_policy(POL_CHECK_IPV6)), 2);
	ck_assert_uint_eq(got(1, NULL), 1);
	na_frame(&f, 2, 3, mac2); /* 2 has no CheckIPv6: its claims pass */
	send_from(2, &f);
	ck_assert_uint_eq(got(1, NULL), 1);
	hub_down();
}
END_TEST

START_TEST(test_arp_dhcp_only)
{
	struct fb f;

	hub_with(1, POL_ARP_DHCP_ONLY, 1);
	udp4_frame(&f, -1, 1, 255, 1, 9, 10); /* a UDP broadcast */
	send_from(1, &f);
	ck_assert_uint_eq(got(2, NULL), 0);
	ck_assert_uint_eq(dropped(1, fw_policy(POL_ARP_DHCP_ONLY)), 1);
	arp_frame(&f, 1, 1);
	send_from(1, &f);
	dhcp_frame(&f, 1, -1, 1, PKT_DHCP_DISCOVER, 1, 0);
	send_from(1, &f);
	icmp6_frame(&f, 1, 0, PKT_ICMPV6_NS);
	send_from(1, &f);
	ck_assert_uint_eq(got(2, NULL), 3);
	got(3, NULL);
	udp4_frame(&f, -1, 2, 255, 2, 9, 10); /* and none reach it */
	send_from(2, &f);
	ck_assert_uint_eq(got(1, NULL), 0);
	ck_assert_uint_eq(got(3, NULL), 1);
	udp4_frame(&f, 1, 2, 1, 2, 9, 10); /* unicast is not limited */
	send_from(2, &f);
	ck_assert_uint_eq(got(1, NULL), 1);
	hub_down();
}
END_TEST

START_TEST(test_privacy_filter)
{
	struct policy p;
	struct fb f;

	hub_up();
	policy_defaults(&p);
	p.v[POL_PRIVACY_FILTER] = 1;
	join(1, &p);
	join(2, &p);
	join(3, NULL);
	introduce(1, 2);
	udp4_frame(&f, 2, 1, 2, 1, 9, 10);
	send_from(1, &f);
	ck_assert_uint_eq(got(2, NULL), 0);
	/* introduce()'s ARP from 1 and this frame */
	ck_assert_uint_eq(dropped(2, fw_policy(POL_PRIVACY_FILTER)), 2);
	udp4_frame(&f, -1, 1, 255, 1, 9, 10);
	send_from(1, &f);
	ck_assert_uint_eq(got(2, NULL), 0);
	ck_assert_uint_eq(got(3, NULL), 1);
	introduce(1, 3);
	udp4_frame(&f, 3, 1, 3, 1, 9, 10);
	send_from(1, &f);
	ck_assert_uint_eq(got(3, NULL), 1);
	udp4_frame(&f, 1, 3, 1, 3, 9, 10);
	send_from(3, &f);
	ck_assert_uint_eq(got(1, NULL), 1);
	sess[4] = sess[5] = NULL;
	hub_down();
}
END_TEST

START_TEST(test_no_server)
{
	struct fb f;

	hub_with(1, POL_NO_SERVER, 1);
	introduce(1, 2);
	tcp4_frame(&f, 2, 1, 22, 40000, PKT_TCP_SYN | PKT_TCP_ACK);
	send_from(1, &f);
	ck_assert_uint_eq(got(2, NULL), 0);
	ck_assert_uint_eq(dropped(1, fw_policy(POL_NO_SERVER)), 1);
	tcp4_frame(&f, 2, 1, 40000, 22, PKT_TCP_SYN); /* as a client it may connect */
	send_from(1, &f);
	tcp6_frame(&f, 1, 2, PKT_TCP_SYN | PKT_TCP_ACK); /* v6 is NoServerV6's business */
	f.b[11] = 1;
	send_from(1, &f);
	ck_assert_uint_eq(got(2, NULL), 2);
	hub_down();

	hub_with(1, POL_NO_SERVER_V6, 1);
	introduce(1, 2);
	tcp6_frame(&f, 1, 2, PKT_TCP_SYN | PKT_TCP_ACK);
	send_from(1, &f);
	ck_assert_uint_eq(got(2, NULL), 0);
	ck_assert_uint_eq(dropped(1, fw_policy(POL_NO_SERVER_V6)), 1);
	tcp6_frame(&f, 1, 2, PKT_TCP_SYN);
	send_from(1, &f);
	ck_assert_uint_eq(got(2, NULL), 1);
	hub_down();
}
END_TEST

START_TEST(test_max_upload_download)
{
	struct fb f;
	unsigned n;

	hub_with(1, POL_MAX_UPLOAD, 8 * 10000); /* 10,000 bytes a second */
	introduce(1, 2);
	for (int i = 0; i < 40; i++) {
		udp4_frame(&f, 2, 1, 2, 1, 9, 1000);
		send_from(1, &f);
	}
	n = got(2, NULL);
	ck_assert_uint_ge(n, 8);
	ck_assert_uint_le(n, 10);
	ck_assert_uint_eq(dropped(1, fw_policy(POL_MAX_UPLOAD)), 40 - n);
	arp_frame(&f, 1, 1); /* control frames still pass */
	send_from(1, &f);
	ck_assert_uint_eq(got(2, NULL), 1);
	now += 1000; /* a new second, a new budget */
	udp4_frame(&f, 2, 1, 2, 1, 9, 1000);
	send_from(1, &f);
	ck_assert_uint_eq(got(2, NULL), 1);
	hub_down();

	hub_with(2, POL_MAX_DOWNLOAD, 8 * 10000);
	introduce(1, 2);
	for (int i = 0; i < 40; i++) {
		udp4_frame(&f, 2, 1, 2, 1, 9, 1000);
		send_from(1, &f);
	}
	n = got(2, NULL);
	ck_assert_uint_ge(n, 8);
	ck_assert_uint_le(n, 10);
	ck_assert_uint_eq(dropped(2, fw_policy(POL_MAX_DOWNLOAD)), 40 - n);
	hub_down();
}
END_TEST

START_TEST(test_router_advertisements)
{
	struct fb f, rx;

	hub_with(1, POL_RA_FILTER, 1);
	icmp6_frame(&f, 1, 0, PKT_ICMPV6_RA);
	send_from(1, &f);
	ck_assert_uint_eq(got(2, NULL), 0);
	ck_assert_uint_eq(dropped(1, fw_policy(POL_RA_FILTER)), 1);
	icmp6_frame(&f, 1, 0, PKT_ICMPV6_RS); /* RAFilter leaves RS alone */
	send_from(1, &f);
	ck_assert_uint_eq(got(2, NULL), 1);
	icmp6_frame(&f, 2, 0, PKT_ICMPV6_RA); /* and RAs reaching it */
	send_from(2, &f);
	ck_assert_uint_eq(got(1, NULL), 1);
	hub_down();

	hub_with(1, POL_RS_AND_RA_FILTER, 1);
	icmp6_frame(&f, 1, 0, PKT_ICMPV6_RS);
	send_from(1, &f);
	icmp6_frame(&f, 2, 0, PKT_ICMPV6_RA);
	send_from(2, &f);
	ck_assert_uint_eq(got(1, NULL), 0);
	ck_assert_uint_eq(dropped(1, fw_policy(POL_RS_AND_RA_FILTER)), 2);
	icmp6_frame(&f, 2, 0, PKT_ICMPV6_NS);
	send_from(2, &f);
	ck_assert_uint_eq(got(1, NULL), 1);
	hub_down();

	hub_with(1, POL_NO_IPV6_DEFAULT_ROUTER_IN_RA, 1);
	icmp6_frame(&f, 2, 0, PKT_ICMPV6_RA);
	send_from(2, &f);
	ck_assert_uint_eq(got(1, &rx), 1);
	ck_assert_uint_eq(rx.b[14 + 40 + 6] << 8 | rx.b[14 + 40 + 7], 0); /* lifetime zeroed */
	ck_assert_uint_eq(csum(rx.b + 14 + 40, 16, 0x1234 ^ 0xffff) ==
			      csum(f.b + 14 + 40, 16, 0x1234 ^ 0xffff),
			  1);
	ck_assert_uint_eq(got(3, &rx), 1);
	ck_assert_uint_eq(rx.b[14 + 40 + 6] << 8 | rx.b[14 + 40 + 7], 1800); /* others untouched */
	hub_down();
}
END_TEST

START_TEST(test_dhcpv6)
{
	struct fb f;

	hub_with(1, POL_DHCPV6_NO_SERVER, 1);
	introduce(1, 2);
	udp6_frame(&f, 1, 2, 547, 546, 7); /* REPLY from 1 */
	send_from(1, &f);
	ck_assert_uint_eq(got(2, NULL), 0);
	ck_assert_uint_eq(dropped(1, fw_policy(POL_DHCPV6_NO_SERVER)), 1);
	udp6_frame(&f, 1, 2, 546, 547, 1); /* SOLICIT passes */
	send_from(1, &f);
	ck_assert_uint_eq(got(2, NULL), 1);
	hub_down();

	hub_with(1, POL_DHCPV6_FILTER, 1);
	introduce(1, 2);
	udp6_frame(&f, 1, 2, 546, 547, 1);
	send_from(1, &f);
	udp6_frame(&f, 2, 1, 547, 546, 7);
	send_from(2, &f);
	ck_assert_uint_eq(got(1, NULL) + got(2, NULL), 0);
	ck_assert_uint_eq(dropped(1, fw_policy(POL_DHCPV6_FILTER)), 2);
	udp6_frame(&f, 1, 2, 5000, 5001, 1);
	send_from(1, &f);
	ck_assert_uint_eq(got(2, NULL), 1);
	hub_down();
}
END_TEST

START_TEST(test_monitor_port)
{
	struct fb f;

	hub_with(3, POL_MONITOR_PORT, 1);
	introduce(1, 2);
	udp4_frame(&f, 2, 1, 2, 1, 9, 10);
	send_from(1, &f);
	ck_assert_uint_eq(got(2, NULL), 1);
	ck_assert_uint_eq(got(3, NULL), 1); /* the copy */
	ck_assert_uint_eq(got(4, NULL), 0);
	udp4_frame(&f, -1, 3, 255, 3, 9, 10); /* it cannot send */
	send_from(3, &f);
	ck_assert_uint_eq(got(1, NULL) + got(2, NULL) + got(4, NULL), 0);
	ck_assert_uint_eq(dropped(3, fw_policy(POL_MONITOR_PORT)), 1);
	udp4_frame(&f, -1, 1, 255, 1, 9, 10); /* a broadcast reaches it once */
	send_from(1, &f);
	ck_assert_uint_eq(got(3, NULL), 1);
	for (int i = 1; i <= NS; i++)
		got(i, NULL);
	/* its copy of a flooded frame is accounted like the others' */
	ck_assert_uint_eq(atomic_load(&flood_bytes), 0);
	hub_down();
}
END_TEST

START_TEST(test_vlan_access_port)
{
	struct policy p10, p20;
	struct fb f, rx;

	hub_up();
	policy_defaults(&p10);
	policy_defaults(&p20);
	p10.v[POL_VLAN_ID] = 10;
	p20.v[POL_VLAN_ID] = 20;
	join(1, &p10);
	join(2, &p10);
	join(3, &p20);
	join(4, NULL); /* a trunk */
	udp4_frame(&f, -1, 1, 255, 1, 9, 10);
	send_from(1, &f);
	ck_assert_uint_eq(got(2, &rx), 1);
	ck_assert_uint_eq(rx.n, f.n); /* untagged again */
	ck_assert_mem_eq(rx.b, f.b, f.n);
	ck_assert_uint_eq(got(3, NULL), 0); /* other VLAN */
	ck_assert_uint_eq(got(4, &rx), 1);
	ck_assert_uint_eq(rx.n, f.n + 4); /* the trunk sees the tag */
	ck_assert_uint_eq(rx.b[12] << 8 | rx.b[13], 0x8100);
	ck_assert_uint_eq((rx.b[14] << 8 | rx.b[15]) & 0xfff, 10);
	send_from(4, &f); /* untagged from the trunk: no access port gets it */
	ck_assert_uint_eq(got(1, NULL) + got(2, NULL) + got(3, NULL), 0);
	send_from(4, &rx); /* tagged 10: access ports of VLAN 10 do */
	ck_assert_uint_eq(got(1, NULL) + got(2, NULL), 2);
	ck_assert_uint_eq(got(3, NULL), 0);
	send_from(1, &rx); /* a tagged frame from an access port: VLAN hopping */
	ck_assert_uint_eq(got(2, NULL) + got(3, NULL) + got(4, NULL), 0);
	ck_assert_uint_eq(dropped(1, fw_policy(POL_VLAN_ID)), 1);
	sess[5] = NULL;
	hub_down();
}
END_TEST

START_TEST(test_multi_logins)
{
	struct policy p;
	struct session extra = {0};

	hub_up();
	policy_defaults(&p);
	p.v[POL_MULTI_LOGINS] = 1;
	join(1, &p);
	snprintf(extra.user, sizeof(extra.user), "USER1"); /* names are case-insensitive */
	ck_assert_int_eq(hub_attach(h, &extra, 100, 1), PROTO_R_MULTI_LOGIN);
	snprintf(extra.user, sizeof(extra.user), "user9");
	ck_assert_int_eq(hub_attach(h, &extra, 100, 1), 0);
	hub_detach(h, &extra);
	hub_down();
}
END_TEST

START_TEST(test_bad_source_and_runt)
{
	struct fb f;

	hub_with(0, POL_ACCESS, 1);
	udp4_frame(&f, -1, 1, 255, 1, 9, 10);
	memset(f.b + 6, 0xff, 6); /* broadcast source */
	send_from(1, &f);
	f.n = 10; /* shorter than an Ethernet header */
	send_from(1, &f);
	ck_assert_uint_eq(got(2, NULL), 0);
	ck_assert_uint_eq(dropped(1, FW_R_BAD_SOURCE), 1);
	ck_assert_uint_eq(dropped(1, FW_R_MALFORMED), 1);
	hub_down();
}
END_TEST

/* An entry discarding TCP to dport from src_user (ingress) or toward dst_user (egress). */
static struct conf_access tcp_port_entry(uint32_t id, uint32_t prio, uint16_t dport,
					 const char *src_user, const char *dst_user)
{
	struct conf_access a;

	memset(&a, 0, sizeof(a));
	a.id = id;
	a.priority = prio;
	a.active = true;
	a.discard = true;
	a.protocol = 6;
	a.dst_port[0] = a.dst_port[1] = dport;
	snprintf(a.src_user, sizeof(a.src_user), "%s", src_user);
	snprintf(a.dst_user, sizeof(a.dst_user), "%s", dst_user);
	return a;
}

START_TEST(test_access_list_ingress)
{
	struct conf_access e[2] = {tcp_port_entry(7, 10, 22, "user1", ""),
				   tcp_port_entry(9, 20, 23, "staff", "")};
	struct fb f;

	hub_up();
	ch.access = e;
	ch.naccess = 2;
	ck_assert_int_eq(fw_hub_update(&h->fw, &ch), 0);
	for (int i = 1; i <= 4; i++)
		join(i, NULL);
	introduce(1, 2);
	introduce(3, 4);
	tcp4_frame(&f, 2, 1, 40000, 22, PKT_TCP_SYN); /* user1 to port 22: discarded */
	send_from(1, &f);
	ck_assert_uint_eq(got(2, NULL), 0);
	ck_assert_uint_eq(dropped(1, FW_R_ACCESS_LIST), 1);
	ck_assert_uint_eq(fw_acl_hits(&h->fw, 7), 1);
	tcp4_frame(&f, 2, 1, 40000, 80, PKT_TCP_SYN); /* another port passes */
	send_from(1, &f);
	ck_assert_uint_eq(got(2, NULL), 1);
	tcp4_frame(&f, 4, 3, 40000, 22, PKT_TCP_SYN); /* another user passes */
	send_from(3, &f);
	ck_assert_uint_eq(got(4, NULL), 1);
	tcp4_frame(&f, 4, 3, 40000, 23, PKT_TCP_SYN); /* user3 is in group staff */
	send_from(3, &f);
	ck_assert_uint_eq(got(4, NULL), 0);
	ck_assert_uint_eq(fw_acl_hits(&h->fw, 9), 1);
	ck_assert_uint_eq(atomic_load(&h->fw.drops[FW_R_ACCESS_LIST]), 2);
	sess[5] = NULL;
	hub_down();
}
END_TEST

START_TEST(test_access_list_egress)
{
	struct conf_access e[1] = {tcp_port_entry(3, 1, 22, "", "user2")};
	struct fb f;

	hub_up();
	ch.access = e;
	ch.naccess = 1;
	ck_assert_int_eq(fw_hub_update(&h->fw, &ch), 0);
	for (int i = 1; i <= 3; i++)
		join(i, NULL);
	introduce(1, 2);
	introduce(1, 3);
	tcp4_frame(&f, 2, 1, 40000, 22, PKT_TCP_SYN); /* toward user2: discarded */
	send_from(1, &f);
	ck_assert_uint_eq(got(2, NULL), 0);
	ck_assert_uint_eq(dropped(2, FW_R_ACCESS_LIST), 1);
	tcp4_frame(&f, 3, 1, 40000, 22, PKT_TCP_SYN); /* toward user3: passes */
	send_from(1, &f);
	ck_assert_uint_eq(got(3, NULL), 1);
	sess[4] = sess[5] = NULL;
	hub_down();
}
END_TEST

START_TEST(test_malformed_ip_header)
{
	struct fb f;

	hub_with(0, POL_ACCESS, 1);
	udp4_frame(&f, -1, 1, 255, 1, 9, 10);
	f.b[14] = 0x43; /* IHL 3: shorter than an IPv4 header */
	send_from(1, &f);
	ck_assert_uint_eq(got(2, NULL), 0);
	ck_assert_uint_eq(dropped(1, FW_R_MALFORMED), 1);
	hub_down();
}
END_TEST

START_TEST(test_reason_names)
{
	ck_assert_str_eq(fw_reason_name(fw_policy(POL_CHECK_MAC)), "CheckMac");
	ck_assert_str_eq(fw_reason_name(FW_R_ACCESS_LIST), "AccessList");
	ck_assert_str_eq(fw_reason_name(FW_R_MAC_TABLE), "MacTableFull");
	ck_assert_str_eq(fw_reason_name(FW_PASS), "pass");
}
END_TEST

Suite *firewall_suite(void)
{
	Suite *s = suite_create("firewall");
	TCase *tc = tcase_create("policy");

	tcase_add_test(tc, test_unicast_and_flood_pass);
	tcase_add_test(tc, test_filter_ipv4_ipv6_nonip);
	tcase_add_test(tc, test_hub_filters);
	tcase_add_test(tc, test_dhcp_filter_and_no_server);
	tcase_add_test(tc, test_dhcp_force);
	tcase_add_test(tc, test_no_bridge_and_max_mac);
	tcase_add_test(tc, test_check_mac);
	tcase_add_test(tc, test_ip_rules);
	tcase_add_test(tc, test_ipv6_rules);
	tcase_add_test(tc, test_check_ipv6_neighbor_advertisements);
	tcase_add_test(tc, test_arp_dhcp_only);
	tcase_add_test(tc, test_privacy_filter);
	tcase_add_test(tc, test_no_server);
	tcase_add_test(tc, test_max_upload_download);
	tcase_add_test(tc, test_router_advertisements);
	tcase_add_test(tc, test_dhcpv6);
	tcase_add_test(tc, test_monitor_port);
	tcase_add_test(tc, test_vlan_access_port);
	tcase_add_test(tc, test_multi_logins);
	tcase_add_test(tc, test_bad_source_and_runt);
	tcase_add_test(tc, test_access_list_ingress);
	tcase_add_test(tc, test_access_list_egress);
	tcase_add_test(tc, test_malformed_ip_header);
	tcase_add_test(tc, test_reason_names);
	suite_add_tcase(s, tc);
	return s;
}
