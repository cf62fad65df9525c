/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Broadcast-storm limiter for flooded frames (broadcast, multicast and
 * unknown unicast), as SoftEther's CheckBroadcastStorm (softether-notes 3.6):
 * per key (source MAC, source IP, destination IP), count frames over a
 * 500 ms window; a window above the threshold doubles the key's discard value
 * (up to 1024), a quiet one divides it; from a discard value of 3 on, frames
 * are dropped with probability 1 - 1/value, always from 128 on.
 *
 * Unlike SoftEther's, the table is bounded: STORM_KEYS entries per session,
 * a new key taking the least recently used one.  So that rotating keys
 * (every frame to a new address) cannot evade it, one more entry counts all
 * the session's flooded frames against STORM_KEYS times the threshold.
 * Owned by one session and used under its hub's lock: no locking of its own.
 */
#ifndef VPN_STORM_H
#define VPN_STORM_H

#include <stdbool.h>
#include <stdint.h>

#define STORM_KEYS 32
#define STORM_SPAN_MS 500
#define STORM_THRESHOLD_DEFAULT 32 /* frames per second */
#define STORM_DISCARD_START 3
#define STORM_DISCARD_ALWAYS 128
#define STORM_DISCARD_END 1024

struct storm_key {
	uint8_t src_mac[6];
	uint8_t src_ip[16], dst_ip[16];
};

struct storm_entry {
	struct storm_key key;
	bool used;
	uint32_t count;
	uint32_t discard;
	uint64_t start_ms, last_ms;
};

struct storm {
	bool disabled;	    /* policy NoBroadcastLimiter */
	bool strict;	    /* Option BroadcastLimiterStrictMode */
	uint32_t threshold; /* frames per second; Option BroadcastStormDetectionThreshold */
	uint32_t rng;
	struct storm_entry e[STORM_KEYS];
	struct storm_entry all; /* every flooded frame of the session */
};

/* threshold 0 means STORM_THRESHOLD_DEFAULT. */
void storm_init(struct storm *s, uint32_t threshold, bool strict, bool disabled);
/* Counts one flooded frame; true when it must be dropped.  O(STORM_KEYS). */
bool storm_check(struct storm *s, const struct storm_key *k, uint64_t now_ms);

#endif
