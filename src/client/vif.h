/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The client's virtual Ethernet card behind an ops table chosen once (tinc's
 * devops).  Every frame crosses this interface as [virtio_net_hdr][frame], so
 * GSO super-frames and checksum offload pass through the tunnel unchanged.
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
};

extern const struct vif_ops vif_tap_ops;

/* Picks the backend the profile asks for and opens it; 0 or -1 with a message. */
int vif_open(struct vif *v, const struct profile *p, char *err, size_t errlen);

#endif
