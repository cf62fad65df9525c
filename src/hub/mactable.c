// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * MAC learning table: chained hash of (MAC, VLAN) entries with lazy aging.
 * Unlike SoftEther, an aged entry stops attracting unicast even before it is
 * purged: flooding to everyone beats delivering to a port the host has left.
 */
#include "mactable.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct sw_entry {
	struct sw_entry *next;
	uint8_t mac[6];
	uint16_t vlan;
	struct sw_port *port;
	uint64_t updated_ms;
};

struct sw_table {
	struct sw_entry **bucket;
	uint32_t nbuckets; /* power of two */
	uint32_t count, max_entries, aging_ms;
	uint64_t last_age_ms;
};

struct sw_table *sw_new(uint32_t max_entries, uint32_t aging_ms)
{
	struct sw_table *t = calloc(1, sizeof(*t));
	uint32_t n = 256;

	if (!t)
		return NULL;
	while (n < max_entries / 2 && n < (1u << 20))
		n <<= 1;
	t->bucket = calloc(n, sizeof(*t->bucket));
	if (!t->bucket) {
		free(t);
		return NULL;
	}
	t->nbuckets = n;
	t->max_entries = max_entries;
	t->aging_ms = aging_ms;
	return t;
}

void sw_free(struct sw_table *t)
{
	if (!t)
		return;
	for (uint32_t i = 0; i < t->nbuckets; i++) {
		struct sw_entry *e = t->bucket[i], *next;

		for (; e; e = next) {
			next = e->next;
			free(e);
		}
	}
	free(t->bucket);
	free(t);
}

static uint32_t hash(const uint8_t mac[6], uint16_t vlan)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (int i = 0; i < 6; i++)
		h = (h ^ mac[i]) * 16777619u;
	h = (h ^ (vlan & 0xff)) * 16777619u;
	return (h ^ (uint32_t)(vlan >> 8)) * 16777619u;
}

static struct sw_entry **find(struct sw_table *t, const uint8_t mac[6], uint16_t vlan)
{
	struct sw_entry **pp = &t->bucket[hash(mac, vlan) & (t->nbuckets - 1)];

	for (; *pp; pp = &(*pp)->next)
		if ((*pp)->vlan == vlan && memcmp((*pp)->mac, mac, 6) == 0)
			return pp;
	return pp;
}

/*
 * Each session thread passes its own clock reading, taken before it waited
 * for the hub lock: an entry refreshed by another thread may be "newer than
 * now", which is live, not 2^64 ms old.
 */
static bool is_live(const struct sw_table *t, const struct sw_entry *e, uint64_t now_ms)
{
	return now_ms <= e->updated_ms || now_ms - e->updated_ms < t->aging_ms;
}

static void unlink_entry(struct sw_table *t, struct sw_entry **pp)
{
	struct sw_entry *e = *pp;

	*pp = e->next;
	e->port->nmacs--;
	t->count--;
	free(e);
}

enum sw_learn_result sw_learn(struct sw_table *t, const uint8_t mac[6], uint16_t vlan,
			      struct sw_port *port, uint64_t now_ms)
{
	struct sw_entry **pp = find(t, mac, vlan), *e = *pp;

	if (e && e->port == port) {
		e->updated_ms = now_ms;
		return SW_REFRESHED;
	}
	if (e && port->exclusive_ms && now_ms - e->updated_ms < port->exclusive_ms)
		return SW_EXCLUSIVE;
	if (port->max_macs && port->nmacs >= port->max_macs)
		return SW_PORT_LIMIT;
	if (e) {
		e->port->nmacs--;
		e->port = port;
		e->updated_ms = now_ms;
		port->nmacs++;
		return SW_MOVED;
	}
	if (t->count >= t->max_entries && now_ms - t->last_age_ms >= SW_AGE_INTERVAL_MS) {
		sw_age(t, now_ms);
		pp = find(t, mac, vlan);
	}
	if (t->count >= t->max_entries)
		return SW_TABLE_FULL;
	e = malloc(sizeof(*e));
	if (!e)
		return SW_TABLE_FULL;
	memcpy(e->mac, mac, 6);
	e->vlan = vlan;
	e->port = port;
	e->updated_ms = now_ms;
	e->next = NULL;
	*pp = e;
	port->nmacs++;
	t->count++;
	return SW_LEARNED;
}

struct sw_port *sw_lookup(struct sw_table *t, const uint8_t mac[6], uint16_t vlan, uint64_t now_ms)
{
	struct sw_entry *e = *find(t, mac, vlan);

	return e && is_live(t, e, now_ms) ? e->port : NULL;
}

void sw_forget_port(struct sw_table *t, struct sw_port *port)
{
	for (uint32_t i = 0; i < t->nbuckets && port->nmacs > 0; i++) {
		struct sw_entry **pp = &t->bucket[i];

		while (*pp) {
			if ((*pp)->port == port)
				unlink_entry(t, pp);
			else
				pp = &(*pp)->next;
		}
	}
}

void sw_age(struct sw_table *t, uint64_t now_ms)
{
	t->last_age_ms = now_ms;
	for (uint32_t i = 0; i < t->nbuckets; i++) {
		struct sw_entry **pp = &t->bucket[i];

		while (*pp) {
			if (!is_live(t, *pp, now_ms))
				unlink_entry(t, pp);
			else
				pp = &(*pp)->next;
		}
	}
}

uint32_t sw_count(const struct sw_table *t)
{
	return t->count;
}

void sw_walk(struct sw_table *t, sw_walk_fn fn, void *ctx)
{
	for (uint32_t i = 0; i < t->nbuckets; i++)
		for (struct sw_entry *e = t->bucket[i]; e; e = e->next)
			if (fn(ctx, e->mac, e->vlan, e->port, e->updated_ms))
				return;
}
