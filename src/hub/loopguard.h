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
 * unblocked, at once when a port of the cycle leaves the hub.  A hub that
 * blocked before it learned of a higher one on the cycle (probes race) lifts
 * its block once that hub has had the time to block.  The hub that blocks or
 * unblocks flags its probes "topology changed" for LOOPGUARD_TC_MS: every hub
 * forgets the MACs learned on its ports toward other hubs, which may point at
 * a blocked link or a cut link not yet timed out.  A new cascade port carries
 * only probes for LOOPGUARD_QUARANTINE_MS, long enough for that decision, so
 * a link that closes a loop never starts a storm.  One log line each way.
 */
#ifndef VPN_LOOPGUARD_H
#define VPN_LOOPGUARD_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "loopguard_state.h"

struct hub;
struct hub_server;
struct pkt;
struct pkt_info;
struct session;

/* Whether p (parsed as pi) is a probe. */
bool loopguard_is_probe(const struct pkt *p, const struct pkt_info *pi);
/* A probe received from src: recorded, forwarded once, acted on; caller holds the hub lock. */
void loopguard_rx(struct hub *h, struct session *src, const struct pkt *p, uint64_t now_ms);
/*
 * Sends the hub's probe when one is due and lifts a block whose loop is
 * gone; caller holds the hub lock.  Session threads call it from their loops.
 */
void loopguard_tick(struct hub *h, uint64_t now_ms);
/*
 * A port of h left (hub_detach forgot its probes): lifts at once a block whose
 * loop ran through it, instead of at the next tick.  Takes the hub lock.
 */
void loopguard_recheck(struct hub *h, uint64_t now_ms);
/* Every hub's loop guard (loopguard_tick); the accept thread calls it twice a second. */
void loopguard_tick_all(struct hub_server *srv, uint64_t now_ms);
/* Whether data frames may not cross port s (blocked, or still in quarantine). */
bool loopguard_port_closed(const struct session *s, uint64_t now_ms);
/* Whether the loop guard blocks s (any thread). */
bool loopguard_port_blocked(struct session *s);

#endif
