/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Packet analysis: one pass over a frame producing a compact, self-contained
 * result (struct pkt_info) that the firewall, the access lists, the packet
 * log and the congestion control all read, so no one parses twice.  The
 * seed's "packet analysis" module; SoftEther's ParsePacketEx5 is the model
 * (softether-notes 5).
 *
 * Rules: never reads past len; every length field in the frame is checked
 * against the bytes actually present; a header that does not add up is
 * classified (PKT_F_MALFORMED with the layer it failed at) and the layers
 * above it are left unparsed, never guessed.  The result holds offsets into
 * the frame, not pointers, so it stays valid when copied with the frame.
 *
 * A malformed layer keeps its type NONE (l3 = PKT_L3_NONE for a bad ARP,
 * IPv4 or IPv6 header or extension chain; l4 = PKT_L4_NONE with l4_off and
 * the payload cleared; l7 = PKT_L7_NONE), the layers below stay valid, and
 * ethertype / ip_proto still say what the frame claimed to be: a policy
 * that filters by type must look at PKT_F_MALFORMED too.  Only headers are
 * read (never a TCP or UDP payload) except DHCP, DNS and ND options.
 */
#ifndef VPN_PACKET_H
#define VPN_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum pkt_l2 {
	PKT_L2_ETHERNET, /* Ethernet II: type >= 0x600 */
	PKT_L2_LLC,	 /* 802.3 length + LLC */
};

enum pkt_l3 {
	PKT_L3_NONE, /* too short, or 802.3 without a known LLC payload */
	PKT_L3_ARP,  /* ARP for IPv4 over Ethernet */
	PKT_L3_IPV4,
	PKT_L3_IPV6,
	PKT_L3_BPDU,  /* 802.3 LLC DSAP=SSAP=0x42 */
	PKT_L3_OTHER, /* an EtherType we do not parse (PPPoE, LLDP, ...) */
};

enum pkt_l4 {
	PKT_L4_NONE,
	PKT_L4_TCP,
	PKT_L4_UDP,
	PKT_L4_ICMPV4,
	PKT_L4_ICMPV6,
	PKT_L4_FRAGMENT, /* a non-first IP fragment: no L4 header here */
	PKT_L4_OTHER,	 /* another IP protocol (ip_proto says which) */
};

enum pkt_l7 {
	PKT_L7_NONE,
	PKT_L7_DHCPV4, /* UDP 67 <-> 68 (relay 67 <-> 67) over IPv4 with the BOOTP cookie */
	PKT_L7_DHCPV6, /* UDP 546 <-> 547 (or relay 547 <-> 547) over IPv6 */
	PKT_L7_DNS,    /* UDP port 53 either way, with exactly one question */
};

#define PKT_TPID_8021Q 0x8100 /* the 802.1Q tag's default TPID */

/* flags */
#define PKT_F_VLAN 0x0001	/* one 802.1Q tag was present (vlan_id, vlan_pcp) */
#define PKT_F_MULTICAST 0x0002	/* destination I/G bit (broadcast included) */
#define PKT_F_BROADCAST 0x0004	/* destination ff:ff:ff:ff:ff:ff */
#define PKT_F_BAD_SOURCE 0x0008 /* source all-ones, all-zeros, multicast or == destination */
#define PKT_F_MALFORMED 0x0010	/* a header did not add up; malformed_layer says where */
#define PKT_F_IP_FRAG 0x0020	/* part of a fragmented IP datagram (first or later) */
#define PKT_F_IP_OPTIONS 0x0040 /* IPv4 options present (IHL > 5) */
#define PKT_F_TRIMMED 0x0080	/* bytes after the IP datagram's length (Ethernet padding) */

/* TCP flags as on the wire */
#define PKT_TCP_FIN 0x01
#define PKT_TCP_SYN 0x02
#define PKT_TCP_RST 0x04
#define PKT_TCP_PSH 0x08
#define PKT_TCP_ACK 0x10
#define PKT_TCP_URG 0x20

/* ICMPv6 types the hub cares about */
#define PKT_ICMPV6_RS 133
#define PKT_ICMPV6_RA 134
#define PKT_ICMPV6_NS 135
#define PKT_ICMPV6_NA 136

/* DHCPv4 message types (option 53) */
#define PKT_DHCP_DISCOVER 1
#define PKT_DHCP_OFFER 2
#define PKT_DHCP_REQUEST 3
#define PKT_DHCP_DECLINE 4
#define PKT_DHCP_ACK 5
#define PKT_DHCP_NAK 6
#define PKT_DHCP_RELEASE 7
#define PKT_DHCP_INFORM 8

#define PKT_DNS_NAME_MAX 255 /* dotted text, NUL-terminated */

struct pkt_info {
	uint16_t flags;
	uint8_t l2, l3, l4, l7;	 /* enum pkt_l2 .. pkt_l7 */
	uint8_t malformed_layer; /* 2, 3, 4 or 7 when PKT_F_MALFORMED */

	/* L2 */
	uint8_t dst[6], src[6];
	uint16_t vlan_id; /* 0 when untagged */
	uint8_t vlan_pcp;
	uint16_t ethertype; /* after the tag; for LLC frames the 802.3 length */
	uint8_t llc_dsap, llc_ssap;

	/* offsets into the frame (0 = absent) and lengths: a GSO super-frame exceeds 64 KB */
	uint32_t l3_off, l4_off, payload_off;
	uint32_t payload_len;
	uint32_t frame_len; /* after trimming Ethernet padding */

	/* ARP (l3 == PKT_L3_ARP) */
	uint16_t arp_op;
	uint8_t arp_sha[6], arp_tha[6];
	uint8_t arp_spa[4], arp_tpa[4];

	/* IP (l3 == PKT_L3_IPV4 or PKT_L3_IPV6): IPv4 addresses in the first 4 bytes */
	uint8_t ip_src[16], ip_dst[16];
	uint8_t ip_proto;      /* IPv4 protocol, or IPv6 final next header */
	uint8_t ip_ttl;	       /* TTL or hop limit */
	uint8_t ip_tos;	       /* TOS or traffic class */
	uint32_t ip_total_len; /* IPv6: header + payload */
	uint32_t ip_frag_id;   /* IPv4 id or IPv6 fragment identification */
	uint16_t ip_frag_off;  /* in bytes */
	bool ip_more_frags;
	uint8_t ip6_ext_count; /* hop-by-hop (first only), routing, destination options and
				  fragment headers walked; more than 8 is malformed */

	/* TCP / UDP */
	uint16_t sport, dport;
	uint8_t tcp_flags;
	uint32_t tcp_seq, tcp_ack;
	uint16_t tcp_window;
	uint16_t tcp_mss; /* from a SYN's options; 0 if absent */

	/* ICMPv4 / ICMPv6 */
	uint8_t icmp_type, icmp_code;
	uint16_t icmp_echo_id, icmp_echo_seq;

	/* ICMPv6 neighbour discovery (RS/RA/NS/NA) */
	uint8_t nd_target[16]; /* NS/NA target */
	bool nd_has_sll, nd_has_tll;
	uint8_t nd_sll[6], nd_tll[6]; /* source / target link-layer address options */
	uint8_t ra_flags;	      /* M/O bits */
	uint16_t ra_router_lifetime;
	uint32_t ra_router_lifetime_off; /* where that field sits in the frame (to zero it) */
	uint8_t ra_prefix_count;

	/* DHCPv4 */
	uint8_t dhcp_op;       /* BOOTP op: 1 request, 2 reply */
	uint8_t dhcp_msg_type; /* option 53, 0 if absent */
	uint32_t dhcp_xid;
	uint8_t dhcp_ciaddr[4], dhcp_yiaddr[4], dhcp_siaddr[4], dhcp_giaddr[4];
	uint8_t dhcp_chaddr[6];
	uint8_t dhcp_server_id[4], dhcp_requested_ip[4]; /* options 54 and 50, zero if absent */
	uint32_t dhcp_lease_s;				 /* option 51 */

	/* DHCPv6 */
	uint8_t dhcp6_msg_type;
	uint32_t dhcp6_xid; /* 24 bits */

	/* DNS: the question name as dotted text, "." for the root; a byte that is not
	 * printable ASCII, or a '.' inside a label, is shown as '?'.  Compression
	 * pointers in the question are malformed. */
	uint16_t dns_id;
	bool dns_response;
	uint16_t dns_qtype;
	char dns_qname[PKT_DNS_NAME_MAX + 1];
};

struct pkt_parse_opts {
	uint16_t vlan_tpid; /* 0 means 0x8100 */
	bool l2_only;	    /* DisableIPParsing: stop after L2 (l3_off set, l3 = NONE) */
};

/*
 * Parses frame[0..len) (an Ethernet frame, no virtio_net_hdr) into *pi.
 * Always fills what it could; returns 0, or -1 when the frame is shorter than
 * an Ethernet header (then only pi->flags = PKT_F_MALFORMED is meaningful).
 */
int pkt_parse(const uint8_t *frame, size_t len, const struct pkt_parse_opts *opts,
	      struct pkt_info *pi);

static inline bool pkt_is_ip(const struct pkt_info *pi)
{
	return pi->l3 == PKT_L3_IPV4 || pi->l3 == PKT_L3_IPV6;
}

/* A TCP segment that opens a connection (SYN without ACK): SoftEther's "not established". */
static inline bool pkt_tcp_is_syn(const struct pkt_info *pi)
{
	return pi->l4 == PKT_L4_TCP && (pi->tcp_flags & (PKT_TCP_SYN | PKT_TCP_ACK)) == PKT_TCP_SYN;
}

/* Control frames (ARP, ICMP, DHCP, TCP SYN/FIN/RST): dropped last, exempt from rate limits. */
static inline bool pkt_is_control(const struct pkt_info *pi)
{
	return pi->l3 == PKT_L3_ARP || pi->l4 == PKT_L4_ICMPV4 || pi->l4 == PKT_L4_ICMPV6 ||
	       pi->l7 == PKT_L7_DHCPV4 || pi->l7 == PKT_L7_DHCPV6 ||
	       (pi->l4 == PKT_L4_TCP && pi->tcp_flags & (PKT_TCP_SYN | PKT_TCP_FIN | PKT_TCP_RST));
}

/* One-line description of a frame for logs: "TCP 10.0.0.1 port 1234 > 10.0.0.2 port 22". */
void pkt_describe(const struct pkt_info *pi, char *out, size_t len);

/* Short names for logs: "ARP", "IPv4", "TCP", "DHCPv4", ... */
const char *pkt_l3_name(uint8_t l3);
const char *pkt_l4_name(uint8_t l4);
const char *pkt_l7_name(uint8_t l7);

#endif
