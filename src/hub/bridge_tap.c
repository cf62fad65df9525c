// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * TAP-mode bridge ports (bridge_dev.h): the hub's own TAP device, MAC from
 * TapMacAddress, link up, carrier on.  A TAP fd moves one frame (or one GSO
 * super-frame of up to 64 KB) per read(2) or write(2).
 */
#include <errno.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "bridge_dev.h"
#include "netif_link.h"
#include "proto.h"
#include "tap.h"

void bridge_tap_mac(const struct conf_bridge *b, uint8_t mac[6])
{
	uint8_t md[SHA256_DIGEST_LENGTH];

	if (b->has_tap_mac) {
		memcpy(mac, b->tap_mac, 6);
		return;
	}
	/* stable across restarts, so the office DHCP server and ARP caches keep it */
	SHA256((const uint8_t *)b->ifname, strlen(b->ifname), md);
	mac[0] = 0x5e; /* locally administered, unicast: SoftEther's TAP prefix */
	memcpy(mac + 1, md, 5);
}

static int tap_attach(struct bridge_dev *d, const struct conf_bridge *b, char *err, size_t errlen)
{
	uint8_t mac[6];

	if (!d->buf && !(d->buf = malloc(TAP_READ_MAX))) {
		snprintf(err, errlen, "%s: out of memory", b->ifname);
		return -1;
	}
	d->fd = tap_open(b->ifname, d->ifname, err, errlen);
	if (d->fd < 0)
		return -1;
	bridge_tap_mac(b, mac);
	if (netif_set_mac(d->ifname, mac, err, errlen) != 0 ||
	    netif_set_up(d->ifname, err, errlen) != 0 || tap_set_carrier(d->fd, true) != 0) {
		if (!err[0])
			snprintf(err, errlen, "%s: cannot set carrier: %s", d->ifname,
				 strerror(errno));
		close(d->fd);
		d->fd = -1;
		return -1;
	}
	d->ifindex = (int)if_nametoindex(d->ifname);
	return 0;
}

static int tap_rx(struct bridge_dev *d, struct pkt **out, unsigned max, size_t budget)
{
	unsigned n = 0;
	size_t bytes = 0;

	while (n < max && bytes < budget) {
		ssize_t len = read(d->fd, d->buf, TAP_READ_MAX);

		if (len < 0) {
			if (errno == EAGAIN || errno == EINTR)
				break;
			return -1; /* EBADFD: the device was deleted */
		}
		if (len <= PROTO_VNET_HDR_LEN) {
			d->rx_drops++;
			continue;
		}
		out[n] = pkt_new(d->buf, (uint32_t)len, PROTO_F_VNET);
		if (!out[n]) {
			d->rx_drops++;
			continue;
		}
		bytes += (size_t)len;
		n++;
	}
	return (int)n;
}

static int tap_tx(struct bridge_dev *d, struct pkt **pkts, unsigned n)
{
	static const uint8_t zero_hdr[PROTO_VNET_HDR_LEN];

	for (unsigned i = 0; i < n; i++) {
		struct pkt *p = pkts[i];
		struct iovec iov[2] = {
		    {.iov_base = (void *)zero_hdr, .iov_len = sizeof(zero_hdr)},
		    {.iov_base = p->data, .iov_len = p->len},
		};
		ssize_t w =
		    p->flags & PROTO_F_VNET ? write(d->fd, p->data, p->len) : writev(d->fd, iov, 2);

		/* a refused frame (bad offload header, no memory) is this frame's loss */
		if (w < 0) {
			if (errno == EBADFD) /* the device was deleted */
				return -1;
			d->tx_drops++;
		}
	}
	return (int)n;
}

static void tap_detach(struct bridge_dev *d)
{
	if (d->fd >= 0)
		close(d->fd); /* a TAP device without its fd disappears */
	d->fd = -1;
	free(d->buf);
	d->buf = NULL;
}

/* A TAP fd polls POLLERR only once its device was deleted. */
static bool tap_gone(struct bridge_dev *d)
{
	(void)d;
	return true;
}

const struct bridge_dev_ops bridge_tap_ops = {
    .mode = "TAP",
    .gone = tap_gone,
    .attach = tap_attach,
    .rx = tap_rx,
    .tx = tap_tx,
    .detach = tap_detach,
};
