/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Congestion control for the per-session send queues: the seed's design
 * (docs/congestion.md has the algorithm, its parameters and the evidence).
 *
 * Three plain state machines, none with a lock of its own:
 *  - classification: control frames (ARP, ICMP, TCP SYN/FIN/RST, DHCP) versus
 *    bulk, and the broadcast-storm keys, from the shared struct pkt_info;
 *  - per destination (struct cong_dest, inside a struct queue, under its
 *    lock): the drain rate the owner achieves while backlogged, the queueing
 *    delay that implies and its trend, and how many queued bytes each source
 *    fed; decides early drops of the heaviest sources' bulk frames on CoDel's
 *    schedule;
 *  - per source (struct cong_src, in a session, written by that session's
 *    thread): how many of its frames the hub dropped; a source that loses a
 *    large share, or keeps losing non-TCP frames (which nothing slows down),
 *    floods: its reads are paced (AIMD on a byte allowance per period), so TCP
 *    back-pressure stops the flood at its client instead of burning the
 *    hub's CPU and the other sessions' queues.
 */
#ifndef VPN_CONGESTION_H
#define VPN_CONGESTION_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "packet.h"
#include "storm.h"
#include "stream.h"

#define CONG_SLOTS 16		  /* source buckets per destination (source id mod 16) */
#define CONG_INTERVAL_MS 200	  /* CoDel's interval: about a round trip of the traffic inside */
#define CONG_HARD_FACTOR 8	  /* delay beyond this many targets: drop every heavy bulk frame */
#define CONG_RATE_WINDOW_MS 100	  /* drain-rate sample */
#define CONG_PACE_WINDOW_MS 100	  /* source pacing period */
#define CONG_PACE_MIN (64 * 1024) /* bytes a paced source may always read per period */
#define CONG_PACE_CALM 10	  /* quiet periods before pacing ends */
#define CONG_PACE_OVERRUNS 3	  /* periods in a row of dropped non-TCP frames: a flood */
#define CONG_HOLD_MS 4		  /* the hold mark: this much of what the owner's link delivers */

/* Parameters from root/Vpnhub (SoftHUB.cfg(5)); copied into each session at login. */
struct cong_params {
	bool enabled;		/* CongestionControl: false = plain tail-drop */
	uint32_t target_ms;	/* CongestionTargetDelay */
	uint32_t min_bytes;	/* CongestionMinQueue: never congested below this depth */
	uint32_t reserve_pct;	/* ControlFrameReserve: queue share only control frames use */
	bool pacing;		/* SourcePacing */
	uint32_t pace_drop_pct; /* SourcePacingDropRatio: early-drop share that starts pacing */
	uint64_t flood_quota;	/* FloodQueueQuota: server-wide flooded bytes queued */
	char tunnel_cc[STREAM_CC_MAX]; /* TunnelCongestionControl; "" = the kernel's default */
};

void cong_params_default(struct cong_params *p);

/* What the congestion control and the storm limiter need to know of a frame. */
struct cong_frame {
	bool control;
	bool tcp;
	struct storm_key key; /* IPv4 in the first 4 bytes; addresses zero when not IP/ARP */
};

/* From the frame's one parse: control as packet.h defines it (pkt_is_control), the keys. */
void cong_classify(const struct pkt_info *pi, struct cong_frame *out);

struct cong_dest {
	uint64_t win_start_ms;
	uint64_t win_drained; /* bytes the owner took since win_start_ms */
	uint64_t rate;	      /* bytes/s while backlogged, averaged; 0 = not known yet */
	size_t win_depth;     /* depth at win_start_ms */
	bool growing;	      /* depth rose over the last window */
	bool congested;
	/* the early-drop schedule (CoDel's) */
	uint64_t above_since_ms; /* congested since; 0 = not congested */
	bool dropping;
	uint32_t drop_count;
	uint64_t drop_next_ms;
	uint32_t src_bytes[CONG_SLOTS]; /* queued bytes per source bucket */
	uint32_t nsources;		/* buckets with bytes queued */
	uint64_t link_rate; /* the owner's connection, bytes/s (linkrate.h); 0 = unknown */
};

/* Refreshes rate, trend and state; depth = bytes queued now.  O(1). */
void cong_dest_update(struct cong_dest *d, size_t depth, uint64_t now_ms,
		      const struct cong_params *p);
/* Queueing delay depth implies at the measured rate; UINT64_MAX when unknown. */
uint64_t cong_dest_delay_ms(const struct cong_dest *d, size_t depth);
/* Whether a bulk frame from source src should be dropped early (after update). */
bool cong_dest_early_drop(struct cong_dest *d, size_t depth, uint32_t src, uint64_t now_ms,
			  const struct cong_params *p);
/*
 * The depth past which a TCP source pauses (queue.h): CONG_HOLD_MS of the
 * owner's link rate, at least CongestionMinQueue and at most half of
 * max_bytes; CongestionMinQueue while the rate is unknown.
 */
size_t cong_hold_mark(const struct cong_dest *d, const struct cong_params *p, size_t max_bytes);
/* Accounting of queued bytes per source; drained: the owner took them (rate sample). */
void cong_dest_add(struct cong_dest *d, uint32_t src, uint32_t len);
void cong_dest_remove(struct cong_dest *d, uint32_t src, uint32_t len, bool drained);

/* How one switched frame of a source fared at the hub. */
struct cong_outcome {
	bool responsive; /* TCP: backs off on loss by itself */
	bool dropped;	 /* refused by every destination it went to (queue full, early, quota) */
	bool throttled;	 /* ... and at least one of them dropped it early */
};

struct cong_src {
	/* counters written by the owner thread, read by others (relaxed) */
	atomic_ullong drops_throttled; /* its frames dropped early at congested destinations */
	atomic_ullong drops_storm;     /* its flooded frames dropped by the storm limiter */
	atomic_ullong paced_periods;   /* pacing periods so far */
	atomic_bool paced;	       /* reads currently paced */
	atomic_ullong allowance;       /* bytes per period while paced */
	/* owner only */
	uint64_t win_start_ms;
	uint64_t win_frames, win_dropped, win_accepted_bytes, win_read;
	bool win_overrun;  /* non-responsive frames of it were dropped this period */
	uint32_t overruns; /* periods in a row with win_overrun */
	uint32_t calm;	   /* paced periods in a row without drops and with unused allowance */
};

/* Records one switched frame of the source. */
void cong_src_note(struct cong_src *s, uint32_t len, const struct cong_outcome *o);
/*
 * Bytes the source's thread may read now (SIZE_MAX when not paced); rolls the
 * pacing period when due.
 */
size_t cong_src_allowance(struct cong_src *s, uint64_t now_ms, const struct cong_params *p);
void cong_src_read(struct cong_src *s, size_t bytes);
/* Milliseconds until the current pacing period ends (poll timeout when paced). */
int cong_src_wait_ms(const struct cong_src *s, uint64_t now_ms);

#endif
