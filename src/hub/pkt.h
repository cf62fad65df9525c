/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A frame in flight inside the hub.  A struct pkt is allocated once by the
 * session that received the frame and shared, by reference count, among every
 * destination it is switched to (flooding costs a pointer per destination, not
 * a copy).
 */
#ifndef VPN_PKT_H
#define VPN_PKT_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "proto.h"

#define PKT_CLASS_CONTROL 0x01 /* ARP, ICMP, TCP SYN/FIN/RST, DHCP: dropped last */
#define PKT_CLASS_FLOOD 0x02   /* sent to every session: counts against the flood quota */
#define PKT_CLASS_TCP 0x04     /* TCP: back-pressure slows it (queue.h), never an early drop */

struct pkt {
	atomic_uint refs;
	uint32_t len;  /* bytes in data[] */
	uint32_t src;  /* id of the session that sent it; set before it is shared */
	uint8_t flags; /* PROTO_F_VNET: data[] starts with the 10-byte virtio_net_hdr */
	uint8_t cls;   /* PKT_CLASS_*; set before it is shared */
	uint8_t data[];
};

/* Copies data (unless NULL: the caller fills it) into a new pkt with one reference; NULL when out
 * of memory. */
struct pkt *pkt_new(const uint8_t *data, uint32_t len, uint8_t flags);
void pkt_get(struct pkt *p);
void pkt_put(struct pkt *p);

/* Where the Ethernet frame starts in p->data: after the virtio_net_hdr, if any. */
static inline size_t pkt_frame_off(const struct pkt *p)
{
	return p->flags & PROTO_F_VNET ? PROTO_VNET_HDR_LEN : 0;
}

#endif
