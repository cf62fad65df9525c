/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * "address = dhcp" and "dhcp6": ISC dhclient (isc-dhcp-client) as a child process, in
 * script-only mode: it talks DHCP and keeps the lease, and configures
 * nothing itself.  Its script is a two-line shell file that runs
 * "vpnclient dhcp-event SOCKET", which forwards the lease to the daemon's
 * control socket; the daemon applies the address, routes and DNS.
 * Every file it uses is per profile and family:
 * RUNDIR/NAME.dhclient{,6}.{conf,sh,pid,leases}.
 */
#ifndef VPN_DHCP_H
#define VPN_DHCP_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct dhcp {
	pid_t pid;
	int family;   /* AF_INET: dhclient -4; AF_INET6: dhclient -6 (stateful DHCPv6) */
	char exe[64]; /* dhclient */
	char ifname[16];
	char conf[PATH_MAX], script[PATH_MAX], pidfile[PATH_MAX], leases[PATH_MAX];
};

/* Fills the paths and finds dhclient; 0, or -1 with a message. */
int dhcp_init(struct dhcp *d, int family, const char *rundir, const char *name, const char *ifname,
	      char *err, size_t errlen);
/*
 * Writes the config and the script (which runs self_exe with the socket
 * path) and starts dhclient; call from the thread that lives as long as
 * the daemon (the child gets SIGTERM when it ends).  0 or -1.
 */
int dhcp_start(struct dhcp *d, const char *self_exe, const char *sock, char *err, size_t errlen);
/* Stops dhclient; with release, then sends DHCPRELEASE for the lease ("dhclient -r"). */
void dhcp_stop(struct dhcp *d, bool release);
/* Ends a dhclient a crashed daemon left, if pid still is that one (its pid file path in argv). */
void dhcp_kill_stale(pid_t pid, const char *pidfile);
/*
 * "vpnclient dhcp-event SOCKET": dhclient's environment to a lease request
 * (for PREINIT6, first waits until the interface's link-local address has
 * passed duplicate address detection, which dhclient -6 needs); exit status.
 */
int dhcp_event_main(const char *sock);

#endif
