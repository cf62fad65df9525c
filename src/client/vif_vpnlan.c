// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vpnlan backend: the interface is the vpnlan kernel module's
 * (kmod/vpnlan_abi.h).  Frames cross through two mmap'd rings instead of a
 * read(2)/write(2) each; the kernel signals an eventfd (v->fd, polled by
 * the tunnel) only after we said we sleep, and we kick it with an ioctl only
 * when its NAPI poll said so.  Slot unit [virtio_net_hdr][frame], as TAP's.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ring.h"
#include "vif.h"

#define VPNLAN_NSLOTS 1024 /* per ring: 2 MB of 2 KB slots */
#define VPNLAN_SLOT_SIZE 2048
#define RELEASE_EVERY 64 /* consumed slots handed back at least this often */

struct vif_vpnlan {
	int dev_fd;
	void *map;
	size_t map_size;
	struct ring tx; /* stack -> us */
	struct ring rx; /* us -> stack */
	unsigned int unreleased;
};

static int vpnlan_create(struct vif *v, struct vif_vpnlan *vl, const struct profile *p, char *err,
			 size_t errlen)
{
	struct vpnlan_setup s = {.abi = VPNLAN_ABI_VERSION,
				 .nslots = VPNLAN_NSLOTS,
				 .slot_size = VPNLAN_SLOT_SIZE,
				 .eventfd = v->fd,
				 .features = VPNLAN_F_VNET_HDR};

	snprintf(s.ifname, sizeof(s.ifname), "%s", p->device);
	memcpy(s.mac, p->mac, sizeof(s.mac));
	if (ioctl(vl->dev_fd, VPNLAN_IOC_CREATE, &s) != 0) {
		snprintf(err, errlen, "cannot create vpnlan device %s: %s%s", p->device,
			 strerror(errno),
			 errno == EPERM	   ? " (vpnclient needs CAP_NET_ADMIN: run it as root)"
			 : errno == EEXIST ? " (the name is in use by another device)"
			 : errno == EINVAL ? " (vpnlan.ko speaks another ABI version?)"
					   : "");
		return -1;
	}
	snprintf(v->name, sizeof(v->name), "%s", s.ifname);
	vl->map = mmap(NULL, s.map_size, PROT_READ | PROT_WRITE, MAP_SHARED, vl->dev_fd, 0);
	if (vl->map == MAP_FAILED) {
		vl->map = NULL;
		snprintf(err, errlen, "%s: cannot map the rings: %s", v->name, strerror(errno));
		return -1;
	}
	vl->map_size = s.map_size;
	if (ring_attach(&vl->tx, vl->map, vl->map_size, &s.tx, s.nslots, s.slot_size) != 0 ||
	    ring_attach(&vl->rx, vl->map, vl->map_size, &s.rx, s.nslots, s.slot_size) != 0) {
		snprintf(err, errlen, "%s: the module reported a ring layout outside the mapping",
			 v->name);
		return -1;
	}
	return 0;
}

static void vpnlan_close(struct vif *v)
{
	struct vif_vpnlan *vl = v->vpnlan;

	if (vl) {
		if (vl->map)
			munmap(vl->map, vl->map_size);
		if (vl->dev_fd >= 0)
			close(vl->dev_fd); /* the interface goes with the file */
		free(vl);
		v->vpnlan = NULL;
	}
	if (v->fd >= 0)
		close(v->fd);
	v->fd = -1;
}

static int vpnlan_open(struct vif *v, const struct profile *p, char *err, size_t errlen)
{
	struct vif_vpnlan *vl = calloc(1, sizeof(*vl));

	if (!vl) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	v->vpnlan = vl;
	vl->dev_fd = open(VPNLAN_DEVICE, O_RDWR | O_CLOEXEC);
	if (vl->dev_fd < 0) {
		snprintf(err, errlen, "cannot open %s: %s%s", VPNLAN_DEVICE, strerror(errno),
			 errno == ENOENT ? " (backend kmod needs the vpnlan module loaded: "
					   "modprobe vpnlan, or use backend auto or tap)"
					 : "");
		goto fail;
	}
	v->fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (v->fd < 0) {
		snprintf(err, errlen, "eventfd: %s", strerror(errno));
		goto fail;
	}
	if (vpnlan_create(v, vl, p, err, errlen) != 0 || vif_configure(v, p, err, errlen) != 0)
		goto fail;
	return 0;
fail:
	vpnlan_close(v);
	return -1;
}

static int kick(struct vif_vpnlan *vl)
{
	return ioctl(vl->dev_fd, VPNLAN_IOC_KICK);
}

/* Hands consumed tx slots back; kicks the kernel if its queue waits for them. */
static int release_tx(struct vif_vpnlan *vl)
{
	vl->unreleased = 0;
	return ring_release(&vl->tx) ? kick(vl) : 0;
}

static ssize_t vpnlan_read(struct vif *v, uint8_t *buf, size_t cap)
{
	struct vif_vpnlan *vl = v->vpnlan;
	uint64_t signals;

	for (;;) {
		ssize_t n = ring_get(&vl->tx, buf, cap);

		if (n > 0) {
			if (++vl->unreleased >= RELEASE_EVERY && release_tx(vl) != 0)
				return -1;
			return n;
		}
		if (n < 0) {
			errno = EPROTO; /* the kernel side broke a ring rule */
			return -1;
		}
		if (release_tx(vl) != 0)
			return -1;
		(void)!read(v->fd, &signals, sizeof(signals)); /* reset before sleeping */
		if (ring_sleep(&vl->tx))
			return 0; /* drained: the kernel signals v->fd on the next frame */
	}
}

static int vpnlan_write(struct vif *v, const uint8_t *hdr, const uint8_t *buf, size_t len)
{
	struct vif_vpnlan *vl = v->vpnlan;
	int rc = hdr ? ring_put(&vl->rx, hdr, VPNLAN_VNET_HDR_LEN, buf, len)
		     : ring_put(&vl->rx, buf, len, NULL, 0);

	if (rc <= 0) {
		/* full ring or oversized frame: this frame's loss, as with TAP */
		v->write_drops++;
		if (vl->rx.broken) {
			errno = EPROTO;
			return -1;
		}
		return 0;
	}
	return ring_publish(&vl->rx) ? kick(vl) : 0;
}

static int vpnlan_set_carrier(struct vif *v, bool up)
{
	return ioctl(v->vpnlan->dev_fd, VPNLAN_IOC_CARRIER, up ? 1 : 0);
}

const struct vif_ops vif_vpnlan_ops = {
    .name = "vpnlan",
    .open = vpnlan_open,
    .read = vpnlan_read,
    .write = vpnlan_write,
    .set_carrier = vpnlan_set_carrier,
    .close = vpnlan_close,
};
