// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The virtio_net_hdr decoder and its consistency check, one test per refusal
 * reason.  (Ethernet parsing is packet.c's: test_packet.c.)
 */
#include <stdlib.h>
#include <string.h>

#include "vnet.h"
#include "suites.h"

START_TEST(test_vnet_decode)
{
	static const uint8_t raw[10] = {0x01, 0x84, 0x36, 0x00, 0xa8, 0x05, 0x22, 0x00, 0x10, 0x00};
	static const uint8_t high[10] = {0x02, 0x05, 0x01, 0xff, 0xff,
					 0xff, 0x34, 0x12, 0x00, 0x80};
	struct vnet_hdr h;

	vnet_decode(raw, &h);
	ck_assert_uint_eq(h.flags, VNET_F_NEEDS_CSUM);
	ck_assert_uint_eq(h.gso_type, VNET_GSO_TCPV6 | VNET_GSO_ECN);
	ck_assert_uint_eq(h.hdr_len, 54);
	ck_assert_uint_eq(h.gso_size, 1448);
	ck_assert_uint_eq(h.csum_start, 34);
	ck_assert_uint_eq(h.csum_offset, 16);
	vnet_decode(high, &h);
	ck_assert_uint_eq(h.flags, VNET_F_DATA_VALID);
	ck_assert_uint_eq(h.gso_type, VNET_GSO_UDP_L4);
	ck_assert_uint_eq(h.hdr_len, 0xff01);
	ck_assert_uint_eq(h.gso_size, 0xffff);
	ck_assert_uint_eq(h.csum_start, 0x1234);
	ck_assert_uint_eq(h.csum_offset, 0x8000);
}
END_TEST

static struct vnet_hdr vnet(uint8_t flags, uint8_t gso_type, uint16_t hdr_len, uint16_t gso_size,
			    uint16_t csum_start, uint16_t csum_offset)
{
	struct vnet_hdr h = {flags, gso_type, hdr_len, gso_size, csum_start, csum_offset};

	return h;
}

START_TEST(test_vnet_check_plain)
{
	struct vnet_hdr h = vnet(0, VNET_GSO_NONE, 0, 0, 0, 0);

	ck_assert_ptr_null(vnet_check(&h, 60));
	h.flags = VNET_F_DATA_VALID;
	ck_assert_ptr_null(vnet_check(&h, 60));
	/* without NEEDS_CSUM the checksum fields are not looked at */
	h = vnet(0, VNET_GSO_NONE, 0, 0, 0xffff, 0xffff);
	ck_assert_ptr_null(vnet_check(&h, 60));
}
END_TEST

START_TEST(test_vnet_check_flags)
{
	for (unsigned f = 4; f < 256; f++) {
		struct vnet_hdr h = vnet((uint8_t)f, VNET_GSO_NONE, 0, 0, 0, 0);
		const char *why = vnet_check(&h, 60);

		ck_assert_ptr_nonnull(why);
		ck_assert_str_eq(why, "unknown virtio_net_hdr flags");
	}
}
END_TEST

START_TEST(test_vnet_check_csum)
{
	/* TCP over IPv4: checksum at 14 + 20 + 16, two bytes long */
	struct vnet_hdr h = vnet(VNET_F_NEEDS_CSUM, VNET_GSO_NONE, 0, 0, 34, 16);

	ck_assert_ptr_null(vnet_check(&h, 60));
	ck_assert_ptr_null(vnet_check(&h, 52));
	ck_assert_str_eq(vnet_check(&h, 51), "checksum offset past the end of the frame");
	ck_assert_ptr_nonnull(vnet_check(&h, 0));
	/* no 16-bit wrap-around */
	h = vnet(VNET_F_NEEDS_CSUM, VNET_GSO_NONE, 0, 0, 0xffff, 0xffff);
	ck_assert_ptr_nonnull(vnet_check(&h, 65535));
	ck_assert_ptr_nonnull(vnet_check(&h, 0x1ffff));
	ck_assert_ptr_null(vnet_check(&h, 0x20000));
	h.flags |= VNET_F_DATA_VALID;
	ck_assert_ptr_null(vnet_check(&h, 0x20000));
}
END_TEST

START_TEST(test_vnet_check_gso)
{
	static const uint8_t types[] = {VNET_GSO_TCPV4, VNET_GSO_TCPV6, VNET_GSO_UDP,
					VNET_GSO_UDP_L4};
	struct vnet_hdr h;

	/* ECN means nothing without a GSO type */
	h = vnet(0, VNET_GSO_ECN, 0, 0, 0, 0);
	ck_assert_str_eq(vnet_check(&h, 60), "ECN bit without GSO");

	for (size_t i = 0; i < sizeof(types); i++) {
		h = vnet(VNET_F_NEEDS_CSUM, types[i], 54, 1448, 34, 16);
		ck_assert_ptr_null(vnet_check(&h, 64000));
		h.gso_type |= VNET_GSO_ECN;
		ck_assert_ptr_null(vnet_check(&h, 64000));
		h.gso_size = 0;
		ck_assert_str_eq(vnet_check(&h, 64000), "GSO frame with segment size 0");
		h.gso_size = 1448;
		ck_assert_ptr_null(vnet_check(&h, 54));
		h.hdr_len = 55;
		ck_assert_str_eq(vnet_check(&h, 54), "GSO header length past the end of the frame");
	}
	for (unsigned t = 0; t < 128; t++) {
		int known = t == VNET_GSO_NONE || t == VNET_GSO_TCPV4 || t == VNET_GSO_UDP ||
			    t == VNET_GSO_TCPV6 || t == VNET_GSO_UDP_L4;

		h = vnet(0, (uint8_t)t, 54, 1448, 0, 0);
		if (known) {
			ck_assert_ptr_null(vnet_check(&h, 1514));
		} else {
			ck_assert_str_eq(vnet_check(&h, 1514), "unknown GSO type");
			h.gso_type |= VNET_GSO_ECN;
			ck_assert_str_eq(vnet_check(&h, 1514), "unknown GSO type");
		}
	}
}
END_TEST

START_TEST(test_vnet_check_tcpv4_gso)
{
	/* a 64 KB TCPv4 super-frame as the kernel hands it over, from the raw bytes */
	static const uint8_t raw[10] = {
	    VNET_F_NEEDS_CSUM, VNET_GSO_TCPV4, 66, 0, 0xa8, 5, 34, 0, 16, 0};
	struct vnet_hdr h;

	vnet_decode(raw, &h);
	ck_assert_ptr_null(vnet_check(&h, 14 + 65535));
	ck_assert_ptr_null(vnet_check(&h, 66));
	ck_assert_ptr_nonnull(vnet_check(&h, 65));
}
END_TEST

Suite *vnet_suite(void)
{
	Suite *s = suite_create("vnet");
	TCase *vnet_tc = tcase_create("vnet");

	tcase_add_test(vnet_tc, test_vnet_decode);
	tcase_add_test(vnet_tc, test_vnet_check_plain);
	tcase_add_test(vnet_tc, test_vnet_check_flags);
	tcase_add_test(vnet_tc, test_vnet_check_csum);
	tcase_add_test(vnet_tc, test_vnet_check_gso);
	tcase_add_test(vnet_tc, test_vnet_check_tcpv4_gso);
	suite_add_tcase(s, vnet_tc);
	return s;
}
