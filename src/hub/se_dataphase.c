// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * SoftEther session data phase (se_dataphase.h).  Frames leave in batches
 * written straight into the stream's send buffer: a count placeholder, then
 * one block per frame (or per segment of a super-frame), the count patched
 * when the pass ends.  Nothing is copied twice and no frame costs a syscall.
 */
#include "se_dataphase.h"

#include "bytes.h"
#include "pkt.h"
#include "queue.h"
#include "segment.h"
#include "session.h"
#include "stream.h"
#include "vnet.h"

#define SE_DRAIN_MAX 128
#define SE_TX_SLACK 8192 /* headroom beside the drain budget */
#define ETH_MIN 14

long se_rx_parse(void *ctx, const uint8_t *buf, size_t len, char *err, size_t errlen)
{
	struct se_rx *rx = ctx;
	struct seblock_item it;
	size_t pos = 0;

	for (;;) {
		pos += seblock_next(&rx->blk, buf + pos, len - pos, &it);
		switch (it.kind) {
		case SEBLOCK_NEED_MORE:
			return (long)pos;
		case SEBLOCK_ERROR:
			snprintf(err, errlen, "SoftEther stream: %s", it.why);
			return -1;
		case SEBLOCK_KEEPALIVE:
			break; /* its bytes already proved the peer alive */
		case SEBLOCK_OVERSIZE:
			sess_count(&rx->s->se_drops, 1);
			break;
		case SEBLOCK_FRAME:
			if (it.len < ETH_MIN)
				sess_count(&rx->s->se_drops, 1);
			else
				rx->frame(rx->ctx, it.data, it.len);
			break;
		}
	}
}

struct tx_pass {
	struct stream *st;
	uint32_t count; /* blocks in the current batch */
};

/* seg_alloc_fn: a block header and room for len bytes at the buffer's tail. */
static uint8_t *block_alloc(void *ctx, size_t len)
{
	struct tx_pass *t = ctx;
	uint8_t *p;

	if (len > SEBLOCK_FRAME_MAX || stream_room(t->st) < SEBLOCK_HDR + len)
		return NULL;
	p = stream_tail(t->st);
	seblock_put_len(p, (uint32_t)len);
	stream_commit(t->st, SEBLOCK_HDR + len);
	t->count++;
	return p + SEBLOCK_HDR;
}

/* One queued frame into the batch: as it is, or segmented / checksummed in software. */
static void put_frame(struct session *s, struct tx_pass *t, const struct pkt *p)
{
	static const struct vnet_hdr plain;
	size_t off = pkt_frame_off(p), mark = t->st->wlen;
	uint32_t count = t->count;
	struct vnet_hdr vh = plain;
	unsigned nseg = 0;

	if (off)
		vnet_decode(p->data, &vh);
	if (seg_frame(&vh, p->data + off, p->len - off, block_alloc, t, &nseg) != SEG_OK) {
		t->st->wlen = mark; /* nothing of it leaves */
		t->count = count;
		sess_count(&s->se_drops, 1);
		return;
	}
	if (vh.gso_type != VNET_GSO_NONE) {
		sess_count(&s->se_gso_frames, 1);
		sess_count(&s->se_segments, nseg);
	}
	sess_count(&s->tx_frames, nseg);
	sess_count(&s->tx_frame_bytes, p->len - off);
}

bool se_tx_fill(struct session *s, struct stream *st)
{
	struct pkt *p[SE_DRAIN_MAX];
	struct tx_pass t = {.st = st};

	/* the budget admits one largest frame, so n == 0 means empty; segments may double it */
	while (st->wlen < STREAM_FLUSH_AT && stream_room(st) >= 2 * STREAM_MSG_ROOM + SE_TX_SLACK) {
		size_t start = st->wlen;
		uint32_t n = queue_drain_budget(&s->queue, p, SE_DRAIN_MAX,
						(stream_room(st) - SE_TX_SLACK) / 2);

		if (n == 0)
			return false;
		t.count = 0;
		stream_commit(st, SEBLOCK_HDR); /* the batch's count, patched below */
		for (uint32_t i = 0; i < n; i++) {
			put_frame(s, &t, p[i]);
			pkt_put(p[i]);
		}
		if (t.count)
			seblock_put_count(st->wbuf + start, t.count);
		else
			st->wlen = start;
	}
	return true; /* buffer full: more may be queued */
}

uint32_t se_keepalive_s(const struct session *s)
{
	uint32_t ms = seblock_keepalive_interval_ms(s->timeout_s * 1000);

	return ms < 1000 ? 1 : ms / 1000;
}

uint32_t se_put_keepalive(const struct session *s, struct stream *st)
{
	stream_commit(st, seblock_put_keepalive(stream_tail(st), stream_room(st)));
	return se_keepalive_s(s);
}
