/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The interface side of a local bridge (bridge.h): frames in and out of a
 * host network interface, in batches, always as [virtio_net_hdr][frame]
 * (PROTO_F_VNET) so GSO super-frames and checksum offload cross the hub
 * unchanged, like a client's.  Two kinds, chosen by TapMode:
 *
 *   TAP (bridge_tap.c): the hub creates tap_<DeviceName> with IFF_VNET_HDR
 *     and offloads (shared/tap.h); the administrator puts it into a Linux
 *     bridge with the NIC, so the host itself reaches the clients through
 *     the bridge.  One read(2)/write(2) per frame or super-frame: a TAP fd
 *     has no batch call, GSO is its batching.
 *
 *   direct (bridge_packet.c): an AF_PACKET socket bound to an existing
 *     interface, receiving through a TPACKET_V3 ring (whole blocks of frames
 *     per wake-up, no syscall per frame) and sending with sendmmsg(2) (one
 *     syscall per batch), PACKET_VNET_HDR for GSO/checksum offload,
 *     PACKET_IGNORE_OUTGOING so the hub never re-reads what it sent, and
 *     promiscuous unless NoPromiscuousMode.  What the hub sends leaves through
 *     the interface's transmit path towards the wire and is never looped
 *     back into the host's own stack, and the host's own outgoing frames are
 *     ignored like the hub's: the host's own IP on that interface cannot
 *     reach the clients (nor they it).  TAP mode is the fix.
 */
#ifndef VPN_BRIDGE_DEV_H
#define VPN_BRIDGE_DEV_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "pkt.h"

struct bridge_dev;

struct bridge_dev_ops {
	const char *mode; /* "TAP" or "direct" */
	/* Opens (TAP: creates) the interface; 0, or -1 with a message. */
	int (*attach)(struct bridge_dev *d, const struct conf_bridge *b, char *err, size_t errlen);
	/*
	 * Up to max received frames into out[] as new pkts (PROTO_F_VNET), at
	 * most about budget bytes; the count (0: nothing waiting), or -1 when
	 * the interface is gone (then detach and attach again later).
	 */
	int (*rx)(struct bridge_dev *d, struct pkt **out, unsigned max, size_t budget);
	/*
	 * Sends pkts[0..n); returns how many it is done with (sent, or dropped
	 * and counted), fewer than n when the device pushes back (poll for
	 * POLLOUT, call again with the rest), or -1 when the interface is gone.
	 */
	int (*tx)(struct bridge_dev *d, struct pkt **pkts, unsigned n);
	/*
	 * After POLLERR, and every RETRY_MS while down is set: whether the
	 * interface is gone; if it is only down, sets down (a deletion that
	 * follows sends no second error, so the caller keeps asking).
	 */
	bool (*gone)(struct bridge_dev *d);
	void (*detach)(struct bridge_dev *d);
};

struct bridge_dev {
	const struct bridge_dev_ops *ops;
	int fd; /* poll(2) it; -1 while detached */
	char ifname[IFNAMSIZ];
	int ifindex;
	bool down;	     /* attached, but the link is down */
	uint64_t rx_drops;   /* frames lost on the way in: truncated, no memory */
	uint64_t tx_drops;   /* frames the interface refused */
	uint64_t ring_drops; /* direct mode: frames the kernel dropped, the ring being full */
	/* direct mode: the TPACKET_V3 receive ring */
	uint8_t *ring;
	size_t ring_len;
	uint32_t block_size, block_nr, block; /* block: the next one to read */
	uint32_t left;			      /* frames of the current block not read yet */
	size_t at;			      /* offset of the next frame in the current block */
	/* TAP mode: one read's worth of bytes */
	uint8_t *buf;
};

extern const struct bridge_dev_ops bridge_tap_ops;
extern const struct bridge_dev_ops bridge_packet_ops;

/* A detached device of the kind b asks for. */
void bridge_dev_init(struct bridge_dev *d, const struct conf_bridge *b);

/* TapMacAddress, or a stable locally administered MAC derived from the interface name. */
void bridge_tap_mac(const struct conf_bridge *b, uint8_t mac[6]);

#endif
