/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Link settings of a network interface through the classic SIOCSIF* ioctls
 * (no netlink library): MAC address, MTU, link up.  Shared by the client's
 * virtual card and the hub's TAP bridge ports.  Needs CAP_NET_ADMIN in the
 * interface's network namespace.
 */
#ifndef VPN_NETIF_LINK_H
#define VPN_NETIF_LINK_H

#include <net/if.h>
#include <stddef.h>
#include <stdint.h>

/* One ioctl on a throw-away socket of family; 0, or -1 with "ifname: cannot what: why". */
int netif_ioctl(int family, unsigned long req, void *arg, const char *what, const char *ifname,
		char *err, size_t errlen);
/* A zeroed ifreq naming ifname. */
void netif_ifreq(struct ifreq *ifr, const char *ifname);

int netif_set_mac(const char *ifname, const uint8_t mac[6], char *err, size_t errlen);
int netif_set_mtu(const char *ifname, uint32_t mtu, char *err, size_t errlen);
int netif_set_up(const char *ifname, char *err, size_t errlen);

#endif
