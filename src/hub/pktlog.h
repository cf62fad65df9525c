/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The packet log: SoftEther's CSV lines (softether-notes 4.2, 4.3) from the
 * parse result the forwarding path already made.  On the forwarding path
 * pktlog_level picks the level from the per-class settings and
 * pktlog_enqueue copies a compact record per frame (the header fields, the
 * session names, and the frame bytes only at level full) into a logger
 * stream, a chunk of frames under one lock and one timestamp; the logger
 * thread renders them with pktlog_render.
 */
#ifndef VPN_PKTLOG_H
#define VPN_PKTLOG_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "logger.h"
#include "packet.h"
#include "proto.h"

#define PKTLOG_NONE 0
#define PKTLOG_HEADER 1
#define PKTLOG_FULL 2
#define PKTLOG_HEX_MAX 2048 /* frame bytes kept at level full; longer frames end in "..." */
#define PKTLOG_NAME_MAX (4 + PROTO_NAME_MAX + 1 + 10) /* "SID-" USER "-" id */

/*
 * A session as the packet log names it, SID-<USER>-<id> (upper case, as
 * SoftEther writes it, commas and control bytes made '_'), rendered once per
 * session into out; returns the length.
 */
size_t pktlog_session_name(char out[PKTLOG_NAME_MAX], const char *user, uint32_t id);

/*
 * The effective level for a frame: the maximum over the classes it belongs
 * to (ETHERNET always; ARP; IP, then TCP (+TCP_CONN on SYN/FIN/RST), UDP
 * (+DHCP, +TCP_CONN for DNS queries and IKE), ICMP).
 */
unsigned pktlog_level(const uint32_t level[LOG_CLASSES], const struct pkt_info *pi);

/* One frame to log. */
struct pktlog_frame {
	const struct pkt_info *pi;
	const uint8_t *frame; /* its bytes (read at level full only) */
	uint32_t len;
	uint8_t level;	  /* PKTLOG_HEADER or PKTLOG_FULL */
	uint16_t dst_len; /* 0: flooded (the column shows "-") */
	char dst[PKTLOG_NAME_MAX];
};

/*
 * Queues one record per frame, all from the session named src (as
 * pktlog_session_name made it); never blocks, never allocates: a record
 * that does not fit in the queue is dropped (counted).
 */
void pktlog_enqueue(struct log_stream *ls, const char *src, size_t src_len,
		    const struct pktlog_frame *f, unsigned n);

/* log_render_fn for packet log records. */
size_t pktlog_render(const struct log_rec *r, char *out);

#endif
