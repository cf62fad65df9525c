// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Packet analysis with hand-built frames: every L2/L3/L4/L7 branch, the
 * malformed case at each layer, and every truncation of sample frames parsed
 * from exact-size heap copies so that ASan catches any read past len.
 */
#include <stdlib.h>
#include <string.h>

#include "packet.h"
#include "suites.h"
#include "testframe.h"

static const uint8_t mac_a[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x0a};
static const uint8_t mac_b[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x0b};
static const uint8_t ip4_a[4] = {10, 0, 0, 1};
static const uint8_t ip4_b[4] = {10, 0, 0, 2};
static const uint8_t ip6_a[16] = {0xfe, 0x80, [15] = 1};
static const uint8_t ip6_b[16] = {0xfe, 0x80, [15] = 2};

/* dst, src, optional 802.1Q tag (vid 0 = none), EtherType */
static void eth(struct fb *f, const uint8_t *dst, uint16_t type, uint16_t vid)
{
	f->n = 0;
	tf_put(f, dst, 6);
	tf_put(f, mac_a, 6);
	if (vid) {
		tf_put16(f, 0x8100);
		tf_put16(f, (uint16_t)(5 << 13 | vid));
	}
	tf_put16(f, type);
}

/* IPv4 header with ihl_words*4 bytes (options zero-filled); returns its offset */
static size_t ipv4(struct fb *f, uint8_t proto, unsigned ihl_words, uint16_t frag)
{
	size_t at = f->n;

	tf_put8(f, (uint8_t)(0x40 | ihl_words));
	tf_put8(f, 0x10);
	tf_put16(f, 0); /* total length, fixed by ipv4_done */
	tf_put16(f, 0x1234);
	tf_put16(f, frag);
	tf_put8(f, 64);
	tf_put8(f, proto);
	tf_put16(f, 0);
	tf_put(f, ip4_a, 4);
	tf_put(f, ip4_b, 4);
	for (unsigned i = 5; i < ihl_words; i++)
		tf_put32(f, 0x01010101); /* NOPs */
	return at;
}

static void ipv4_done(struct fb *f, size_t at)
{
	tf_set16(f, at + 2, (uint16_t)(f->n - at));
}

static size_t ipv6(struct fb *f, uint8_t nh)
{
	size_t at = f->n;

	tf_put32(f, 0x60a00000); /* traffic class 0x0a */
	tf_put16(f, 0);		 /* payload length, fixed by ipv6_done */
	tf_put8(f, nh);
	tf_put8(f, 255);
	tf_put(f, ip6_a, 16);
	tf_put(f, ip6_b, 16);
	return at;
}

static void ipv6_done(struct fb *f, size_t at)
{
	tf_set16(f, at + 4, (uint16_t)(f->n - at - 40));
}

/* An 8-byte extension header (hop-by-hop, routing or destination options). */
static void ext8(struct fb *f, uint8_t nh)
{
	tf_put8(f, nh);
	tf_put8(f, 0);
	tf_put16(f, 0x0104); /* PadN */
	tf_put32(f, 0);
}

static size_t udp(struct fb *f, uint16_t sport, uint16_t dport)
{
	size_t at = f->n;

	tf_put16(f, sport);
	tf_put16(f, dport);
	tf_put16(f, 0);
	tf_put16(f, 0);
	return at;
}

static void udp_done(struct fb *f, size_t at)
{
	tf_set16(f, at + 4, (uint16_t)(f->n - at));
}

/* TCP header with options opt[0..optlen) (a multiple of 4) */
static void tcp(struct fb *f, uint8_t flags, const uint8_t *opt, size_t optlen)
{
	tf_put16(f, 40000);
	tf_put16(f, 22);
	tf_put32(f, 0x11223344);
	tf_put32(f, 0x55667788);
	tf_put8(f, (uint8_t)((5 + optlen / 4) << 4));
	tf_put8(f, flags);
	tf_put16(f, 29200);
	tf_put32(f, 0);
	tf_put(f, opt, optlen);
}

/* Ethernet (+ tag vid) + IPv4 (fragment field frag) + UDP carrying p[0..n); the UDP offset. */
static size_t udp4_frame(struct fb *f, uint16_t vid, uint16_t frag, uint16_t sport, uint16_t dport,
			 const void *p, size_t n)
{
	size_t ip, u;

	eth(f, mac_b, 0x0800, vid);
	ip = ipv4(f, 17, 5, frag);
	u = udp(f, sport, dport);
	tf_put(f, p, n);
	udp_done(f, u);
	ipv4_done(f, ip);
	return u;
}

/* Parses an exact-size heap copy and checks the offsets stay inside the frame. */
static int parse_exact(const uint8_t *b, size_t len, const struct pkt_parse_opts *o,
		       struct pkt_info *pi)
{
	uint8_t *copy = malloc(len ? len : 1);
	int rc;

	ck_assert_ptr_nonnull(copy);
	memcpy(copy, b, len);
	rc = pkt_parse(copy, len, o, pi);
	free(copy);
	if (rc == 0) {
		ck_assert_uint_le(pi->frame_len, len);
		ck_assert_uint_le(pi->l3_off, pi->frame_len);
		ck_assert_uint_le(pi->l4_off, pi->frame_len);
		ck_assert_uint_le((uint64_t)pi->payload_off + pi->payload_len, pi->frame_len);
		ck_assert_uint_lt(strlen(pi->dns_qname), sizeof(pi->dns_qname));
	}
	return rc;
}

static void parse_fb(struct fb *f, struct pkt_info *pi)
{
	ck_assert_int_eq(parse_exact(f->b, f->n, NULL, pi), 0);
}

static void assert_malformed(const struct pkt_info *pi, uint8_t layer)
{
	ck_assert_uint_ne(pi->flags & PKT_F_MALFORMED, 0);
	ck_assert_uint_eq(pi->malformed_layer, layer);
}

static void assert_clean(const struct pkt_info *pi)
{
	ck_assert_uint_eq(pi->flags & PKT_F_MALFORMED, 0);
}

/* Parses f, which must be malformed at layer. */
static void expect_malformed(struct fb *f, struct pkt_info *pi, uint8_t layer)
{
	parse_fb(f, pi);
	assert_malformed(pi, layer);
}

START_TEST(test_ethernet_addresses)
{
	static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	static const uint8_t mcast[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};
	struct fb f;
	struct pkt_info pi;

	eth(&f, mac_b, 0x88cc, 0); /* LLDP */
	tf_put32(&f, 0);
	parse_fb(&f, &pi);
	assert_clean(&pi);
	ck_assert_uint_eq(pi.l2, PKT_L2_ETHERNET);
	ck_assert_uint_eq(pi.l3, PKT_L3_OTHER);
	ck_assert_uint_eq(pi.l3_off, 14);
	ck_assert_uint_eq(pi.ethertype, 0x88cc);
	ck_assert_mem_eq(pi.dst, mac_b, 6);
	ck_assert_mem_eq(pi.src, mac_a, 6);
	ck_assert_uint_eq(pi.flags & (PKT_F_MULTICAST | PKT_F_BROADCAST | PKT_F_BAD_SOURCE), 0);
	ck_assert_uint_eq(pi.frame_len, f.n);

	eth(&f, bcast, 0x88cc, 0);
	parse_fb(&f, &pi);
	ck_assert_uint_eq(pi.flags & (PKT_F_MULTICAST | PKT_F_BROADCAST),
			  PKT_F_MULTICAST | PKT_F_BROADCAST);
	eth(&f, mcast, 0x88cc, 0);
	parse_fb(&f, &pi);
	ck_assert_uint_eq(pi.flags & (PKT_F_MULTICAST | PKT_F_BROADCAST), PKT_F_MULTICAST);

	/* bad sources: multicast, all-zeros, equal to the destination */
	eth(&f, mac_b, 0x88cc, 0);
	memcpy(f.b + 6, mcast, 6);
	parse_fb(&f, &pi);
	ck_assert_uint_ne(pi.flags & PKT_F_BAD_SOURCE, 0);
	memset(f.b + 6, 0, 6);
	parse_fb(&f, &pi);
	ck_assert_uint_ne(pi.flags & PKT_F_BAD_SOURCE, 0);
	memcpy(f.b + 6, mac_b, 6);
	parse_fb(&f, &pi);
	ck_assert_uint_ne(pi.flags & PKT_F_BAD_SOURCE, 0);

	/* shorter than an Ethernet header */
	ck_assert_int_eq(parse_exact(f.b, 13, NULL, &pi), -1);
	ck_assert_uint_eq(pi.flags, PKT_F_MALFORMED);
	ck_assert_uint_eq(pi.malformed_layer, 2);
}
END_TEST

START_TEST(test_vlan)
{
	struct pkt_parse_opts qinq = {.vlan_tpid = 0x88a8};
	struct fb f;
	struct pkt_info pi;

	udp4_frame(&f, 42, 0, 1000, 2000, "\xde\xad\xbe\xef", 4);
	parse_fb(&f, &pi);
	assert_clean(&pi);
	ck_assert_uint_ne(pi.flags & PKT_F_VLAN, 0);
	ck_assert_uint_eq(pi.vlan_id, 42);
	ck_assert_uint_eq(pi.vlan_pcp, 5);
	ck_assert_uint_eq(pi.ethertype, 0x0800);
	ck_assert_uint_eq(pi.l3, PKT_L3_IPV4);
	ck_assert_uint_eq(pi.l3_off, 18);
	ck_assert_uint_eq(pi.l4, PKT_L4_UDP);
	ck_assert_uint_eq(pi.l4_off, 38);
	ck_assert_uint_eq(pi.payload_off, 46);
	ck_assert_uint_eq(pi.payload_len, 4);

	/* with another TPID configured, 0x8100 is just an EtherType */
	ck_assert_int_eq(parse_exact(f.b, f.n, &qinq, &pi), 0);
	ck_assert_uint_eq(pi.flags & PKT_F_VLAN, 0);
	ck_assert_uint_eq(pi.ethertype, 0x8100);
	ck_assert_uint_eq(pi.l3, PKT_L3_OTHER);
	tf_set16(&f, 12, 0x88a8);
	ck_assert_int_eq(parse_exact(f.b, f.n, &qinq, &pi), 0);
	ck_assert_uint_eq(pi.vlan_id, 42);
	ck_assert_uint_eq(pi.l4, PKT_L4_UDP);

	/* L2 only (DisableIPParsing) */
	struct pkt_parse_opts l2 = {.l2_only = true};
	tf_set16(&f, 12, 0x8100);
	ck_assert_int_eq(parse_exact(f.b, f.n, &l2, &pi), 0);
	ck_assert_uint_eq(pi.vlan_id, 42);
	ck_assert_uint_eq(pi.l3, PKT_L3_NONE);
	ck_assert_uint_eq(pi.l3_off, 18);

	/* a tag cut short */
	ck_assert_int_eq(parse_exact(f.b, 16, NULL, &pi), 0);
	assert_malformed(&pi, 2);
	ck_assert_uint_eq(pi.l3, PKT_L3_NONE);
}
END_TEST

START_TEST(test_llc)
{
	static const uint8_t stp_dst[6] = {0x01, 0x80, 0xc2, 0x00, 0x00, 0x00};
	struct fb f;
	struct pkt_info pi;

	eth(&f, stp_dst, 38, 0);
	tf_put8(&f, 0x42);
	tf_put8(&f, 0x42);
	tf_put8(&f, 0x03);
	for (int i = 0; i < 35; i++)
		tf_put8(&f, 0);
	for (int i = 0; i < 8; i++)
		tf_put8(&f, 0xee); /* padding up to 60 bytes */
	parse_fb(&f, &pi);
	assert_clean(&pi);
	ck_assert_uint_eq(pi.l2, PKT_L2_LLC);
	ck_assert_uint_eq(pi.l3, PKT_L3_BPDU);
	ck_assert_uint_eq(pi.l3_off, 17);
	ck_assert_uint_eq(pi.llc_dsap, 0x42);
	ck_assert_uint_eq(pi.frame_len, 14 + 38);
	ck_assert_uint_ne(pi.flags & PKT_F_TRIMMED, 0);

	f.b[14] = 0xaa; /* SNAP: not parsed */
	parse_fb(&f, &pi);
	assert_clean(&pi);
	ck_assert_uint_eq(pi.l2, PKT_L2_LLC);
	ck_assert_uint_eq(pi.l3, PKT_L3_NONE);
	ck_assert_uint_eq(pi.llc_dsap, 0xaa);

	tf_set16(&f, 12, 200); /* longer than the frame */
	expect_malformed(&f, &pi, 2);
	tf_set16(&f, 12, 2); /* too short for DSAP, SSAP, control */
	expect_malformed(&f, &pi, 2);
}
END_TEST

static void arp_frame(struct fb *f, uint16_t op)
{
	eth(f, mac_b, 0x0806, 0);
	tf_put16(f, 1);
	tf_put16(f, 0x0800);
	tf_put8(f, 6);
	tf_put8(f, 4);
	tf_put16(f, op);
	tf_put(f, mac_a, 6);
	tf_put(f, ip4_a, 4);
	tf_put(f, mac_b, 6);
	tf_put(f, ip4_b, 4);
}

START_TEST(test_arp)
{
	struct fb f;
	struct pkt_info pi;

	arp_frame(&f, 2);
	parse_fb(&f, &pi);
	assert_clean(&pi);
	ck_assert_uint_eq(pi.l3, PKT_L3_ARP);
	ck_assert_uint_eq(pi.arp_op, 2);
	ck_assert_mem_eq(pi.arp_sha, mac_a, 6);
	ck_assert_mem_eq(pi.arp_spa, ip4_a, 4);
	ck_assert_mem_eq(pi.arp_tha, mac_b, 6);
	ck_assert_mem_eq(pi.arp_tpa, ip4_b, 4);
	ck_assert(!pkt_is_ip(&pi));

	ck_assert_int_eq(parse_exact(f.b, f.n - 1, NULL, &pi), 0);
	assert_malformed(&pi, 3);
	ck_assert_uint_eq(pi.l3, PKT_L3_NONE);

	f.b[14 + 1] = 6; /* hardware type 6 (IEEE 802): not ARP for IPv4 over Ethernet */
	parse_fb(&f, &pi);
	assert_clean(&pi);
	ck_assert_uint_eq(pi.l3, PKT_L3_OTHER);
}
END_TEST

START_TEST(test_ipv4)
{
	struct fb f;
	struct pkt_info pi;
	size_t ip;

	eth(&f, mac_b, 0x0800, 0);
	ip = ipv4(&f, 47, 7, 0); /* GRE, 8 bytes of options */
	tf_put32(&f, 0);
	ipv4_done(&f, ip);
	tf_put16(&f, 0); /* Ethernet padding */
	parse_fb(&f, &pi);
	assert_clean(&pi);
	ck_assert(pkt_is_ip(&pi));
	ck_assert_uint_eq(pi.l3, PKT_L3_IPV4);
	ck_assert_uint_eq(pi.flags & (PKT_F_IP_OPTIONS | PKT_F_TRIMMED | PKT_F_IP_FRAG),
			  PKT_F_IP_OPTIONS | PKT_F_TRIMMED);
	ck_assert_uint_eq(pi.frame_len, f.n - 2);
	ck_assert_uint_eq(pi.ip_total_len, 32);
	ck_assert_uint_eq(pi.ip_proto, 47);
	ck_assert_uint_eq(pi.ip_ttl, 64);
	ck_assert_uint_eq(pi.ip_tos, 0x10);
	ck_assert_uint_eq(pi.ip_frag_id, 0x1234);
	ck_assert_mem_eq(pi.ip_src, ip4_a, 4);
	ck_assert_mem_eq(pi.ip_dst, ip4_b, 4);
	ck_assert_uint_eq(pi.l4, PKT_L4_OTHER);
	ck_assert_uint_eq(pi.l4_off, 14 + 28);
	ck_assert_uint_eq(pi.payload_len, 4);

	/* ICMP (protocol 1) inside IPv6 framing is not ICMPv4: covered in test_ipv6 */
	f.b[14] = 0x44; /* IHL 4 */
	expect_malformed(&f, &pi, 3);
	ck_assert_uint_eq(pi.l3, PKT_L3_NONE);
	f.b[14] = 0x57; /* version 5 */
	expect_malformed(&f, &pi, 3);
	f.b[14] = 0x4f; /* IHL past the total length */
	expect_malformed(&f, &pi, 3);
	f.b[14] = 0x47;
	tf_set16(&f, ip + 2, (uint16_t)(f.n - 14 + 1)); /* total length past the frame */
	expect_malformed(&f, &pi, 3);
}
END_TEST

START_TEST(test_ipv4_fragments)
{
	struct fb f;
	struct pkt_info pi;

	udp4_frame(&f, 0, 0x2000, 5000, 53, "\0\0\0\0", 4); /* first fragment: MF, offset 0 */
	parse_fb(&f, &pi);
	ck_assert_uint_ne(pi.flags & PKT_F_IP_FRAG, 0);
	ck_assert(pi.ip_more_frags);
	ck_assert_uint_eq(pi.ip_frag_off, 0);
	ck_assert_uint_eq(pi.l4, PKT_L4_UDP);
	ck_assert_uint_eq(pi.dport, 53);

	tf_set16(&f, 14 + 6, 185); /* last fragment at byte 1480 */
	parse_fb(&f, &pi);
	assert_clean(&pi);
	ck_assert_uint_ne(pi.flags & PKT_F_IP_FRAG, 0);
	ck_assert(!pi.ip_more_frags);
	ck_assert_uint_eq(pi.ip_frag_off, 1480);
	ck_assert_uint_eq(pi.l4, PKT_L4_FRAGMENT);
	ck_assert_uint_eq(pi.l4_off, 0);
	ck_assert_uint_eq(pi.dport, 0);
}
END_TEST

START_TEST(test_ipv6_ext_chain)
{
	struct fb f;
	struct pkt_info pi;
	size_t ip;

	eth(&f, mac_b, 0x86dd, 0);
	ip = ipv6(&f, 0);
	ext8(&f, 43);
	ext8(&f, 60);
	ext8(&f, 6);
	tcp(&f, PKT_TCP_ACK, NULL, 0);
	ipv6_done(&f, ip);
	parse_fb(&f, &pi);
	assert_clean(&pi);
	ck_assert_uint_eq(pi.l3, PKT_L3_IPV6);
	ck_assert_uint_eq(pi.ip6_ext_count, 3);
	ck_assert_uint_eq(pi.ip_proto, 6);
	ck_assert_uint_eq(pi.ip_tos, 0x0a);
	ck_assert_uint_eq(pi.ip_ttl, 255);
	ck_assert_uint_eq(pi.ip_total_len, 40 + 24 + 20);
	ck_assert_mem_eq(pi.ip_src, ip6_a, 16);
	ck_assert_mem_eq(pi.ip_dst, ip6_b, 16);
	ck_assert_uint_eq(pi.l4, PKT_L4_TCP);
	ck_assert_uint_eq(pi.l4_off, 14 + 40 + 24);

	/* hop-by-hop anywhere but first */
	f.b[ip + 6] = 60;
	f.b[ip + 40] = 0;
	expect_malformed(&f, &pi, 3);
	ck_assert_uint_eq(pi.l3, PKT_L3_NONE);

	/* an extension header running past the payload */
	f.b[ip + 6] = 0;
	f.b[ip + 40] = 43;
	f.b[ip + 40 + 8 + 1] = 9;
	expect_malformed(&f, &pi, 3);

	/* payload length past the frame */
	f.b[ip + 40 + 8 + 1] = 0;
	tf_set16(&f, ip + 4, (uint16_t)(f.n - ip - 40 + 1));
	expect_malformed(&f, &pi, 3);

	/* not version 6 */
	ipv6_done(&f, ip);
	f.b[ip] = 0x40;
	expect_malformed(&f, &pi, 3);
}
END_TEST

START_TEST(test_ipv6_chain_bound)
{
	struct fb f;
	struct pkt_info pi;
	size_t ip;

	eth(&f, mac_b, 0x86dd, 0);
	ip = ipv6(&f, 60);
	for (int i = 0; i < 9; i++)
		ext8(&f, i < 8 ? 60 : 59);
	ipv6_done(&f, ip);
	expect_malformed(&f, &pi, 3);

	/* eight headers are fine, and No Next Header is "other" */
	f.b[ip + 40 + 7 * 8] = 59;
	parse_fb(&f, &pi);
	assert_clean(&pi);
	ck_assert_uint_eq(pi.ip6_ext_count, 8);
	ck_assert_uint_eq(pi.ip_proto, 59);
	ck_assert_uint_eq(pi.l4, PKT_L4_OTHER);
}
END_TEST

START_TEST(test_ipv6_fragments)
{
	struct fb f;
	struct pkt_info pi;
	size_t ip, u;

	eth(&f, mac_b, 0x86dd, 7);
	ip = ipv6(&f, 44);
	tf_put8(&f, 17);
	tf_put8(&f, 0);
	tf_put16(&f, 1); /* offset 0, M */
	tf_put32(&f, 0xcafef00d);
	u = udp(&f, 546, 547);
	tf_put32(&f, 0x01abcdef); /* DHCPv6 Solicit, xid abcdef */
	udp_done(&f, u);
	ipv6_done(&f, ip);
	tf_put32(&f, 0); /* padding */
	parse_fb(&f, &pi);
	assert_clean(&pi);
	ck_assert_uint_eq(pi.vlan_id, 7);
	ck_assert_uint_eq(pi.flags & (PKT_F_IP_FRAG | PKT_F_TRIMMED),
			  PKT_F_IP_FRAG | PKT_F_TRIMMED);
	ck_assert_uint_eq(pi.ip_frag_id, 0xcafef00d);
	ck_assert(pi.ip_more_frags);
	ck_assert_uint_eq(pi.l4, PKT_L4_UDP);
	ck_assert_uint_eq(pi.l7, PKT_L7_DHCPV6);
	ck_assert_uint_eq(pi.dhcp6_msg_type, 1);
	ck_assert_uint_eq(pi.dhcp6_xid, 0xabcdef);

	tf_set16(&f, ip + 40 + 2, 1480); /* a later fragment, no more */
	parse_fb(&f, &pi);
	assert_clean(&pi);
	ck_assert_uint_eq(pi.l4, PKT_L4_FRAGMENT);
	ck_assert_uint_eq(pi.ip_frag_off, 1480);
	ck_assert(!pi.ip_more_frags);
	ck_assert_uint_eq(pi.ip_proto, 17);
	ck_assert_uint_eq(pi.l7, PKT_L7_NONE);
}
END_TEST

START_TEST(test_tcp)
{
	static const uint8_t syn_opts[8] = {1, 1, 4, 2, 2, 4, 0x05, 0xb4}; /* NOP NOP SACKOK MSS */
	struct fb f;
	struct pkt_info pi;
	size_t ip;

	eth(&f, mac_b, 0x0800, 0);
	ip = ipv4(&f, 6, 5, 0);
	tcp(&f, PKT_TCP_SYN, syn_opts, sizeof(syn_opts));
	ipv4_done(&f, ip);
	parse_fb(&f, &pi);
	assert_clean(&pi);
	ck_assert_uint_eq(pi.l4, PKT_L4_TCP);
	ck_assert_uint_eq(pi.sport, 40000);
	ck_assert_uint_eq(pi.dport, 22);
	ck_assert_uint_eq(pi.tcp_seq, 0x11223344);
	ck_assert_uint_eq(pi.tcp_ack, 0x55667788);
	ck_assert_uint_eq(pi.tcp_window, 29200);
	ck_assert_uint_eq(pi.tcp_flags, PKT_TCP_SYN);
	ck_assert_uint_eq(pi.tcp_mss, 1460);
	ck_assert(pkt_tcp_is_syn(&pi));
	ck_assert_uint_eq(pi.payload_off, 14 + 20 + 28);
	ck_assert_uint_eq(pi.payload_len, 0);

	/* SYN+ACK is established; options outside a SYN are not read */
	f.b[14 + 20 + 13] = PKT_TCP_SYN | PKT_TCP_ACK;
	parse_fb(&f, &pi);
	ck_assert(!pkt_tcp_is_syn(&pi));
	ck_assert_uint_eq(pi.tcp_mss, 1460);
	f.b[14 + 20 + 13] = PKT_TCP_ACK | PKT_TCP_PSH;
	parse_fb(&f, &pi);
	ck_assert_uint_eq(pi.tcp_mss, 0);

	/* a broken option (length 1) ends the walk without an MSS, not a malformed frame */
	f.b[14 + 20 + 13] = PKT_TCP_SYN;
	f.b[14 + 20 + 20 + 3] = 1;
	parse_fb(&f, &pi);
	assert_clean(&pi);
	ck_assert_uint_eq(pi.tcp_mss, 0);

	/* data offset below 5 or past the segment */
	f.b[14 + 20 + 12] = 0x40;
	expect_malformed(&f, &pi, 4);
	ck_assert_uint_eq(pi.l3, PKT_L3_IPV4);
	ck_assert_uint_eq(pi.l4, PKT_L4_NONE);
	ck_assert_uint_eq(pi.l4_off, 0);
	f.b[14 + 20 + 12] = 0x80;
	expect_malformed(&f, &pi, 4);
}
END_TEST

START_TEST(test_udp_and_icmpv4)
{
	struct fb f;
	struct pkt_info pi;
	size_t ip, u;

	u = udp4_frame(&f, 0, 0, 4000, 4001, "\0\0\0\0", 4);
	parse_fb(&f, &pi);
	assert_clean(&pi);
	ck_assert_uint_eq(pi.l4, PKT_L4_UDP);
	ck_assert_uint_eq(pi.payload_len, 4);
	ck_assert_uint_eq(pi.l7, PKT_L7_NONE);
	tf_set16(&f, u + 4, 7); /* UDP length below its header */
	expect_malformed(&f, &pi, 4);
	tf_set16(&f, u + 4, 13); /* and past the datagram */
	expect_malformed(&f, &pi, 4);

	eth(&f, mac_b, 0x0800, 0);
	ip = ipv4(&f, 1, 5, 0);
	tf_put8(&f, 8);
	tf_put8(&f, 0);
	tf_put16(&f, 0);
	tf_put16(&f, 0x4242);
	tf_put16(&f, 7);
	tf_put32(&f, 0);
	ipv4_done(&f, ip);
	parse_fb(&f, &pi);
	assert_clean(&pi);
	ck_assert_uint_eq(pi.l4, PKT_L4_ICMPV4);
	ck_assert_uint_eq(pi.icmp_type, 8);
	ck_assert_uint_eq(pi.icmp_echo_id, 0x4242);
	ck_assert_uint_eq(pi.icmp_echo_seq, 7);
	ck_assert_uint_eq(pi.payload_len, 4);
	tf_set16(&f, ip + 2, 20 + 7);
	expect_malformed(&f, &pi, 4);
}
END_TEST

/* An ICMPv6 message: type, code, checksum, then body[0..n) */
static size_t icmpv6_frame(struct fb *f, uint8_t type, const uint8_t *body, size_t n)
{
	size_t ip;

	eth(f, mac_b, 0x86dd, 0);
	ip = ipv6(f, 58);
	tf_put8(f, type);
	tf_put8(f, 0);
	tf_put16(f, 0);
	tf_put(f, body, n);
	ipv6_done(f, ip);
	return ip;
}

START_TEST(test_icmpv6_echo_and_rs)
{
	static const uint8_t echo[8] = {0x12, 0x34, 0x00, 0x09, 'p', 'i', 'n', 'g'};
	static const uint8_t rs[12] = {0, 0, 0, 0, 1, 1, 0x02, 0, 0, 0, 0, 0x0a};
	struct fb f;
	struct pkt_info pi;

	icmpv6_frame(&f, 128, echo, sizeof(echo));
	parse_fb(&f, &pi);
	assert_clean(&pi);
	ck_assert_uint_eq(pi.l4, PKT_L4_ICMPV6);
	ck_assert_uint_eq(pi.icmp_type, 128);
	ck_assert_uint_eq(pi.icmp_echo_id, 0x1234);
	ck_assert_uint_eq(pi.icmp_echo_seq, 9);

	icmpv6_frame(&f, PKT_ICMPV6_RS, rs, sizeof(rs));
	parse_fb(&f, &pi);
	assert_clean(&pi);
	ck_assert_uint_eq(pi.icmp_type, PKT_ICMPV6_RS);
	ck_assert(pi.nd_has_sll);
	ck_assert(!pi.nd_has_tll);
	ck_assert_mem_eq(pi.nd_sll, mac_a, 6);

	/* ICMP (protocol 1) over IPv6 is just another protocol */
	icmpv6_frame(&f, 128, echo, sizeof(echo));
	f.b[14 + 6] = 1;
	parse_fb(&f, &pi);
	ck_assert_uint_eq(pi.l4, PKT_L4_OTHER);

	/* truncated below the ICMPv6 header */
	icmpv6_frame(&f, 128, echo, 3);
	expect_malformed(&f, &pi, 4);
}
END_TEST

START_TEST(test_icmpv6_ra)
{
	uint8_t ra[12 + 8 + 32 + 8] = {64, 0xc0, 0x07, 0x08, 0, 0, 0, 0, 0, 0, 0, 0};
	struct fb f;
	struct pkt_info pi;
	uint8_t *o = ra + 12;

	o[0] = 1; /* SLL */
	o[1] = 1;
	memcpy(o + 2, mac_a, 6);
	o[8] = 3; /* prefix */
	o[9] = 4;
	o[40] = 5; /* MTU */
	o[41] = 1;
	icmpv6_frame(&f, PKT_ICMPV6_RA, ra, sizeof(ra));
	parse_fb(&f, &pi);
	assert_clean(&pi);
	ck_assert_uint_eq(pi.icmp_type, PKT_ICMPV6_RA);
	ck_assert_uint_eq(pi.ra_flags, 0xc0);
	ck_assert_uint_eq(pi.ra_router_lifetime, 0x0708);
	ck_assert_uint_eq(pi.ra_router_lifetime_off, 14 + 40 + 6);
	ck_assert_uint_eq(f.b[pi.ra_router_lifetime_off], 0x07);
	ck_assert_uint_eq(pi.ra_prefix_count, 1);
	ck_assert(pi.nd_has_sll);

	o[41] = 0; /* zero-length option */
	icmpv6_frame(&f, PKT_ICMPV6_RA, ra, sizeof(ra));
	expect_malformed(&f, &pi, 4);
	ck_assert_uint_eq(pi.l4, PKT_L4_NONE);
	o[41] = 2; /* option past the end */
	icmpv6_frame(&f, PKT_ICMPV6_RA, ra, sizeof(ra));
	expect_malformed(&f, &pi, 4);
	icmpv6_frame(&f, PKT_ICMPV6_RA, ra, 10); /* fixed part cut */
	expect_malformed(&f, &pi, 4);
}
END_TEST

START_TEST(test_icmpv6_ns_na)
{
	uint8_t ns[4 + 16 + 8] = {0};
	struct fb f;
	struct pkt_info pi;

	memcpy(ns + 4, ip6_b, 16);
	ns[20] = 1;
	ns[21] = 1;
	memcpy(ns + 22, mac_a, 6);
	icmpv6_frame(&f, PKT_ICMPV6_NS, ns, sizeof(ns));
	parse_fb(&f, &pi);
	assert_clean(&pi);
	ck_assert_uint_eq(pi.icmp_type, PKT_ICMPV6_NS);
	ck_assert_mem_eq(pi.nd_target, ip6_b, 16);
	ck_assert(pi.nd_has_sll);

	ns[0] = 0x60; /* R|S... flags of an NA */
	ns[20] = 2;
	memcpy(ns + 22, mac_b, 6);
	icmpv6_frame(&f, PKT_ICMPV6_NA, ns, sizeof(ns));
	parse_fb(&f, &pi);
	assert_clean(&pi);
	ck_assert_uint_eq(pi.icmp_type, PKT_ICMPV6_NA);
	ck_assert(pi.nd_has_tll);
	ck_assert(!pi.nd_has_sll);
	ck_assert_mem_eq(pi.nd_tll, mac_b, 6);

	icmpv6_frame(&f, PKT_ICMPV6_NA, ns, 12); /* target cut */
	expect_malformed(&f, &pi, 4);
	icmpv6_frame(&f, PKT_ICMPV6_NA, ns, 21); /* one stray option byte */
	expect_malformed(&f, &pi, 4);
}
END_TEST

/* A DHCPv4 message from client port 68 with the given options after the cookie. */
static size_t dhcp_frame(struct fb *f, uint8_t op, const uint8_t *opts, size_t n)
{
	static const uint8_t magic_cookie[4] = {0x63, 0x82, 0x53, 0x63};
	uint8_t bootp[236 + 4 + 5200] = {op, 1, 6, 0, 0xaa, 0xbb, 0xcc, 0xdd};

	ck_assert_uint_le(n, 5200);
	memcpy(bootp + 16, ip4_b, 4); /* yiaddr */
	memcpy(bootp + 28, mac_a, 6);
	memcpy(bootp + 236, magic_cookie, 4);
	if (n)
		memcpy(bootp + 240, opts, n);
	return udp4_frame(f, 0, 0, op == 1 ? 68 : 67, op == 1 ? 67 : 68, bootp, 240 + n);
}

START_TEST(test_dhcpv4)
{
	static const uint8_t opts[] = {53, 1, 3, 0,  0, 50, 4, 10, 0,  0,  2, 54,  4,	10,
				       0,  0, 1, 51, 4, 0,  0, 14, 16, 12, 2, 'h', 'x', 255};
	struct fb f;
	struct pkt_info pi;

	dhcp_frame(&f, 1, opts, sizeof(opts));
	parse_fb(&f, &pi);
	assert_clean(&pi);
	ck_assert_uint_eq(pi.l7, PKT_L7_DHCPV4);
	ck_assert_uint_eq(pi.dhcp_op, 1);
	ck_assert_uint_eq(pi.dhcp_msg_type, PKT_DHCP_REQUEST);
	ck_assert_uint_eq(pi.dhcp_xid, 0xaabbccdd);
	ck_assert_mem_eq(pi.dhcp_yiaddr, ip4_b, 4);
	ck_assert_mem_eq(pi.dhcp_chaddr, mac_a, 6);
	ck_assert_mem_eq(pi.dhcp_requested_ip, ip4_b, 4);
	ck_assert_mem_eq(pi.dhcp_server_id, ip4_a, 4);
	ck_assert_uint_eq(pi.dhcp_lease_s, 3600);

	/* a reply from the server port, no options at all (plain BOOTP + cookie) */
	dhcp_frame(&f, 2, NULL, 0);
	parse_fb(&f, &pi);
	assert_clean(&pi);
	ck_assert_uint_eq(pi.l7, PKT_L7_DHCPV4);
	ck_assert_uint_eq(pi.sport, 67);
	ck_assert_uint_eq(pi.dhcp_msg_type, 0);

	/* an option running past the datagram */
	dhcp_frame(&f, 1, opts, 20);
	expect_malformed(&f, &pi, 7);
	ck_assert_uint_eq(pi.l7, PKT_L7_NONE);
	ck_assert_uint_eq(pi.l4, PKT_L4_UDP);

	/* the walk reads options starting in the first 4,096 bytes, however long they are */
	static uint8_t pads[5003];
	pads[4094] = 53;
	pads[4095] = 1;
	pads[4096] = 5;
	dhcp_frame(&f, 2, pads, 4097);
	parse_fb(&f, &pi);
	assert_clean(&pi);
	ck_assert_uint_eq(pi.dhcp_msg_type, PKT_DHCP_ACK);
	memset(pads, 0, sizeof(pads));
	pads[5000] = 53;
	pads[5001] = 1;
	pads[5002] = 5;
	dhcp_frame(&f, 2, pads, sizeof(pads));
	parse_fb(&f, &pi);
	assert_clean(&pi);
	ck_assert_uint_eq(pi.l7, PKT_L7_DHCPV4);
	ck_assert_uint_eq(pi.dhcp_msg_type, 0);

	/* no magic cookie */
	size_t u = dhcp_frame(&f, 1, opts, sizeof(opts));
	f.b[u + 8 + 236] = 0;
	expect_malformed(&f, &pi, 7);
}
END_TEST

/* DHCPv6 over IPv6/UDP between the given ports, carrying p[0..n) */
static void dhcp6_frame(struct fb *f, uint16_t sport, uint16_t dport, const void *p, size_t n)
{
	size_t ip, u;

	eth(f, mac_b, 0x86dd, 0);
	ip = ipv6(f, 17);
	u = udp(f, sport, dport);
	tf_put(f, p, n);
	udp_done(f, u);
	ipv6_done(f, ip);
}

START_TEST(test_dhcpv6)
{
	struct fb f;
	struct pkt_info pi;

	dhcp6_frame(&f, 547, 546, "\x07\x12\x34\x56\x00\x01", 6); /* Reply */
	parse_fb(&f, &pi);
	assert_clean(&pi);
	ck_assert_uint_eq(pi.l7, PKT_L7_DHCPV6);
	ck_assert_uint_eq(pi.dhcp6_msg_type, 7);
	ck_assert_uint_eq(pi.dhcp6_xid, 0x123456);
	dhcp6_frame(&f, 547, 547, "\x0c\x00", 2); /* a relay message cut short */
	expect_malformed(&f, &pi, 7);
	ck_assert_uint_eq(pi.l7, PKT_L7_NONE);
	dhcp6_frame(&f, 546, 546, "\x01\x00\x00\x01", 4); /* not a DHCPv6 port pair */
	parse_fb(&f, &pi);
	ck_assert_uint_eq(pi.l7, PKT_L7_NONE);
	/* DHCPv4 ports over IPv6 are not DHCPv4 */
	dhcp6_frame(&f, 68, 67, "\x01\x00\x00\x01", 4);
	parse_fb(&f, &pi);
	ck_assert_uint_eq(pi.l7, PKT_L7_NONE);
}
END_TEST

/* A DNS message to port 53 with the given question bytes after the header. */
static void dns_frame(struct fb *f, uint16_t qdcount, const void *q, size_t n)
{
	uint8_t msg[12 + 300] = {0xbe, 0xef, 0x01, 0x00, (uint8_t)(qdcount >> 8), (uint8_t)qdcount};

	ck_assert_uint_le(n, 300);
	if (n)
		memcpy(msg + 12, q, n);
	udp4_frame(f, 0, 0, 33333, 53, msg, 12 + n);
}

START_TEST(test_dns)
{
	static const char q[] = "\3www\7example\3com\0\0\x1c\0\1";
	static const char odd[] = "\3a.b\2\x01z\0\0\1\0\1";
	static const char root[] = "\0\0\2\0\1";
	static const char ptr[] = "\3www\xc0\x0c\0\1\0\1";
	struct fb f;
	struct pkt_info pi;

	dns_frame(&f, 1, q, sizeof(q) - 1);
	parse_fb(&f, &pi);
	assert_clean(&pi);
	ck_assert_uint_eq(pi.l7, PKT_L7_DNS);
	ck_assert_uint_eq(pi.dns_id, 0xbeef);
	ck_assert(!pi.dns_response);
	ck_assert_uint_eq(pi.dns_qtype, 28);
	ck_assert_str_eq(pi.dns_qname, "www.example.com");

	dns_frame(&f, 1, odd, sizeof(odd) - 1);
	parse_fb(&f, &pi);
	ck_assert_str_eq(pi.dns_qname, "a?b.?z");
	dns_frame(&f, 1, root, sizeof(root) - 1);
	parse_fb(&f, &pi);
	ck_assert_str_eq(pi.dns_qname, ".");

	/* two questions: not described; a compression pointer or no qtype: malformed */
	dns_frame(&f, 2, q, sizeof(q) - 1);
	parse_fb(&f, &pi);
	assert_clean(&pi);
	ck_assert_uint_eq(pi.l7, PKT_L7_NONE);
	dns_frame(&f, 1, ptr, sizeof(ptr) - 1);
	expect_malformed(&f, &pi, 7);
	ck_assert_str_eq(pi.dns_qname, "");
	dns_frame(&f, 1, q, sizeof(q) - 4);
	expect_malformed(&f, &pi, 7);
	dns_frame(&f, 1, q, 0);
	f.n -= 1;
	tf_set16(&f, 14 + 2, (uint16_t)(f.n - 14));
	tf_set16(&f, 14 + 20 + 4, (uint16_t)(f.n - 14 - 20));
	expect_malformed(&f, &pi, 7);

	/* a response, from port 53 */
	dns_frame(&f, 1, q, sizeof(q) - 1);
	tf_set16(&f, 14 + 20, 53);
	tf_set16(&f, 14 + 20 + 2, 40000);
	f.b[14 + 28 + 2] = 0x81;
	parse_fb(&f, &pi);
	ck_assert_uint_eq(pi.l7, PKT_L7_DNS);
	ck_assert(pi.dns_response);
}
END_TEST

START_TEST(test_dns_name_bounds)
{
	uint8_t q[300];
	size_t n = 0;
	struct fb f;
	struct pkt_info pi;

	/* 4 labels of 63: 256 wire bytes with the root, one past the limit */
	for (int l = 0; l < 4; l++) {
		q[n++] = 63;
		memset(q + n, 'x', 63);
		n += 63;
	}
	q[n++] = 0;
	memcpy(q + n, "\0\1\0\1", 4);
	dns_frame(&f, 1, q, n + 4);
	expect_malformed(&f, &pi, 7);

	/* 63+63+63+61: 255 wire bytes, the longest legal name */
	q[3 * 64] = 61;
	memmove(q + 3 * 64 + 62, q + 3 * 64 + 64, 5);
	dns_frame(&f, 1, q, n - 2 + 4);
	parse_fb(&f, &pi);
	assert_clean(&pi);
	ck_assert_uint_eq(strlen(pi.dns_qname), 253);

	q[0] = 64; /* label type bits: refused */
	dns_frame(&f, 1, q, n - 2 + 4);
	expect_malformed(&f, &pi, 7);
}
END_TEST

/* Every prefix of each sample frame parses without reading past it. */
START_TEST(test_truncation_everywhere)
{
	static const uint8_t opts[] = {53, 1, 1, 255};
	static const char q[] = "\3www\7example\3com\0\0\1\0\1";
	uint8_t ra[12 + 8] = {64, 0, 0, 30, [12] = 1, [13] = 1};
	struct fb frames[6];
	struct pkt_info pi;
	size_t ip;

	dhcp_frame(&frames[0], 1, opts, sizeof(opts));
	dns_frame(&frames[1], 1, q, sizeof(q) - 1);
	icmpv6_frame(&frames[2], PKT_ICMPV6_RA, ra, sizeof(ra));
	arp_frame(&frames[3], 1);
	eth(&frames[4], mac_b, 0x86dd, 9);
	ip = ipv6(&frames[4], 0);
	ext8(&frames[4], 44);
	tf_put32(&frames[4], 0x06000000);
	tf_put32(&frames[4], 1);
	tcp(&frames[4], PKT_TCP_SYN, (const uint8_t *)"\2\4\5\xb4", 4);
	ipv6_done(&frames[4], ip);
	eth(&frames[5], mac_b, 0x0800, 0);
	ip = ipv4(&frames[5], 6, 6, 0);
	tcp(&frames[5], PKT_TCP_SYN, (const uint8_t *)"\2\4\5\xb4", 4);
	ipv4_done(&frames[5], ip);

	for (size_t i = 0; i < sizeof(frames) / sizeof(frames[0]); i++) {
		ck_assert_int_eq(parse_exact(frames[i].b, frames[i].n, NULL, &pi), 0);
		assert_clean(&pi);
		for (size_t len = 0; len < frames[i].n; len++) {
			int rc = parse_exact(frames[i].b, len, NULL, &pi);

			ck_assert_int_eq(rc, len < 14 ? -1 : 0);
			/* every cut frame's IP length disagrees with what is present */
			if (len >= 14)
				ck_assert_uint_ne(pi.flags & PKT_F_MALFORMED, 0);
		}
	}
}
END_TEST

START_TEST(test_names)
{
	ck_assert_str_eq(pkt_l3_name(PKT_L3_ARP), "ARP");
	ck_assert_str_eq(pkt_l3_name(PKT_L3_IPV6), "IPv6");
	ck_assert_str_eq(pkt_l3_name(200), "?");
	ck_assert_str_eq(pkt_l4_name(PKT_L4_TCP), "TCP");
	ck_assert_str_eq(pkt_l4_name(PKT_L4_FRAGMENT), "fragment");
	ck_assert_str_eq(pkt_l4_name(99), "?");
	ck_assert_str_eq(pkt_l7_name(PKT_L7_DHCPV4), "DHCPv4");
	ck_assert_str_eq(pkt_l7_name(PKT_L7_DNS), "DNS");
	ck_assert_str_eq(pkt_l7_name(4), "?");
}
END_TEST

Suite *packet_suite(void)
{
	Suite *s = suite_create("packet");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_ethernet_addresses);
	tcase_add_test(tc, test_vlan);
	tcase_add_test(tc, test_llc);
	tcase_add_test(tc, test_arp);
	tcase_add_test(tc, test_ipv4);
	tcase_add_test(tc, test_ipv4_fragments);
	tcase_add_test(tc, test_ipv6_ext_chain);
	tcase_add_test(tc, test_ipv6_chain_bound);
	tcase_add_test(tc, test_ipv6_fragments);
	tcase_add_test(tc, test_tcp);
	tcase_add_test(tc, test_udp_and_icmpv4);
	tcase_add_test(tc, test_icmpv6_echo_and_rs);
	tcase_add_test(tc, test_icmpv6_ra);
	tcase_add_test(tc, test_icmpv6_ns_na);
	tcase_add_test(tc, test_dhcpv4);
	tcase_add_test(tc, test_dhcpv6);
	tcase_add_test(tc, test_dns);
	tcase_add_test(tc, test_dns_name_bounds);
	tcase_add_test(tc, test_truncation_everywhere);
	tcase_add_test(tc, test_names);
	suite_add_tcase(s, tc);
	return s;
}
