// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Packet analysis: one bounded pass from the Ethernet header up to DHCP, DNS
 * and the neighbour-discovery options (packet.h).  Every layer is a small
 * function that receives the bytes its header may occupy ([off, end)) and
 * either fills its part of struct pkt_info or marks the frame malformed at
 * its layer; the layers above are then left unparsed.  Only headers are read:
 * a TCP or UDP payload (a GSO super-frame carries up to 64 KB of it) is never
 * touched, except for DHCP, DNS and ICMPv6 options which the policies need.
 */
#include <stddef.h>
#include <string.h>

#include "packet.h"

#include <arpa/inet.h>
#include <stdio.h>

#include "bytes.h"

#define ETH_HLEN 14
#define ETHERTYPE_MIN 0x0600
#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_ARP 0x0806
#define ETHERTYPE_IPV6 0x86dd
#define LLC_SAP_BPDU 0x42

#define IPPROTO_HOPOPTS_ 0
#define IPPROTO_ICMP_ 1
#define IPPROTO_TCP_ 6
#define IPPROTO_UDP_ 17
#define IPPROTO_ROUTING_ 43
#define IPPROTO_FRAGMENT_ 44
#define IPPROTO_ICMPV6_ 58
#define IPPROTO_DSTOPTS_ 60

/* more extension headers than any real stack sends; a longer chain is malformed */
#define IP6_EXT_MAX 8

#define TCPOPT_EOL 0
#define TCPOPT_NOP 1
#define TCPOPT_MSS 2

#define DHCP_FIXED_LEN 236 /* BOOTP header before the magic cookie */
#define DHCP_OPT_PAD 0
#define DHCP_OPT_REQUESTED_IP 50
#define DHCP_OPT_LEASE 51
#define DHCP_OPT_MSG_TYPE 53
#define DHCP_OPT_SERVER_ID 54
#define DHCP_OPT_END 255
#define DHCP_OPT_BYTES_MAX 4096 /* a bound on the option walk (RFC 2131 minimum is 312) */

#define DNS_HLEN 12
#define DNS_LABEL_MAX 63
#define DNS_WIRE_NAME_MAX 255 /* RFC 1035 3.1: length octets and labels together */

#define ND_OPT_SLL 1
#define ND_OPT_TLL 2
#define ND_OPT_PREFIX 3

/* The datagram being parsed: the frame and where the current IP datagram ends. */
struct pkt_ctx {
	const uint8_t *f;
	uint32_t end;
	struct pkt_info *pi;
};

static void mark_malformed(struct pkt_info *pi, uint8_t layer)
{
	pi->flags |= PKT_F_MALFORMED;
	pi->malformed_layer = layer;
}

static bool is_zero_mac(const uint8_t *m)
{
	return (m[0] | m[1] | m[2] | m[3] | m[4] | m[5]) == 0;
}

static bool is_broadcast_mac(const uint8_t *m)
{
	return (m[0] & m[1] & m[2] & m[3] & m[4] & m[5]) == 0xff;
}

/* Drops the bytes after an IP datagram that ends before the frame does. */
static void trim_to(struct pkt_ctx *c, uint32_t datagram_end)
{
	if (datagram_end < c->pi->frame_len) {
		c->pi->frame_len = datagram_end;
		c->pi->flags |= PKT_F_TRIMMED;
	}
	c->end = datagram_end;
}

/* ---- L7 ---- */

static void parse_dhcp_option(struct pkt_info *pi, uint8_t code, const uint8_t *v, uint8_t n)
{
	if (code == DHCP_OPT_MSG_TYPE && n == 1)
		pi->dhcp_msg_type = v[0];
	else if (code == DHCP_OPT_SERVER_ID && n == 4)
		memcpy(pi->dhcp_server_id, v, 4);
	else if (code == DHCP_OPT_REQUESTED_IP && n == 4)
		memcpy(pi->dhcp_requested_ip, v, 4);
	else if (code == DHCP_OPT_LEASE && n == 4)
		pi->dhcp_lease_s = get_be32(v);
}

/*
 * Walks the options in [p, p + n), those starting in the first
 * DHCP_OPT_BYTES_MAX bytes; false when one runs past the end.
 */
static bool parse_dhcp_options(struct pkt_info *pi, const uint8_t *p, uint32_t n)
{
	uint32_t i = 0, limit = n;

	if (limit > DHCP_OPT_BYTES_MAX)
		limit = DHCP_OPT_BYTES_MAX;
	while (i < limit) {
		uint8_t code = p[i++];

		if (code == DHCP_OPT_END)
			return true;
		if (code == DHCP_OPT_PAD)
			continue;
		if (i >= n || p[i] > n - i - 1)
			return false;
		parse_dhcp_option(pi, code, p + i + 1, p[i]);
		i += 1u + p[i];
	}
	return true;
}

static void parse_dhcpv4(struct pkt_ctx *c)
{
	struct pkt_info *pi = c->pi;
	const uint8_t *p = c->f + pi->payload_off;
	static const uint8_t cookie[4] = {99, 130, 83, 99};

	if (pi->payload_len < DHCP_FIXED_LEN + 4 || memcmp(p + DHCP_FIXED_LEN, cookie, 4) != 0) {
		mark_malformed(pi, 7);
		return;
	}
	pi->dhcp_op = p[0];
	pi->dhcp_xid = get_be32(p + 4);
	memcpy(pi->dhcp_ciaddr, p + 12, 4);
	memcpy(pi->dhcp_yiaddr, p + 16, 4);
	memcpy(pi->dhcp_siaddr, p + 20, 4);
	memcpy(pi->dhcp_giaddr, p + 24, 4);
	memcpy(pi->dhcp_chaddr, p + 28, 6);
	if (!parse_dhcp_options(pi, p + DHCP_FIXED_LEN + 4, pi->payload_len - DHCP_FIXED_LEN - 4)) {
		mark_malformed(pi, 7);
		return;
	}
	pi->l7 = PKT_L7_DHCPV4;
}

static void parse_dhcpv6(struct pkt_ctx *c)
{
	struct pkt_info *pi = c->pi;
	const uint8_t *p = c->f + pi->payload_off;

	if (pi->payload_len < 4) {
		mark_malformed(pi, 7);
		return;
	}
	pi->dhcp6_msg_type = p[0];
	pi->dhcp6_xid = (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	pi->l7 = PKT_L7_DHCPV6;
}

/* Appends one label as text; bytes that could upset a log line become '?'. */
static size_t append_label(char *out, size_t o, const uint8_t *label, uint8_t n)
{
	if (o > 0)
		out[o++] = '.';
	for (uint8_t i = 0; i < n; i++)
		out[o++] =
		    (label[i] > 0x20 && label[i] < 0x7f && label[i] != '.') ? (char)label[i] : '?';
	return o;
}

/*
 * Decodes the question name at p[0..n) into dotted text; returns its wire
 * length, or 0 when malformed.  A question is the first thing after the
 * header, so a compression pointer has nothing legitimate to point to and is
 * refused, as are the reserved label types.
 */
static uint32_t parse_dns_name(const uint8_t *p, uint32_t n, char *out)
{
	uint32_t i = 0;
	size_t o = 0;

	while (i < n && i < DNS_WIRE_NAME_MAX) {
		uint8_t len = p[i];

		if (len == 0) {
			if (o == 0)
				out[o++] = '.';
			out[o] = '\0';
			return i + 1;
		}
		if (len > DNS_LABEL_MAX || len > n - i - 1 || i + 1u + len >= DNS_WIRE_NAME_MAX)
			break;
		o = append_label(out, o, p + i + 1, len);
		i += 1u + len;
	}
	out[0] = '\0';
	return 0;
}

static void parse_dns(struct pkt_ctx *c)
{
	struct pkt_info *pi = c->pi;
	const uint8_t *p = c->f + pi->payload_off;
	uint32_t name_len;

	if (pi->payload_len < DNS_HLEN) {
		mark_malformed(pi, 7);
		return;
	}
	if (get_be16(p + 4) != 1)
		return; /* not exactly one question: not something we describe */
	name_len = parse_dns_name(p + DNS_HLEN, pi->payload_len - DNS_HLEN, pi->dns_qname);
	if (name_len == 0 || pi->payload_len - DNS_HLEN - name_len < 4) {
		pi->dns_qname[0] = '\0';
		mark_malformed(pi, 7);
		return;
	}
	pi->dns_id = get_be16(p);
	pi->dns_response = p[2] & 0x80;
	pi->dns_qtype = get_be16(p + DNS_HLEN + name_len);
	pi->l7 = PKT_L7_DNS;
}

static bool is_dhcpv4_ports(uint16_t a, uint16_t b)
{
	/* client 68 <-> server 67, and relay agents 67 <-> 67 */
	return (a == 67 && (b == 67 || b == 68)) || (a == 68 && b == 67);
}

static bool is_dhcpv6_ports(uint16_t a, uint16_t b)
{
	return (a == 546 && b == 547) || (a == 547 && (b == 546 || b == 547));
}

static void parse_udp_l7(struct pkt_ctx *c)
{
	struct pkt_info *pi = c->pi;

	if (pi->l3 == PKT_L3_IPV4 && is_dhcpv4_ports(pi->sport, pi->dport))
		parse_dhcpv4(c);
	else if (pi->l3 == PKT_L3_IPV6 && is_dhcpv6_ports(pi->sport, pi->dport))
		parse_dhcpv6(c);
	else if (pi->dport == 53 || pi->sport == 53)
		parse_dns(c);
}

/* ---- L4 ---- */

/* The MSS option of a SYN; malformed options end the walk (the kernel does the same). */
static void parse_tcp_mss(struct pkt_info *pi, const uint8_t *opt, uint32_t n)
{
	uint32_t i = 0;

	while (i < n) {
		uint8_t kind = opt[i];

		if (kind == TCPOPT_EOL)
			return;
		if (kind == TCPOPT_NOP) {
			i++;
			continue;
		}
		if (n - i < 2 || opt[i + 1] < 2 || opt[i + 1] > n - i)
			return;
		if (kind == TCPOPT_MSS && opt[i + 1] == 4) {
			pi->tcp_mss = get_be16(opt + i + 2);
			return;
		}
		i += opt[i + 1];
	}
}

static void parse_tcp(struct pkt_ctx *c, uint32_t off)
{
	struct pkt_info *pi = c->pi;
	const uint8_t *h = c->f + off;
	uint32_t hlen;

	if (c->end - off < 20 || (hlen = (uint32_t)(h[12] >> 4) * 4) < 20 || hlen > c->end - off) {
		mark_malformed(pi, 4);
		return;
	}
	pi->l4 = PKT_L4_TCP;
	pi->sport = get_be16(h);
	pi->dport = get_be16(h + 2);
	pi->tcp_seq = get_be32(h + 4);
	pi->tcp_ack = get_be32(h + 8);
	pi->tcp_flags = h[13] & 0x3f;
	pi->tcp_window = get_be16(h + 14);
	pi->payload_off = off + hlen;
	pi->payload_len = c->end - off - hlen;
	if ((pi->tcp_flags & PKT_TCP_SYN) && hlen > 20)
		parse_tcp_mss(pi, h + 20, hlen - 20);
}

static void parse_udp(struct pkt_ctx *c, uint32_t off)
{
	struct pkt_info *pi = c->pi;
	const uint8_t *h = c->f + off;
	uint32_t ulen;

	if (c->end - off < 8 || (ulen = get_be16(h + 4)) < 8 || ulen > c->end - off) {
		mark_malformed(pi, 4);
		return;
	}
	pi->l4 = PKT_L4_UDP;
	pi->sport = get_be16(h);
	pi->dport = get_be16(h + 2);
	pi->payload_off = off + 8;
	pi->payload_len = ulen - 8;
	parse_udp_l7(c);
}

static void parse_icmpv4(struct pkt_ctx *c, uint32_t off)
{
	struct pkt_info *pi = c->pi;
	const uint8_t *h = c->f + off;

	if (c->end - off < 8) {
		mark_malformed(pi, 4);
		return;
	}
	pi->l4 = PKT_L4_ICMPV4;
	pi->icmp_type = h[0];
	pi->icmp_code = h[1];
	if (h[0] == 0 || h[0] == 8) {
		pi->icmp_echo_id = get_be16(h + 4);
		pi->icmp_echo_seq = get_be16(h + 6);
	}
	pi->payload_off = off + 8;
	pi->payload_len = c->end - off - 8;
}

static void parse_nd_option(struct pkt_info *pi, const uint8_t *o, uint32_t n)
{
	if (o[0] == ND_OPT_SLL && n >= 8) {
		pi->nd_has_sll = true;
		memcpy(pi->nd_sll, o + 2, 6);
	} else if (o[0] == ND_OPT_TLL && n >= 8) {
		pi->nd_has_tll = true;
		memcpy(pi->nd_tll, o + 2, 6);
	} else if (o[0] == ND_OPT_PREFIX && pi->ra_prefix_count < UINT8_MAX) {
		pi->ra_prefix_count++;
	}
}

/* Walks the ND options in [off, end); false on a zero or overlong length (RFC 4861 4.6). */
static bool parse_nd_options(struct pkt_ctx *c, uint32_t off)
{
	while (c->end - off >= 2) {
		const uint8_t *o = c->f + off;
		uint32_t n = (uint32_t)o[1] * 8;

		if (n == 0 || n > c->end - off)
			return false;
		parse_nd_option(c->pi, o, n);
		off += n;
	}
	return off == c->end;
}

/* The fixed part of each ND message before its options. */
static uint32_t nd_fixed_len(uint8_t type)
{
	switch (type) {
	case PKT_ICMPV6_RS:
		return 8;
	case PKT_ICMPV6_RA:
		return 16;
	case PKT_ICMPV6_NS:
	case PKT_ICMPV6_NA:
		return 24;
	default:
		return 0;
	}
}

static bool parse_nd(struct pkt_ctx *c, uint32_t off)
{
	struct pkt_info *pi = c->pi;
	const uint8_t *h = c->f + off;
	uint32_t fixed = nd_fixed_len(h[0]);

	if (c->end - off < fixed)
		return false;
	if (h[0] == PKT_ICMPV6_RA) {
		pi->ra_flags = h[5] & 0xc0;
		pi->ra_router_lifetime = get_be16(h + 6);
		pi->ra_router_lifetime_off = off + 6;
	} else if (h[0] == PKT_ICMPV6_NS || h[0] == PKT_ICMPV6_NA) {
		memcpy(pi->nd_target, h + 8, 16);
	}
	pi->payload_off = off + fixed;
	pi->payload_len = c->end - off - fixed;
	return parse_nd_options(c, off + fixed);
}

static void parse_icmpv6(struct pkt_ctx *c, uint32_t off)
{
	struct pkt_info *pi = c->pi;
	const uint8_t *h = c->f + off;

	if (c->end - off < 8) {
		mark_malformed(pi, 4);
		return;
	}
	pi->icmp_type = h[0];
	pi->icmp_code = h[1];
	pi->payload_off = off + 8;
	pi->payload_len = c->end - off - 8;
	if (h[0] == 128 || h[0] == 129) {
		pi->icmp_echo_id = get_be16(h + 4);
		pi->icmp_echo_seq = get_be16(h + 6);
	} else if (nd_fixed_len(h[0]) != 0 && !parse_nd(c, off)) {
		mark_malformed(pi, 4);
		return;
	}
	pi->l4 = PKT_L4_ICMPV6;
}

static void parse_l4(struct pkt_ctx *c, uint32_t off)
{
	struct pkt_info *pi = c->pi;
	bool v4 = pi->l3 == PKT_L3_IPV4;

	pi->l4_off = off;
	if (pi->ip_proto == IPPROTO_TCP_) {
		parse_tcp(c, off);
	} else if (pi->ip_proto == IPPROTO_UDP_) {
		parse_udp(c, off);
	} else if (pi->ip_proto == IPPROTO_ICMP_ && v4) {
		parse_icmpv4(c, off);
	} else if (pi->ip_proto == IPPROTO_ICMPV6_ && !v4) {
		parse_icmpv6(c, off);
	} else {
		pi->l4 = PKT_L4_OTHER;
		pi->payload_off = off;
		pi->payload_len = c->end - off;
	}
	if (pi->l4 == PKT_L4_NONE) { /* malformed: nothing above L3 is to be trusted */
		pi->l4_off = 0;
		pi->payload_off = 0;
		pi->payload_len = 0;
	}
}

/* ---- L3 ---- */

static void parse_arp(struct pkt_ctx *c, uint32_t off)
{
	struct pkt_info *pi = c->pi;
	const uint8_t *h = c->f + off;

	if (c->end - off < 28) {
		mark_malformed(pi, 3);
		return;
	}
	/* Ethernet hardware, IPv4 protocol, 6- and 4-byte addresses */
	if (get_be16(h) != 1 || get_be16(h + 2) != ETHERTYPE_IPV4 || h[4] != 6 || h[5] != 4) {
		pi->l3 = PKT_L3_OTHER;
		return;
	}
	pi->l3 = PKT_L3_ARP;
	pi->arp_op = get_be16(h + 6);
	memcpy(pi->arp_sha, h + 8, 6);
	memcpy(pi->arp_spa, h + 14, 4);
	memcpy(pi->arp_tha, h + 18, 6);
	memcpy(pi->arp_tpa, h + 24, 4);
}

static void parse_ipv4(struct pkt_ctx *c, uint32_t off)
{
	struct pkt_info *pi = c->pi;
	const uint8_t *h = c->f + off;
	uint32_t ihl, total, frag;

	if (c->end - off < 20 || (h[0] >> 4) != 4 || (ihl = (uint32_t)(h[0] & 0x0f) * 4) < 20 ||
	    (total = get_be16(h + 2)) < ihl || total > c->end - off) {
		mark_malformed(pi, 3);
		return;
	}
	trim_to(c, off + total);
	pi->l3 = PKT_L3_IPV4;
	pi->ip_tos = h[1];
	pi->ip_total_len = total;
	pi->ip_frag_id = get_be16(h + 4);
	frag = get_be16(h + 6);
	pi->ip_frag_off = (uint16_t)((frag & 0x1fff) * 8);
	pi->ip_more_frags = frag & 0x2000;
	pi->ip_ttl = h[8];
	pi->ip_proto = h[9];
	memcpy(pi->ip_src, h + 12, 4);
	memcpy(pi->ip_dst, h + 16, 4);
	if (ihl > 20)
		pi->flags |= PKT_F_IP_OPTIONS;
	/* tests on frag, not on the fields just stored: a combined reload of two
	 * narrow stores stalls store forwarding (measured: a third of the parse) */
	if (frag & 0x3fff)
		pi->flags |= PKT_F_IP_FRAG;
	if (frag & 0x1fff) {
		pi->l4 = PKT_L4_FRAGMENT;
		return;
	}
	parse_l4(c, off + ihl);
}

/* An IPv6 fragment header at h; true when it is a later fragment (no L4 header). */
static bool parse_ipv6_fragment(struct pkt_info *pi, const uint8_t *h)
{
	uint16_t fo = get_be16(h + 2);

	pi->ip_frag_off = fo & 0xfff8;
	pi->ip_more_frags = fo & 1;
	pi->ip_frag_id = get_be32(h + 4);
	pi->flags |= PKT_F_IP_FRAG;
	return pi->ip_frag_off != 0;
}

/*
 * Walks the extension header chain starting at *off with next header *nh;
 * returns -1 if malformed, 1 at a later fragment, 0 at the upper-layer header.
 */
static int walk_ipv6_ext(struct pkt_ctx *c, uint32_t *off, uint8_t *nh)
{
	struct pkt_info *pi = c->pi;

	for (;;) {
		const uint8_t *h = c->f + *off;
		uint32_t n;

		if (*nh != IPPROTO_HOPOPTS_ && *nh != IPPROTO_ROUTING_ && *nh != IPPROTO_DSTOPTS_ &&
		    *nh != IPPROTO_FRAGMENT_)
			return 0;
		/* hop-by-hop is only valid first (RFC 8200 4.1) */
		if (pi->ip6_ext_count == IP6_EXT_MAX ||
		    (*nh == IPPROTO_HOPOPTS_ && pi->ip6_ext_count != 0))
			return -1;
		n = *nh == IPPROTO_FRAGMENT_ ? 8 : (c->end - *off >= 2 ? (h[1] + 1u) * 8 : 8);
		if (c->end - *off < n)
			return -1;
		pi->ip6_ext_count++;
		if (*nh == IPPROTO_FRAGMENT_ && parse_ipv6_fragment(pi, h)) {
			*nh = h[0];
			return 1;
		}
		*nh = h[0];
		*off += n;
	}
}

static void parse_ipv6(struct pkt_ctx *c, uint32_t off)
{
	struct pkt_info *pi = c->pi;
	const uint8_t *h = c->f + off;
	uint32_t total;
	uint8_t nh;
	int rc;

	if (c->end - off < 40 || (h[0] >> 4) != 6 ||
	    (total = 40u + get_be16(h + 4)) > c->end - off) {
		mark_malformed(pi, 3);
		return;
	}
	trim_to(c, off + total);
	pi->ip_tos = (uint8_t)((h[0] & 0x0f) << 4 | h[1] >> 4);
	pi->ip_total_len = total;
	pi->ip_ttl = h[7];
	memcpy(pi->ip_src, h + 8, 16);
	memcpy(pi->ip_dst, h + 24, 16);
	nh = h[6];
	off += 40;
	rc = walk_ipv6_ext(c, &off, &nh);
	if (rc < 0) {
		mark_malformed(pi, 3);
		return;
	}
	pi->l3 = PKT_L3_IPV6;
	pi->ip_proto = nh;
	if (rc > 0) {
		pi->l4 = PKT_L4_FRAGMENT;
		return;
	}
	parse_l4(c, off);
}

/* 802.3 length + LLC: only the BPDU is recognised (softether-notes 5). */
static void parse_llc(struct pkt_ctx *c, uint32_t off)
{
	struct pkt_info *pi = c->pi;
	const uint8_t *h = c->f + off;

	pi->l2 = PKT_L2_LLC;
	if (pi->ethertype < 3 || pi->ethertype > c->end - off) {
		mark_malformed(pi, 2);
		return;
	}
	trim_to(c, off + pi->ethertype);
	pi->llc_dsap = h[0];
	pi->llc_ssap = h[1];
	if (h[0] == LLC_SAP_BPDU && h[1] == LLC_SAP_BPDU) {
		pi->l3 = PKT_L3_BPDU;
		pi->l3_off = off + 3;
	}
}

static void parse_l3(struct pkt_ctx *c, uint32_t off, const struct pkt_parse_opts *opts)
{
	struct pkt_info *pi = c->pi;

	if (pi->ethertype < ETHERTYPE_MIN) {
		parse_llc(c, off);
		return;
	}
	pi->l3_off = off;
	if (opts && opts->l2_only)
		return;
	switch (pi->ethertype) {
	case ETHERTYPE_ARP:
		parse_arp(c, off);
		break;
	case ETHERTYPE_IPV4:
		parse_ipv4(c, off);
		break;
	case ETHERTYPE_IPV6:
		parse_ipv6(c, off);
		break;
	default:
		pi->l3 = PKT_L3_OTHER;
	}
}

/* ---- L2 ---- */

/* From the frame's bytes, not from pi's copies of them (no store-to-load round trip). */
static void classify_addresses(struct pkt_info *pi, const uint8_t *dst, const uint8_t *src)
{
	if (dst[0] & 1)
		pi->flags |= PKT_F_MULTICAST;
	if (is_broadcast_mac(dst))
		pi->flags |= PKT_F_BROADCAST;
	if ((src[0] & 1) || is_zero_mac(src) || memcmp(src, dst, 6) == 0)
		pi->flags |= PKT_F_BAD_SOURCE; /* all-ones is multicast too */
}

/*
 * Clears everything but the bulk of the DNS name buffer, which only a DNS
 * frame writes.  In fixed 32-byte steps: the compiler makes each a pair of
 * vector stores, where one memset of this size became "rep stos", whose
 * start-up cost was 40 % of parsing a TCP segment.
 */
static void clear_info(struct pkt_info *pi)
{
	enum { STEP = 32, LEN = offsetof(struct pkt_info, dns_qname) + 1 };
	char *p = (char *)pi;

	for (size_t i = 0; i + STEP <= LEN; i += STEP)
		memset(p + i, 0, STEP);
	memset(p + LEN / STEP * STEP, 0, LEN % STEP);
}

int pkt_parse(const uint8_t *frame, size_t len, const struct pkt_parse_opts *opts,
	      struct pkt_info *pi)
{
	uint16_t tpid = opts && opts->vlan_tpid ? opts->vlan_tpid : PKT_TPID_8021Q;
	struct pkt_ctx c = {.f = frame, .pi = pi};
	uint32_t off = ETH_HLEN;

	clear_info(pi);
	if (len < ETH_HLEN || len > UINT32_MAX) {
		mark_malformed(pi, 2);
		return -1;
	}
	c.end = pi->frame_len = (uint32_t)len;
	memcpy(pi->dst, frame, 6);
	memcpy(pi->src, frame + 6, 6);
	classify_addresses(pi, frame, frame + 6);
	pi->ethertype = get_be16(frame + 12);
	if (pi->ethertype == tpid) {
		if (len < ETH_HLEN + 4) {
			mark_malformed(pi, 2);
			return 0;
		}
		pi->flags |= PKT_F_VLAN;
		pi->vlan_id = get_be16(frame + 14) & 0x0fff;
		pi->vlan_pcp = frame[14] >> 5;
		pi->ethertype = get_be16(frame + 16);
		off += 4;
	}
	parse_l3(&c, off, opts);
	return 0;
}

const char *pkt_l3_name(uint8_t l3)
{
	static const char *const names[] = {
	    [PKT_L3_NONE] = "none", [PKT_L3_ARP] = "ARP",   [PKT_L3_IPV4] = "IPv4",
	    [PKT_L3_IPV6] = "IPv6", [PKT_L3_BPDU] = "BPDU", [PKT_L3_OTHER] = "other",
	};

	return l3 < sizeof(names) / sizeof(names[0]) ? names[l3] : "?";
}

const char *pkt_l4_name(uint8_t l4)
{
	static const char *const names[] = {
	    [PKT_L4_NONE] = "none",	[PKT_L4_TCP] = "TCP",	    [PKT_L4_UDP] = "UDP",
	    [PKT_L4_ICMPV4] = "ICMPv4", [PKT_L4_ICMPV6] = "ICMPv6", [PKT_L4_FRAGMENT] = "fragment",
	    [PKT_L4_OTHER] = "other",
	};

	return l4 < sizeof(names) / sizeof(names[0]) ? names[l4] : "?";
}

const char *pkt_l7_name(uint8_t l7)
{
	static const char *const names[] = {
	    [PKT_L7_NONE] = "none",
	    [PKT_L7_DHCPV4] = "DHCPv4",
	    [PKT_L7_DHCPV6] = "DHCPv6",
	    [PKT_L7_DNS] = "DNS",
	};

	return l7 < sizeof(names) / sizeof(names[0]) ? names[l7] : "?";
}

void pkt_describe(const struct pkt_info *pi, char *out, size_t len)
{
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN], smac[MAC_STR_LEN], dmac[MAC_STR_LEN];
	int af = pi->l3 == PKT_L3_IPV6 ? AF_INET6 : AF_INET;

	mac_format(pi->src, smac);
	mac_format(pi->dst, dmac);
	if (pi->l3 == PKT_L3_ARP) {
		inet_ntop(AF_INET, pi->arp_spa, src, sizeof(src));
		inet_ntop(AF_INET, pi->arp_tpa, dst, sizeof(dst));
		snprintf(out, len, "ARP %s %s > %s", pi->arp_op == 1 ? "request" : "reply", src,
			 dst);
	} else if (pkt_is_ip(pi)) {
		inet_ntop(af, pi->ip_src, src, sizeof(src));
		inet_ntop(af, pi->ip_dst, dst, sizeof(dst));
		if (pi->l4 == PKT_L4_TCP || pi->l4 == PKT_L4_UDP)
			snprintf(out, len, "%s %s port %u > %s port %u",
				 pi->l7 ? pkt_l7_name(pi->l7) : pkt_l4_name(pi->l4), src, pi->sport,
				 dst, pi->dport);
		else
			snprintf(out, len, "%s %s > %s", pkt_l4_name(pi->l4), src, dst);
	} else {
		snprintf(out, len, "EtherType 0x%04x %s > %s", pi->ethertype, smac, dmac);
	}
}
