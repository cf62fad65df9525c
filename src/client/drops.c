// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Per-stage drop counters of a client (see drops.h).
 */
#include "drops.h"

#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <sys/socket.h>

#include "log.h"

/* A counter of the device's kernel statistics; 0 when it cannot be read. */
static uint64_t dev_stat(const struct vif *v, const char *name)
{
	char path[96];
	uint64_t val = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/net/%s/statistics/%s", v->name, name);
	f = fopen(path, "re");
	if (!f)
		return 0;
	if (fscanf(f, "%" SCNu64, &val) != 1)
		val = 0;
	fclose(f);
	return val;
}

void drops_start(struct drops *d, const struct vif *v, uint64_t now_ms)
{
	*d = (struct drops){
	    .dev_base = {dev_stat(v, "tx_dropped"), dev_stat(v, "rx_dropped")},
	    .write_base = v->write_drops,
	    .last_log_ms = now_ms,
	};
}

/* The session's counters so far (a few syscalls: not for every loop). */
static void sample(const struct drops *d, const struct vif *v, int fd, struct drop_counts *c)
{
	struct tcp_info ti = {0};
	socklen_t len = sizeof(ti);

	getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len);
	*c = (struct drop_counts){
	    .device_refused = v->write_drops - d->write_base,
	    .kernel_tx = dev_stat(v, "tx_dropped") - d->dev_base[0],
	    .kernel_rx = dev_stat(v, "rx_dropped") - d->dev_base[1],
	    .tls_blocked = d->tx_blocked,
	    .retransmits = ti.tcpi_total_retrans,
	};
}

void drops_status(struct drops *d, const struct vif *v, int fd, struct status *s, uint64_t now_ms)
{
	struct drop_counts c;

	if (now_ms - d->last_status_ms < DROPS_STATUS_MS)
		return;
	d->last_status_ms = now_ms;
	sample(d, v, fd, &c);
	status_drops(s, &c);
}

void drops_log(struct drops *d, const struct vif *v, int fd, uint64_t rx_frames, uint64_t tx_frames,
	       uint64_t now_ms, bool force)
{
	struct drop_counts c;
	uint64_t sum;

	if (!force && now_ms - d->last_log_ms < DROPS_LOG_MS)
		return;
	d->last_log_ms = now_ms;
	sample(d, v, fd, &c);
	sum = c.device_refused + c.kernel_tx + c.kernel_rx + c.tls_blocked + c.retransmits;
	if (!force && sum == d->logged_sum)
		return;
	d->logged_sum = sum;
	log_info("%s: frames to hub %" PRIu64 ", from hub %" PRIu64 "; lost: device refused "
		 "%" PRIu64 " writes, kernel dropped %" PRIu64 " towards us (%s tx_dropped) and "
		 "%" PRIu64 " from us (rx_dropped); TLS writes blocked (socket buffer full) "
		 "%" PRIu64 "; hub connection retransmissions %" PRIu64,
		 force ? "session end" : "counters", tx_frames, rx_frames, c.device_refused,
		 c.kernel_tx, v->name, c.kernel_rx, c.tls_blocked, c.retransmits);
}
