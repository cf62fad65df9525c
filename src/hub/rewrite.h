/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Frame rewriting for access ports and RA editing; each returns a new pkt (one
 * reference) or NULL when out of memory or not applicable.
 */
#ifndef VPN_REWRITE_H
#define VPN_REWRITE_H

#include <stdbool.h>
#include <stdint.h>

#include "packet.h"
#include "pkt.h"

/* p with an 802.1Q tag (tpid, or 0x8100 when 0) carrying vlan_id after the MAC addresses. */
struct pkt *rewrite_vlan_insert(const struct pkt *p, uint16_t vlan_id, uint16_t tpid);
/*
 * A copy of p (parsed as pi) with its 802.1Q tag removed (untag, when it has
 * one) and an RA's router lifetime zeroed (zero_ra, when it has one).
 */
struct pkt *rewrite_copy(const struct pkt *p, const struct pkt_info *pi, bool untag, bool zero_ra);

#endif
