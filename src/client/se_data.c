// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The data phase with a stock SoftEther server (se_data.h): SoftEther's
 * batches of frames and keep-alives (seblock.h) on the shared TLS stream
 * buffers (stream.h).  The device has no offloads in this mode, so each read
 * is one finished frame; frames leave in one batch per fill of the send
 * buffer, and received frames go straight from the receive buffer to the
 * device.
 */
#include "se_data.h"

#include <errno.h>
#include <openssl/rand.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "daemon.h"
#include "log.h"
#include "seblock.h"

#define SE_RX_BUDGET (512 * 1024)
#define SE_STOP_GRACE_MS 20000
/* one device read: virtio header, SoftEther's largest frame, slack to see a bigger one */
#define SE_READ_CAP (PROTO_VNET_HDR_LEN + SEBLOCK_FRAME_MAX + 64)

struct se_rx {
	struct se_port *t;
	struct seblock_rx blk;
	uint64_t oversize; /* frames over 1600 bytes from the server, dropped */
	bool device_failed;
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* stream_bytes_fn: every whole block onto the device; keep-alives only prove the server alive. */
static long parse_blocks(void *ctx, const uint8_t *buf, size_t len, char *err, size_t errlen)
{
	static const uint8_t zero_hdr[PROTO_VNET_HDR_LEN];
	struct se_rx *rx = ctx;
	size_t off = 0;

	for (;;) {
		struct seblock_item it;
		size_t used = seblock_next(&rx->blk, buf + off, len - off, &it);

		off += used;
		switch (it.kind) {
		case SEBLOCK_NEED_MORE:
			if (used == 0)
				return (long)off;
			continue;
		case SEBLOCK_FRAME:
			if (it.len < PROTO_FRAME_MIN)
				continue; /* a runt carries nothing to deliver */
			if (rx->t->vif->ops->write(rx->t->vif, zero_hdr, it.data, it.len) != 0) {
				snprintf(err, errlen, "device write: %s", strerror(errno));
				rx->device_failed = true;
				return -1;
			}
			rx->t->rx_frames++;
			continue;
		case SEBLOCK_OVERSIZE:
			rx->oversize++;
			continue;
		case SEBLOCK_KEEPALIVE:
			continue;
		case SEBLOCK_ERROR:
			snprintf(err, errlen, "bad SoftEther block: %s", it.why);
			return -1;
		}
	}
}

/*
 * Reads device frames into one batch at the end of the send buffer until the
 * device is drained or the buffer holds STREAM_FLUSH_AT; -1 on device error.
 */
static int fill_batch(struct se_port *t, struct stream *st, uint64_t *dropped, bool *more)
{
	size_t count_at = st->wlen;
	uint32_t n = 0;

	*more = false;
	if (stream_room(st) < SEBLOCK_HDR + SEBLOCK_HDR + SE_READ_CAP)
		return 0;
	stream_commit(st, SEBLOCK_HDR); /* the count, written at the end */
	while (st->wlen < STREAM_FLUSH_AT && stream_room(st) >= SEBLOCK_HDR + SE_READ_CAP) {
		uint8_t *blk = stream_tail(st), *frame = blk + SEBLOCK_HDR;
		ssize_t r = t->vif->ops->read(t->vif, frame, SE_READ_CAP);
		size_t flen;

		if (r < 0)
			return -1;
		if (r == 0)
			break;
		flen = (size_t)r - (r >= PROTO_VNET_HDR_LEN ? PROTO_VNET_HDR_LEN : (size_t)r);
		/* no offloads: a GSO frame or one over SoftEther's limit cannot be sent */
		if (flen < PROTO_FRAME_MIN || flen > SEBLOCK_FRAME_MAX || frame[0] || frame[1]) {
			(*dropped)++;
			continue;
		}
		memmove(frame, frame + PROTO_VNET_HDR_LEN, flen); /* drop the virtio header */
		seblock_put_len(blk, (uint32_t)flen);
		stream_commit(st, SEBLOCK_HDR + flen);
		n++;
		t->tx_frames++;
	}
	*more = st->wlen >= STREAM_FLUSH_AT || stream_room(st) < SEBLOCK_HDR + SE_READ_CAP;
	if (n == 0)
		st->wlen = count_at; /* nothing read: no empty batch */
	else
		seblock_put_count(st->wbuf + count_at, n);
	return 0;
}

/* A keep-alive when nothing was sent for the interval SoftEther would wait. */
static void keepalive(struct stream *st, uint64_t now, uint64_t last_tx, uint32_t *interval_ms,
		      uint32_t timeout_ms)
{
	size_t n;

	if (stream_pending(st) || now - last_tx < *interval_ms)
		return;
	n = seblock_put_keepalive(stream_tail(st), stream_room(st));
	stream_commit(st, n);
	*interval_ms = seblock_keepalive_interval_ms(timeout_ms);
}

static int wait_ms(uint64_t now, uint64_t last_tx, uint32_t interval_ms, uint64_t last_rx,
		   uint32_t timeout_ms)
{
	uint64_t ka = last_tx + interval_ms, dead = last_rx + timeout_ms;
	uint64_t next = ka < dead ? ka : dead;
	int every = daemon_watchdog_interval_ms();
	int ms = next > now ? (int)(next - now) : 0;

	return every && ms > every ? every : ms;
}

static enum hubconn_status pump(struct se_port *t, struct stream *st, struct drops *dr,
				struct se_rx *rx, uint64_t *dropped, char *err, size_t errlen)
{
	uint32_t timeout_ms = t->timeout_s * 1000u;
	uint32_t interval_ms = seblock_keepalive_interval_ms(timeout_ms);
	uint64_t now = now_ms(), last_rx = now, last_tx = now, stop_at = 0;
	bool busy = false;
	int done_fd = -1;

	for (;;) {
		struct pollfd pfd[4] = {
		    {.fd = st->fd, .events = stream_poll_events(st)},
		    {.fd = t->sig_fd, .events = POLLIN},
		    /* a blocked TLS write leaves frames in the device queue: back-pressure */
		    {.fd = t->vif->fd, .events = stream_pending(st) ? 0 : POLLIN},
		    {.fd = done_fd, .events = POLLIN},
		};
		uint64_t rx_before = st->rx_bytes, tx_before = st->tx_bytes;
		enum stream_status rs;
		bool more = false;
		int wait = busy ? 0 : wait_ms(now, last_tx, interval_ms, last_rx, timeout_ms);

		poll(pfd, 4, stop_at && wait > 100 ? 100 : wait);
		now = now_ms();
		daemon_watchdog_kick();
		if (pfd[1].revents & POLLIN && t->signalled(t->tunnel) && !stop_at) {
			/* the teardown (down hooks, DHCP release) still needs the link */
			done_fd = t->on_stop ? t->on_stop(t->arg) : -1;
			stop_at = now + SE_STOP_GRACE_MS;
		}
		if (stop_at && (done_fd < 0 || pfd[3].revents || now >= stop_at)) {
			stream_finish(st, 1000);
			return HUBCONN_STOPPED;
		}
		rs = stream_read_bytes(st, SE_RX_BUDGET, parse_blocks, rx);
		if (rs == STREAM_EOF) {
			snprintf(err, errlen, "the SoftEther server closed the connection");
			return HUBCONN_RETRY;
		}
		if (rs == STREAM_ERROR) {
			snprintf(err, errlen, "connection lost: %s", st->err);
			return rx->device_failed ? HUBCONN_LOCAL : HUBCONN_RETRY;
		}
		if (st->rx_bytes != rx_before)
			last_rx = now;
		if (!stream_pending(st) && fill_batch(t, st, dropped, &more) != 0) {
			snprintf(err, errlen, "device read: %s", strerror(errno));
			return HUBCONN_LOCAL;
		}
		keepalive(st, now, last_tx, &interval_ms, timeout_ms);
		switch (stream_flush(st)) {
		case -1:
			snprintf(err, errlen, "connection lost: %s", st->err);
			return HUBCONN_RETRY;
		case 1:
			dr->tx_blocked++;
			break;
		}
		drops_log(dr, t->vif, st->fd, t->rx_frames, t->tx_frames, now, false);
		if (st->tx_bytes != tx_before)
			last_tx = now;
		if (t->status)
			status_traffic(t->status, st->rx_bytes, st->tx_bytes, t->rx_frames,
				       t->tx_frames);
		busy = rs == STREAM_MORE || (more && !stream_pending(st));
		if (now - last_rx >= timeout_ms) {
			snprintf(err, errlen,
				 "the SoftEther server was silent for %u s (dead-peer timeout)",
				 t->timeout_s);
			return HUBCONN_RETRY;
		}
	}
}

enum hubconn_status se_data_loop(struct se_port *t, struct stream *st, struct drops *dr, char *err,
				 size_t errlen)
{
	struct se_rx rx = {.t = t};
	uint64_t dropped = 0;
	enum hubconn_status a = pump(t, st, dr, &rx, &dropped, err, errlen);

	if (dropped || rx.oversize)
		log_warnx("SoftEther session: %llu frame(s) from the device and %llu from the "
			  "server dropped (over 1600 bytes, or not one finished frame)",
			  (unsigned long long)dropped, (unsigned long long)rx.oversize);
	return a;
}
