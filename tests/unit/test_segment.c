// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Software segmentation tests: TCP over IPv4 and IPv6 and UDP (USO)
 * super-frames cut into segments whose IP lengths, IPv4 ids and header
 * checksums, TCP sequence numbers and flags and L4 checksums are verified
 * independently (a checksum over each segment with its pseudo-header folds to
 * zero), a frame that only asks for its checksum, and the refusals (UFO,
 * inconsistent offsets, no room).
 */
#include <string.h>

#include "bytes.h"
#include "segment.h"
#include "suites.h"

struct sink {
	uint8_t buf[128 * 1024];
	size_t used, cap;
	size_t off[128], len[128];
	unsigned n;
};

static uint8_t *sink_alloc(void *ctx, size_t len)
{
	struct sink *k = ctx;

	if (k->used + len > k->cap || k->n == 128)
		return NULL;
	k->off[k->n] = k->used;
	k->len[k->n++] = len;
	k->used += len;
	return k->buf + k->used - len;
}

static struct sink sk;
static uint8_t frame[70000];

/* Ethernet + IPv4/IPv6 + TCP/UDP headers, payload bytes i & 0xff; returns the length. */
static size_t make_frame(bool v6, bool tcp, size_t payload, struct vnet_hdr *h)
{
	size_t l3 = 14, l4 = l3 + (v6 ? 40 : 20), hl = tcp ? 20 : 8, len = l4 + hl + payload;

	memset(frame, 0, l4 + hl);
	put_be16(frame + 12, v6 ? 0x86dd : 0x0800);
	if (v6) {
		frame[l3] = 0x60;
		frame[l3 + 6] = tcp ? 6 : 17;
		frame[l3 + 7] = 64;
		frame[l3 + 8] = 0xfd;
		frame[l3 + 23] = 1;
		frame[l3 + 24] = 0xfd;
		frame[l3 + 39] = 2;
	} else {
		frame[l3] = 0x45;
		put_be16(frame + l3 + 4, 0x1000);
		frame[l3 + 8] = 64;
		frame[l3 + 9] = tcp ? 6 : 17;
		put_be32(frame + l3 + 12, 0x0a4d0001);
		put_be32(frame + l3 + 16, 0x0a4d0002);
	}
	put_be16(frame + l4, 40000);
	put_be16(frame + l4 + 2, 5201);
	if (tcp) {
		put_be32(frame + l4 + 4, 0xfffff000u); /* wraps across segments */
		frame[l4 + 12] = 5 << 4;
		frame[l4 + 13] = 0x18 | 0x01 | 0x80; /* PSH ACK FIN CWR */
	}
	for (size_t i = 0; i < payload; i++)
		frame[l4 + hl + i] = (uint8_t)i;
	memset(h, 0, sizeof(*h));
	h->flags = VNET_F_NEEDS_CSUM;
	h->csum_start = (uint16_t)l4;
	h->csum_offset = tcp ? 16 : 6;
	return len;
}

/* The L4 checksum of a segment verifies: the sum with its pseudo-header folds to 0. */
static void check_l4(const uint8_t *s, size_t len, bool v6, bool tcp)
{
	size_t l3 = 14, l4 = l3 + (v6 ? 40 : 20);
	uint8_t ph[40] = {0};
	size_t phl;
	uint32_t sum = 0;

	if (v6) {
		memcpy(ph, s + l3 + 8, 32);
		phl = 32;
	} else {
		memcpy(ph, s + l3 + 12, 8);
		phl = 8;
		ck_assert_uint_eq(seg_csum(s + l3, 20, 0), 0); /* IPv4 header checksum */
		ck_assert_uint_eq(get_be16(s + l3 + 2), len - l3);
	}
	for (size_t i = 0; i < phl; i += 2)
		sum += get_be16(ph + i);
	sum += (uint32_t)(len - l4) + (tcp ? 6 : 17);
	ck_assert_uint_eq(seg_csum(s + l4, len - l4, sum), 0);
	if (v6)
		ck_assert_uint_eq(get_be16(s + l3 + 4), len - l4);
}

static void run_gso(bool v6, bool tcp, size_t payload, uint16_t mss)
{
	struct vnet_hdr h;
	size_t len = make_frame(v6, tcp, payload, &h), hdrs = len - payload, got = 0;
	unsigned nseg;

	h.gso_type = tcp ? (v6 ? VNET_GSO_TCPV6 : VNET_GSO_TCPV4) : VNET_GSO_UDP_L4;
	h.gso_size = mss;
	h.hdr_len = (uint16_t)hdrs;
	memset(&sk, 0, sizeof(sk));
	sk.cap = sizeof(sk.buf);
	ck_assert_int_eq(seg_frame(&h, frame, len, sink_alloc, &sk, &nseg), SEG_OK);
	ck_assert_uint_eq(nseg, (payload + mss - 1) / mss);
	ck_assert_uint_eq(sk.n, nseg);
	for (unsigned i = 0; i < nseg; i++) {
		const uint8_t *s = sk.buf + sk.off[i];
		size_t n = sk.len[i] - hdrs, l4 = 14 + (v6 ? 40 : 20);

		ck_assert_uint_le(n, mss);
		ck_assert_mem_eq(s + hdrs, frame + hdrs + got, n);
		check_l4(s, sk.len[i], v6, tcp);
		if (tcp) {
			ck_assert_uint_eq(get_be32(s + l4 + 4), (uint32_t)(0xfffff000u + got));
			ck_assert_uint_eq(!!(s[l4 + 13] & 0x01), i == nseg - 1); /* FIN last */
			ck_assert_uint_eq(!!(s[l4 + 13] & 0x80), i == 0);	 /* CWR first */
		} else {
			ck_assert_uint_eq(get_be16(s + l4 + 4), 8 + n);
		}
		if (!v6)
			ck_assert_uint_eq(get_be16(s + 14 + 4), 0x1000 + i);
		got += n;
	}
	ck_assert_uint_eq(got, payload);
}

START_TEST(tso_ipv4)
{
	run_gso(false, true, 64000, 1448);
	run_gso(false, true, 1448 * 3, 1448); /* exact multiple */
	run_gso(false, true, 100, 1448);      /* one short segment */
}
END_TEST

START_TEST(tso_ipv6)
{
	run_gso(true, true, 60000, 1428);
}
END_TEST

START_TEST(uso_both)
{
	run_gso(false, false, 9000, 1472);
	run_gso(true, false, 9001, 1452);
}
END_TEST

START_TEST(checksum_only)
{
	struct vnet_hdr h;
	size_t len = make_frame(false, true, 500, &h);
	unsigned nseg;

	/* as a stack leaves it: the pseudo-header sum, not complemented, in the field */
	put_be16(frame + 34 + 16,
		 (uint16_t)~seg_csum(NULL, 0,
				     get_be16(frame + 26) + get_be16(frame + 28) +
					 get_be16(frame + 30) + get_be16(frame + 32) + 6 +
					 (uint32_t)(len - 34)));
	memset(&sk, 0, sizeof(sk));
	sk.cap = sizeof(sk.buf);
	put_be16(frame + 16, (uint16_t)(len - 14));
	put_be16(frame + 24, seg_csum(frame + 14, 20, 0));
	ck_assert_int_eq(seg_frame(&h, frame, len, sink_alloc, &sk, &nseg), SEG_OK);
	ck_assert_uint_eq(nseg, 1);
	check_l4(sk.buf, len, false, true);
}
END_TEST

START_TEST(refusals)
{
	struct vnet_hdr h;
	size_t len = make_frame(false, true, 5000, &h);
	unsigned nseg;

	memset(&sk, 0, sizeof(sk));
	sk.cap = sizeof(sk.buf);
	h.gso_type = VNET_GSO_UDP; /* UFO */
	h.gso_size = 1400;
	ck_assert_int_eq(seg_frame(&h, frame, len, sink_alloc, &sk, &nseg), SEG_MALFORMED);
	h.gso_type = VNET_GSO_TCPV4;
	h.csum_start = 20; /* inside the IP header */
	ck_assert_int_eq(seg_frame(&h, frame, len, sink_alloc, &sk, &nseg), SEG_MALFORMED);
	h.csum_start = 34;
	h.gso_size = 0;
	ck_assert_int_eq(seg_frame(&h, frame, len, sink_alloc, &sk, &nseg), SEG_MALFORMED);
	h.gso_size = 1400;
	sk.cap = 3000; /* room for two segments of four */
	ck_assert_int_eq(seg_frame(&h, frame, len, sink_alloc, &sk, &nseg), SEG_NO_ROOM);
	ck_assert_uint_eq(nseg, 2);
}
END_TEST

Suite *segment_suite(void)
{
	Suite *s = suite_create("segment");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, tso_ipv4);
	tcase_add_test(tc, tso_ipv6);
	tcase_add_test(tc, uso_both);
	tcase_add_test(tc, checksum_only);
	tcase_add_test(tc, refusals);
	suite_add_tcase(s, tc);
	return s;
}
