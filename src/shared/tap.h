/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A TAP device as both daemons use it: IFF_TAP | IFF_NO_PI | IFF_VNET_HDR
 * with checksum and TSO offload, so one read(2) returns a whole TCP
 * super-frame of up to 64 KB behind a 10-byte virtio_net_hdr and one write(2)
 * delivers one.  UDP segmentation offload (Linux 6.2+) stays off: a peer on
 * an older kernel could not take those frames.  The client's virtual card
 * (client/vif_tap.c) and the hub's TAP bridge ports (hub/bridge_tap.c) share it.
 */
#ifndef VPN_TAP_H
#define VPN_TAP_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

/* Room for one [virtio_net_hdr][frame] read: a 64 KB super-frame plus its headers. */
#define TAP_READ_MAX (10 + 65535 + 14 + 4)

/*
 * Creates (or attaches to) TAP device name, non-blocking, with vnet headers
 * and offloads; the name the kernel gave goes to out.  The fd, or -1 with a
 * message (hints for a missing module, a missing CAP_NET_ADMIN, a busy name).
 */
int tap_open(const char *name, char out[IFNAMSIZ], char *err, size_t errlen);
/*
 * No checksum or segmentation offload: every frame read is one finished
 * Ethernet frame of at most the MTU (a peer that cannot take super-frames).
 */
int tap_disable_offloads(int fd, const char *name, char *err, size_t errlen);
/* Carrier on or off (TUNSETCARRIER); 0 or -1 with errno. */
int tap_set_carrier(int fd, bool up);

#endif
