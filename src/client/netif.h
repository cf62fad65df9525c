/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Interface configuration by ioctl: static addresses (link up, MTU and MAC
 * come from shared/netif_link.h).
 * Needs CAP_NET_ADMIN in the interface's network namespace.
 */
#ifndef VPN_NETIF_H
#define VPN_NETIF_H

#include <stddef.h>
#include <stdint.h>

#include "netif_link.h"
#include "profile.h"

/* Adds one address; v4_index counts the IPv4 addresses added before this one. */
int netif_add_addr(const char *ifname, const struct profile_addr *a, unsigned int v4_index,
		   char *err, size_t errlen);

#endif
