// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Static addresses through the classic SIOCSIF* ioctls (IPv6 addresses
 * through struct in6_ifreq), which need no netlink library; link settings
 * are in shared/netif_link.c.
 */
#include "netif.h"

#include <errno.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

/* from <linux/ipv6.h>, which clashes with glibc's netinet headers */
struct netif_in6_ifreq {
	struct in6_addr addr;
	/* cppcheck-suppress unusedStructMember ; only the kernel reads it (SIOCSIFADDR) */
	uint32_t prefixlen;
	int ifindex;
};

/*
 * SIOCSIFADDR replaces an interface's IPv4 address, so each further address
 * goes on an alias label ("vpn0:1", "vpn0:2", ...), which adds a secondary one.
 */
static int add_addr4(const char *ifname, const struct profile_addr *a, unsigned int index,
		     char *err, size_t errlen)
{
	struct ifreq ifr;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;
	uint32_t mask = a->prefix ? htonl(~0u << (32 - a->prefix)) : 0;
	char label[64];

	if (index == 0)
		snprintf(label, sizeof(label), "%s", ifname);
	else
		snprintf(label, sizeof(label), "%s:%u", ifname, index);
	if (strlen(label) >= IFNAMSIZ) {
		snprintf(err, errlen, "%s: name too long for an alias label (%s)", ifname, label);
		return -1;
	}
	ifname = label;
	netif_ifreq(&ifr, ifname);
	sin->sin_family = AF_INET;
	memcpy(&sin->sin_addr, a->addr, 4);
	if (netif_ioctl(AF_INET, SIOCSIFADDR, &ifr, "set IPv4 address", ifname, err, errlen) != 0)
		return -1;
	netif_ifreq(&ifr, ifname);
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = mask;
	return netif_ioctl(AF_INET, SIOCSIFNETMASK, &ifr, "set IPv4 netmask", ifname, err, errlen);
}

static int add_addr6(const char *ifname, const struct profile_addr *a, char *err, size_t errlen)
{
	struct netif_in6_ifreq r = {.prefixlen = a->prefix};

	r.ifindex = (int)if_nametoindex(ifname);
	if (r.ifindex == 0) {
		snprintf(err, errlen, "%s: no such interface", ifname);
		return -1;
	}
	memcpy(&r.addr, a->addr, 16);
	return netif_ioctl(AF_INET6, SIOCSIFADDR, &r, "add IPv6 address", ifname, err, errlen);
}

int netif_add_addr(const char *ifname, const struct profile_addr *a, unsigned int v4_index,
		   char *err, size_t errlen)
{
	return a->family == AF_INET ? add_addr4(ifname, a, v4_index, err, errlen)
				    : add_addr6(ifname, a, err, errlen);
}
