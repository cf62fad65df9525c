/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The virtio_net_hdr that may precede a frame (PROTO_F_VNET): decoding and a
 * sanity check against the frame it describes.  Never reads past len.  The
 * frame itself is parsed by packet.h.
 */
#ifndef VPN_VNET_H
#define VPN_VNET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* struct virtio_net_hdr (10 bytes, little-endian as in virtio 1.0) */
struct vnet_hdr {
	uint8_t flags;
	uint8_t gso_type;
	uint16_t hdr_len;
	uint16_t gso_size;
	uint16_t csum_start;
	uint16_t csum_offset;
};

#define VNET_F_NEEDS_CSUM 1
#define VNET_F_DATA_VALID 2
#define VNET_GSO_NONE 0
#define VNET_GSO_TCPV4 1
#define VNET_GSO_UDP 3
#define VNET_GSO_TCPV6 4
#define VNET_GSO_UDP_L4 5
#define VNET_GSO_ECN 0x80

/* Decodes a 10-byte virtio_net_hdr. */
void vnet_decode(const uint8_t *p, struct vnet_hdr *h);

/*
 * Checks a virtio_net_hdr against the frame it describes (frame_len bytes);
 * returns NULL if consistent, else a static reason.  The receiving kernel
 * validates again; this keeps nonsense from being forwarded at all.
 */
const char *vnet_check(const struct vnet_hdr *h, size_t frame_len);

#endif
