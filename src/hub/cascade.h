/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Cascade links (SoftEther's CascadeList): a hub logs in to another hub as
 * a client, with the protocol's shared client side (hubconn.h), and the
 * link becomes a port of this hub: a struct session of kind SESS_CASCADE,
 * named LINK, whose data phase is the one client sessions run
 * (session_loop.h), so the switch, the firewall (the entry's Policy), the
 * congestion control, the logs and the console treat it as one.  A link
 * owns as many MACs as its far side has (MaxMac does not apply).  With
 * Protocol softether the far end is a stock SoftEther server: the login is
 * SoftEther's (seclient.h) and the port runs the data phase of SoftEther
 * sessions (se_dataphase.h), super-frames segmented in software.
 *
 * One thread per link connects, runs the data phase, and after a failure
 * waits a back-off with jitter (1 s doubling up to RetryInterval) before
 * trying again.  A link whose entry goes offline, changes or disappears is
 * ended by the reload (cascade_sync).
 */
#ifndef VPN_CASCADE_H
#define VPN_CASCADE_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"

struct hub_server;

/* Starts and stops links so they match the current snapshot; after start and every reload. */
void cascade_sync(struct hub_server *srv);
/* Ends every link and waits for their threads (before hub_server_stop). */
void cascade_free_all(struct hub_server *srv);

enum cascade_link_state {
	CASCADE_OFFLINE,     /* Online false, or its hub offline */
	CASCADE_UNUSABLE,    /* the entry cannot start (conf_cascade.unusable) */
	CASCADE_CONNECTING,  /* connect, TLS, login */
	CASCADE_ESTABLISHED, /* a port of its hub; frames flow */
	CASCADE_RETRY,	     /* waiting out the back-off after a failure */
	CASCADE_BLOCKED,     /* connected, but holding no traffic: loop protection */
};
const char *cascade_state_name(enum cascade_link_state st);

/* What "cascade list/status" shows of a configured entry. */
struct cascade_status {
	enum cascade_link_state state;
	char last_error[256];
	uint32_t session;  /* the port's session id while established */
	uint64_t since_ms; /* when the state began (hub_now_ms) */
	uint64_t connects; /* successful logins */
	uint64_t rx_frames, tx_frames, rx_bytes, tx_bytes; /* over every connection */
};
void cascade_status(struct hub_server *srv, const char *hub, const struct conf_cascade *k,
		    struct cascade_status *out);

#endif
