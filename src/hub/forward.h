/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Switching: one batch of frames from one session through its hub.
 */
#ifndef VPN_FORWARD_H
#define VPN_FORWARD_H

#include <stdint.h>

struct hub;
struct pkt;
struct session;

/*
 * Switches n frames received from src: learn, look up, queue to the
 * destination(s) and wake them.  Takes the hub lock once; the caller keeps
 * its own references to pkts[] and drops them afterwards.
 */
void hub_forward(struct hub *h, struct session *src, struct pkt **pkts, unsigned n,
		 uint64_t now_ms);

#endif
