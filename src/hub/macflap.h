/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MAC addresses moving between sessions, in the logs once per episode: the
 * first move of an address is logged as it happens; the moves after it,
 * each within FW_EPISODE_GAP_MS of the last, are counted with the sessions
 * they went to, and summed up in one line when the address has settled (no
 * move for that long) or once a minute while it keeps
 * flapping.  A fixed table per hub, under hub->lock; a move finding no free
 * slot pushes out the stalest address, whose summary is written first.
 */
#ifndef VPN_MACFLAP_H
#define VPN_MACFLAP_H

#include <stdbool.h>
#include <stdint.h>

#include "proto.h"

#define MACFLAP_SLOTS 16
#define MACFLAP_INTERVAL_MS 60000 /* a summary at least this often while it goes on */

struct hublog;
struct session;

struct macflap_entry {
	bool used;
	uint8_t mac[6];
	uint16_t vlan;
	uint64_t moves; /* since the last line about it */
	uint64_t total; /* in this episode, the first included */
	uint64_t reported_ms, last_ms;
	uint32_t ids[2]; /* the sessions it went to since the last line (two kept) */
	char users[2][PROTO_NAME_MAX + 1];
	unsigned nids;
	bool more_ids;	  /* and to others */
	uint32_t last_id; /* where it is now */
};

struct macflap {
	struct macflap_entry e[MACFLAP_SLOTS];
};

/*
 * A move of (mac, vlan) to session `to` in the hub named hub (its security
 * log hl): true when it starts an episode, which the caller logs in full.
 */
bool macflap_moved(struct macflap *f, const char *hub, struct hublog *hl, const uint8_t mac[6],
		   uint16_t vlan, const struct session *to, uint64_t now_ms);
/* The summaries that are due (the accept thread, about twice a second). */
void macflap_report(struct macflap *f, const char *hub, struct hublog *hl, uint64_t now_ms);

#endif
