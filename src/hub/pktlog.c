// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Packet log records and their CSV rendering (pktlog.h).  Columns, as
 * SoftEther writes them: date, time, source session, destination session
 * ("-" when flooded), source MAC, destination MAC, EtherType, frame size,
 * packet type, sub-type, source IP, source port, destination IP,
 * destination port, TCP sequence, TCP acknowledgement, info, frame hex
 * (level full only).  Commas inside a field become '_', empty fields '-'.
 */
#include "pktlog.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* What the renderer needs of a frame; the variable part follows it. */
struct pktlog_rec {
	uint32_t frame_len, src_id, dst_id;
	uint32_t tcp_seq, tcp_ack, dhcp_xid;
	uint16_t flags, ethertype, vlan_id, sport, dport, tcp_window, arp_op;
	uint16_t hex_len;
	uint8_t l3, l4, l7, ip_proto, tcp_flags, icmp_type, icmp_code, dhcp_msg_type;
	uint8_t src_user_len, dst_user_len, qname_len;
	bool has_dst, dns_response;
	uint8_t src_mac[6], dst_mac[6];
	uint8_t ip_src[16], ip_dst[16], nd_target[16];
	uint8_t arp_sha[6], arp_spa[4], arp_tpa[4];
	uint8_t dhcp_ciaddr[4], dhcp_yiaddr[4], dhcp_siaddr[4], dhcp_giaddr[4];
	char vars[]; /* source user, destination user, DNS name, frame bytes */
};

static void raise_to(unsigned *lvl, uint32_t v)
{
	if (v > *lvl)
		*lvl = v;
}

static bool is_udp_session_start(const struct pkt_info *pi)
{
	if (pi->l7 == PKT_L7_DNS && !pi->dns_response)
		return true;
	return pi->dport == 500 || pi->dport == 4500 || pi->dport == 1194; /* IKE, OpenVPN */
}

unsigned pktlog_level(const uint32_t level[LOG_CLASSES], const struct pkt_info *pi)
{
	unsigned lvl = 0;

	raise_to(&lvl, level[LOG_ETHERNET]);
	if (pi->l3 == PKT_L3_ARP)
		raise_to(&lvl, level[LOG_ARP]);
	if (!pkt_is_ip(pi))
		return lvl;
	raise_to(&lvl, level[LOG_IP]);
	switch (pi->l4) {
	case PKT_L4_TCP:
		raise_to(&lvl, level[LOG_TCP]);
		if (pi->tcp_flags & (PKT_TCP_SYN | PKT_TCP_FIN | PKT_TCP_RST))
			raise_to(&lvl, level[LOG_TCP_CONN]);
		break;
	case PKT_L4_UDP:
		raise_to(&lvl, level[LOG_UDP]);
		if (pi->l7 == PKT_L7_DHCPV4)
			raise_to(&lvl, level[LOG_DHCP]);
		if (is_udp_session_start(pi))
			raise_to(&lvl, level[LOG_TCP_CONN]);
		break;
	case PKT_L4_ICMPV4:
	case PKT_L4_ICMPV6:
		raise_to(&lvl, level[LOG_ICMP]);
		break;
	default:
		break;
	}
	return lvl > PKTLOG_FULL ? PKTLOG_FULL : lvl;
}

static size_t name_len(const struct pktlog_peer *p)
{
	size_t n = p && p->user ? strlen(p->user) : 0;

	return n > UINT8_MAX ? UINT8_MAX : n;
}

static void copy_header(struct pktlog_rec *r, const struct pkt_info *pi, size_t len)
{
	r->frame_len = (uint32_t)len;
	r->tcp_seq = pi->tcp_seq;
	r->tcp_ack = pi->tcp_ack;
	r->dhcp_xid = pi->dhcp_xid;
	r->flags = pi->flags;
	r->ethertype = pi->ethertype;
	r->vlan_id = pi->vlan_id;
	r->sport = pi->sport;
	r->dport = pi->dport;
	r->tcp_window = pi->tcp_window;
	r->arp_op = pi->arp_op;
	r->l3 = pi->l3;
	r->l4 = pi->l4;
	r->l7 = pi->l7;
	r->ip_proto = pi->ip_proto;
	r->tcp_flags = pi->tcp_flags;
	r->icmp_type = pi->icmp_type;
	r->icmp_code = pi->icmp_code;
	r->dhcp_msg_type = pi->dhcp_msg_type;
	r->dns_response = pi->dns_response;
	memcpy(r->src_mac, pi->src, 6);
	memcpy(r->dst_mac, pi->dst, 6);
	memcpy(r->ip_src, pi->ip_src, 16);
	memcpy(r->ip_dst, pi->ip_dst, 16);
	memcpy(r->nd_target, pi->nd_target, 16);
	memcpy(r->arp_sha, pi->arp_sha, 6);
	memcpy(r->arp_spa, pi->arp_spa, 4);
	memcpy(r->arp_tpa, pi->arp_tpa, 4);
	memcpy(r->dhcp_ciaddr, pi->dhcp_ciaddr, 4);
	memcpy(r->dhcp_yiaddr, pi->dhcp_yiaddr, 4);
	memcpy(r->dhcp_siaddr, pi->dhcp_siaddr, 4);
	memcpy(r->dhcp_giaddr, pi->dhcp_giaddr, 4);
}

void pktlog_enqueue(struct log_stream *ls, unsigned level, const struct pktlog_peer *src,
		    const struct pktlog_peer *dst, const struct pkt_info *pi, const uint8_t *frame,
		    size_t len)
{
	size_t slen = name_len(src), dlen = name_len(dst);
	size_t qlen = pi->l7 == PKT_L7_DNS ? strnlen(pi->dns_qname, PKT_DNS_NAME_MAX) : 0;
	size_t hlen = level >= PKTLOG_FULL ? (len < PKTLOG_HEX_MAX ? len : PKTLOG_HEX_MAX) : 0;
	struct pktlog_rec *r = log_stream_reserve(ls, sizeof(*r) + slen + dlen + qlen + hlen);
	char *v;

	if (!r)
		return;
	copy_header(r, pi, len);
	r->src_id = src ? src->id : 0;
	r->dst_id = dst ? dst->id : 0;
	r->has_dst = dst && dst->user;
	r->src_user_len = (uint8_t)slen;
	r->dst_user_len = (uint8_t)dlen;
	r->qname_len = (uint8_t)qlen;
	r->hex_len = (uint16_t)hlen;
	v = r->vars;
	memcpy(v, slen ? src->user : "", slen);
	memcpy(v + slen, dlen ? dst->user : "", dlen);
	memcpy(v + slen + dlen, pi->dns_qname, qlen);
	memcpy(v + slen + dlen + qlen, frame, hlen);
	log_stream_commit(ls);
}

/* ---- rendering (logger thread) ----
 * Hand-written appenders instead of printf: the logger renders a few hundred
 * thousand lines a second, and its CPU is taken from forwarding on a small
 * machine.
 */

struct line {
	char *p;
	size_t n, cap;
};

#define LINE_OF(buf) ((struct line){.p = (buf), .cap = sizeof(buf)})

static void put_c(struct line *l, char c)
{
	if (l->n < l->cap)
		l->p[l->n++] = c;
}

/* Text we wrote ourselves: copied as it is. */
static void put_s(struct line *l, const char *s)
{
	while (*s)
		put_c(l, *s++);
}

static void put_u(struct line *l, uint32_t v)
{
	char t[10];
	int i = 0;

	do
		t[i++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	while (i)
		put_c(l, t[--i]);
}

static void put_hex(struct line *l, uint32_t v, int digits)
{
	static const char hex[] = "0123456789ABCDEF";

	while (digits--)
		put_c(l, hex[(v >> (4 * digits)) & 15]);
}

static void put_mac(struct line *l, const uint8_t m[6])
{
	for (int i = 0; i < 6; i++)
		put_hex(l, m[i], 2);
}

static void put_ip4(struct line *l, const uint8_t a[4])
{
	for (int i = 0; i < 4; i++) {
		if (i)
			put_c(l, '.');
		put_u(l, a[i]);
	}
}

static void put_ip(struct line *l, bool v6, const uint8_t *a)
{
	char t[INET6_ADDRSTRLEN];

	if (!v6) {
		put_ip4(l, a);
		return;
	}
	inet_ntop(AF_INET6, a, t, sizeof(t));
	put_s(l, t);
}

/* A field: the separator, then the text with separators, line ends and control bytes made '_', or
 * "-" when empty. */
static void field_n(struct line *l, const char *s, size_t len)
{
	put_c(l, ',');
	if (len == 0)
		put_c(l, '-');
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		put_c(l, c == ',' || (unsigned char)c < 0x20 || c == 0x7f ? '_' : c);
	}
}

static void field_line(struct line *l, const struct line *f)
{
	field_n(l, f->p, f->n);
}

static void field_u(struct line *l, uint32_t v)
{
	put_c(l, ',');
	put_u(l, v);
}

static void field_empty(struct line *l)
{
	put_s(l, ",-");
}

/* "date,time" in local time; the formatted second is cached (many records share it). */
static void put_time(struct line *l, const struct timespec *ts)
{
	static _Thread_local time_t cached_sec = -1;
	static _Thread_local char cached[32];
	uint32_t ms = (uint32_t)(ts->tv_nsec / 1000000);

	if (ts->tv_sec != cached_sec) {
		struct tm tm;

		localtime_r(&ts->tv_sec, &tm);
		strftime(cached, sizeof(cached), "%Y-%m-%d,%H:%M:%S.", &tm);
		cached_sec = ts->tv_sec;
	}
	put_s(l, cached);
	put_c(l, (char)('0' + ms / 100));
	put_c(l, (char)('0' + ms / 10 % 10));
	put_c(l, (char)('0' + ms % 10));
}

/* SID-<USER>-<id>, upper case as SoftEther writes session names */
static void put_session(struct line *l, const char *user, size_t len, uint32_t id)
{
	char buf[PROTO_NAME_MAX + 16];
	struct line t = LINE_OF(buf);

	put_s(&t, "SID-");
	for (size_t i = 0; i < len; i++)
		put_c(&t, user[i] >= 'a' && user[i] <= 'z' ? (char)(user[i] - 'a' + 'A') : user[i]);
	put_c(&t, '-');
	put_u(&t, id);
	field_line(l, &t);
}

struct desc {
	char type_buf[32], sub_buf[64], info_buf[600];
	struct line type, sub, info;
	bool ports, tcp; /* whether the port and the TCP number columns apply */
};

static const char *port_name(uint16_t port)
{
	static const struct {
		uint16_t port;
		const char *name;
	} names[] = {
	    {20, "ftp-data"},  {21, "ftp"},	      {22, "ssh"},	     {23, "telnet"},
	    {25, "smtp"},      {53, "dns"},	      {67, "bootps"},	     {68, "bootpc"},
	    {80, "http"},      {110, "pop3"},	      {123, "ntp"},	     {143, "imap"},
	    {443, "https"},    {445, "microsoft-ds"}, {500, "isakmp"},	     {993, "imaps"},
	    {1194, "openvpn"}, {3389, "rdp"},	      {4500, "ipsec-nat-t"},
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].port == port)
			return names[i].name;
	return NULL;
}

/* "name(port)" when known, else the number */
static void port_field(struct line *l, uint16_t port)
{
	const char *name = port_name(port);

	put_c(l, ',');
	if (name) {
		put_s(l, name);
		put_c(l, '(');
	}
	put_u(l, port);
	if (name)
		put_c(l, ')');
}

static void describe_arp(const struct pktlog_rec *r, struct desc *d)
{
	put_s(&d->type, "ARPv4");
	if (r->arp_op == 1) {
		put_s(&d->sub, "Request");
		put_s(&d->info, "Who has ");
		put_ip4(&d->info, r->arp_tpa);
		put_s(&d->info, "? Please Tell ");
		put_mac(&d->info, r->arp_sha);
		put_c(&d->info, '(');
		put_ip4(&d->info, r->arp_spa);
		put_c(&d->info, ')');
	} else if (r->arp_op == 2) {
		put_s(&d->sub, "Response");
		put_ip4(&d->info, r->arp_spa);
		put_s(&d->info, " is at ");
		put_mac(&d->info, r->arp_sha);
	} else {
		put_s(&d->sub, "Op=");
		put_u(&d->sub, r->arp_op);
	}
}

static void tcp_flag_names(uint8_t f, struct line *l)
{
	static const struct {
		uint8_t bit;
		const char *name;
	} bits[] = {{PKT_TCP_SYN, "SYN"}, {PKT_TCP_ACK, "ACK"}, {PKT_TCP_FIN, "FIN"},
		    {PKT_TCP_RST, "RST"}, {PKT_TCP_PSH, "PSH"}, {PKT_TCP_URG, "URG"}};

	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
		if (!(f & bits[i].bit))
			continue;
		if (l->n)
			put_c(l, '+');
		put_s(l, bits[i].name);
	}
}

static void describe_tcp(const struct pktlog_rec *r, const char *v, struct desc *d)
{
	bool conn = r->tcp_flags & (PKT_TCP_SYN | PKT_TCP_FIN | PKT_TCP_RST);

	put_s(&d->type, conn ? "TCP_CONNECT" : "TCP_DATA");
	put_s(&d->type, v);
	tcp_flag_names(r->tcp_flags, &d->sub);
	put_s(&d->info, "WindowSize=");
	put_u(&d->info, r->tcp_window);
	d->ports = d->tcp = true;
}

static const char *dhcp_type_name(uint8_t t)
{
	static const char *const names[] = {"",	   "Discover", "Offer",	  "Request", "Decline",
					    "Ack", "Nak",      "Release", "Inform"};

	return t < sizeof(names) / sizeof(names[0]) ? names[t] : "";
}

static void describe_dhcp(const struct pktlog_rec *r, struct desc *d)
{
	static const char *const labels[] = {" ClientIP=", " YourIP=", " ServerIP=", " RelayIP="};
	const uint8_t *addrs[] = {r->dhcp_ciaddr, r->dhcp_yiaddr, r->dhcp_siaddr, r->dhcp_giaddr};

	put_s(&d->type, "DHCPv4");
	put_s(&d->sub, dhcp_type_name(r->dhcp_msg_type));
	put_s(&d->info, "TransactionId=");
	put_u(&d->info, r->dhcp_xid);
	for (int i = 0; i < 4; i++) {
		put_s(&d->info, labels[i]);
		put_ip4(&d->info, addrs[i]);
	}
}

static void describe_udp(const struct pktlog_rec *r, const char *qname, const char *v,
			 struct desc *d)
{
	d->ports = true;
	if (r->l7 == PKT_L7_DHCPV4) {
		describe_dhcp(r, d);
		return;
	}
	if (r->l7 == PKT_L7_DNS) {
		put_s(&d->type, "DNS");
		put_s(&d->sub, r->dns_response ? "DNS_Response" : "DNS_Query");
		for (size_t i = 0; i < r->qname_len; i++)
			put_c(&d->info, qname[i]);
	} else if (r->dport == 500 || r->dport == 4500) {
		put_s(&d->type, "IKE_CONNECT");
	} else if (r->dport == 1194) {
		put_s(&d->type, "OPENVPN_CONNECT");
	} else {
		put_s(&d->type, "UDP");
	}
	put_s(&d->type, v);
}

static const char *icmp_type_name(bool v6, uint8_t t)
{
	switch (t | (v6 ? 0x100 : 0)) {
	case 0:
		return "Echo Reply";
	case 8:
		return "Echo Request";
	case 3:
	case 0x100 | 1:
		return "Destination Unreachable";
	case 11:
	case 0x100 | 3:
		return "Time Exceeded";
	case 0x100 | 128:
		return "Echo Request";
	case 0x100 | 129:
		return "Echo Reply";
	case 0x100 | PKT_ICMPV6_RS:
		return "Router Solicitation";
	case 0x100 | PKT_ICMPV6_RA:
		return "Router Advertisement";
	case 0x100 | PKT_ICMPV6_NS:
		return "Neighbor Solicitation";
	case 0x100 | PKT_ICMPV6_NA:
		return "Neighbor Advertisement";
	default:
		return NULL;
	}
}

static void describe_icmp(const struct pktlog_rec *r, struct desc *d)
{
	bool v6 = r->l4 == PKT_L4_ICMPV6;
	const char *name = icmp_type_name(v6, r->icmp_type);

	put_s(&d->type, v6 ? "ICMPv6" : "ICMPv4");
	if (name) {
		put_s(&d->sub, name);
	} else {
		put_s(&d->sub, "Type=");
		put_u(&d->sub, r->icmp_type);
		put_s(&d->sub, " Code=");
		put_u(&d->sub, r->icmp_code);
	}
	if (v6 && (r->icmp_type == PKT_ICMPV6_NS || r->icmp_type == PKT_ICMPV6_NA)) {
		put_s(&d->info, "Target=");
		put_ip(&d->info, true, r->nd_target);
	}
}

static void describe_ip(const struct pktlog_rec *r, const char *qname, struct desc *d)
{
	const char *v = r->l3 == PKT_L3_IPV6 ? "v6" : "v4";

	switch (r->l4) {
	case PKT_L4_TCP:
		describe_tcp(r, v, d);
		return;
	case PKT_L4_UDP:
		describe_udp(r, qname, v, d);
		return;
	case PKT_L4_ICMPV4:
	case PKT_L4_ICMPV6:
		describe_icmp(r, d);
		return;
	default:
		put_s(&d->type, "IP");
		put_s(&d->type, v);
		put_s(&d->type, r->l4 == PKT_L4_FRAGMENT ? "_Fragment(0x" : "(0x");
		put_hex(&d->type, r->ip_proto, 2);
		put_c(&d->type, ')');
		return;
	}
}

static void describe(const struct pktlog_rec *r, const char *qname, struct desc *d)
{
	d->type = LINE_OF(d->type_buf);
	d->sub = LINE_OF(d->sub_buf);
	d->info = LINE_OF(d->info_buf);
	d->ports = d->tcp = false;
	if (r->l3 == PKT_L3_ARP) {
		describe_arp(r, d);
	} else if (r->l3 == PKT_L3_IPV4 || r->l3 == PKT_L3_IPV6) {
		describe_ip(r, qname, d);
	} else {
		put_s(&d->type, "Proto=0x");
		put_hex(&d->type, r->ethertype, 4);
	}
	if (r->flags & PKT_F_VLAN) {
		if (d->info.n)
			put_c(&d->info, ' ');
		put_s(&d->info, "VLAN=");
		put_u(&d->info, r->vlan_id);
	}
}

static void put_addresses(struct line *l, const struct pktlog_rec *r, const struct desc *d)
{
	bool ip = r->l3 == PKT_L3_IPV4 || r->l3 == PKT_L3_IPV6, v6 = r->l3 == PKT_L3_IPV6;

	for (int i = 0; i < 2; i++) {
		if (ip) {
			put_c(l, ',');
			put_ip(l, v6, i == 0 ? r->ip_src : r->ip_dst);
		} else {
			field_empty(l);
		}
		if (d->ports)
			port_field(l, i == 0 ? r->sport : r->dport);
		else
			field_empty(l);
	}
	if (d->tcp) {
		field_u(l, r->tcp_seq);
		field_u(l, r->tcp_ack);
	} else {
		field_empty(l);
		field_empty(l);
	}
}

static void put_frame_hex(struct line *l, const uint8_t *b, size_t n, bool truncated)
{
	put_c(l, ',');
	for (size_t i = 0; i < n; i++)
		put_hex(l, b[i], 2);
	if (truncated)
		put_s(l, "...");
}

size_t pktlog_render(const struct log_rec *rec, char *out)
{
	const struct pktlog_rec *r = (const void *)rec->payload;
	const char *v = r->vars;
	struct line l = {.p = out, .cap = LOGGER_LINE_MAX - 1};
	struct desc d;

	if (rec->paylen < sizeof(*r))
		return 0;
	put_time(&l, &rec->ts);
	put_session(&l, v, r->src_user_len, r->src_id);
	if (r->has_dst)
		put_session(&l, v + r->src_user_len, r->dst_user_len, r->dst_id);
	else
		field_empty(&l);
	put_c(&l, ',');
	put_mac(&l, r->src_mac);
	put_c(&l, ',');
	put_mac(&l, r->dst_mac);
	put_s(&l, ",0x");
	put_hex(&l, r->ethertype, 4);
	field_u(&l, r->frame_len);
	describe(r, v + r->src_user_len + r->dst_user_len, &d);
	field_line(&l, &d.type);
	field_line(&l, &d.sub);
	put_addresses(&l, r, &d);
	field_line(&l, &d.info);
	if (r->hex_len)
		put_frame_hex(&l,
			      (const uint8_t *)v + r->src_user_len + r->dst_user_len + r->qname_len,
			      r->hex_len, r->hex_len < r->frame_len);
	else
		field_empty(&l);
	out[l.n++] = '\n';
	return l.n;
}
