// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * virtio_net_hdr decoding and validation (vnet.h).
 */
#include "vnet.h"

#include "bytes.h"

void vnet_decode(const uint8_t *p, struct vnet_hdr *h)
{
	h->flags = p[0];
	h->gso_type = p[1];
	h->hdr_len = get_le16(p + 2);
	h->gso_size = get_le16(p + 4);
	h->csum_start = get_le16(p + 6);
	h->csum_offset = get_le16(p + 8);
}

const char *vnet_check(const struct vnet_hdr *h, size_t frame_len)
{
	uint8_t gso = h->gso_type & (uint8_t)~VNET_GSO_ECN;

	if (h->flags & ~(VNET_F_NEEDS_CSUM | VNET_F_DATA_VALID))
		return "unknown virtio_net_hdr flags";
	if (h->flags & VNET_F_NEEDS_CSUM && (size_t)h->csum_start + h->csum_offset + 2 > frame_len)
		return "checksum offset past the end of the frame";
	switch (gso) {
	case VNET_GSO_NONE:
		if (h->gso_type & VNET_GSO_ECN)
			return "ECN bit without GSO";
		return NULL;
	case VNET_GSO_TCPV4:
	case VNET_GSO_TCPV6:
	case VNET_GSO_UDP:
	case VNET_GSO_UDP_L4:
		if (h->gso_size == 0)
			return "GSO frame with segment size 0";
		if (h->hdr_len > frame_len)
			return "GSO header length past the end of the frame";
		return NULL;
	default:
		return "unknown GSO type";
	}
}
