// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: SoftEther's wire codec.  Every input goes through the
 * HTTP head framer and parser, the signature check, the PACK decoder (every
 * element's values walked, every getter tried, a decoded PACK re-encoded and
 * decoded again to the same element count) and the block framer fed in two
 * pieces; then, read as a virtio_net_hdr and a frame that the hub accepted
 * (vnet_check), through software segmentation.  Checked: a head length ends
 * on a line end, a frame never exceeds 1600 bytes nor a keepalive 512, the
 * framer never consumes past its input, segments fit what was allocated.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "seblock.h"
#include "sehttp.h"
#include "segment.h"
#include "sepack.h"
#include "vnet.h"

static struct sepack pk, pk2;
static uint8_t out[SEHTTP_BODY_MAX + 4096];

static void http(const uint8_t *data, size_t size)
{
	struct sehttp_head h;
	const char *why;
	int n = sehttp_head_len((const char *)data, size);

	if (n > 0) {
		if ((size_t)n > size || data[n - 1] != '\n')
			abort();
		if (sehttp_head_parse((const char *)data, (size_t)n, &h, &why) == 0 &&
		    h.has_length && h.content_length > SEHTTP_BODY_MAX)
			abort();
	}
	(void)sehttp_is_signature_start(data, size);
	(void)sehttp_signature_ok(data, size);
}

static void reencode_elem(struct sepack_out *o, const struct sepack_elem *e)
{
	char name[SEPACK_NAME_MAX + 1], s[1024];

	memcpy(name, e->name, e->name_len);
	name[e->name_len] = '\0';
	switch (e->type) {
	case SEPACK_INT:
		sepack_add_int(o, name, (uint32_t)e->first.num);
		break;
	case SEPACK_INT64:
		sepack_add_int64(o, name, e->first.num);
		break;
	case SEPACK_DATA:
		sepack_add_data(o, name, e->first.data, e->first.len);
		break;
	case SEPACK_STR:
	case SEPACK_UNISTR:
		if (e->first.len >= sizeof(s) || memchr(e->first.data, 0, e->first.len))
			sepack_add_data(o, name, e->first.data, e->first.len);
		else {
			memcpy(s, e->first.data, e->first.len);
			s[e->first.len] = '\0';
			if (e->type == SEPACK_STR)
				sepack_add_str(o, name, s);
			else
				sepack_add_unistr(o, name, s);
		}
		break;
	}
}

static void pack(const uint8_t *data, size_t size)
{
	struct sepack_value v;
	struct sepack_out o;
	const char *why;
	char s[64];
	uint8_t d[20];
	long n;

	if (sepack_decode(data, size, &pk, &why) != 0)
		return;
	for (uint32_t i = 0; i < pk.count; i++)
		for (uint32_t j = 0; j < pk.elem[i].num_values && j < 64; j++)
			sepack_value_at(&pk.elem[i], j, &v);
	(void)sepack_get_int(&pk, "authtype");
	(void)sepack_get_int64(&pk, "timeout");
	(void)sepack_get_str(&pk, "username", s, sizeof(s));
	(void)sepack_get_data(&pk, "secure_password", d, sizeof(d));
	sepack_out_init(&o, out, sizeof(out));
	for (uint32_t i = 0; i < pk.count; i++)
		reencode_elem(&o, &pk.elem[i]);
	n = sepack_out_finish(&o);
	if (n < 0)
		return;
	if (sepack_decode(out, (size_t)n, &pk2, &why) != 0 || pk2.count != pk.count)
		abort();
}

static void blocks(const uint8_t *data, size_t size)
{
	struct seblock_rx rx = {0};
	struct seblock_item it;
	size_t pos = 0, avail = size / 2;

	while (pos < size) {
		size_t used = seblock_next(&rx, data + pos, avail - pos, &it);

		if (used > avail - pos)
			abort();
		pos += used;
		if (it.kind == SEBLOCK_ERROR)
			return;
		if (it.kind == SEBLOCK_FRAME && it.len > SEBLOCK_FRAME_MAX)
			abort();
		if (it.kind == SEBLOCK_KEEPALIVE && it.len > SEBLOCK_KEEPALIVE_MAX)
			abort();
		if (it.kind == SEBLOCK_NEED_MORE) {
			if (avail == size)
				return;
			avail = size;
		}
	}
}

struct seg_sink {
	size_t used;
};

static uint8_t *seg_alloc(void *ctx, size_t len)
{
	struct seg_sink *k = ctx;

	if (len > SEBLOCK_FRAME_MAX || k->used + len > sizeof(out))
		return NULL;
	k->used += len;
	return out + k->used - len;
}

static void segment(const uint8_t *data, size_t size)
{
	struct seg_sink k = {0};
	struct vnet_hdr h;
	unsigned nseg;

	if (size < 10)
		return;
	vnet_decode(data, &h);
	if (vnet_check(&h, size - 10) != NULL)
		return;
	(void)seg_frame(&h, data + 10, size - 10, seg_alloc, &k, &nseg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	http(data, size);
	pack(data, size);
	blocks(data, size);
	segment(data, size);
	return 0;
}
