// SPDX-License-Identifier: GPL-2.0-or-later
/* MAC moves between sessions, one log line per address and episode (macflap.h). */
#include "macflap.h"

#include <stdio.h>
#include <string.h>

#include "firewall.h"
#include "hublog.h"
#include "log.h"
#include "session.h"

static void note_session(struct macflap_entry *e, const struct session *to)
{
	e->last_id = to->id;
	for (unsigned i = 0; i < e->nids; i++)
		if (e->ids[i] == to->id)
			return;
	if (e->nids == 2) {
		e->more_ids = true;
		return;
	}
	e->ids[e->nids] = to->id;
	snprintf(e->users[e->nids++], sizeof(e->users[0]), "%s", to->user);
}

/* The line about e's moves since the last one; ended: it has settled. */
static void summary(struct macflap_entry *e, const char *hub, struct hublog *hl, uint64_t now_ms,
		    bool ended)
{
	char with[2 * (PROTO_NAME_MAX + 24)] = "", text[sizeof(with) + 256];
	unsigned long long secs = ((ended ? e->last_ms : now_ms) - e->reported_ms + 999) / 1000;
	size_t n = 0;

	for (unsigned i = 0; i < e->nids; i++)
		n += (size_t)snprintf(with + n, sizeof(with) - n, "%s%u (%s)", i ? ", " : "",
				      e->ids[i], e->users[i]);
	if (e->moves) {
		snprintf(text, sizeof(text),
			 "MAC %02X-%02X-%02X-%02X-%02X-%02X (VLAN %u) moved %llu more times in "
			 "%llu s, to sessions %s%s; %llu moves in this episode, %s session %u",
			 e->mac[0], e->mac[1], e->mac[2], e->mac[3], e->mac[4], e->mac[5], e->vlan,
			 (unsigned long long)e->moves, secs, with, e->more_ids ? " and others" : "",
			 (unsigned long long)e->total, ended ? "which has ended on" : "now on",
			 e->last_id);
		log_info("security: hub %s: %s", hub, text);
		hublog_security(hl, "%s", text);
	}
	e->moves = 0;
	e->nids = 0;
	e->more_ids = false;
	e->reported_ms = now_ms;
	if (ended)
		e->used = false;
}

/* (mac, vlan)'s entry, or a free one, or the stalest after its summary. */
static struct macflap_entry *find(struct macflap *f, const char *hub, struct hublog *hl,
				  const uint8_t mac[6], uint16_t vlan, uint64_t now_ms)
{
	struct macflap_entry *victim = NULL;

	for (size_t i = 0; i < MACFLAP_SLOTS; i++) {
		struct macflap_entry *e = &f->e[i];

		if (e->used && e->vlan == vlan && memcmp(e->mac, mac, 6) == 0)
			return e;
		if (!victim || (victim->used && (!e->used || e->last_ms < victim->last_ms)))
			victim = e;
	}
	if (victim->used)
		summary(victim, hub, hl, now_ms, true);
	return victim;
}

bool macflap_moved(struct macflap *f, const char *hub, struct hublog *hl, const uint8_t mac[6],
		   uint16_t vlan, const struct session *to, uint64_t now_ms)
{
	struct macflap_entry *e = find(f, hub, hl, mac, vlan, now_ms);
	bool first = !e->used || now_ms - e->last_ms >= FW_EPISODE_GAP_MS;

	if (first) {
		if (e->used)
			summary(e, hub, hl, now_ms, true);
		memset(e, 0, sizeof(*e));
		e->used = true;
		memcpy(e->mac, mac, 6);
		e->vlan = vlan;
		e->reported_ms = now_ms;
		e->last_id = to->id;
	} else {
		e->moves++;
		note_session(e, to);
	}
	e->total++;
	e->last_ms = now_ms;
	return first;
}

void macflap_report(struct macflap *f, const char *hub, struct hublog *hl, uint64_t now_ms)
{
	for (size_t i = 0; i < MACFLAP_SLOTS; i++) {
		struct macflap_entry *e = &f->e[i];

		if (!e->used)
			continue;
		if (now_ms - e->last_ms >= FW_EPISODE_GAP_MS)
			summary(e, hub, hl, now_ms, true);
		else if (e->moves && now_ms - e->reported_ms >= MACFLAP_INTERVAL_MS)
			summary(e, hub, hl, now_ms, false);
	}
}
