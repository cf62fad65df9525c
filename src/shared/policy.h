/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SoftEther's 38 security policy items (softether-notes 2.2): their names,
 * types, bounds and defaults, and resolution as SoftEther does it: the user's
 * Policy folder if it has one, else its group's, else the defaults; no
 * per-item merge.  Enforcement lives with the firewall (a later issue); this
 * module stores and resolves them; the login checks Access, and MaxMac and
 * NoBridge bound the MAC addresses a session may own.
 */
#ifndef VPN_POLICY_H
#define VPN_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum policy_item {
	POL_ACCESS,
	POL_DHCP_FILTER,
	POL_DHCP_NO_SERVER,
	POL_DHCP_FORCE,
	POL_NO_BRIDGE,
	POL_NO_ROUTING,
	POL_CHECK_MAC,
	POL_CHECK_IP,
	POL_ARP_DHCP_ONLY,
	POL_PRIVACY_FILTER,
	POL_NO_SERVER,
	POL_NO_BROADCAST_LIMITER,
	POL_MONITOR_PORT,
	POL_MAX_CONNECTION,
	POL_TIMEOUT,
	POL_MAX_MAC,
	POL_MAX_IP,
	POL_MAX_UPLOAD,
	POL_MAX_DOWNLOAD,
	POL_FIX_PASSWORD,
	POL_MULTI_LOGINS,
	POL_NO_QOS,
	POL_RS_AND_RA_FILTER,
	POL_RA_FILTER,
	POL_DHCPV6_FILTER,
	POL_DHCPV6_NO_SERVER,
	POL_NO_ROUTING_V6,
	POL_CHECK_IPV6,
	POL_NO_SERVER_V6,
	POL_MAX_IPV6,
	POL_NO_SAVE_PASSWORD,
	POL_AUTO_DISCONNECT,
	POL_FILTER_IPV4,
	POL_FILTER_IPV6,
	POL_FILTER_NON_IP,
	POL_NO_IPV6_DEFAULT_ROUTER_IN_RA,
	POL_NO_IPV6_DEFAULT_ROUTER_IN_RA_WHEN_IPV6,
	POL_VLAN_ID,
	POL_COUNT
};

struct policy {
	uint32_t v[POL_COUNT]; /* bools are 0/1 */
};

struct policy_desc {
	const char *name; /* SoftEther's item name */
	bool is_bool;
	uint32_t min, max, def;
};

extern const struct policy_desc policy_items[POL_COUNT];

void policy_defaults(struct policy *p);
/* Turns on the impersonation guards vpnhub applies to users without a policy. */
void policy_secure_defaults(struct policy *p);
/* Item index by name (ASCII case-insensitive), or -1. */
int policy_find(const char *name);
/* Sets one item, checking its bounds; 0, or -1 with a message. */
int policy_set(struct policy *p, int item, uint32_t value, char *err, size_t errlen);

/* The effective policy: user's if present, else group's, else defaults. */
void policy_resolve(const struct policy *user, const struct policy *group, struct policy *out);

#endif
