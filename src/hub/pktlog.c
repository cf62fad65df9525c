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
#include <string.h>
#include <time.h>

/* What the renderer needs of a frame; the variable part follows it. */
struct pktlog_rec {
	uint32_t frame_len;
	uint16_t flags, ethertype, vlan_id, hex_len;
	uint16_t src_len, dst_len; /* session names; dst_len 0: flooded */
	uint8_t l3, l4, l7, qname_len;
	uint8_t src_mac[6], dst_mac[6];
	union { /* by l3; only the part the frame has is written */
		struct {
			uint16_t op;
			uint8_t sha[6], spa[4], tpa[4];
		} arp;
		struct {
			uint8_t src[16], dst[16]; /* IPv4: the first 4 bytes */
			uint32_t tcp_seq, tcp_ack;
			uint16_t sport, dport, tcp_window;
			uint8_t proto, tcp_flags, icmp_type, icmp_code;
			bool dns_response;
			union {
				struct {
					uint32_t xid;
					uint8_t msg_type;
					uint8_t ciaddr[4], yiaddr[4], siaddr[4], giaddr[4];
				} dhcp;		       /* l7 DHCPv4 */
				uint8_t nd_target[16]; /* l4 ICMPv6 */
			};
		} ip;
	};
	char vars[]; /* source name, destination name, DNS name, frame bytes */
};

/*
 * The longest line: the fixed columns take under 400 bytes (time 31, MACs
 * 26, addresses and ports 120, DHCP info 130, ...), plus the two session
 * names, a DNS name and the frame's hex.  The renderer writes without
 * per-byte checks on the strength of this.
 */
#define PKTLOG_LINE_BOUND (512 + 2 * PKTLOG_NAME_MAX + PKT_DNS_NAME_MAX + 2 * PKTLOG_HEX_MAX)
_Static_assert(PKTLOG_LINE_BOUND <= LOGGER_LINE_MAX, "a packet log line may not fit");

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

/* ---- the forwarding path: copy what the line needs ---- */

static void copy_ip(struct pktlog_rec *r, const struct pkt_info *pi)
{
	memcpy(r->ip.src, pi->ip_src, 16);
	memcpy(r->ip.dst, pi->ip_dst, 16);
	r->ip.tcp_seq = pi->tcp_seq;
	r->ip.tcp_ack = pi->tcp_ack;
	r->ip.sport = pi->sport;
	r->ip.dport = pi->dport;
	r->ip.tcp_window = pi->tcp_window;
	r->ip.proto = pi->ip_proto;
	r->ip.tcp_flags = pi->tcp_flags;
	r->ip.icmp_type = pi->icmp_type;
	r->ip.icmp_code = pi->icmp_code;
	r->ip.dns_response = pi->dns_response;
	if (pi->l7 == PKT_L7_DHCPV4) {
		r->ip.dhcp.xid = pi->dhcp_xid;
		r->ip.dhcp.msg_type = pi->dhcp_msg_type;
		memcpy(r->ip.dhcp.ciaddr, pi->dhcp_ciaddr, 4);
		memcpy(r->ip.dhcp.yiaddr, pi->dhcp_yiaddr, 4);
		memcpy(r->ip.dhcp.siaddr, pi->dhcp_siaddr, 4);
		memcpy(r->ip.dhcp.giaddr, pi->dhcp_giaddr, 4);
	} else if (pi->l4 == PKT_L4_ICMPV6) {
		memcpy(r->ip.nd_target, pi->nd_target, 16);
	}
}

static void copy_fields(struct pktlog_rec *r, const struct pkt_info *pi)
{
	r->flags = pi->flags;
	r->ethertype = pi->ethertype;
	r->vlan_id = pi->vlan_id;
	r->l3 = pi->l3;
	r->l4 = pi->l4;
	r->l7 = pi->l7;
	memcpy(r->src_mac, pi->src, 6);
	memcpy(r->dst_mac, pi->dst, 6);
	if (pi->l3 == PKT_L3_ARP) {
		r->arp.op = pi->arp_op;
		memcpy(r->arp.sha, pi->arp_sha, 6);
		memcpy(r->arp.spa, pi->arp_spa, 4);
		memcpy(r->arp.tpa, pi->arp_tpa, 4);
	} else if (pkt_is_ip(pi)) {
		copy_ip(r, pi);
	}
}

static void add_record(struct log_batch *b, const char *src, size_t src_len,
		       const struct pktlog_frame *f)
{
	const struct pkt_info *pi = f->pi;
	size_t qlen = pi->l7 == PKT_L7_DNS ? strnlen(pi->dns_qname, PKT_DNS_NAME_MAX) : 0;
	size_t hlen =
	    f->level >= PKTLOG_FULL ? (f->len < PKTLOG_HEX_MAX ? f->len : PKTLOG_HEX_MAX) : 0;
	struct pktlog_rec *r = log_batch_add(b, sizeof(*r) + src_len + f->dst_len + qlen + hlen);
	char *v;

	if (!r)
		return;
	copy_fields(r, pi);
	r->frame_len = f->len;
	r->src_len = (uint16_t)src_len;
	r->dst_len = f->dst_len;
	r->qname_len = (uint8_t)qlen;
	r->hex_len = (uint16_t)hlen;
	v = r->vars;
	memcpy(v, src, src_len);
	memcpy(v += src_len, f->dst, f->dst_len);
	memcpy(v += f->dst_len, pi->dns_qname, qlen);
	memcpy(v + qlen, f->frame, hlen);
}

void pktlog_enqueue(struct log_stream *ls, const char *src, size_t src_len,
		    const struct pktlog_frame *f, unsigned n)
{
	struct log_batch b;

	if (src_len > PKTLOG_NAME_MAX)
		src_len = PKTLOG_NAME_MAX;
	log_batch_begin(&b, ls);
	for (unsigned i = 0; i < n; i++)
		add_record(&b, src, src_len, &f[i]);
	log_batch_end(&b);
}

/* ---- rendering (logger thread) ----
 * Straight stores into the line (PKTLOG_LINE_BOUND) instead of printf: the
 * logger renders up to a million lines a second, and its CPU is taken from
 * forwarding on a small machine.
 */

static const char hex_digit[] = "0123456789ABCDEF";
/* "000102...FEFF": a byte's two hex digits in one load */
#define HEX_ROW(h)                                                                                 \
	h "0" h "1" h "2" h "3" h "4" h "5" h "6" h "7" h "8" h "9" h "A" h "B" h "C" h "D" h      \
	  "E" h "F"
static const char hex_pair[513] = HEX_ROW("0") HEX_ROW("1") HEX_ROW("2") HEX_ROW("3") HEX_ROW("4")
    HEX_ROW("5") HEX_ROW("6") HEX_ROW("7") HEX_ROW("8") HEX_ROW("9") HEX_ROW("A") HEX_ROW("B")
	HEX_ROW("C") HEX_ROW("D") HEX_ROW("E") HEX_ROW("F");

static char *put_mem(char *o, const void *s, size_t n)
{
	memcpy(o, s, n);
	return o + n;
}

#define PUT_LIT(o, lit) put_mem((o), (lit), sizeof(lit) - 1)

static char *put_str(char *o, const char *s)
{
	return put_mem(o, s, strlen(s));
}

/* "00".."99": two decimal digits in one load */
static const char dec_pair[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233"
    "34353637383940414243444546474849505152535455565758596061626364656667"
    "6869707172737475767778798081828384858687888990919293949596979899";

static char *put_u(char *o, uint32_t v)
{
	int n = v < 10		 ? 1
		: v < 100	 ? 2
		: v < 1000	 ? 3
		: v < 10000	 ? 4
		: v < 100000	 ? 5
		: v < 1000000	 ? 6
		: v < 10000000	 ? 7
		: v < 100000000	 ? 8
		: v < 1000000000 ? 9
				 : 10;
	char *end = o + n;

	for (; v >= 100; v /= 100)
		memcpy(end -= 2, dec_pair + 2 * (v % 100), 2);
	if (v >= 10)
		memcpy(end - 2, dec_pair + 2 * v, 2);
	else
		end[-1] = (char)('0' + v);
	return o + n;
}

static char *put_hex(char *o, uint32_t v, int digits)
{
	for (int i = digits - 1; i >= 0; i--, v >>= 4)
		o[i] = hex_digit[v & 15];
	return o + digits;
}

static char *put_hex_bytes(char *o, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++, o += 2)
		memcpy(o, hex_pair + 2 * b[i], 2);
	return o;
}

static char *put_ip4(char *o, const uint8_t a[4])
{
	for (int i = 0; i < 4; i++) {
		o = put_u(o, a[i]);
		*o++ = '.';
	}
	return o - 1;
}

static char *put_ip(char *o, bool v6, const uint8_t *a)
{
	char t[INET6_ADDRSTRLEN];

	if (!v6)
		return put_ip4(o, a);
	inet_ntop(AF_INET6, a, t, sizeof(t));
	return put_str(o, t);
}

/* Bytes not our own (names): separators, line ends and control bytes become '_'. */
static char safe_char(char c)
{
	return c == ',' || (unsigned char)c < 0x20 || c == 0x7f ? '_' : c;
}

/* A column's start, and its end: "-" when nothing was written in between. */
static char *col(char *o)
{
	*o++ = ',';
	return o;
}

static char *col_end(char *start, char *o)
{
	if (o == start)
		*o++ = '-';
	return o;
}

size_t pktlog_session_name(char out[PKTLOG_NAME_MAX], const char *user, uint32_t id)
{
	size_t len = strnlen(user, PROTO_NAME_MAX);
	char *o = PUT_LIT(out, "SID-");

	for (size_t i = 0; i < len; i++) {
		char c = user[i];

		*o++ = safe_char(c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c);
	}
	*o++ = '-';
	return (size_t)(put_u(o, id) - out);
}

/* "date,time" in local time; the formatted second is cached (many records share it). */
static char *put_time(char *o, const struct timespec *ts)
{
	static _Thread_local time_t cached_sec = -1;
	static _Thread_local char cached[32];
	static _Thread_local size_t cached_len;
	uint32_t ms = (uint32_t)(ts->tv_nsec / 1000000);

	if (ts->tv_sec != cached_sec) {
		struct tm tm;

		localtime_r(&ts->tv_sec, &tm);
		cached_len = strftime(cached, sizeof(cached), "%Y-%m-%d,%H:%M:%S.", &tm);
		cached_sec = ts->tv_sec;
	}
	o = put_mem(o, cached, cached_len);
	o[0] = (char)('0' + ms / 100);
	o[1] = (char)('0' + ms / 10 % 10);
	o[2] = (char)('0' + ms % 10);
	return o + 3;
}

/* What a line says about the frame: picks the type, sub-type, address and info columns. */
enum kind { K_ARP, K_TCP, K_DHCP, K_DNS, K_UDP, K_ICMP, K_IP_OTHER, K_OTHER };

static enum kind kind_of(const struct pktlog_rec *r)
{
	if (r->l3 == PKT_L3_ARP)
		return K_ARP;
	if (r->l3 != PKT_L3_IPV4 && r->l3 != PKT_L3_IPV6)
		return K_OTHER;
	switch (r->l4) {
	case PKT_L4_TCP:
		return K_TCP;
	case PKT_L4_UDP:
		return r->l7 == PKT_L7_DHCPV4 ? K_DHCP : r->l7 == PKT_L7_DNS ? K_DNS : K_UDP;
	case PKT_L4_ICMPV4:
	case PKT_L4_ICMPV6:
		return K_ICMP;
	default:
		return K_IP_OTHER;
	}
}

static const char *port_name(uint16_t port)
{
	if (port > 4500) /* the most common answer, at once */
		return NULL;
	switch (port) {
	case 20:
		return "ftp-data";
	case 21:
		return "ftp";
	case 22:
		return "ssh";
	case 23:
		return "telnet";
	case 25:
		return "smtp";
	case 53:
		return "dns";
	case 67:
		return "bootps";
	case 68:
		return "bootpc";
	case 80:
		return "http";
	case 110:
		return "pop3";
	case 123:
		return "ntp";
	case 143:
		return "imap";
	case 443:
		return "https";
	case 445:
		return "microsoft-ds";
	case 500:
		return "isakmp";
	case 993:
		return "imaps";
	case 1194:
		return "openvpn";
	case 3389:
		return "rdp";
	case 4500:
		return "ipsec-nat-t";
	default:
		return NULL;
	}
}

/* "name(port)" when known, else the number */
static char *put_port(char *o, uint16_t port)
{
	const char *name = port_name(port);

	if (!name)
		return put_u(o, port);
	o = put_str(o, name);
	*o++ = '(';
	o = put_u(o, port);
	*o++ = ')';
	return o;
}

static char *put_tcp_flags(char *o, uint8_t f)
{
	static const struct {
		uint8_t bit;
		char name[4];
	} bits[] = {{PKT_TCP_SYN, "SYN"}, {PKT_TCP_ACK, "ACK"}, {PKT_TCP_FIN, "FIN"},
		    {PKT_TCP_RST, "RST"}, {PKT_TCP_PSH, "PSH"}, {PKT_TCP_URG, "URG"}};
	char *start = o;

	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
		if (!(f & bits[i].bit))
			continue;
		if (o != start)
			*o++ = '+';
		o = put_mem(o, bits[i].name, 3);
	}
	return o;
}

static const char *dhcp_type_name(uint8_t t)
{
	static const char *const names[] = {"",	   "Discover", "Offer",	  "Request", "Decline",
					    "Ack", "Nak",      "Release", "Inform"};

	return t < sizeof(names) / sizeof(names[0]) ? names[t] : "";
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

static char *put_udp_type(char *o, const struct pktlog_rec *r)
{
	if (r->ip.dport == 500 || r->ip.dport == 4500)
		return PUT_LIT(o, "IKE_CONNECT");
	if (r->ip.dport == 1194)
		return PUT_LIT(o, "OPENVPN_CONNECT");
	return PUT_LIT(o, "UDP");
}

static char *put_icmp_type(char *o, const struct pktlog_rec *r)
{
	bool v6 = r->l4 == PKT_L4_ICMPV6;
	const char *name = icmp_type_name(v6, r->ip.icmp_type);

	o = v6 ? PUT_LIT(o, "ICMPv6,") : PUT_LIT(o, "ICMPv4,");
	if (name)
		return put_str(o, name);
	o = PUT_LIT(o, "Type=");
	o = put_u(o, r->ip.icmp_type);
	o = PUT_LIT(o, " Code=");
	return put_u(o, r->ip.icmp_code);
}

static char *put_arp_type(char *o, const struct pktlog_rec *r)
{
	o = PUT_LIT(o, "ARPv4,");
	if (r->arp.op == 1)
		return PUT_LIT(o, "Request");
	if (r->arp.op == 2)
		return PUT_LIT(o, "Response");
	o = PUT_LIT(o, "Op=");
	return put_u(o, r->arp.op);
}

/* The packet type and sub-type columns (the comma between them included). */
static char *put_type(char *o, const struct pktlog_rec *r, enum kind k)
{
	const char *v = r->l3 == PKT_L3_IPV6 ? "v6" : "v4";
	char *start;

	switch (k) {
	case K_ARP:
		return put_arp_type(o, r);
	case K_TCP:
		o = r->ip.tcp_flags & (PKT_TCP_SYN | PKT_TCP_FIN | PKT_TCP_RST)
			? PUT_LIT(o, "TCP_CONNECT")
			: PUT_LIT(o, "TCP_DATA");
		o = put_mem(o, v, 2);
		start = col(o);
		return col_end(start, put_tcp_flags(start, r->ip.tcp_flags));
	case K_DHCP:
		o = PUT_LIT(o, "DHCPv4");
		start = col(o);
		return col_end(start, put_str(start, dhcp_type_name(r->ip.dhcp.msg_type)));
	case K_DNS:
		o = put_mem(PUT_LIT(o, "DNS"), v, 2);
		return r->ip.dns_response ? PUT_LIT(o, ",DNS_Response") : PUT_LIT(o, ",DNS_Query");
	case K_UDP:
		return PUT_LIT(put_mem(put_udp_type(o, r), v, 2), ",-");
	case K_ICMP:
		return put_icmp_type(o, r);
	case K_IP_OTHER:
		o = put_mem(PUT_LIT(o, "IP"), v, 2);
		o = r->l4 == PKT_L4_FRAGMENT ? PUT_LIT(o, "_Fragment(0x") : PUT_LIT(o, "(0x");
		return PUT_LIT(put_hex(o, r->ip.proto, 2), "),-");
	default:
		return PUT_LIT(put_hex(PUT_LIT(o, "Proto=0x"), r->ethertype, 4), ",-");
	}
}

/* Source IP, source port, destination IP, destination port, TCP sequence and acknowledgement. */
static char *put_addresses(char *o, const struct pktlog_rec *r, enum kind k)
{
	bool v6 = r->l3 == PKT_L3_IPV6,
	     ports = k == K_TCP || k == K_DHCP || k == K_DNS || k == K_UDP;

	if (k == K_ARP || k == K_OTHER)
		return PUT_LIT(o, ",-,-,-,-,-,-");
	o = put_ip(col(o), v6, r->ip.src);
	o = ports ? put_port(col(o), r->ip.sport) : PUT_LIT(o, ",-");
	o = put_ip(col(o), v6, r->ip.dst);
	o = ports ? put_port(col(o), r->ip.dport) : PUT_LIT(o, ",-");
	if (k != K_TCP)
		return PUT_LIT(o, ",-,-");
	o = put_u(col(o), r->ip.tcp_seq);
	return put_u(col(o), r->ip.tcp_ack);
}

static char *put_dhcp_info(char *o, const struct pktlog_rec *r)
{
	o = put_u(PUT_LIT(o, "TransactionId="), r->ip.dhcp.xid);
	o = put_ip4(PUT_LIT(o, " ClientIP="), r->ip.dhcp.ciaddr);
	o = put_ip4(PUT_LIT(o, " YourIP="), r->ip.dhcp.yiaddr);
	o = put_ip4(PUT_LIT(o, " ServerIP="), r->ip.dhcp.siaddr);
	return put_ip4(PUT_LIT(o, " RelayIP="), r->ip.dhcp.giaddr);
}

static char *put_arp_info(char *o, const struct pktlog_rec *r)
{
	if (r->arp.op == 1) {
		o = put_ip4(PUT_LIT(o, "Who has "), r->arp.tpa);
		o = put_hex_bytes(PUT_LIT(o, "? Please Tell "), r->arp.sha, 6);
		*o++ = '(';
		o = put_ip4(o, r->arp.spa);
		*o++ = ')';
	} else if (r->arp.op == 2) {
		o = put_ip4(o, r->arp.spa);
		o = put_hex_bytes(PUT_LIT(o, " is at "), r->arp.sha, 6);
	}
	return o;
}

/* The info column's text (empty allowed). */
static char *put_info(char *o, const struct pktlog_rec *r, enum kind k, const char *qname)
{
	char *start = o;

	switch (k) {
	case K_ARP:
		o = put_arp_info(o, r);
		break;
	case K_TCP:
		o = put_u(PUT_LIT(o, "WindowSize="), r->ip.tcp_window);
		break;
	case K_DHCP:
		o = put_dhcp_info(o, r);
		break;
	case K_DNS:
		for (size_t i = 0; i < r->qname_len; i++)
			*o++ = safe_char(qname[i]);
		break;
	case K_ICMP:
		if (r->l4 == PKT_L4_ICMPV6 &&
		    (r->ip.icmp_type == PKT_ICMPV6_NS || r->ip.icmp_type == PKT_ICMPV6_NA))
			o = put_ip(PUT_LIT(o, "Target="), true, r->ip.nd_target);
		break;
	default:
		break;
	}
	if (r->flags & PKT_F_VLAN) {
		if (o != start)
			*o++ = ' ';
		o = put_u(PUT_LIT(o, "VLAN="), r->vlan_id);
	}
	return o;
}

size_t pktlog_render(const struct log_rec *rec, char *out)
{
	const struct pktlog_rec *r = (const void *)rec->payload;
	const char *src, *dst, *qname, *hex;
	enum kind k;
	char *o = out, *start;

	if (rec->paylen < sizeof(*r) ||
	    rec->paylen <
		sizeof(*r) + (size_t)r->src_len + r->dst_len + r->qname_len + r->hex_len ||
	    r->src_len > PKTLOG_NAME_MAX || r->dst_len > PKTLOG_NAME_MAX ||
	    r->hex_len > PKTLOG_HEX_MAX)
		return 0; /* not a record we wrote */
	src = r->vars;
	dst = src + r->src_len;
	qname = dst + r->dst_len;
	hex = qname + r->qname_len;
	k = kind_of(r);
	o = put_time(o, &rec->ts);
	o = put_mem(col(o), src, r->src_len);
	start = col(o);
	o = col_end(start, put_mem(start, dst, r->dst_len));
	o = put_hex_bytes(col(o), r->src_mac, 6);
	o = put_hex_bytes(col(o), r->dst_mac, 6);
	o = put_hex(PUT_LIT(o, ",0x"), r->ethertype, 4);
	o = put_u(col(o), r->frame_len);
	o = put_type(col(o), r, k);
	o = put_addresses(o, r, k);
	start = col(o);
	o = col_end(start, put_info(start, r, k, qname));
	if (r->hex_len) {
		o = put_hex_bytes(col(o), (const uint8_t *)hex, r->hex_len);
		if (r->hex_len < r->frame_len)
			o = PUT_LIT(o, "...");
	} else {
		o = PUT_LIT(o, ",-");
	}
	*o++ = '\n';
	return (size_t)(o - out);
}
