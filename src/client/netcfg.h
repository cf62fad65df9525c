/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The profile's network-setup keys (vpnclient.conf(5)): "address = dhcp",
 * "dhcp6" or "slaac", "route = PREFIX [via GW]", "dns", "dns_search", "resolver" and the
 * "up"/"down" hooks, parsed and bounded here; netsetup.c applies them.
 */
#ifndef VPN_NETCFG_H
#define VPN_NETCFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NETCFG_ROUTE_MAX 32
#define NETCFG_DNS_MAX 3 /* what resolv.conf(5) uses */
#define NETCFG_SEARCH_MAX 6
#define NETCFG_DOMAIN_MAX 253
#define NETCFG_HOOK_MAX 8
#define NETCFG_HOOK_LEN 1024
#define NETCFG_OTHER 1 /* netcfg_item(): not a network-setup key */

enum netcfg_resolver {
	RESOLVER_AUTO,	     /* systemd-resolved, else resolvconf, else refuse */
	RESOLVER_RESOLVED,   /* resolvectl */
	RESOLVER_RESOLVCONF, /* resolvconf -a / -d */
	RESOLVER_FILE,	     /* /etc/resolv.conf edited in place, restored after */
};

struct netcfg_ip {
	int family; /* AF_INET or AF_INET6 */
	uint8_t addr[16];
};

struct netcfg_route {
	struct netcfg_ip dst;
	uint8_t prefix;
	bool has_via;
	struct netcfg_ip via;
};

struct netcfg {
	bool dhcp4; /* address = dhcp */
	bool dhcp6; /* address = dhcp6: stateful DHCPv6 */
	bool slaac; /* address = slaac: the kernel's router advertisement handling */
	struct netcfg_route route[NETCFG_ROUTE_MAX];
	size_t nroute;
	struct netcfg_ip dns[NETCFG_DNS_MAX];
	size_t ndns;
	char search[NETCFG_SEARCH_MAX][NETCFG_DOMAIN_MAX + 1];
	size_t nsearch;
	enum netcfg_resolver resolver;
	bool resolver_set;
	char up[NETCFG_HOOK_MAX][NETCFG_HOOK_LEN + 1];
	size_t nup;
	char down[NETCFG_HOOK_MAX][NETCFG_HOOK_LEN + 1];
	size_t ndown;
};

/*
 * Parses one profile item if it is a network-setup key (or "address" with
 * the value dhcp or slaac): 0, -1 with a message, or NETCFG_OTHER.
 */
int netcfg_item(struct netcfg *n, const char *key, const char *v, char *err, size_t errlen);
/* True when applying the setup needs root (a DHCP client, DNS, routes, hooks). */
bool netcfg_needs_root(const struct netcfg *n);
/* "PREFIX [via GW]" or "default[6] [via GW]"; 0 or -1 with a message. */
int netcfg_parse_route(const char *key, const char *v, struct netcfg_route *r, char *err,
		       size_t errlen);
/* A DNS name of letters, digits, '-' and '_' labels (1-63) joined by dots; one final dot ok. */
bool netcfg_domain_ok(const char *s);
/* Text of an address (buf of at least 46 bytes); returns buf. */
const char *netcfg_ip_str(const struct netcfg_ip *ip, char *buf, size_t len);
/* "PREFIX/LEN[ via GW]" into buf; returns buf. */
const char *netcfg_route_str(const struct netcfg_route *r, char *buf, size_t len);
/* True when r's prefix holds addr (same family). */
bool netcfg_route_covers(const struct netcfg_route *r, const struct netcfg_ip *addr);

#endif
