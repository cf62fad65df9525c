/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Local bridges (SoftEther's LocalBridgeList): hub ports that are a host
 * network interface instead of a TLS session.  Each is a struct session of
 * kind SESS_BRIDGE, named LOCALBRIDGE ("SID-LOCALBRIDGE-<id>" in the packet
 * log), in its hub like any client, so the switch, the firewall (CheckMac
 * unless the hub's DisableCheckMacOnLocalBridge), the congestion control,
 * the statistics and "session list" treat it as one.  One thread per port
 * moves frames between the interface (bridge_dev.h) and the hub in batches.
 *
 * An interface that disappears (NIC reset, bridge or veth re-created, TAP
 * device deleted) is re-attached when it is back, without a restart: one
 * log line when it goes, one when it is back; meanwhile frames switched to
 * the port are dropped and counted.
 */
#ifndef VPN_BRIDGE_H
#define VPN_BRIDGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/capability.h>

#include "config.h"

struct hub_server;

/*
 * Starts and stops bridge ports so that they match the server's current
 * snapshot: new entries start, removed or changed ones (and those whose hub
 * is gone or offline) stop.  Call after the privilege drop (the threads
 * inherit the capabilities of the caller) and after every reload.
 */
void bridge_sync(struct hub_server *srv);
/* Waits for every port's thread (hub_server_stop asked them to stop) and frees them. */
void bridge_free_all(struct hub_server *srv);

/* What "bridge list" shows of a configured entry. */
struct bridge_state {
	bool running;	  /* a port runs for it (its hub exists and is online) */
	bool attached;	  /* ... and holds its interface */
	uint32_t session; /* the port's session id, when running */
};
void bridge_state(struct hub_server *srv, const struct conf_bridge *b, struct bridge_state *out);

/*
 * The capabilities the configured bridges need after the privilege drop:
 * CAP_NET_ADMIN to create TAP devices, CAP_NET_RAW for AF_PACKET sockets.
 * Their count (0: none configured, keep nothing).
 */
int bridge_caps(const struct hub_config *c, cap_value_t out[2]);

#endif
