// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * TAP backend: IFF_TAP | IFF_NO_PI | IFF_VNET_HDR with TSO/checksum offload,
 * so one read(2) returns a whole TCP super-frame of up to 64 KB and one
 * write(2) delivers one.  Carrier follows the tunnel (TUNSETCARRIER).
 * UDP segmentation offload (Linux 6.2+) stays off until the protocol
 * negotiates it: a peer on an older kernel could not take those frames.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <sys/socket.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>

#include "netif.h"
#include "vif.h"

#ifndef TUNSETCARRIER
#define TUNSETCARRIER _IOW('T', 226, int)
#endif

static int tap_configure(struct vif *v, const struct profile *p, char *err, size_t errlen)
{
	unsigned int off = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN;

	if (ioctl(v->fd, TUNSETOFFLOAD, off) != 0) {
		snprintf(err, errlen, "%s: cannot enable offloads: %s", v->name, strerror(errno));
		return -1;
	}
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	int le = 1;

	/* the wire carries virtio_net_hdr little-endian (virtio 1.0) */
	if (ioctl(v->fd, TUNSETVNETLE, &le) != 0) {
		snprintf(err, errlen, "%s: cannot set little-endian virtio headers: %s", v->name,
			 strerror(errno));
		return -1;
	}
#endif
	return vif_configure(v, p, err, errlen);
}

static int tap_open(struct vif *v, const struct profile *p, char *err, size_t errlen)
{
	struct ifreq ifr;

	v->fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (v->fd < 0) {
		snprintf(err, errlen, "cannot open /dev/net/tun: %s%s", strerror(errno),
			 errno == ENOENT ? " (is the tun module available?)"
			 : errno == EACCES || errno == EPERM
			     ? " (vpnclient needs CAP_NET_ADMIN: run "
			       "it as root)"
			     : "");
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", p->device);
	if (ioctl(v->fd, TUNSETIFF, &ifr) != 0) {
		snprintf(err, errlen, "cannot create TAP device %s: %s%s", p->device,
			 strerror(errno),
			 errno == EPERM	  ? " (vpnclient needs CAP_NET_ADMIN: run it as root)"
			 : errno == EBUSY ? " (the name is in use by another device or process)"
					  : "");
		close(v->fd);
		v->fd = -1;
		return -1;
	}
	snprintf(v->name, sizeof(v->name), "%s", ifr.ifr_name);
	if (tap_configure(v, p, err, errlen) != 0) {
		close(v->fd);
		v->fd = -1;
		return -1;
	}
	return 0;
}

static ssize_t tap_read(struct vif *v, uint8_t *buf, size_t cap)
{
	ssize_t n = read(v->fd, buf, cap);

	if (n >= 0)
		return n;
	return errno == EAGAIN || errno == EINTR ? 0 : -1;
}

static int tap_write(struct vif *v, const uint8_t *hdr, const uint8_t *buf, size_t len)
{
	static const uint8_t zero_hdr[10];
	struct iovec iov[2] = {
	    {.iov_base = (void *)(hdr ? hdr : zero_hdr), .iov_len = sizeof(zero_hdr)},
	    {.iov_base = (void *)buf, .iov_len = len},
	};
	ssize_t n = hdr ? writev(v->fd, iov, 2) : write(v->fd, buf, len);

	/*
	 * A refused frame (queue full, bad offload header from a peer, no
	 * memory) is this frame's loss, never the client's: count it.
	 */
	if (n < 0) {
		v->write_drops++;
		return errno == EBADF ? -1 : 0;
	}
	return 0;
}

static int tap_set_carrier(struct vif *v, bool up)
{
	int on = up;

	return ioctl(v->fd, TUNSETCARRIER, &on);
}

static void tap_close(struct vif *v)
{
	if (v->fd >= 0)
		close(v->fd);
	v->fd = -1;
}

const struct vif_ops vif_tap_ops = {
    .name = "tap",
    .open = tap_open,
    .read = tap_read,
    .write = tap_write,
    .set_carrier = tap_set_carrier,
    .close = tap_close,
};
