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

/* ---- rendering (logger thread) ---- */

struct line {
	char *p;
	size_t n, cap;
};

static void put_raw(struct line *l, const char *s, size_t len)
{
	for (size_t i = 0; i < len && l->n < l->cap; i++) {
		char c = s[i];

		/* a field never breaks the CSV: no separators, no line ends, no control bytes */
		l->p[l->n++] = c == ',' || (unsigned char)c < 0x20 || c == 0x7f ? '_' : c;
	}
}

/* A field: the separator, then the text escaped, or "-" when empty. */
static void field_n(struct line *l, const char *s, size_t len)
{
	if (l->n < l->cap)
		l->p[l->n++] = ',';
	if (len == 0)
		s = "-", len = 1;
	put_raw(l, s, len);
}

static void field(struct line *l, const char *s)
{
	field_n(l, s, strlen(s));
}

static void fieldf(struct line *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fieldf(struct line *l, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	field_n(l, tmp, n < 0 ? 0 : (size_t)n >= sizeof(tmp) ? sizeof(tmp) - 1 : (size_t)n);
}

static void fmt_mac(const uint8_t m[6], char *out)
{
	snprintf(out, 13, "%02X%02X%02X%02X%02X%02X", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static void fmt_ip(const struct pktlog_rec *r, const uint8_t *a, char *out, size_t outlen)
{
	inet_ntop(r->l3 == PKT_L3_IPV6 ? AF_INET6 : AF_INET, a, out, (socklen_t)outlen);
}

static void fmt_ip4(const uint8_t a[4], char *out, size_t outlen)
{
	inet_ntop(AF_INET, a, out, (socklen_t)outlen);
}

/* "date,time" in local time; the formatted second is cached (many records share it). */
static void put_time(struct line *l, const struct timespec *ts)
{
	static _Thread_local time_t cached_sec = -1;
	static _Thread_local char cached[32];
	char ms[24];

	if (ts->tv_sec != cached_sec) {
		struct tm tm;

		localtime_r(&ts->tv_sec, &tm);
		strftime(cached, sizeof(cached), "%Y-%m-%d,%H:%M:%S", &tm);
		cached_sec = ts->tv_sec;
	}
	snprintf(ms, sizeof(ms), ".%03ld", ts->tv_nsec / 1000000);
	l->n += (size_t)snprintf(l->p + l->n, l->cap - l->n, "%s%s", cached, ms); /* at the start */
}

static void put_session(struct line *l, const char *user, size_t len, uint32_t id)
{
	char tmp[300];

	snprintf(tmp, sizeof(tmp), "SID-%.*s-%u", (int)len, user, id);
	for (char *c = tmp; *c; c++)
		if (*c >= 'a' && *c <= 'z')
			*c = (char)(*c - 'a' + 'A');
	field(l, tmp);
}

struct desc {
	char type[32], sub[64], info[600];
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

static void port_field(struct line *l, uint16_t port)
{
	const char *name = port_name(port);

	if (name)
		fieldf(l, "%s(%u)", name, port);
	else
		fieldf(l, "%u", port);
}

static void describe_arp(const struct pktlog_rec *r, struct desc *d)
{
	char spa[16], tpa[16], sha[13];

	fmt_ip4(r->arp_spa, spa, sizeof(spa));
	fmt_ip4(r->arp_tpa, tpa, sizeof(tpa));
	fmt_mac(r->arp_sha, sha);
	snprintf(d->type, sizeof(d->type), "ARPv4");
	if (r->arp_op == 1) {
		snprintf(d->sub, sizeof(d->sub), "Request");
		snprintf(d->info, sizeof(d->info), "Who has %s? Please Tell %s(%s)", tpa, sha, spa);
	} else if (r->arp_op == 2) {
		snprintf(d->sub, sizeof(d->sub), "Response");
		snprintf(d->info, sizeof(d->info), "%s is at %s", spa, sha);
	} else {
		snprintf(d->sub, sizeof(d->sub), "Op=%u", r->arp_op);
	}
}

static void tcp_flag_names(uint8_t f, char *out, size_t outlen)
{
	static const struct {
		uint8_t bit;
		const char *name;
	} bits[] = {{PKT_TCP_SYN, "SYN"}, {PKT_TCP_ACK, "ACK"}, {PKT_TCP_FIN, "FIN"},
		    {PKT_TCP_RST, "RST"}, {PKT_TCP_PSH, "PSH"}, {PKT_TCP_URG, "URG"}};
	size_t n = 0;

	out[0] = '\0';
	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		if (f & bits[i].bit)
			n += (size_t)snprintf(out + n, outlen - n, "%s%s", n ? "+" : "",
					      bits[i].name);
}

static void describe_tcp(const struct pktlog_rec *r, const char *v, struct desc *d)
{
	bool conn = r->tcp_flags & (PKT_TCP_SYN | PKT_TCP_FIN | PKT_TCP_RST);

	snprintf(d->type, sizeof(d->type), "%s%s", conn ? "TCP_CONNECT" : "TCP_DATA", v);
	tcp_flag_names(r->tcp_flags, d->sub, sizeof(d->sub));
	snprintf(d->info, sizeof(d->info), "WindowSize=%u", r->tcp_window);
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
	char c[16], y[16], s[16], g[16];

	fmt_ip4(r->dhcp_ciaddr, c, sizeof(c));
	fmt_ip4(r->dhcp_yiaddr, y, sizeof(y));
	fmt_ip4(r->dhcp_siaddr, s, sizeof(s));
	fmt_ip4(r->dhcp_giaddr, g, sizeof(g));
	snprintf(d->type, sizeof(d->type), "DHCPv4");
	snprintf(d->sub, sizeof(d->sub), "%s", dhcp_type_name(r->dhcp_msg_type));
	snprintf(d->info, sizeof(d->info),
		 "TransactionId=%u ClientIP=%s YourIP=%s ServerIP=%s RelayIP=%s", r->dhcp_xid, c, y,
		 s, g);
}

static void describe_udp(const struct pktlog_rec *r, const char *qname, const char *v,
			 struct desc *d)
{
	d->ports = true;
	if (r->l7 == PKT_L7_DHCPV4) {
		describe_dhcp(r, d);
	} else if (r->l7 == PKT_L7_DNS) {
		snprintf(d->type, sizeof(d->type), "DNS%s", v);
		snprintf(d->sub, sizeof(d->sub), "%s",
			 r->dns_response ? "DNS_Response" : "DNS_Query");
		snprintf(d->info, sizeof(d->info), "%.*s", r->qname_len, qname);
	} else if (r->dport == 500 || r->dport == 4500) {
		snprintf(d->type, sizeof(d->type), "IKE_CONNECT%s", v);
	} else if (r->dport == 1194) {
		snprintf(d->type, sizeof(d->type), "OPENVPN_CONNECT%s", v);
	} else {
		snprintf(d->type, sizeof(d->type), "UDP%s", v);
	}
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

	snprintf(d->type, sizeof(d->type), "ICMPv%c", v6 ? '6' : '4');
	if (name)
		snprintf(d->sub, sizeof(d->sub), "%s", name);
	else
		snprintf(d->sub, sizeof(d->sub), "Type=%u Code=%u", r->icmp_type, r->icmp_code);
	if (v6 && (r->icmp_type == PKT_ICMPV6_NS || r->icmp_type == PKT_ICMPV6_NA)) {
		char t[INET6_ADDRSTRLEN];

		inet_ntop(AF_INET6, r->nd_target, t, sizeof(t));
		snprintf(d->info, sizeof(d->info), "Target=%s", t);
	}
}

static void describe_ip(const struct pktlog_rec *r, const char *qname, struct desc *d)
{
	const char *v = r->l3 == PKT_L3_IPV6 ? "v6" : "v4";

	switch (r->l4) {
	case PKT_L4_TCP:
		describe_tcp(r, v, d);
		break;
	case PKT_L4_UDP:
		describe_udp(r, qname, v, d);
		break;
	case PKT_L4_ICMPV4:
	case PKT_L4_ICMPV6:
		describe_icmp(r, d);
		break;
	case PKT_L4_FRAGMENT:
		snprintf(d->type, sizeof(d->type), "IP%s_Fragment(0x%02X)", v, r->ip_proto);
		break;
	default:
		snprintf(d->type, sizeof(d->type), "IP%s(0x%02X)", v, r->ip_proto);
		break;
	}
}

static void describe(const struct pktlog_rec *r, const char *qname, struct desc *d)
{
	memset(d, 0, sizeof(*d));
	if (r->l3 == PKT_L3_ARP)
		describe_arp(r, d);
	else if (r->l3 == PKT_L3_IPV4 || r->l3 == PKT_L3_IPV6)
		describe_ip(r, qname, d);
	else
		snprintf(d->type, sizeof(d->type), "Proto=0x%04X", r->ethertype);
	if (r->flags & PKT_F_VLAN) {
		size_t n = strlen(d->info);

		snprintf(d->info + n, sizeof(d->info) - n, "%sVLAN=%u", n ? " " : "", r->vlan_id);
	}
}

static void put_addresses(struct line *l, const struct pktlog_rec *r, const struct desc *d)
{
	char a[INET6_ADDRSTRLEN];
	bool ip = r->l3 == PKT_L3_IPV4 || r->l3 == PKT_L3_IPV6;

	fmt_ip(r, r->ip_src, a, sizeof(a));
	field(l, ip ? a : "");
	if (d->ports)
		port_field(l, r->sport);
	else
		field(l, "");
	fmt_ip(r, r->ip_dst, a, sizeof(a));
	field(l, ip ? a : "");
	if (d->ports)
		port_field(l, r->dport);
	else
		field(l, "");
	if (d->tcp) {
		fieldf(l, "%u", r->tcp_seq);
		fieldf(l, "%u", r->tcp_ack);
	} else {
		field(l, "");
		field(l, "");
	}
}

static void put_hex(struct line *l, const uint8_t *b, size_t n, bool truncated)
{
	static const char hex[] = "0123456789ABCDEF";

	if (l->n < l->cap)
		l->p[l->n++] = ',';
	for (size_t i = 0; i < n && l->n + 2 <= l->cap; i++) {
		l->p[l->n++] = hex[b[i] >> 4];
		l->p[l->n++] = hex[b[i] & 15];
	}
	if (truncated)
		put_raw(l, "...", 3);
}

size_t pktlog_render(const struct log_rec *rec, char *out)
{
	const struct pktlog_rec *r = (const void *)rec->payload;
	const char *v = r->vars;
	struct line l = {.p = out, .cap = LOGGER_LINE_MAX - 1};
	char mac[13];
	struct desc d;

	if (rec->paylen < sizeof(*r))
		return 0;
	put_time(&l, &rec->ts);
	put_session(&l, v, r->src_user_len, r->src_id);
	if (r->has_dst)
		put_session(&l, v + r->src_user_len, r->dst_user_len, r->dst_id);
	else
		field(&l, "");
	fmt_mac(r->src_mac, mac);
	field(&l, mac);
	fmt_mac(r->dst_mac, mac);
	field(&l, mac);
	fieldf(&l, "0x%04X", r->ethertype);
	fieldf(&l, "%u", r->frame_len);
	describe(r, v + r->src_user_len + r->dst_user_len, &d);
	field(&l, d.type);
	field(&l, d.sub);
	put_addresses(&l, r, &d);
	field(&l, d.info);
	if (r->hex_len)
		put_hex(&l, (const uint8_t *)v + r->src_user_len + r->dst_user_len + r->qname_len,
			r->hex_len, r->hex_len < r->frame_len);
	else
		field(&l, "");
	out[l.n++] = '\n';
	return l.n;
}
