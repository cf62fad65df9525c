/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Ethernet frame parsing for switching: addresses, one 802.1Q tag and the
 * EtherType, plus a sanity check of the virtio_net_hdr that may precede a
 * frame.  The full L3/L4 parse for the firewall builds on this (a later issue).
 * Never reads past len.
 */
#ifndef VPN_FRAME_H
#define VPN_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ETH_ALEN_ 6
#define FRAME_ETH_HLEN 14
#define FRAME_TPID_8021Q 0x8100

/* struct virtio_net_hdr (10 bytes, little-endian as in virtio 1.0) */
struct frame_vnet {
	uint8_t flags;
	uint8_t gso_type;
	uint16_t hdr_len;
	uint16_t gso_size;
	uint16_t csum_start;
	uint16_t csum_offset;
};

#define FRAME_VNET_F_NEEDS_CSUM 1
#define FRAME_VNET_F_DATA_VALID 2
#define FRAME_GSO_NONE 0
#define FRAME_GSO_TCPV4 1
#define FRAME_GSO_UDP 3
#define FRAME_GSO_TCPV6 4
#define FRAME_GSO_UDP_L4 5
#define FRAME_GSO_ECN 0x80

struct frame_info {
	const uint8_t *dst;
	const uint8_t *src;
	uint16_t ethertype; /* after the VLAN tag, if any; < 0x600 means 802.3 length */
	uint16_t vlan_id;   /* 0 when untagged */
	uint16_t l3_off;    /* offset of the L3 header */
};

/* Parses the Ethernet (and one 802.1Q) header; 0, or -1 if too short. */
int frame_parse_eth(const uint8_t *frame, size_t len, struct frame_info *fi);

static inline bool frame_is_multicast(const uint8_t *mac)
{
	return mac[0] & 1; /* includes broadcast */
}

static inline bool frame_is_broadcast(const uint8_t *mac)
{
	return (mac[0] & mac[1] & mac[2] & mac[3] & mac[4] & mac[5]) == 0xff;
}

/* Decodes a 10-byte virtio_net_hdr. */
void frame_vnet_decode(const uint8_t *p, struct frame_vnet *h);

/*
 * Checks a virtio_net_hdr against the frame it describes (frame_len bytes);
 * returns NULL if consistent, else a static reason.  The receiving kernel
 * validates again; this keeps nonsense from being forwarded at all.
 */
const char *frame_vnet_check(const struct frame_vnet *h, size_t frame_len);

#endif
