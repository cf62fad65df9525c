/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * DNS servers and search domains handed to the system's resolver manager:
 * systemd-resolved (resolvectl, per interface), resolvconf (an
 * "IFNAME.vpnclient" record), or, only when the profile says so, the file
 * /etc/resolv.conf itself, edited in place (it may be a bind mount, as
 * "ip netns exec" makes it) and restored from a saved copy.
 */
#ifndef VPN_RESOLVER_H
#define VPN_RESOLVER_H

#include <stddef.h>

#include "netcfg.h"

#define RESOLV_CONF_PATH "/etc/resolv.conf"

struct resolver_set {
	struct netcfg_ip dns[2 * NETCFG_DNS_MAX];
	size_t ndns;
	char search[2 * NETCFG_SEARCH_MAX][NETCFG_DOMAIN_MAX + 1];
	size_t nsearch;
};

/* Resolves RESOLVER_AUTO to what this system has; 0, or -1 with a message. */
int resolver_pick(enum netcfg_resolver want, enum netcfg_resolver *got, char *err, size_t errlen);
const char *resolver_name(enum netcfg_resolver r);
/* Parses "resolved", "resolvconf" or "file" (state files); -1 if none. */
int resolver_parse(const char *s, enum netcfg_resolver *r);
/*
 * Applies d (replacing what this profile applied before).  For the file
 * kind, saved is where the original file is kept until resolver_remove().
 */
int resolver_apply(enum netcfg_resolver r, const char *ifname, const char *profile,
		   const char *saved, const struct resolver_set *d, char *err, size_t errlen);
int resolver_remove(enum netcfg_resolver r, const char *ifname, const char *profile,
		    const char *saved, char *err, size_t errlen);
/*
 * The file kind's new text: a marker line naming the profile, d's servers,
 * one search line (d's domains, then the original's), and the original's
 * other lines.  Returns the length, or -1 if it does not fit out.
 */
int resolver_compose(const char *orig, const char *profile, const struct resolver_set *d, char *out,
		     size_t cap);

#endif
