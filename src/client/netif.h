/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Interface configuration by ioctl: link up, MTU, MAC and static addresses.
 * Needs CAP_NET_ADMIN in the interface's network namespace.
 */
#ifndef VPN_NETIF_H
#define VPN_NETIF_H

#include <stddef.h>
#include <stdint.h>

#include "profile.h"

int netif_set_mac(const char *ifname, const uint8_t mac[6], char *err, size_t errlen);
int netif_set_mtu(const char *ifname, uint32_t mtu, char *err, size_t errlen);
int netif_set_up(const char *ifname, char *err, size_t errlen);
/* Adds one address; v4_index counts the IPv4 addresses added before this one. */
int netif_add_addr(const char *ifname, const struct profile_addr *a, unsigned int v4_index,
		   char *err, size_t errlen);

#endif
