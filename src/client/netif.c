// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Interface settings through the classic SIOCSIF* ioctls (IPv6 addresses
 * through struct in6_ifreq), which need no netlink library.
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

static int do_ioctl(int family, unsigned long req, void *arg, const char *what, const char *ifname,
		    char *err, size_t errlen)
{
	int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int rc;

	if (fd < 0) {
		snprintf(err, errlen, "%s: socket: %s", ifname, strerror(errno));
		return -1;
	}
	rc = ioctl(fd, req, arg);
	if (rc != 0)
		snprintf(err, errlen, "%s: cannot %s: %s", ifname, what, strerror(errno));
	close(fd);
	return rc;
}

static void ifr_init(struct ifreq *ifr, const char *ifname)
{
	memset(ifr, 0, sizeof(*ifr));
	snprintf(ifr->ifr_name, IFNAMSIZ, "%s", ifname);
}

int netif_set_mac(const char *ifname, const uint8_t mac[6], char *err, size_t errlen)
{
	struct ifreq ifr;

	ifr_init(&ifr, ifname);
	ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
	memcpy(ifr.ifr_hwaddr.sa_data, mac, 6);
	return do_ioctl(AF_INET, SIOCSIFHWADDR, &ifr, "set MAC address", ifname, err, errlen);
}

int netif_set_mtu(const char *ifname, uint32_t mtu, char *err, size_t errlen)
{
	struct ifreq ifr;

	ifr_init(&ifr, ifname);
	ifr.ifr_mtu = (int)mtu;
	return do_ioctl(AF_INET, SIOCSIFMTU, &ifr, "set MTU", ifname, err, errlen);
}

int netif_set_up(const char *ifname, char *err, size_t errlen)
{
	struct ifreq ifr;

	ifr_init(&ifr, ifname);
	if (do_ioctl(AF_INET, SIOCGIFFLAGS, &ifr, "read flags", ifname, err, errlen) != 0)
		return -1;
	ifr.ifr_flags |= IFF_UP;
	return do_ioctl(AF_INET, SIOCSIFFLAGS, &ifr, "bring the link up", ifname, err, errlen);
}

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
	ifr_init(&ifr, ifname);
	sin->sin_family = AF_INET;
	memcpy(&sin->sin_addr, a->addr, 4);
	if (do_ioctl(AF_INET, SIOCSIFADDR, &ifr, "set IPv4 address", ifname, err, errlen) != 0)
		return -1;
	ifr_init(&ifr, ifname);
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = mask;
	return do_ioctl(AF_INET, SIOCSIFNETMASK, &ifr, "set IPv4 netmask", ifname, err, errlen);
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
	return do_ioctl(AF_INET6, SIOCSIFADDR, &r, "add IPv6 address", ifname, err, errlen);
}

int netif_add_addr(const char *ifname, const struct profile_addr *a, unsigned int v4_index,
		   char *err, size_t errlen)
{
	return a->family == AF_INET ? add_addr4(ifname, a, v4_index, err, errlen)
				    : add_addr6(ifname, a, err, errlen);
}
