// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Ethernet header parsing and virtio_net_hdr validation.
 */
#include "frame.h"

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

int frame_parse_eth(const uint8_t *frame, size_t len, struct frame_info *fi)
{
	if (len < FRAME_ETH_HLEN)
		return -1;
	fi->dst = frame;
	fi->src = frame + 6;
	fi->ethertype = be16(frame + 12);
	fi->vlan_id = 0;
	fi->l3_off = FRAME_ETH_HLEN;
	if (fi->ethertype == FRAME_TPID_8021Q) {
		if (len < FRAME_ETH_HLEN + 4)
			return -1;
		fi->vlan_id = be16(frame + 14) & 0x0fff;
		fi->ethertype = be16(frame + 16);
		fi->l3_off = FRAME_ETH_HLEN + 4;
	}
	return 0;
}

void frame_vnet_decode(const uint8_t *p, struct frame_vnet *h)
{
	h->flags = p[0];
	h->gso_type = p[1];
	h->hdr_len = le16(p + 2);
	h->gso_size = le16(p + 4);
	h->csum_start = le16(p + 6);
	h->csum_offset = le16(p + 8);
}

const char *frame_vnet_check(const struct frame_vnet *h, size_t frame_len)
{
	uint8_t gso = h->gso_type & (uint8_t)~FRAME_GSO_ECN;

	if (h->flags & ~(FRAME_VNET_F_NEEDS_CSUM | FRAME_VNET_F_DATA_VALID))
		return "unknown virtio_net_hdr flags";
	if (h->flags & FRAME_VNET_F_NEEDS_CSUM &&
	    (size_t)h->csum_start + h->csum_offset + 2 > frame_len)
		return "checksum offset past the end of the frame";
	switch (gso) {
	case FRAME_GSO_NONE:
		if (h->gso_type & FRAME_GSO_ECN)
			return "ECN bit without GSO";
		return NULL;
	case FRAME_GSO_TCPV4:
	case FRAME_GSO_TCPV6:
	case FRAME_GSO_UDP:
	case FRAME_GSO_UDP_L4:
		if (h->gso_size == 0)
			return "GSO frame with segment size 0";
		if (h->hdr_len > frame_len)
			return "GSO header length past the end of the frame";
		return NULL;
	default:
		return "unknown GSO type";
	}
}
