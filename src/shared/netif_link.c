// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Link settings through SIOCSIF* ioctls (see netif_link.h).
 */
#include "netif_link.h"

#include <errno.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

int netif_ioctl(int family, unsigned long req, void *arg, const char *what, const char *ifname,
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

void netif_ifreq(struct ifreq *ifr, const char *ifname)
{
	memset(ifr, 0, sizeof(*ifr));
	snprintf(ifr->ifr_name, IFNAMSIZ, "%s", ifname);
}

int netif_set_mac(const char *ifname, const uint8_t mac[6], char *err, size_t errlen)
{
	struct ifreq ifr;

	netif_ifreq(&ifr, ifname);
	ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
	memcpy(ifr.ifr_hwaddr.sa_data, mac, 6);
	return netif_ioctl(AF_INET, SIOCSIFHWADDR, &ifr, "set MAC address", ifname, err, errlen);
}

int netif_set_mtu(const char *ifname, uint32_t mtu, char *err, size_t errlen)
{
	struct ifreq ifr;

	netif_ifreq(&ifr, ifname);
	ifr.ifr_mtu = (int)mtu;
	return netif_ioctl(AF_INET, SIOCSIFMTU, &ifr, "set MTU", ifname, err, errlen);
}

int netif_set_up(const char *ifname, char *err, size_t errlen)
{
	struct ifreq ifr;

	netif_ifreq(&ifr, ifname);
	if (netif_ioctl(AF_INET, SIOCGIFFLAGS, &ifr, "read flags", ifname, err, errlen) != 0)
		return -1;
	ifr.ifr_flags |= IFF_UP;
	return netif_ioctl(AF_INET, SIOCSIFFLAGS, &ifr, "bring the link up", ifname, err, errlen);
}
