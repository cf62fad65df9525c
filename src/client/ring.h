/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * User space's side of the vpnlan rings (kmod/vpnlan_abi.h): a producer
 * for daemon -> stack and a consumer for stack -> daemon.  The peer (the
 * kernel, or a test thread) is not trusted: an impossible index or
 * descriptor marks the ring broken and every later call fails.
 */
#ifndef VPN_RING_H
#define VPN_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "vpnlan_abi.h"

struct ring {
	uint32_t *prod, *prod_flags, *cons, *cons_flags;
	struct vpnlan_desc *desc;
	uint8_t *data;
	uint32_t nslots, slot_size, mask;
	uint32_t own;  /* our index: prod when producing, cons when consuming */
	uint32_t peer; /* the peer's index as last read and checked */
	bool flagged;  /* our NEED_WAKEUP / NEED_SPACE flag is set */
	bool broken;
};

/* Binds r to one ring of a map_size-byte mapping; -1 if it does not fit. */
int ring_attach(struct ring *r, void *base, size_t map_size, const struct vpnlan_ring_offsets *o,
		uint32_t nslots, uint32_t slot_size);

/* Producer: copies [hdr][frame] in without publishing; 1 done, 0 no room, -1 bad. */
int ring_put(struct ring *r, const uint8_t *hdr, size_t hlen, const uint8_t *frame, size_t len);
/* Producer: publishes what ring_put wrote; true when the consumer must be woken. */
bool ring_publish(struct ring *r);
/* Producer, ring full: asks for a signal; false when room appeared meanwhile. */
bool ring_wait_space(struct ring *r, size_t unit_len);

/* Consumer: copies the next frame out; bytes, 0 when empty, -1 when the producer broke a rule. */
ssize_t ring_get(struct ring *r, uint8_t *buf, size_t cap);
/* Consumer: returns consumed slots; true when the producer waits for space. */
bool ring_release(struct ring *r);
/* Consumer, ring empty: asks for a signal; false when frames arrived meanwhile. */
bool ring_sleep(struct ring *r);

#endif
