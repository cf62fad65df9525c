/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Software GSO and checksum offload: turns a frame with a virtio_net_hdr
 * (a GSO super-frame or a frame whose checksum is left to the NIC) into
 * ordinary Ethernet frames with correct checksums, for a peer that takes only
 * plain frames (a stock SoftEther client or server).  TCP over IPv4/IPv6
 * (TSO) and UDP (USO, VNET_GSO_UDP_L4) are segmented; UFO (IP fragmentation)
 * is refused.  Never reads past the input; each output is bounded by the
 * space its allocator gives.
 */
#ifndef VPN_SEGMENT_H
#define VPN_SEGMENT_H

#include <stddef.h>
#include <stdint.h>

#include "vnet.h"

/* Where to build the next output frame of len bytes; NULL when there is no room. */
typedef uint8_t *(*seg_alloc_fn)(void *ctx, size_t len);

enum seg_result {
	SEG_OK = 0,
	SEG_MALFORMED = -1, /* headers inconsistent with the vnet header: drop */
	SEG_NO_ROOM = -2,   /* the allocator ran out: drop or retry later */
};

/*
 * Emits frame[0..len) (Ethernet, without its vnet header) as plain frames:
 * one, with its checksum completed, when h asks for no segmentation; else
 * one per gso_size bytes of payload.  *nseg receives the count emitted.
 */
enum seg_result seg_frame(const struct vnet_hdr *h, const uint8_t *frame, size_t len,
			  seg_alloc_fn alloc, void *ctx, unsigned *nseg);

/* The Internet checksum of buf[0..len) folded into 16 bits, from a starting sum. */
uint16_t seg_csum(const uint8_t *buf, size_t len, uint32_t sum);

#endif
