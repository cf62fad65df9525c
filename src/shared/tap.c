// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * TAP device creation with virtio headers and offloads (see tap.h).
 */
#include "tap.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#ifndef TUNSETCARRIER
#define TUNSETCARRIER _IOW('T', 226, int)
#endif

static int set_offloads(int fd, const char *name, char *err, size_t errlen)
{
	unsigned int off = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN;

	if (ioctl(fd, TUNSETOFFLOAD, off) != 0) {
		snprintf(err, errlen, "%s: cannot enable offloads: %s", name, strerror(errno));
		return -1;
	}
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	int le = 1;

	/* the wire carries virtio_net_hdr little-endian (virtio 1.0) */
	if (ioctl(fd, TUNSETVNETLE, &le) != 0) {
		snprintf(err, errlen, "%s: cannot set little-endian virtio headers: %s", name,
			 strerror(errno));
		return -1;
	}
#endif
	return 0;
}

int tap_open(const char *name, char out[IFNAMSIZ], char *err, size_t errlen)
{
	struct ifreq ifr;
	int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0) {
		snprintf(err, errlen, "cannot open /dev/net/tun: %s%s", strerror(errno),
			 errno == ENOENT		     ? " (is the tun module available?)"
			 : errno == EACCES || errno == EPERM ? " (needs CAP_NET_ADMIN)"
							     : "");
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) != 0) {
		snprintf(err, errlen, "cannot create TAP device %s: %s%s", name, strerror(errno),
			 errno == EPERM	  ? " (needs CAP_NET_ADMIN)"
			 : errno == EBUSY ? " (the name is in use by another device or process)"
					  : "");
		close(fd);
		return -1;
	}
	snprintf(out, IFNAMSIZ, "%s", ifr.ifr_name);
	if (set_offloads(fd, out, err, errlen) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int tap_disable_offloads(int fd, const char *name, char *err, size_t errlen)
{
	if (ioctl(fd, TUNSETOFFLOAD, 0u) != 0) {
		snprintf(err, errlen, "%s: cannot disable offloads: %s", name, strerror(errno));
		return -1;
	}
	return 0;
}

int tap_set_carrier(int fd, bool up)
{
	int on = up;

	return ioctl(fd, TUNSETCARRIER, &on);
}
