/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The control socket's requests (control.c serves them): one text message
 * per request on a SOCK_SEQPACKET socket.
 *
 *   "status json" | "status text" | "status line"   the profile's state
 *   "disconnect"                                    stop the profile
 *   "lease\n" NAME=VALUE lines                      an event of the DHCP client,
 *                                                   forwarded by its hook script
 *
 * Everything is checked and bounded here, so the daemon acts on clean values.
 */
#ifndef VPN_CTLPROTO_H
#define VPN_CTLPROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netcfg.h"

#define CTL_MSG_MAX 8192
#define CTL_REPLY_MAX 65536

enum ctl_cmd { CTL_STATUS, CTL_DISCONNECT, CTL_LEASE };
enum ctl_fmt { CTL_FMT_JSON, CTL_FMT_TEXT, CTL_FMT_LINE };

enum lease_event {
	LEASE_IGNORE, /* PREINIT, TIMEOUT, ...: nothing to change */
	LEASE_BOUND,  /* BOUND, RENEW, REBIND, REBOOT (and with 6): apply this lease */
	LEASE_GONE,   /* EXPIRE, FAIL, RELEASE, STOP (and with 6): remove its settings */
};

struct ctl_lease {
	enum lease_event event;
	int family; /* AF_INET, or AF_INET6 for dhclient -6's reasons ("BOUND6", ...) */
	char reason[16];
	bool has_ip;
	struct netcfg_ip ip;
	uint8_t prefix;
	struct netcfg_route route[NETCFG_ROUTE_MAX]; /* option 121 (RFC 3442) */
	size_t nroute;
	struct netcfg_ip dns[NETCFG_DNS_MAX];
	size_t ndns;
	char search[NETCFG_SEARCH_MAX][NETCFG_DOMAIN_MAX + 1];
	size_t nsearch;
	uint32_t lease_s;
};

struct ctl_req {
	enum ctl_cmd cmd;
	enum ctl_fmt fmt;
	struct ctl_lease lease;
};

/* Parses one request of len bytes (need not be NUL-terminated); 0, or -1 with a message. */
int ctl_parse(const char *buf, size_t len, struct ctl_req *r, char *err, size_t errlen);
/* The dhclient variables a "lease" request may carry, NULL-terminated. */
extern const char *const ctl_lease_vars[];

#endif
