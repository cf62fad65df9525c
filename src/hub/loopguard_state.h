/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The loop guard's per-hub state (loopguard.h acts on it): kept apart so
 * that struct hub can hold it without depending on the guard's logic.
 */
#ifndef VPN_LOOPGUARD_STATE_H
#define VPN_LOOPGUARD_STATE_H

#include <stdint.h>

#define LOOPGUARD_PERIOD_MS 1000
#define LOOPGUARD_WINDOW_MS 2500 /* a probe seen on two ports within it: a loop */
#define LOOPGUARD_CONFIRM_MS 2000
#define LOOPGUARD_MEMBER_MS 10000 /* a hub seen on a cycle counts for the decision so long */
#define LOOPGUARD_QUARANTINE_MS 4000
#define LOOPGUARD_TC_MS 3000 /* after a block or unblock, our probes say "topology changed" */
#define LOOPGUARD_ORIGINS 32 /* other hubs' probes tracked (oldest replaced) */
#define LOOPGUARD_PORTS 4    /* ports an origin's probes were seen on, per origin */

struct loopguard_origin {
	uint8_t id[8];
	uint32_t last_seq;
	uint64_t seen_ms;	 /* the last probe of this origin */
	uint64_t cycle_ms;	 /* when it was last on a cycle with us */
	uint64_t cycle_since_ms; /* since when, without a break of LOOPGUARD_MEMBER_MS */
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
	uint64_t tc_until_ms;	 /* our probes carry PROBE_TC until then */
	uint64_t tc_flush_ms;	 /* we last flushed for another hub's PROBE_TC */
	struct loopguard_origin origins[LOOPGUARD_ORIGINS];
	uint64_t probes_in, probes_fwd, probes_sent; /* for the console */
	uint64_t clock_ms; /* the latest time a caller brought (see lg_clock) */
};

void loopguard_init(struct loopguard *lg);
/*
 * A port left the hub: the probes it brought in no longer count, so a loop
 * that ran through it ends at the next decision (loopguard_recheck), not
 * LOOPGUARD_WINDOW_MS later.  Caller holds the hub lock.
 */
void loopguard_forget_port(struct loopguard *lg, uint32_t session);

#endif
