/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The MAC table of one virtual hub: (MAC, VLAN) -> port, learned from source
 * addresses, aged out after aging_ms without traffic, bounded hub-wide and per
 * port.  A port is whatever the caller embeds a struct sw_port in (a session).
 * Not locked: the hub's lock covers every call.  Lookups are O(1) on average;
 * forgetting a port is O(table).
 */
#ifndef VPN_MACTABLE_H
#define VPN_MACTABLE_H

#include <stdint.h>

#define SW_AGING_MS_DEFAULT 600000 /* SoftEther's MAC_TABLE_EXPIRE_TIME */
#define SW_MAX_ENTRIES_DEFAULT 65536
#define SW_AGE_INTERVAL_MS 1000 /* lazy purge at most this often */

struct sw_port {
	uint32_t nmacs;	       /* entries this port owns */
	uint32_t max_macs;     /* 0 = only the hub-wide bound applies */
	uint32_t exclusive_ms; /* CheckMac: never take over an entry fresher than this */
};

#define SW_EXCLUSIVE_MS 13000 /* SoftEther's MAC_TABLE_EXCLUSIVE_TIME */

struct sw_table;

enum sw_learn_result {
	SW_REFRESHED,  /* known on this port */
	SW_LEARNED,    /* new entry */
	SW_MOVED,      /* re-homed from another port */
	SW_TABLE_FULL, /* refused: hub-wide bound reached */
	SW_PORT_LIMIT, /* refused: the port's bound reached */
	SW_EXCLUSIVE,  /* refused: another port refreshed it within our exclusive_ms */
};

struct sw_table *sw_new(uint32_t max_entries, uint32_t aging_ms);
void sw_free(struct sw_table *t);

enum sw_learn_result sw_learn(struct sw_table *t, const uint8_t mac[6], uint16_t vlan,
			      struct sw_port *port, uint64_t now_ms);
/* The live owner of (mac, vlan), or NULL (unknown or aged: the caller floods). */
struct sw_port *sw_lookup(struct sw_table *t, const uint8_t mac[6], uint16_t vlan, uint64_t now_ms);
/* Removes every entry of a port (a session leaving). */
void sw_forget_port(struct sw_table *t, struct sw_port *port);
/* Removes entries not refreshed for aging_ms. */
void sw_age(struct sw_table *t, uint64_t now_ms);
uint32_t sw_count(const struct sw_table *t);

/* Walks live entries (for the admin console and tests); stops when fn returns non-zero. */
typedef int (*sw_walk_fn)(void *ctx, const uint8_t mac[6], uint16_t vlan, struct sw_port *port,
			  uint64_t updated_ms);
void sw_walk(struct sw_table *t, sw_walk_fn fn, void *ctx);

#endif
