// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Frame builders shared by the packet and access list tests (testframe.h).
 */
#include <string.h>

#include <check.h>

#include "testframe.h"

void tf_put(struct fb *f, const void *p, size_t n)
{
	ck_assert_uint_le(f->n + n, sizeof(f->b));
	if (n == 0)
		return;
	memcpy(f->b + f->n, p, n);
	f->n += n;
}

void tf_put8(struct fb *f, uint8_t v)
{
	tf_put(f, &v, 1);
}

void tf_put16(struct fb *f, uint16_t v)
{
	tf_put8(f, (uint8_t)(v >> 8));
	tf_put8(f, (uint8_t)v);
}

void tf_put32(struct fb *f, uint32_t v)
{
	tf_put16(f, (uint16_t)(v >> 16));
	tf_put16(f, (uint16_t)v);
}

void tf_set16(struct fb *f, size_t at, uint16_t v)
{
	f->b[at] = (uint8_t)(v >> 8);
	f->b[at + 1] = (uint8_t)v;
}

static void build_arp(struct fb *f, const struct tf_spec *s)
{
	tf_put16(f, 1);
	tf_put16(f, 0x0800);
	tf_put8(f, 6);
	tf_put8(f, 4);
	tf_put16(f, 1);
	tf_put(f, s->src_mac, 6);
	tf_put(f, s->src_ip, 4);
	tf_put(f, "\0\0\0\0\0\0", 6);
	tf_put(f, s->dst_ip, 4);
}

static void build_l4(struct fb *f, const struct tf_spec *s)
{
	if (s->proto == 6) {
		tf_put16(f, s->sport);
		tf_put16(f, s->dport);
		tf_put32(f, 1);
		tf_put32(f, 2);
		tf_put8(f, 5 << 4);
		tf_put8(f, s->tcp_flags);
		tf_put16(f, 65535);
		tf_put32(f, 0);
	} else if (s->proto == 17) {
		tf_put16(f, s->sport);
		tf_put16(f, s->dport);
		tf_put16(f, 8);
		tf_put16(f, 0);
	} else if (s->proto == 1 || s->proto == 58) {
		tf_put8(f, s->proto == 1 ? 8 : 128); /* echo request */
		tf_put8(f, 0);
		tf_put16(f, 0);
		tf_put32(f, 0x00010001);
	}
}

void tf_build(struct fb *f, const struct tf_spec *s)
{
	size_t ip;

	f->n = 0;
	tf_put(f, s->dst_mac, 6);
	tf_put(f, s->src_mac, 6);
	if (s->vid) {
		tf_put16(f, 0x8100);
		tf_put16(f, s->vid);
	}
	tf_put16(f, s->family == 0 ? 0x0806 : s->family == 4 ? 0x0800 : 0x86dd);
	ip = f->n;
	if (s->family == 0) {
		build_arp(f, s);
	} else if (s->family == 4) {
		tf_put32(f, 0x45000000);
		tf_put32(f, 0);
		tf_put8(f, 64);
		tf_put8(f, s->proto);
		tf_put16(f, 0);
		tf_put(f, s->src_ip, 4);
		tf_put(f, s->dst_ip, 4);
		build_l4(f, s);
		tf_set16(f, ip + 2, (uint16_t)(f->n - ip));
	} else {
		tf_put32(f, 0x60000000);
		tf_put16(f, 0);
		tf_put8(f, s->proto);
		tf_put8(f, 64);
		tf_put(f, s->src_ip, 16);
		tf_put(f, s->dst_ip, 16);
		build_l4(f, s);
		tf_set16(f, ip + 4, (uint16_t)(f->n - ip - 40));
	}
}
