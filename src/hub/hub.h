/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The server (configuration, TLS context, every session) and its virtual hubs.
 * A hub owns its MAC table and its list of established sessions, both under
 * hub->lock; forward.h switches frames through them.  Lock order: server->lock, then hub->lock,
 * then queue locks.
 */
#ifndef VPN_HUB_H
#define VPN_HUB_H

#include <openssl/ssl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "authfail.h"
#include "backoff.h"
#include "firewall.h"
#include "list.h"
#include "loopguard_state.h"
#include "macflap.h"
#include "proto.h"

struct bridge_port;
struct cascade_link;
struct conf_hub;
struct conf_user;
struct hub_config;
struct hublog;
struct session;
struct state;
struct sw_table;

struct hub_stats {
	atomic_ullong frames_in;       /* frames received from sessions */
	atomic_ullong unicast;	       /* frames sent to one known destination */
	atomic_ullong flooded;	       /* frames sent to every other session */
	atomic_ullong drops_full;      /* destination queue at its bound (per destination) */
	atomic_ullong drops_throttled; /* dropped early: congested destination (per destination) */
	atomic_ullong drops_quota;     /* flooded: server-wide flood quota (per destination) */
	atomic_ullong drops_storm;     /* flooded: refused by the broadcast-storm limiter */
	atomic_ullong drops_local;     /* destination is the sender itself */
	atomic_ullong drops_malformed; /* shorter than an Ethernet header, or a bad source MAC */
	atomic_ullong drops_nomem;     /* a destination's edited copy could not be allocated */
	atomic_ullong drops_loop;      /* from or to a port the loop guard holds closed */
};

struct hub {
	char name[PROTO_NAME_MAX + 1];
	bool removed;	      /* deleted by a reload; under server->lock */
	pthread_mutex_t lock; /* guards macs, sessions, nsessions */
	struct sw_table *macs;
	struct list_node sessions; /* struct session.hub_link */
	uint32_t nsessions;
	struct hub_stats stats;
	struct fw_hub fw;    /* under lock, like the MAC table */
	struct hublog *log;  /* packet and security logs (hublog.h); NULL if out of memory */
	struct loopguard lg; /* under lock */
	struct macflap flap; /* MAC moves between its sessions, under lock (macflap.h) */
};

struct hub_server {
	struct hub_config *cfg; /* the current snapshot; under lock (hub_config_get) */
	struct hub **hubs;	/* under lock; a hub lives until exit, even when removed */
	size_t nhubs, hubs_cap;
	SSL_CTX *tls;
	uint8_t secret[32];   /* key for decoy salts of unknown users (state_dir/decoy.key) */
	struct state *state;  /* login counters and times (state.c) */
	pthread_mutex_t lock; /* guards cfg, hubs, all, nthreads, pending, npending, stopping */
	pthread_cond_t idle;
	struct list_node all;	  /* struct session.all_link */
	struct list_node pending; /* struct session.pending_link: still in their handshake */
	uint32_t nthreads;	  /* sessions, pending ones included */
	uint32_t npending;
	/* pre-authentication events, reported in one line per episode (listener.c) */
	atomic_uint tls_failed, hs_reaped;
	struct backoff backoff;	  /* failed logins per source (backoff.h) */
	struct authfail authfail; /* their log lines, one per source and episode */
	bool stopping;
	atomic_uint next_id;
	atomic_ullong flood_bytes;     /* flooded bytes in all send queues (queue.h) */
	pthread_mutex_t bridge_lock;   /* guards bridges; taken before lock, never under it */
	struct bridge_port *bridges;   /* the running local bridge ports (bridge.h) */
	pthread_mutex_t cascade_lock;  /* guards cascades; taken before lock, never under it */
	struct cascade_link *cascades; /* the running cascade links (cascade.h) */
	SSL_CTX *client_tls;	       /* the links' TLS client context; made by the first */
};

/* Takes cfg's reference and builds its hubs; 0 or -1. */
int hub_server_init(struct hub_server *srv, struct hub_config *cfg);
/*
 * Swaps in a new snapshot (taking its reference): creates new hubs, and ends
 * the sessions of removed or offline hubs and of users who were removed or
 * may no longer log in; everyone else stays connected.  The caller then brings
 * the local bridge ports and the cascade links in line with it (bridge_sync,
 * cascade_sync), so hub.c needs neither bridge.h nor cascade.h.
 */
void hub_server_reconfigure(struct hub_server *srv, struct hub_config *cfg);
/* The current snapshot with a new reference (config_put it). */
struct hub_config *hub_config_get(struct hub_server *srv);
/*
 * Asks every session to close with reason and waits up to timeout_ms for
 * their threads; returns how many are still running (then srv must not be freed).
 */
uint32_t hub_server_stop(struct hub_server *srv, uint16_t reason, int timeout_ms);
/* Logs each hub's counters and each session's queue and congestion counters. */
void hub_server_log_stats(struct hub_server *srv);
void hub_server_free(struct hub_server *srv);
/* A security log line for every hub (start, configuration reloads). */
void hub_server_security_log(struct hub_server *srv, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A live (not removed) hub by name, case-insensitive; NULL if none. */
struct hub *hub_find(struct hub_server *srv, const char *name);

/*
 * Whether a user of a hub may log in now (account expiry, the Access
 * policy); 0 or a PROTO_R_* reason.
 */
int hub_user_admissible(const struct conf_hub *h, const struct conf_user *u);

/*
 * After a session joined its hub under snapshot used: if a reload swapped
 * in another meanwhile, whether that one still admits it (0) or why not.
 */
int hub_recheck(struct hub_server *srv, const struct hub_config *used, const struct session *s);

/*
 * Joins an authenticated session to its hub unless max_sessions are there or
 * its user already has max_logins sessions there (policy MultiLogins, 0 =
 * unbounded); 0 or a reason.
 */
int hub_attach(struct hub *h, struct session *s, uint32_t max_sessions, uint32_t max_logins);
/* Removes the session and its MAC entries; after this no one queues to it. */
void hub_detach(struct hub *h, struct session *s);

uint64_t hub_now_ms(void);

/* Every hub's MAC-move summaries that are due (macflap.h); UINT64_MAX: all of them. */
void hub_report_mac_moves(struct hub_server *srv, uint64_t now_ms);

#endif
