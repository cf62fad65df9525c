/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Loop protection for hubs joined by cascades (docs/cascade.md).  Every hub
 * with two ports or more sends a probe every LOOPGUARD_PERIOD_MS to every
 * port: a small Ethernet frame (EtherType 0x88B5, a locally administered
 * multicast destination) carrying the hub's random 64-bit identifier and a
 * sequence number.  Every hub floods each probe once (later copies are
 * recorded, not forwarded), so probes never circulate.
 *
 * On a cycle, every hub receives every other cycle hub's probe on two ports
 * (once each way round).  So the hubs on a cycle know each other, and agree
 * on who acts: the one with the highest identifier, once the loop has lasted
 * LOOPGUARD_CONFIRM_MS, blocks one port on which the probes come in (one of
 * its own cascade links when it has one).  A blocked port carries probes
 * only, so the loop stays visible; when no probe has come in twice for
 * LOOPGUARD_WINDOW_MS (another link of the cycle failed), the port is
 * unblocked.  A new cascade port carries only probes for
 * LOOPGUARD_QUARANTINE_MS, long enough for that decision, so a link that
 * closes a loop never starts a storm.  One log line each way.
 */
#ifndef VPN_LOOPGUARD_H
#define VPN_LOOPGUARD_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#define LOOPGUARD_PERIOD_MS 1000
#define LOOPGUARD_WINDOW_MS 2500 /* a probe seen on two ports within it: a loop */
#define LOOPGUARD_CONFIRM_MS 2000
#define LOOPGUARD_MEMBER_MS 10000 /* a hub seen on a cycle counts for the decision so long */
#define LOOPGUARD_QUARANTINE_MS 4000
#define LOOPGUARD_ORIGINS 32 /* other hubs' probes tracked (oldest replaced) */
#define LOOPGUARD_PORTS 4    /* ports an origin's probes were seen on, per origin */

struct hub;
struct pkt;
struct pkt_info;
struct session;

struct loopguard_origin {
	uint8_t id[8];
	uint32_t last_seq;
	uint64_t seen_ms;  /* the last probe of this origin */
	uint64_t cycle_ms; /* when it was last on a cycle with us */
	struct {
		uint32_t session;
		uint64_t ms;
	} port[LOOPGUARD_PORTS]; /* where its probes came in lately */
};

/* In struct hub, under its lock. */
struct loopguard {
	uint8_t id[8];
	uint32_t seq;
	uint64_t last_sent_ms;
	uint64_t loop_since_ms;	 /* first return of our probe in the current loop; 0 = none */
	uint64_t last_return_ms; /* our probe came back last */
	uint32_t blocked;	 /* the session we block, 0 = none */
	struct loopguard_origin origins[LOOPGUARD_ORIGINS];
	uint64_t probes_in, probes_fwd, probes_sent; /* for the console */
};

void loopguard_init(struct loopguard *lg);

/* Whether p (parsed as pi) is a probe. */
bool loopguard_is_probe(const struct pkt *p, const struct pkt_info *pi);
/* A probe received from src: recorded, forwarded once, acted on; caller holds the hub lock. */
void loopguard_rx(struct hub *h, struct session *src, const struct pkt *p, uint64_t now_ms);
/*
 * Sends the hub's probe when one is due and lifts a block whose loop is
 * gone; caller holds the hub lock.  Session threads call it from their loops.
 */
void loopguard_tick(struct hub *h, uint64_t now_ms);
/* Whether data frames may not cross port s (blocked, or still in quarantine). */
bool loopguard_port_closed(const struct session *s, uint64_t now_ms);
/* Whether the loop guard blocks s (any thread). */
bool loopguard_port_blocked(struct session *s);

#endif
