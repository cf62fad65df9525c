// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The access list engine: every match field with a passing and a discarded
 * frame (IPv4, IPv6, ARP and 802.1Q-tagged frames, parsed by pkt_parse),
 * priority order, inactive entries, both phases, and the index checked
 * against a plain first-match scan over thousands of random entries.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "acl.h"
#include "suites.h"
#include "testframe.h"

static const uint8_t mac_a[6] = {0x02, 0, 0, 0, 0, 0x0a};
static const uint8_t mac_b[6] = {0x02, 0, 0, 0, 0, 0x0b};
static const uint8_t mac_c[6] = {0x04, 0, 0, 0, 0x01, 0x0c};
static const uint8_t v4_a[4] = {10, 1, 0, 1};
static const uint8_t v4_b[4] = {10, 2, 0, 2};
static const uint8_t v6_a[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 1};
static const uint8_t v6_b[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 2, [15] = 2};

static struct acl_who alice, bob;

static void setup(void)
{
	acl_who_init(&alice, "alice", "staff");
	acl_who_init(&bob, "bob", "");
}

static struct conf_access entry(uint32_t id, uint32_t priority, bool discard)
{
	struct conf_access a;

	memset(&a, 0, sizeof(a));
	a.id = id;
	a.priority = priority;
	a.active = true;
	a.discard = discard;
	return a;
}

/* A TCP (or given protocol) frame a -> b from the spec's defaults. */
static struct tf_spec spec(int family, uint8_t proto, uint16_t sport, uint16_t dport)
{
	struct tf_spec s = {.dst_mac = mac_b,
			    .src_mac = mac_a,
			    .family = family,
			    .src_ip = family == 6 ? v6_a : v4_a,
			    .dst_ip = family == 6 ? v6_b : v4_b,
			    .proto = proto,
			    .sport = sport,
			    .dport = dport,
			    .tcp_flags = PKT_TCP_ACK};

	return s;
}

static void parse(const struct tf_spec *s, struct pkt_info *pi)
{
	struct fb f;

	tf_build(&f, s);
	ck_assert_int_eq(pkt_parse(f.b, f.n, NULL, pi), 0);
	/* an empty DNS message (port 53) is malformed at L7 only */
	ck_assert(!(pi->flags & PKT_F_MALFORMED) || pi->malformed_layer == 7);
}

static struct acl *compile(const struct conf_access *e, size_t n, unsigned flags)
{
	char err[256] = "";
	struct acl *acl = acl_compile(e, n, flags, err, sizeof(err));

	ck_assert_msg(acl != NULL, "acl_compile: %s", err);
	return acl;
}

/* A decision as text, "pass:ID" or "discard:ID", for one-line assertions. */
static const char *verdict(enum acl_verdict v, uint32_t id)
{
	static char out[32];

	snprintf(out, sizeof(out), "%s:%u", v == ACL_DISCARD ? "discard" : "pass", id);
	return out;
}

/* The ingress decision for the parsed frame pi from src. */
static const char *in_from(const struct acl *acl, const struct pkt_info *pi,
			   const struct acl_who *src)
{
	uint32_t id = 99;
	enum acl_verdict v = acl_ingress(acl, pi, src, &id);

	return verdict(v, id);
}

/* The egress decision for the parsed frame pi from src to dst. */
static const char *out_to(const struct acl *acl, const struct pkt_info *pi,
			  const struct acl_who *src, const struct acl_who *dst)
{
	uint32_t id = 99;
	enum acl_verdict v = acl_egress(acl, pi, src, dst, &id);

	return verdict(v, id);
}

/* The ingress decision for the frame s from alice. */
static const char *ingress(const struct acl *acl, const struct tf_spec *s)
{
	struct pkt_info pi;

	parse(s, &pi);
	return in_from(acl, &pi, &alice);
}

START_TEST(test_empty_and_null)
{
	struct tf_spec s = spec(4, 6, 1000, 22);
	struct acl *acl = compile(NULL, 0, 0);
	struct pkt_info pi;
	uint32_t id = 7;

	ck_assert_str_eq(ingress(acl, &s), "pass:0");
	ck_assert_str_eq(ingress(NULL, &s), "pass:0");
	parse(&s, &pi);
	ck_assert_int_eq(acl_egress(NULL, &pi, &alice, &bob, &id), ACL_PASS);
	ck_assert_uint_eq(id, 0);
	ck_assert(!acl_has_egress(acl));
	ck_assert_uint_eq(acl_ingress_count(acl), 0);
	acl_free(acl);
	acl_free(NULL);
}
END_TEST

START_TEST(test_priority_first_match_inactive)
{
	struct conf_access e[4] = {entry(1, 5, false), entry(2, 10, true), entry(3, 20, false),
				   entry(4, 30, true)};
	struct tf_spec s = spec(4, 6, 1000, 22);
	struct acl *acl;

	e[0].active = false; /* would pass everything */
	e[0].protocol = 6;
	memcpy(e[1].src_ip, v4_b, 4); /* discard from 10.2.0.2 */
	memset(e[1].src_mask, 0xff, 4);
	e[2].dst_port[0] = e[2].dst_port[1] = 22; /* pass port 22 */
	e[3].protocol = 6;			  /* discard TCP */
	acl = compile(e, 4, 0);
	ck_assert_uint_eq(acl_ingress_count(acl), 3);
	ck_assert_str_eq(ingress(acl, &s), "pass:3");
	s.dport = 23;
	ck_assert_str_eq(ingress(acl, &s), "discard:4");
	s.src_ip = v4_b;
	ck_assert_str_eq(ingress(acl, &s), "discard:2");
	s = spec(4, 17, 1000, 22);
	ck_assert_str_eq(ingress(acl, &s), "pass:3");
	s.dport = 54;
	ck_assert_str_eq(ingress(acl, &s), "pass:0"); /* no match */
	acl_free(acl);
}
END_TEST

START_TEST(test_mac)
{
	struct conf_access e[2] = {entry(1, 1, true), entry(2, 2, true)};
	static const uint8_t oui_mask[6] = {0xff, 0xff, 0xff, 0, 0, 0};
	struct tf_spec s = spec(4, 17, 1, 2);
	struct acl *acl;

	e[0].check_src_mac = true; /* source in OUI 04:00:00 */
	memcpy(e[0].src_mac, mac_c, 6);
	memcpy(e[0].src_mac_mask, oui_mask, 6);
	e[1].check_dst_mac = true; /* exactly mac_c as destination */
	memcpy(e[1].dst_mac, mac_c, 6);
	memset(e[1].dst_mac_mask, 0xff, 6);
	acl = compile(e, 2, 0);
	ck_assert_str_eq(ingress(acl, &s), "pass:0");
	s.src_mac = mac_c;
	ck_assert_str_eq(ingress(acl, &s), "discard:1");
	s.src_mac = mac_a;
	s.dst_mac = mac_c;
	ck_assert_str_eq(ingress(acl, &s), "discard:2");
	/* MAC entries match any frame type: ARP and IPv6 too */
	s.family = 0;
	ck_assert_str_eq(ingress(acl, &s), "discard:2");
	s = spec(6, 58, 0, 0);
	s.dst_mac = mac_c;
	ck_assert_str_eq(ingress(acl, &s), "discard:2");
	acl_free(acl);
}
END_TEST

START_TEST(test_ipv4_address_and_arp)
{
	struct conf_access e[2] = {entry(1, 1, true), entry(2, 2, true)};
	struct tf_spec s = spec(4, 17, 1, 2);
	struct acl *acl, *acl_arp;

	e[0].src_ip[0] = 10; /* 10.1.0.0/16 as source */
	e[0].src_ip[1] = 1;
	e[0].src_mask[0] = e[0].src_mask[1] = 0xff;
	memcpy(e[1].dst_ip, v4_a, 4); /* to 10.1.0.1 */
	memset(e[1].dst_mask, 0xff, 4);
	acl = compile(e, 2, 0);
	acl_arp = compile(e, 2, ACL_APPLY_IPV4_ON_ARP);
	ck_assert_str_eq(ingress(acl, &s), "discard:1");
	s.src_ip = v4_b;
	ck_assert_str_eq(ingress(acl, &s), "pass:0");
	s.dst_ip = v4_a;
	ck_assert_str_eq(ingress(acl, &s), "discard:2");
	/* ARP: only under ApplyIPv4AccessListOnArpPacket, by sender and target address */
	s.family = 0;
	ck_assert_str_eq(ingress(acl, &s), "pass:0");
	ck_assert_str_eq(ingress(acl_arp, &s), "discard:2");
	s.src_ip = v4_a;
	s.dst_ip = v4_b;
	ck_assert_str_eq(ingress(acl_arp, &s), "discard:1");
	/* an IPv4 entry never matches IPv6 */
	s = spec(6, 17, 1, 2);
	ck_assert_str_eq(ingress(acl, &s), "pass:0");
	acl_free(acl);
	acl_free(acl_arp);
}
END_TEST

START_TEST(test_ipv6_address_and_protocol)
{
	struct conf_access e[3] = {entry(1, 1, true), entry(2, 2, true), entry(3, 3, true)};
	struct tf_spec s = spec(6, 6, 1000, 80);
	struct acl *acl;

	e[0].is_ipv6 = true; /* from 2001:db8:0:1::/64 */
	memcpy(e[0].src_ip, v6_a, 8);
	memset(e[0].src_mask, 0xff, 8);
	e[1].is_ipv6 = true; /* to exactly v6_a */
	memcpy(e[1].dst_ip, v6_a, 16);
	memset(e[1].dst_mask, 0xff, 16);
	e[2].is_ipv6 = true; /* ICMPv6 */
	e[2].protocol = 58;
	acl = compile(e, 3, 0);
	ck_assert_str_eq(ingress(acl, &s), "discard:1");
	s.src_ip = v6_b;
	ck_assert_str_eq(ingress(acl, &s), "pass:0");
	s.dst_ip = v6_a;
	ck_assert_str_eq(ingress(acl, &s), "discard:2");
	s = spec(6, 58, 0, 0);
	s.src_ip = v6_b;
	ck_assert_str_eq(ingress(acl, &s), "discard:3");
	/* the IPv6 protocol entry leaves IPv4 alone, and the IPv4 protocol number 58 too */
	s = spec(4, 58, 0, 0);
	ck_assert_str_eq(ingress(acl, &s), "pass:0");
	acl_free(acl);
}
END_TEST

START_TEST(test_ports)
{
	struct conf_access e[2] = {entry(1, 1, true), entry(2, 2, true)};
	struct tf_spec s = spec(4, 6, 40000, 22);
	struct acl *acl;

	e[0].dst_port[0] = 20; /* destination 20-23 */
	e[0].dst_port[1] = 23;
	e[1].src_port[0] = 1024; /* source 1024-65535, too wide to index */
	e[1].src_port[1] = 65535;
	e[1].is_ipv6 = true;
	acl = compile(e, 2, 0);
	ck_assert_str_eq(ingress(acl, &s), "discard:1");
	s.dport = 24;
	ck_assert_str_eq(ingress(acl, &s), "discard:2");
	s.sport = 1023;
	ck_assert_str_eq(ingress(acl, &s), "pass:0");
	s.proto = 17;
	s.dport = 20;
	ck_assert_str_eq(ingress(acl, &s), "discard:1");
	/* ports are TCP/UDP only; the family of an entry without addresses does not matter */
	s = spec(6, 6, 2000, 80);
	ck_assert_str_eq(ingress(acl, &s), "discard:2");
	s.proto = 58;
	ck_assert_str_eq(ingress(acl, &s), "pass:0");
	s = spec(4, 1, 0, 0);
	ck_assert_str_eq(ingress(acl, &s), "pass:0");
	acl_free(acl);
}
END_TEST

START_TEST(test_fragment_has_no_ports)
{
	struct conf_access e[1] = {entry(1, 1, true)};
	struct tf_spec s = spec(4, 6, 40000, 22);
	struct acl *acl;
	struct pkt_info pi;
	struct fb f;

	e[0].dst_port[0] = e[0].dst_port[1] = 22;
	acl = compile(e, 1, 0);
	tf_build(&f, &s);
	tf_set16(&f, 14 + 6, 100); /* fragment offset 800 */
	ck_assert_int_eq(pkt_parse(f.b, f.n, NULL, &pi), 0);
	ck_assert_uint_eq(pi.l4, PKT_L4_FRAGMENT);
	ck_assert_str_eq(in_from(acl, &pi, &alice), "pass:0");
	acl_free(acl);
}
END_TEST

START_TEST(test_tcp_state)
{
	struct conf_access e[2] = {entry(1, 1, true), entry(2, 2, false)};
	struct tf_spec s = spec(4, 6, 40000, 22);
	struct acl *acl;

	e[0].check_tcp_state = true; /* discard new connections */
	e[0].established = false;
	e[1].check_tcp_state = true;
	e[1].established = true;
	acl = compile(e, 2, 0);
	ck_assert_str_eq(ingress(acl, &s), "pass:2");
	s.tcp_flags = PKT_TCP_SYN;
	ck_assert_str_eq(ingress(acl, &s), "discard:1");
	s.tcp_flags = PKT_TCP_SYN | PKT_TCP_ACK;
	ck_assert_str_eq(ingress(acl, &s), "pass:2");
	s.proto = 17; /* not TCP: neither */
	ck_assert_str_eq(ingress(acl, &s), "pass:0");
	acl_free(acl);
}
END_TEST

START_TEST(test_vlan_frames)
{
	struct conf_access e[1] = {entry(1, 1, true)};
	struct tf_spec s = spec(6, 17, 5353, 5353);
	struct acl *acl;

	e[0].is_ipv6 = true;
	memcpy(e[0].dst_ip, v6_b, 16);
	memset(e[0].dst_mask, 0xff, 16);
	e[0].protocol = 17;
	e[0].dst_port[0] = 5353;
	acl = compile(e, 1, 0);
	s.vid = 100;
	ck_assert_str_eq(ingress(acl, &s), "discard:1");
	s.dst_ip = v6_a;
	ck_assert_str_eq(ingress(acl, &s), "pass:0");
	s = spec(4, 6, 1, 2);
	s.vid = 4094;
	ck_assert_str_eq(ingress(acl, &s), "pass:0");
	acl_free(acl);
}
END_TEST

START_TEST(test_source_user_or_group)
{
	struct conf_access e[2] = {entry(1, 1, true), entry(2, 2, false)};
	struct tf_spec s = spec(4, 6, 1, 22);
	struct acl *acl;
	struct pkt_info pi;

	strcpy(e[0].src_user, "STAFF"); /* alice's group, another case */
	strcpy(e[1].src_user, "CORP\\Bob");
	acl = compile(e, 2, 0);
	parse(&s, &pi);
	ck_assert_str_eq(in_from(acl, &pi, &alice), "discard:1");
	ck_assert_str_eq(in_from(acl, &pi, &bob), "pass:2");
	ck_assert_str_eq(in_from(acl, &pi, NULL), "pass:0");
	ck_assert_uint_eq(acl_name_hash("Alice"), acl_name_hash("aLICE"));
	ck_assert_uint_ne(acl_name_hash("alice"), acl_name_hash("alicf"));
	ck_assert_uint_eq(acl_name_hash(""), 0);
	ck_assert_uint_eq(bob.group, 0);
	acl_free(acl);
}
END_TEST

/*
 * Ingress uses the entries before the first DestUsername entry (inactive or
 * not); egress the rest, per destination.
 */
START_TEST(test_phases)
{
	struct conf_access e[4] = {entry(1, 1, true), entry(2, 2, true), entry(3, 3, true),
				   entry(4, 4, true)};
	struct tf_spec s = spec(4, 6, 1000, 22);
	struct acl *acl;
	struct pkt_info pi;

	e[0].dst_port[0] = 25;
	e[1].active = false;
	strcpy(e[1].dst_user, "nobody");
	strcpy(e[2].dst_user, "bob"); /* port 22 to bob */
	e[2].dst_port[0] = 22;
	e[3].dst_port[0] = 23; /* no DestUsername, but after the split: egress */
	acl = compile(e, 4, 0);
	ck_assert_uint_eq(acl_ingress_count(acl), 1);
	ck_assert_uint_eq(acl_egress_count(acl), 2);
	ck_assert(acl_has_egress(acl));
	parse(&s, &pi);
	ck_assert_str_eq(in_from(acl, &pi, &alice), "pass:0");
	ck_assert_str_eq(out_to(acl, &pi, &alice, &bob), "discard:3");
	ck_assert_str_eq(out_to(acl, &pi, &bob, &alice), "pass:0");
	ck_assert_str_eq(out_to(acl, &pi, &alice, NULL), "pass:0");
	s.dport = 23;
	parse(&s, &pi);
	ck_assert_str_eq(in_from(acl, &pi, &alice), "pass:0");
	ck_assert_str_eq(out_to(acl, &pi, &alice, &alice), "discard:4");
	s.dport = 25;
	parse(&s, &pi);
	ck_assert_str_eq(in_from(acl, &pi, &alice), "discard:1");
	acl_free(acl);
}
END_TEST

START_TEST(test_file_reference_refused)
{
	struct conf_access e[1] = {entry(9, 1, true)};
	char err[200];

	strcpy(e[0].dst_user, "Include:/etc/names");
	ck_assert_ptr_null(acl_compile(e, 1, 0, err, sizeof(err)));
	ck_assert_str_eq(err, "access list entry 9: user name \"Include:/etc/names\": "
			      "include:/exclude: files are not supported");
}
END_TEST

/* ---- the index against a plain scan ---- */

static bool ref_addr(const struct conf_access *a, const uint8_t *ip, const uint8_t *addr,
		     const uint8_t *mask, uint8_t l3)
{
	size_t n = a->is_ipv6 ? 16 : 4;
	bool any = true;

	for (size_t i = 0; i < n; i++)
		any = any && !addr[i] && !mask[i];
	if (any)
		return true;
	if (l3 != (a->is_ipv6 ? PKT_L3_IPV6 : PKT_L3_IPV4))
		return false;
	for (size_t i = 0; i < n; i++)
		if ((ip[i] & mask[i]) != (addr[i] & mask[i]))
			return false;
	return true;
}

static bool ref_mac(bool check, const uint8_t *mac, const uint8_t *addr, const uint8_t *mask)
{
	for (size_t i = 0; check && i < 6; i++)
		if ((mac[i] & mask[i]) != (addr[i] & mask[i]))
			return false;
	return true;
}

static bool ref_port(const uint16_t r[2], uint16_t port, const struct pkt_info *pi)
{
	if (!r[0])
		return true;
	return (pi->l4 == PKT_L4_TCP || pi->l4 == PKT_L4_UDP) && port >= r[0] &&
	       port <= (r[1] < r[0] ? r[0] : r[1]);
}

/* A session as the reference sees it: names, not hashes. */
struct person {
	const char *user, *group;
	struct acl_who who;
};

static bool ref_user(const char *name, const struct person *p)
{
	return !name[0] ||
	       (p && (strcasecmp(name, p->user) == 0 || strcasecmp(name, p->group) == 0));
}

/* softether-notes 2.3, written out plainly (no ARP) */
static bool ref_match(const struct conf_access *a, const struct pkt_info *pi,
		      const struct person *src, const struct person *dst)
{
	if (!a->active || !ref_user(a->src_user, src) || !ref_user(a->dst_user, dst) ||
	    !ref_mac(a->check_src_mac, pi->src, a->src_mac, a->src_mac_mask) ||
	    !ref_mac(a->check_dst_mac, pi->dst, a->dst_mac, a->dst_mac_mask) ||
	    !ref_addr(a, pi->ip_src, a->src_ip, a->src_mask, pi->l3) ||
	    !ref_addr(a, pi->ip_dst, a->dst_ip, a->dst_mask, pi->l3))
		return false;
	if (a->protocol &&
	    (pi->l3 != (a->is_ipv6 ? PKT_L3_IPV6 : PKT_L3_IPV4) || pi->ip_proto != a->protocol))
		return false;
	if (a->check_tcp_state && (pi->l4 != PKT_L4_TCP || pkt_tcp_is_syn(pi) == a->established))
		return false;
	return ref_port(a->src_port, pi->sport, pi) && ref_port(a->dst_port, pi->dport, pi);
}

static uint32_t rnd(uint32_t *state, uint32_t n)
{
	*state = *state * 1103515245u + 12345u;
	return (*state >> 8) % n;
}

static const char *const names[] = {"alice", "STAFF", "bob", "carol"};

/* A random entry drawn from a small value space so that frames hit entries. */
static void random_entry(struct conf_access *a, uint32_t id, uint32_t *st)
{
	*a = entry(id, id, rnd(st, 2));
	a->active = rnd(st, 10) != 0;
	a->is_ipv6 = rnd(st, 3) == 0;
	if (rnd(st, 2)) {
		a->dst_ip[a->is_ipv6 ? 15 : 3] = (uint8_t)rnd(st, 8);
		a->dst_ip[0] = 10;
		memset(a->dst_mask, 0xff, a->is_ipv6 ? 16 : 4);
		if (rnd(st, 2))
			a->dst_mask[a->is_ipv6 ? 15 : 3] = 0xfc;
	}
	if (rnd(st, 3) == 0) {
		a->src_ip[0] = 10;
		a->src_mask[0] = 0xff;
	}
	if (rnd(st, 3) == 0)
		a->protocol = rnd(st, 2) ? 6 : 17;
	if (rnd(st, 2)) {
		a->dst_port[0] = (uint16_t)(20 + rnd(st, 8));
		a->dst_port[1] = (uint16_t)(a->dst_port[0] + (rnd(st, 4) == 0 ? 30 : rnd(st, 3)));
	}
	if (rnd(st, 4) == 0)
		a->src_port[0] = a->src_port[1] = (uint16_t)(1000 + rnd(st, 4));
	if (rnd(st, 5) == 0) {
		a->check_src_mac = true;
		a->src_mac[5] = (uint8_t)rnd(st, 4);
		memset(a->src_mac_mask, 0xff, 6);
	}
	if (rnd(st, 6) == 0) {
		a->check_tcp_state = true;
		a->established = rnd(st, 2);
	}
	if (!a->dst_port[0] && !a->dst_mask[0])
		a->dst_port[0] = a->dst_port[1] = (uint16_t)(20 + rnd(st, 8)); /* no catch-all */
	if (rnd(st, 6) == 0)
		strcpy(a->src_user, names[rnd(st, 4)]);
	if (id > 10 && rnd(st, 5) == 0)
		strcpy(a->dst_user, names[rnd(st, 4)]);
}

static void random_frame(struct pkt_info *pi, uint32_t *st)
{
	uint8_t ip_s[16] = {10, 0}, ip_d[16] = {10, 0}, src[6] = {0x02, 0, 0, 0, 0, 0};
	struct tf_spec s = {.dst_mac = mac_b, .src_mac = src, .src_ip = ip_s, .dst_ip = ip_d};
	static const uint8_t protos[] = {6, 17, 1, 58};

	s.family = rnd(st, 3) == 0 ? 6 : 4;
	s.proto = protos[rnd(st, 4)];
	ip_d[s.family == 6 ? 15 : 3] = (uint8_t)rnd(st, 8);
	ip_s[1] = (uint8_t)rnd(st, 2);
	src[5] = (uint8_t)rnd(st, 5);
	s.dport = (uint16_t)(18 + rnd(st, 45));
	s.sport = (uint16_t)(999 + rnd(st, 6));
	s.tcp_flags = rnd(st, 2) ? PKT_TCP_SYN : PKT_TCP_ACK;
	s.vid = (uint16_t)rnd(st, 2);
	parse(&s, pi);
}

/* The first entry of e[from..to) matching the frame, as its index + 1; 0 for none. */
static uint32_t ref_first(const struct conf_access *e, uint32_t from, uint32_t to,
			  const struct pkt_info *pi, const struct person *src,
			  const struct person *dst)
{
	for (uint32_t i = from; i < to; i++)
		if (ref_match(&e[i], pi, src, dst))
			return i + 1;
	return 0;
}

static void check_verdict(const struct conf_access *e, uint32_t want, uint32_t id,
			  enum acl_verdict v)
{
	ck_assert_uint_eq(id, want);
	ck_assert_int_eq(v, want && e[want - 1].discard ? ACL_DISCARD : ACL_PASS);
}

/*
 * Checks FRAMES random frames between random sessions against n random
 * entries, both phases; returns how many frames some entry decided, and
 * counts those an egress entry decided in *egress_hits.
 */
static uint32_t check_random(uint32_t n, uint32_t *st, uint32_t *egress_hits)
{
	enum { FRAMES = 2000 };
	struct person people[2] = {{"Alice", "staff", {0}}, {"bob", "", {0}}};
	struct conf_access *e = calloc(n, sizeof(*e));
	uint32_t hits = 0, split = 0;
	struct acl *acl;

	ck_assert_ptr_nonnull(e);
	for (int i = 0; i < 2; i++)
		acl_who_init(&people[i].who, people[i].user, people[i].group);
	for (uint32_t i = 0; i < n; i++)
		random_entry(&e[i], i + 1, st);
	while (split < n && !e[split].dst_user[0])
		split++;
	acl = compile(e, n, 0);
	for (int f = 0; f < FRAMES; f++) {
		const struct person *src = &people[rnd(st, 2)], *dst = &people[rnd(st, 2)];
		struct pkt_info pi;
		uint32_t id, want;
		enum acl_verdict v;

		random_frame(&pi, st);
		want = ref_first(e, 0, split, &pi, src, NULL);
		v = acl_ingress(acl, &pi, &src->who, &id);
		check_verdict(e, want, id, v);
		if (!want) {
			want = ref_first(e, split, n, &pi, src, dst);
			v = acl_egress(acl, &pi, &src->who, &dst->who, &id);
			check_verdict(e, want, id, v);
			*egress_hits += want != 0;
		}
		hits += want != 0;
	}
	acl_free(acl);
	free(e);
	return hits;
}

START_TEST(test_index_agrees_with_scan)
{
	uint32_t st = 12345, egress_small = 0, egress_large = 0;
	uint32_t small = check_random(20, &st, &egress_small);
	uint32_t large = check_random(3000, &st, &egress_large);

	/* the draws make every outcome common */
	ck_assert_uint_gt(small, 0);
	ck_assert_uint_lt(small, 2000);
	ck_assert_uint_gt(large, small);
	ck_assert_uint_gt(egress_large, 0);
}
END_TEST

Suite *acl_suite(void)
{
	Suite *s = suite_create("acl");
	TCase *tc = tcase_create("match");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_empty_and_null);
	tcase_add_test(tc, test_priority_first_match_inactive);
	tcase_add_test(tc, test_mac);
	tcase_add_test(tc, test_ipv4_address_and_arp);
	tcase_add_test(tc, test_ipv6_address_and_protocol);
	tcase_add_test(tc, test_ports);
	tcase_add_test(tc, test_fragment_has_no_ports);
	tcase_add_test(tc, test_tcp_state);
	tcase_add_test(tc, test_vlan_frames);
	tcase_add_test(tc, test_source_user_or_group);
	tcase_add_test(tc, test_phases);
	tcase_add_test(tc, test_file_reference_refused);
	tcase_add_test(tc, test_index_agrees_with_scan);
	suite_add_tcase(s, tc);
	return s;
}
