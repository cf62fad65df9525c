// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Frame rewriting for a destination: the 802.1Q tag of an access port added
 * or removed (with the virtio_net_hdr offsets moved along), and an IPv6 Router
 * Advertisement's router lifetime zeroed with its checksum updated in place.
 */
#include "rewrite.h"

#include <string.h>

#include "bytes.h"

/* Moves the virtio_net_hdr's offsets by delta bytes (a tag added or removed). */
static void vnet_shift(uint8_t *vh, int delta)
{
	if (vh[0] & 1) /* VIRTIO_NET_HDR_F_NEEDS_CSUM: csum_start */
		put_le16(vh + 6, (uint16_t)(get_le16(vh + 6) + delta));
	if (vh[1] & 0x7f) /* GSO: hdr_len */
		put_le16(vh + 2, (uint16_t)(get_le16(vh + 2) + delta));
}

struct pkt *rewrite_vlan_insert(const struct pkt *p, uint16_t vlan_id, uint16_t tpid)
{
	size_t off = pkt_frame_off(p);
	struct pkt *q;

	if (p->len < off + 12 || p->len + 4 > PROTO_PAYLOAD_MAX)
		return NULL;
	q = pkt_new(NULL, p->len + 4, p->flags);
	if (!q)
		return NULL;
	memcpy(q->data, p->data, off + 12);
	put_be16(q->data + off + 12, tpid ? tpid : 0x8100);
	put_be16(q->data + off + 14, vlan_id & 0x0fff);
	memcpy(q->data + off + 16, p->data + off + 12, p->len - off - 12);
	if (off)
		vnet_shift(q->data, 4);
	return q;
}

/* RFC 1624 incremental update of a 16-bit one's complement checksum. */
static uint16_t csum_replace(uint16_t sum, uint16_t old, uint16_t new_)
{
	uint32_t s = (uint16_t)~sum + (uint16_t)~old + new_;

	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

struct pkt *rewrite_copy(const struct pkt *p, const struct pkt_info *pi, bool untag, bool zero_ra)
{
	size_t off = pkt_frame_off(p);
	struct pkt *q = pkt_new(p->data, p->len, p->flags);
	uint8_t *f;

	if (!q)
		return NULL;
	f = q->data + off;
	if (zero_ra && pi->ra_router_lifetime_off &&
	    pi->ra_router_lifetime_off + 2 <= p->len - off && pi->l4_off + 4 <= p->len - off) {
		uint8_t *lt = f + pi->ra_router_lifetime_off, *ck = f + pi->l4_off + 2;
		uint16_t old = get_be16(lt);

		put_be16(ck, csum_replace(get_be16(ck), old, 0));
		put_be16(lt, 0);
	}
	if (untag && pi->flags & PKT_F_VLAN) {
		memmove(f + 12, f + 16, q->len - off - 16);
		q->len -= 4;
		if (off)
			vnet_shift(q->data, -4);
	}
	return q;
}
