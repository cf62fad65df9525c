/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The client's virtual Ethernet card behind an ops table chosen once (tinc's
 * devops): TAP (vif_tap.c) or the vpnlan kernel module's rings (vif_vpnlan.c).  Every frame crosses
 * this interface as [virtio_net_hdr][frame], so GSO super-frames and checksum offload pass through
 * the tunnel unchanged.
 */
#ifndef VPN_VIF_H
#define VPN_VIF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "profile.h"

struct vif;

struct vif_ops {
	const char *name;
	/* Creates the device; 0, or -1 with a message. */
	int (*open)(struct vif *v, const struct profile *p, char *err, size_t errlen);
	/* Reads one [vnet hdr][frame] into buf; bytes, 0 when drained, -1 on error. */
	ssize_t (*read)(struct vif *v, uint8_t *buf, size_t cap);
	/* Writes one frame, prefixed by hdr (10 bytes) unless hdr is NULL (then buf has it). */
	int (*write)(struct vif *v, const uint8_t *hdr, const uint8_t *buf, size_t len);
	int (*set_carrier)(struct vif *v, bool up);
	void (*close)(struct vif *v);
};

struct vif {
	const struct vif_ops *ops;
	int fd; /* poll(2) for POLLIN when frames wait */
	char name[16];
	uint64_t write_drops;
	struct vif_vpnlan *vpnlan; /* the vpnlan backend's rings; NULL for TAP */
};

extern const struct vif_ops vif_tap_ops;
extern const struct vif_ops vif_vpnlan_ops;

/* MAC, MTU, carrier off, link up and the profile's addresses; 0 or -1 with a message. */
int vif_configure(struct vif *v, const struct profile *p, char *err, size_t errlen);

/* Picks the backend the profile asks for and opens it; 0 or -1 with a message. */
int vif_open(struct vif *v, const struct profile *p, char *err, size_t errlen);

#endif
