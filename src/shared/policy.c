// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The policy table.  Bounds and defaults follow SoftEther's policy_item[] and
 * GetDefaultPolicy(): integer items treat 0 as "unlimited".
 */
#include "policy.h"

#include <stddef.h>
#include <stdio.h>
#include <strings.h>

#define B(n, d)                                                                                    \
	{                                                                                          \
		n, true, 0, 1, d                                                                   \
	}
#define U(n, lo, hi, d)                                                                            \
	{                                                                                          \
		n, false, lo, hi, d                                                                \
	}

const struct policy_desc policy_items[POL_COUNT] = {
    [POL_ACCESS] = B("Access", 1),
    [POL_DHCP_FILTER] = B("DHCPFilter", 0),
    [POL_DHCP_NO_SERVER] = B("DHCPNoServer", 0),
    [POL_DHCP_FORCE] = B("DHCPForce", 0),
    [POL_NO_BRIDGE] = B("NoBridge", 0),
    [POL_NO_ROUTING] = B("NoRouting", 0),
    [POL_CHECK_MAC] = B("CheckMac", 0),
    [POL_CHECK_IP] = B("CheckIP", 0),
    [POL_ARP_DHCP_ONLY] = B("ArpDhcpOnly", 0),
    [POL_PRIVACY_FILTER] = B("PrivacyFilter", 0),
    [POL_NO_SERVER] = B("NoServer", 0),
    [POL_NO_BROADCAST_LIMITER] = B("NoBroadcastLimiter", 0),
    [POL_MONITOR_PORT] = B("MonitorPort", 0),
    [POL_MAX_CONNECTION] = U("MaxConnection", 1, 32, 32),
    [POL_TIMEOUT] = U("TimeOut", 0, 60, 20),
    [POL_MAX_MAC] = U("MaxMac", 0, 65535, 0),
    [POL_MAX_IP] = U("MaxIP", 0, 65535, 0),
    [POL_MAX_UPLOAD] = U("MaxUpload", 0, UINT32_MAX, 0),
    [POL_MAX_DOWNLOAD] = U("MaxDownload", 0, UINT32_MAX, 0),
    [POL_FIX_PASSWORD] = B("FixPassword", 0),
    [POL_MULTI_LOGINS] = U("MultiLogins", 0, 65535, 0),
    [POL_NO_QOS] = B("NoQoS", 0),
    [POL_RS_AND_RA_FILTER] = B("RSandRAFilter", 0),
    [POL_RA_FILTER] = B("RAFilter", 0),
    [POL_DHCPV6_FILTER] = B("DHCPv6Filter", 0),
    [POL_DHCPV6_NO_SERVER] = B("DHCPv6NoServer", 0),
    [POL_NO_ROUTING_V6] = B("NoRoutingV6", 0),
    [POL_CHECK_IPV6] = B("CheckIPv6", 0),
    [POL_NO_SERVER_V6] = B("NoServerV6", 0),
    [POL_MAX_IPV6] = U("MaxIPv6", 0, 65535, 0),
    [POL_NO_SAVE_PASSWORD] = B("NoSavePassword", 0),
    [POL_AUTO_DISCONNECT] = U("AutoDisconnect", 0, UINT32_MAX, 0),
    [POL_FILTER_IPV4] = B("FilterIPv4", 0),
    [POL_FILTER_IPV6] = B("FilterIPv6", 0),
    [POL_FILTER_NON_IP] = B("FilterNonIP", 0),
    [POL_NO_IPV6_DEFAULT_ROUTER_IN_RA] = B("NoIPv6DefaultRouterInRA", 0),
    [POL_NO_IPV6_DEFAULT_ROUTER_IN_RA_WHEN_IPV6] = B("NoIPv6DefaultRouterInRAWhenIPv6", 0),
    [POL_VLAN_ID] = U("VLanId", 0, 4095, 0),
};

void policy_defaults(struct policy *p)
{
	for (int i = 0; i < POL_COUNT; i++)
		p->v[i] = policy_items[i].def;
}

/*
 * vpnhub's deviation from SoftEther (docs/firewall.md): a user without a policy
 * may not take over another session's MAC or IP address (ARP and NDP included)
 * nor act as a router (RA) or DHCP server.
 */
void policy_secure_defaults(struct policy *p)
{
	static const enum policy_item on[] = {POL_CHECK_MAC,	  POL_CHECK_IP,
					      POL_CHECK_IPV6,	  POL_RA_FILTER,
					      POL_DHCP_NO_SERVER, POL_DHCPV6_NO_SERVER};

	for (size_t i = 0; i < sizeof(on) / sizeof(on[0]); i++)
		p->v[on[i]] = 1;
}

int policy_find(const char *name)
{
	for (int i = 0; i < POL_COUNT; i++)
		if (strcasecmp(policy_items[i].name, name) == 0)
			return i;
	return -1;
}

int policy_set(struct policy *p, int item, uint32_t value, char *err, size_t errlen)
{
	const struct policy_desc *d = &policy_items[item];

	if (d->is_bool)
		value = value != 0;
	/* SoftEther reads MaxConnection 0 as the default */
	if (item == POL_MAX_CONNECTION && value == 0)
		value = d->def;
	if (value < d->min || value > d->max) {
		snprintf(err, errlen, "policy %s: %u is outside %u..%u", d->name, value, d->min,
			 d->max);
		return -1;
	}
	p->v[item] = value;
	return 0;
}

void policy_resolve(const struct policy *user, const struct policy *group, struct policy *out)
{
	if (user)
		*out = *user;
	else if (group)
		*out = *group;
	else
		policy_defaults(out);
}
