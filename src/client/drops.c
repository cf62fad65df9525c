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

void drops_log(struct drops *d, const struct vif *v, int fd, uint64_t rx_frames, uint64_t tx_frames,
	       uint64_t now_ms, bool force)
{
	uint64_t refused = v->write_drops - d->write_base, tx_dropped, rx_dropped, sum;
	struct tcp_info ti = {0};
	socklen_t len = sizeof(ti);

	if (!force && now_ms - d->last_log_ms < DROPS_LOG_MS)
		return;
	d->last_log_ms = now_ms;
	tx_dropped = dev_stat(v, "tx_dropped") - d->dev_base[0];
	rx_dropped = dev_stat(v, "rx_dropped") - d->dev_base[1];
	getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len);
	sum = refused + tx_dropped + rx_dropped + d->tx_blocked + ti.tcpi_total_retrans;
	if (!force && sum == d->logged_sum)
		return;
	d->logged_sum = sum;
	log_info("%s: frames to hub %" PRIu64 ", from hub %" PRIu64 "; lost: device refused "
		 "%" PRIu64 " writes, kernel dropped %" PRIu64 " towards us (%s tx_dropped) and "
		 "%" PRIu64 " from us (rx_dropped); TLS writes blocked (socket buffer full) "
		 "%" PRIu64 "; hub connection retransmissions %u",
		 force ? "session end" : "counters", tx_frames, rx_frames, refused, tx_dropped,
		 v->name, rx_dropped, d->tx_blocked, ti.tcpi_total_retrans);
}
