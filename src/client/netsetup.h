/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Network setup around the tunnel: the profile's routes and DNS, the DHCP
 * lease (address, option-121 routes, DNS), SLAAC, a host route that keeps
 * the hub reachable when a route would capture it, and the up/down hooks.
 * What is applied outside the interface is written to RUNDIR/NAME.state, so
 * a later start undoes what a killed process left (netsetup_recover).
 *
 * Threads: netsetup_connected() runs in the tunnel thread, netsetup_lease()
 * in the control thread, netsetup_stop() in the main thread; a mutex
 * serialises them.
 */
#ifndef VPN_NETSETUP_H
#define VPN_NETSETUP_H

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "ctlproto.h"
#include "dhcp.h"
#include "netcfg.h"
#include "profile.h"
#include "resolver.h"

#define NETSETUP_APPLIED_MAX (2 * NETCFG_ROUTE_MAX + 1)

enum { LEASE4, LEASE6, ROUTE_PROFILE }; /* lease[] indexes; where an applied route came from */

struct netsetup {
	pthread_mutex_t lock;
	const struct profile *p;
	const struct netcfg *cfg;
	char name[64], ifname[16], backend[16];
	char sock[108], self_exe[PATH_MAX];
	char state_path[PATH_MAX], resolv_saved[PATH_MAX];
	enum netcfg_resolver resolver;
	bool first_login_done, up_done, stopping;
	bool routes_done[2]; /* the profile's IPv4 [LEASE4] and IPv6 [LEASE6] routes added */
	/* the hub, and how it was reached before any route of ours */
	struct netcfg_ip hub;
	char hub_path[112]; /* "via GW dev IF" or "dev IF" */
	bool hub_known;
	/* applied routes, as "ip route" arguments; from: ROUTE_PROFILE or a lease's */
	struct {
		char args[160];
		int from;
	} applied[NETSETUP_APPLIED_MAX];
	size_t napplied;
	bool dns_applied;
	/* [LEASE4]: address = dhcp, [LEASE6]: address = dhcp6 */
	struct ctl_lease lease[2];
	bool has_lease[2];
	struct dhcp dhcp[2];
	uint32_t session_id;
};

/* Checks what the setup needs (resolver, DHCP client); 0 or -1 with a message. */
int netsetup_init(struct netsetup *ns, const struct profile *p, const char *name,
		  const char *rundir, const char *ifname, const char *backend, const char *sock,
		  char *err, size_t errlen);
/* Undoes what the state file of a process that died records; logs what it did. */
void netsetup_recover(const char *rundir, const char *name);
/* Once the interface exists: SLAAC settings.  0 or -1 with a message. */
int netsetup_prepare(struct netsetup *ns, char *err, size_t errlen);
/* After each login (tunnel thread): the first one applies the static setup or starts DHCP. */
void netsetup_connected(struct netsetup *ns, const struct sockaddr *hub, uint32_t session_id);
/* A DHCP event from the control thread (ctl handler signature); 0 or -1 with a message. */
int netsetup_lease(void *ns, const struct ctl_lease *l, char *err, size_t errlen);
/* The down hooks, the DHCP release, and every route and DNS setting removed. */
void netsetup_stop(struct netsetup *ns);
void netsetup_destroy(struct netsetup *ns);

#endif
