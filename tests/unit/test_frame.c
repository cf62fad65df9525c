// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Ethernet header parsing (untagged, 802.1Q, too short), the address class
 * predicates, and the virtio_net_hdr decoder and its consistency check, one
 * test per refusal reason.
 */
#include <stdlib.h>
#include <string.h>

#include "frame.h"
#include "suites.h"

static const uint8_t dst_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
static const uint8_t src_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};

/* Builds dst, src, then the given bytes; returns the length. */
static size_t eth(uint8_t *f, const uint8_t *rest, size_t rest_len)
{
	memcpy(f, dst_mac, 6);
	memcpy(f + 6, src_mac, 6);
	memcpy(f + 12, rest, rest_len);
	return 12 + rest_len;
}

/* Parses an exact-size heap copy, so ASan catches a read past len. */
static int parse_exact(const uint8_t *f, size_t len, struct frame_info *fi)
{
	uint8_t *copy = malloc(len);
	int rc;

	ck_assert_ptr_nonnull(copy);
	memcpy(copy, f, len);
	rc = frame_parse_eth(copy, len, fi);
	if (rc == 0) {
		ck_assert_ptr_eq(fi->dst, copy);
		ck_assert_ptr_eq(fi->src, copy + 6);
		ck_assert_uint_le(fi->l3_off, len);
	}
	free(copy);
	return rc;
}

START_TEST(test_parse_untagged)
{
	uint8_t f[64];
	struct frame_info fi;
	size_t n = eth(f, (const uint8_t *)"\x08\x00\x45\x00", 4);

	ck_assert_int_eq(frame_parse_eth(f, n, &fi), 0);
	ck_assert_ptr_eq(fi.dst, f);
	ck_assert_ptr_eq(fi.src, f + 6);
	ck_assert_mem_eq(fi.dst, dst_mac, 6);
	ck_assert_mem_eq(fi.src, src_mac, 6);
	ck_assert_uint_eq(fi.ethertype, 0x0800);
	ck_assert_uint_eq(fi.vlan_id, 0);
	ck_assert_uint_eq(fi.l3_off, 14);

	/* the shortest frame is the bare header */
	ck_assert_int_eq(parse_exact(f, 14, &fi), 0);
	ck_assert_uint_eq(fi.l3_off, 14);
	/* 802.3 length field and IPv6 pass through as they are */
	n = eth(f, (const uint8_t *)"\x00\x2e", 2);
	ck_assert_int_eq(parse_exact(f, n, &fi), 0);
	ck_assert_uint_eq(fi.ethertype, 0x002e);
	n = eth(f, (const uint8_t *)"\x86\xdd", 2);
	ck_assert_int_eq(parse_exact(f, n, &fi), 0);
	ck_assert_uint_eq(fi.ethertype, 0x86dd);
	/* 802.1ad (QinQ) outer tag is not parsed as 802.1Q */
	n = eth(f, (const uint8_t *)"\x88\xa8\x00\x05\x81\x00", 6);
	ck_assert_int_eq(parse_exact(f, n, &fi), 0);
	ck_assert_uint_eq(fi.ethertype, 0x88a8);
	ck_assert_uint_eq(fi.vlan_id, 0);
}
END_TEST

START_TEST(test_parse_tagged)
{
	uint8_t f[64];
	struct frame_info fi;
	/* TCI: PCP 7, DEI 1, VID 0x123 */
	size_t n = eth(f, (const uint8_t *)"\x81\x00\xf1\x23\x86\xdd\x60", 7);

	ck_assert_int_eq(frame_parse_eth(f, n, &fi), 0);
	ck_assert_uint_eq(fi.vlan_id, 0x123);
	ck_assert_uint_eq(fi.ethertype, 0x86dd);
	ck_assert_uint_eq(fi.l3_off, 18);
	ck_assert_mem_eq(fi.src, src_mac, 6);

	/* exactly header + tag */
	ck_assert_int_eq(parse_exact(f, 18, &fi), 0);
	ck_assert_uint_eq(fi.l3_off, 18);
	/* VID 4095 and VID 0 (priority tag) */
	n = eth(f, (const uint8_t *)"\x81\x00\x0f\xff\x08\x06", 6);
	ck_assert_int_eq(parse_exact(f, n, &fi), 0);
	ck_assert_uint_eq(fi.vlan_id, 4095);
	ck_assert_uint_eq(fi.ethertype, 0x0806);
	n = eth(f, (const uint8_t *)"\x81\x00\xe0\x00\x08\x00", 6);
	ck_assert_int_eq(parse_exact(f, n, &fi), 0);
	ck_assert_uint_eq(fi.vlan_id, 0);
	ck_assert_uint_eq(fi.ethertype, 0x0800);
	ck_assert_uint_eq(fi.l3_off, 18);
}
END_TEST

START_TEST(test_parse_too_short)
{
	uint8_t f[64];
	struct frame_info fi;

	eth(f, (const uint8_t *)"\x08\x00", 2);
	ck_assert_int_eq(frame_parse_eth(f, 0, &fi), -1);
	for (size_t len = 1; len < 14; len++)
		ck_assert_msg(parse_exact(f, len, &fi) == -1, "len %zu accepted", len);
	eth(f, (const uint8_t *)"\x81\x00\x00\x05\x08\x00", 6);
	for (size_t len = 14; len < 18; len++)
		ck_assert_msg(parse_exact(f, len, &fi) == -1, "tagged len %zu accepted", len);
	ck_assert_int_eq(parse_exact(f, 17, &fi), -1);
	ck_assert_int_eq(parse_exact(f, 18, &fi), 0);
}
END_TEST

START_TEST(test_multicast_broadcast)
{
	static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	static const uint8_t mcast4[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};
	static const uint8_t mcast6[6] = {0x33, 0x33, 0x00, 0x00, 0x00, 0x01};
	static const uint8_t ucast[6] = {0x02, 0xff, 0xff, 0xff, 0xff, 0xff};
	static const uint8_t almost[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xfe};
	static const uint8_t zero[6] = {0};

	ck_assert(frame_is_multicast(bcast));
	ck_assert(frame_is_broadcast(bcast));
	ck_assert(frame_is_multicast(mcast4));
	ck_assert(!frame_is_broadcast(mcast4));
	ck_assert(frame_is_multicast(mcast6));
	ck_assert(!frame_is_broadcast(mcast6));
	ck_assert(!frame_is_multicast(ucast));
	ck_assert(!frame_is_broadcast(ucast));
	ck_assert(frame_is_multicast(almost));
	ck_assert(!frame_is_broadcast(almost));
	ck_assert(!frame_is_multicast(zero));
	ck_assert(!frame_is_broadcast(zero));
	for (int i = 0; i < 6; i++) {
		uint8_t m[6];

		memcpy(m, bcast, 6);
		m[i] = 0xef;
		ck_assert_msg(!frame_is_broadcast(m), "byte %d", i);
	}
}
END_TEST

START_TEST(test_vnet_decode)
{
	static const uint8_t raw[10] = {0x01, 0x84, 0x36, 0x00, 0xa8, 0x05, 0x22, 0x00, 0x10, 0x00};
	static const uint8_t high[10] = {0x02, 0x05, 0x01, 0xff, 0xff,
					 0xff, 0x34, 0x12, 0x00, 0x80};
	struct frame_vnet h;

	frame_vnet_decode(raw, &h);
	ck_assert_uint_eq(h.flags, FRAME_VNET_F_NEEDS_CSUM);
	ck_assert_uint_eq(h.gso_type, FRAME_GSO_TCPV6 | FRAME_GSO_ECN);
	ck_assert_uint_eq(h.hdr_len, 54);
	ck_assert_uint_eq(h.gso_size, 1448);
	ck_assert_uint_eq(h.csum_start, 34);
	ck_assert_uint_eq(h.csum_offset, 16);
	frame_vnet_decode(high, &h);
	ck_assert_uint_eq(h.flags, FRAME_VNET_F_DATA_VALID);
	ck_assert_uint_eq(h.gso_type, FRAME_GSO_UDP_L4);
	ck_assert_uint_eq(h.hdr_len, 0xff01);
	ck_assert_uint_eq(h.gso_size, 0xffff);
	ck_assert_uint_eq(h.csum_start, 0x1234);
	ck_assert_uint_eq(h.csum_offset, 0x8000);
}
END_TEST

static struct frame_vnet vnet(uint8_t flags, uint8_t gso_type, uint16_t hdr_len, uint16_t gso_size,
			      uint16_t csum_start, uint16_t csum_offset)
{
	struct frame_vnet h = {flags, gso_type, hdr_len, gso_size, csum_start, csum_offset};

	return h;
}

START_TEST(test_vnet_check_plain)
{
	struct frame_vnet h = vnet(0, FRAME_GSO_NONE, 0, 0, 0, 0);

	ck_assert_ptr_null(frame_vnet_check(&h, 60));
	h.flags = FRAME_VNET_F_DATA_VALID;
	ck_assert_ptr_null(frame_vnet_check(&h, 60));
	/* without NEEDS_CSUM the checksum fields are not looked at */
	h = vnet(0, FRAME_GSO_NONE, 0, 0, 0xffff, 0xffff);
	ck_assert_ptr_null(frame_vnet_check(&h, 60));
}
END_TEST

START_TEST(test_vnet_check_flags)
{
	for (unsigned f = 4; f < 256; f++) {
		struct frame_vnet h = vnet((uint8_t)f, FRAME_GSO_NONE, 0, 0, 0, 0);
		const char *why = frame_vnet_check(&h, 60);

		ck_assert_ptr_nonnull(why);
		ck_assert_str_eq(why, "unknown virtio_net_hdr flags");
	}
}
END_TEST

START_TEST(test_vnet_check_csum)
{
	/* TCP over IPv4: checksum at 14 + 20 + 16, two bytes long */
	struct frame_vnet h = vnet(FRAME_VNET_F_NEEDS_CSUM, FRAME_GSO_NONE, 0, 0, 34, 16);

	ck_assert_ptr_null(frame_vnet_check(&h, 60));
	ck_assert_ptr_null(frame_vnet_check(&h, 52));
	ck_assert_str_eq(frame_vnet_check(&h, 51), "checksum offset past the end of the frame");
	ck_assert_ptr_nonnull(frame_vnet_check(&h, 0));
	/* no 16-bit wrap-around */
	h = vnet(FRAME_VNET_F_NEEDS_CSUM, FRAME_GSO_NONE, 0, 0, 0xffff, 0xffff);
	ck_assert_ptr_nonnull(frame_vnet_check(&h, 65535));
	ck_assert_ptr_nonnull(frame_vnet_check(&h, 0x1ffff));
	ck_assert_ptr_null(frame_vnet_check(&h, 0x20000));
	h.flags |= FRAME_VNET_F_DATA_VALID;
	ck_assert_ptr_null(frame_vnet_check(&h, 0x20000));
}
END_TEST

START_TEST(test_vnet_check_gso)
{
	static const uint8_t types[] = {FRAME_GSO_TCPV4, FRAME_GSO_TCPV6, FRAME_GSO_UDP,
					FRAME_GSO_UDP_L4};
	struct frame_vnet h;

	/* ECN means nothing without a GSO type */
	h = vnet(0, FRAME_GSO_ECN, 0, 0, 0, 0);
	ck_assert_str_eq(frame_vnet_check(&h, 60), "ECN bit without GSO");

	for (size_t i = 0; i < sizeof(types); i++) {
		h = vnet(FRAME_VNET_F_NEEDS_CSUM, types[i], 54, 1448, 34, 16);
		ck_assert_ptr_null(frame_vnet_check(&h, 64000));
		h.gso_type |= FRAME_GSO_ECN;
		ck_assert_ptr_null(frame_vnet_check(&h, 64000));
		h.gso_size = 0;
		ck_assert_str_eq(frame_vnet_check(&h, 64000), "GSO frame with segment size 0");
		h.gso_size = 1448;
		ck_assert_ptr_null(frame_vnet_check(&h, 54));
		h.hdr_len = 55;
		ck_assert_str_eq(frame_vnet_check(&h, 54),
				 "GSO header length past the end of the frame");
	}
	for (unsigned t = 0; t < 128; t++) {
		int known = t == FRAME_GSO_NONE || t == FRAME_GSO_TCPV4 || t == FRAME_GSO_UDP ||
			    t == FRAME_GSO_TCPV6 || t == FRAME_GSO_UDP_L4;

		h = vnet(0, (uint8_t)t, 54, 1448, 0, 0);
		if (known) {
			ck_assert_ptr_null(frame_vnet_check(&h, 1514));
		} else {
			ck_assert_str_eq(frame_vnet_check(&h, 1514), "unknown GSO type");
			h.gso_type |= FRAME_GSO_ECN;
			ck_assert_str_eq(frame_vnet_check(&h, 1514), "unknown GSO type");
		}
	}
}
END_TEST

START_TEST(test_vnet_check_tcpv4_gso)
{
	/* a 64 KB TCPv4 super-frame as the kernel hands it over, from the raw bytes */
	static const uint8_t raw[10] = {
	    FRAME_VNET_F_NEEDS_CSUM, FRAME_GSO_TCPV4, 66, 0, 0xa8, 5, 34, 0, 16, 0};
	struct frame_vnet h;

	frame_vnet_decode(raw, &h);
	ck_assert_ptr_null(frame_vnet_check(&h, 14 + 65535));
	ck_assert_ptr_null(frame_vnet_check(&h, 66));
	ck_assert_ptr_nonnull(frame_vnet_check(&h, 65));
}
END_TEST

Suite *frame_suite(void)
{
	Suite *s = suite_create("frame");
	TCase *eth_tc = tcase_create("ethernet");
	TCase *vnet_tc = tcase_create("vnet");

	tcase_add_test(eth_tc, test_parse_untagged);
	tcase_add_test(eth_tc, test_parse_tagged);
	tcase_add_test(eth_tc, test_parse_too_short);
	tcase_add_test(eth_tc, test_multicast_broadcast);
	suite_add_tcase(s, eth_tc);

	tcase_add_test(vnet_tc, test_vnet_decode);
	tcase_add_test(vnet_tc, test_vnet_check_plain);
	tcase_add_test(vnet_tc, test_vnet_check_flags);
	tcase_add_test(vnet_tc, test_vnet_check_csum);
	tcase_add_test(vnet_tc, test_vnet_check_gso);
	tcase_add_test(vnet_tc, test_vnet_check_tcpv4_gso);
	suite_add_tcase(s, vnet_tc);
	return s;
}
