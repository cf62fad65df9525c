/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The packet log: SoftEther's CSV lines (softether-notes 4.2, 4.3) from the
 * parse result the forwarding path already made.  On the forwarding path
 * pktlog_level picks the level from the per-class settings and
 * pktlog_enqueue copies a compact record (the header fields, the session
 * names, and the frame bytes only at level full) into a logger stream; the
 * logger thread renders it with pktlog_render.
 */
#ifndef VPN_PKTLOG_H
#define VPN_PKTLOG_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "logger.h"
#include "packet.h"

#define PKTLOG_NONE 0
#define PKTLOG_HEADER 1
#define PKTLOG_FULL 2
#define PKTLOG_HEX_MAX 2048 /* frame bytes kept at level full; longer frames end in "..." */

/* A session as the packet log names it: SID-<USER>-<id>. */
struct pktlog_peer {
	const char *user; /* NULL: none (flooded) */
	uint32_t id;
};

/*
 * The effective level for a frame: the maximum over the classes it belongs
 * to (ETHERNET always; ARP; IP, then TCP (+TCP_CONN on SYN/FIN/RST), UDP
 * (+DHCP, +TCP_CONN for DNS queries and IKE), ICMP).
 */
unsigned pktlog_level(const uint32_t level[LOG_CLASSES], const struct pkt_info *pi);

/*
 * Queues one record for the frame (frame bytes copied only at level full);
 * never blocks, never allocates: a full queue drops the record (counted).
 */
void pktlog_enqueue(struct log_stream *ls, unsigned level, const struct pktlog_peer *src,
		    const struct pktlog_peer *dst, const struct pkt_info *pi, const uint8_t *frame,
		    size_t len);

/* log_render_fn for packet log records. */
size_t pktlog_render(const struct log_rec *r, char *out);

#endif
