// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Software segmentation and checksums (segment.h).  The headers are parsed
 * once per super-frame; each segment is the headers copied, patched (lengths,
 * IPv4 id and header checksum, TCP sequence and flags) and followed by its
 * slice of payload, then its L4 checksum is computed over the pseudo-header.
 */
#include "segment.h"

#include <stdbool.h>
#include <string.h>

#include "bytes.h"

#define ETH_HLEN_ 14
#define ETHERTYPE_VLAN_ 0x8100
#define ETHERTYPE_IPV4_ 0x0800
#define ETHERTYPE_IPV6_ 0x86dd
#define TCP_FIN_ 0x01
#define TCP_PSH_ 0x08
#define TCP_CWR_ 0x80

struct layout {
	size_t l3, l4, hdrs; /* offsets of the IP and L4 headers, and all headers' length */
	bool ipv6, tcp;
};

static uint32_t sum_add(const uint8_t *buf, size_t len, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += get_be16(buf + i);
	if (i < len)
		sum += (uint32_t)buf[i] << 8;
	return sum;
}

uint16_t seg_csum(const uint8_t *buf, size_t len, uint32_t sum)
{
	sum = sum_add(buf, len, sum);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Finds the L3 and L4 headers; the L4 header is where the checksum starts. */
static int parse_layout(const struct vnet_hdr *h, const uint8_t *f, size_t len, struct layout *lo)
{
	uint16_t type;
	uint8_t proto;

	if (len < ETH_HLEN_)
		return -1;
	lo->l3 = ETH_HLEN_;
	type = get_be16(f + 12);
	if (type == ETHERTYPE_VLAN_) {
		if (len < ETH_HLEN_ + 4)
			return -1;
		type = get_be16(f + 16);
		lo->l3 += 4;
	}
	lo->ipv6 = type == ETHERTYPE_IPV6_;
	if (type != ETHERTYPE_IPV4_ && !lo->ipv6)
		return -1;
	if (len < lo->l3 + (lo->ipv6 ? 40 : 20))
		return -1;
	proto = lo->ipv6 ? f[lo->l3 + 6] : f[lo->l3 + 9];
	lo->l4 = h->csum_start;
	if (lo->l4 < lo->l3 + (lo->ipv6 ? 40 : (size_t)(f[lo->l3] & 0x0f) * 4) || lo->l4 + 8 > len)
		return -1;
	/* IPv6 extension headers: the protocol is the one csum_start points at */
	lo->tcp = h->csum_offset == 16;
	if (!lo->ipv6 && proto != (lo->tcp ? 6 : 17))
		return -1;
	if (lo->tcp) {
		if (lo->l4 + 20 > len)
			return -1;
		lo->hdrs = lo->l4 + (size_t)(f[lo->l4 + 12] >> 4) * 4;
		if (lo->hdrs < lo->l4 + 20 || lo->hdrs > len)
			return -1;
	} else {
		if (h->csum_offset != 6)
			return -1;
		lo->hdrs = lo->l4 + 8;
	}
	return 0;
}

/* The pseudo-header's sum for an L4 segment of l4len bytes. */
static uint32_t pseudo_sum(const uint8_t *f, const struct layout *lo, size_t l4len)
{
	uint32_t sum;

	if (lo->ipv6)
		sum = sum_add(f + lo->l3 + 8, 32, 0);
	else
		sum = sum_add(f + lo->l3 + 12, 8, 0);
	sum += (uint32_t)(l4len >> 16) + (uint32_t)(l4len & 0xffff);
	return sum + (lo->tcp ? 6 : 17);
}

static void fill_l4_csum(uint8_t *f, const struct layout *lo, size_t len)
{
	size_t l4len = len - lo->l4;
	uint8_t *c = f + lo->l4 + (lo->tcp ? 16 : 6);
	uint16_t v;

	c[0] = c[1] = 0;
	v = seg_csum(f + lo->l4, l4len, pseudo_sum(f, lo, l4len));
	if (!lo->tcp && v == 0)
		v = 0xffff; /* UDP: 0 means "no checksum" */
	put_be16(c, v);
}

/* Fixes the IP lengths (and IPv4 id, checksum) for a frame of len bytes. */
static void fix_ip(uint8_t *f, const struct layout *lo, size_t len, uint16_t id_add)
{
	uint8_t *ip = f + lo->l3;

	if (lo->ipv6) {
		put_be16(ip + 4, (uint16_t)(len - lo->l3 - 40));
		return;
	}
	put_be16(ip + 2, (uint16_t)(len - lo->l3));
	put_be16(ip + 4, (uint16_t)(get_be16(ip + 4) + id_add));
	ip[10] = ip[11] = 0;
	put_be16(ip + 10, seg_csum(ip, (size_t)(ip[0] & 0x0f) * 4, 0));
}

static enum seg_result emit_plain(const struct vnet_hdr *h, const uint8_t *frame, size_t len,
				  seg_alloc_fn alloc, void *ctx)
{
	uint8_t *out = alloc(ctx, len);
	size_t at = (size_t)h->csum_start + h->csum_offset;

	if (!out)
		return SEG_NO_ROOM;
	memcpy(out, frame, len);
	if (h->flags & VNET_F_NEEDS_CSUM) {
		if (at + 2 > len)
			return SEG_MALFORMED;
		/* the field holds the pseudo-header sum: summing over it folds it in */
		uint16_t v = seg_csum(out + h->csum_start, len - h->csum_start, 0);

		put_be16(out + at, v == 0 && h->csum_offset == 6 ? 0xffff : v);
	}
	return SEG_OK;
}

static void patch_tcp(uint8_t *seg, const struct layout *lo, uint32_t seq_add, bool first,
		      bool last)
{
	uint8_t *tcp = seg + lo->l4;

	put_be32(tcp + 4, get_be32(tcp + 4) + seq_add);
	if (!first)
		tcp[13] &= (uint8_t)~TCP_CWR_;
	if (!last)
		tcp[13] &= (uint8_t) ~(TCP_FIN_ | TCP_PSH_);
}

enum seg_result seg_frame(const struct vnet_hdr *h, const uint8_t *frame, size_t len,
			  seg_alloc_fn alloc, void *ctx, unsigned *nseg)
{
	uint8_t gso = h->gso_type & (uint8_t)~VNET_GSO_ECN;
	struct layout lo;
	size_t payload, mss = h->gso_size, off;
	unsigned i = 0;

	*nseg = 0;
	if (gso == VNET_GSO_NONE) {
		enum seg_result r = emit_plain(h, frame, len, alloc, ctx);

		*nseg = r == SEG_OK;
		return r;
	}
	if (gso == VNET_GSO_UDP || mss == 0 || !(h->flags & VNET_F_NEEDS_CSUM) ||
	    parse_layout(h, frame, len, &lo) != 0 || lo.tcp != (gso != VNET_GSO_UDP_L4))
		return SEG_MALFORMED;
	payload = len - lo.hdrs;
	for (off = 0; off < payload || (payload == 0 && i == 0); off += mss, i++) {
		size_t n = payload - off < mss ? payload - off : mss;
		uint8_t *seg = alloc(ctx, lo.hdrs + n);

		if (!seg)
			return SEG_NO_ROOM;
		memcpy(seg, frame, lo.hdrs);
		memcpy(seg + lo.hdrs, frame + lo.hdrs + off, n);
		fix_ip(seg, &lo, lo.hdrs + n, (uint16_t)i);
		if (lo.tcp)
			patch_tcp(seg, &lo, (uint32_t)off, i == 0, off + n >= payload);
		else
			put_be16(seg + lo.l4 + 4, (uint16_t)(8 + n));
		fill_l4_csum(seg, &lo, lo.hdrs + n);
		*nseg = i + 1;
	}
	return SEG_OK;
}
