/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The IP table of one virtual hub (softether-notes 3.4): which session uses
 * which IPv4 and IPv6 address, learned from source addresses and DHCP ACK
 * snooping, bounded hub-wide and per session.  It backs the policies CheckIP,
 * CheckIPv6, MaxIP, MaxIPv6, NoRouting, NoRoutingV6 and DHCPForce.  Not
 * locked: the hub's lock covers every call, as for the MAC table.
 */
#ifndef VPN_IPTABLE_H
#define VPN_IPTABLE_H

#include <stdbool.h>
#include <stdint.h>

#define IPT_MAX_ENTRIES 65536	  /* SoftEther's MAX_IP_TABLES */
#define IPT_EXPIRE_MS 60000	  /* IP_TABLE_EXPIRE_TIME */
#define IPT_EXPIRE_DHCP_MS 300000 /* IP_TABLE_EXPIRE_TIME_DHCP */
#define IPT_EXCLUSIVE_MS 13000	  /* IP_TABLE_EXCLUSIVE_TIME */

/* What a session embeds: its address counts and bounds (0 = unbounded). */
struct ipt_port {
	uint32_t n4, n6;
	uint32_t max4, max6;
	bool exclusive4, exclusive6; /* CheckIP, CheckIPv6 */
};

enum ipt_result {
	IPT_OK,		/* refreshed, learned or moved */
	IPT_LIMIT,	/* the session already has its maximum of addresses */
	IPT_EXCLUSIVE,	/* another session used it within IPT_EXCLUSIVE_MS */
	IPT_TABLE_FULL, /* not tracked; the frame may pass */
};

struct ipt_table;

struct ipt_table *ipt_new(void);
void ipt_free(struct ipt_table *t);

/* A frame from port used ip (4 or 16 bytes as v6 says). */
enum ipt_result ipt_learn(struct ipt_table *t, const uint8_t *ip, bool v6, struct ipt_port *port,
			  uint64_t now_ms);
/* DHCP ACK snooping: ip was assigned to port by a DHCP server. */
void ipt_learn_dhcp(struct ipt_table *t, const uint8_t ip[4], struct ipt_port *port,
		    uint64_t now_ms);
/* DHCPForce: whether port holds ip by a DHCP assignment that has not expired. */
bool ipt_is_dhcp_owner(struct ipt_table *t, const uint8_t ip[4], const struct ipt_port *port,
		       uint64_t now_ms);
/* Removes every entry of a port (a session leaving). */
void ipt_forget_port(struct ipt_table *t, struct ipt_port *port);
uint32_t ipt_count(const struct ipt_table *t);

typedef int (*ipt_walk_fn)(void *ctx, const uint8_t *ip, bool v6, struct ipt_port *port, bool dhcp,
			   uint64_t updated_ms);
/* Walks live entries (admin console); stops when fn returns non-zero. */
void ipt_walk(struct ipt_table *t, uint64_t now_ms, ipt_walk_fn fn, void *ctx);

/* Whether the hub manages this address (ManageOnlyPrivateIP and its IPv6 twin). */
bool ipt_manageable(const uint8_t *ip, bool v6, bool only_private);

#endif
