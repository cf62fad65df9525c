/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Hand-built frames for the unit tests: a byte buffer with big-endian
 * writers, and one-call builders for the common Ethernet/IP/TCP/UDP shapes.
 */
#ifndef VPN_TEST_FRAME_H
#define VPN_TEST_FRAME_H

#include <stddef.h>
#include <stdint.h>

/* A frame under construction. */
struct fb {
	uint8_t b[8192];
	size_t n;
};

void tf_put(struct fb *f, const void *p, size_t n);
void tf_put8(struct fb *f, uint8_t v);
void tf_put16(struct fb *f, uint16_t v);
void tf_put32(struct fb *f, uint32_t v);
void tf_set16(struct fb *f, size_t at, uint16_t v);

/* What tf_build makes: Ethernet (+ 802.1Q when vid), IPv4 or IPv6, TCP/UDP/other. */
struct tf_spec {
	const uint8_t *dst_mac, *src_mac;
	uint16_t vid;
	int family;			/* 4 or 6; 0 = ARP request from src_ip for dst_ip */
	const uint8_t *src_ip, *dst_ip; /* 4 or 16 bytes */
	uint8_t proto;			/* 6 TCP, 17 UDP, else an empty payload */
	uint16_t sport, dport;
	uint8_t tcp_flags;
};

void tf_build(struct fb *f, const struct tf_spec *s);

#endif
