/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One session = one client connection = one thread (session_loop.h).  This
 * is its state as the hub sees it: its MAC table port, firewall state, send
 * queue and counters, and what other threads may do to it.
 */
#ifndef VPN_SESSION_H
#define VPN_SESSION_H

#include <openssl/ssl.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "congestion.h"
#include "firewall.h"
#include "list.h"
#include "mactable.h"
#include "pktlog.h"
#include "proto.h"
#include "queue.h"
#include "storm.h"

struct hub;
struct hub_server;

enum sess_state {
	SESS_HANDSHAKE,	  /* TLS and login in progress; not in any hub */
	SESS_ESTABLISHED, /* in its hub; frames flow */
	SESS_CLOSING,	  /* leaving; no longer reachable from its hub */
};

enum sess_kind {
	SESS_CLIENT,  /* a client's TLS connection (session_loop.h) */
	SESS_BRIDGE,  /* a local bridge port: a host interface (bridge.h) */
	SESS_CASCADE, /* a cascade link this hub opened to another hub (cascade.h) */
};

struct session {
	uint32_t id;
	enum sess_kind kind;
	_Atomic enum sess_state state; /* written by the session thread only */
	struct hub_server *srv;
	struct hub *hub;
	int fd;				   /* -1 for a bridge port */
	SSL *ssl;			   /* NULL for a bridge port */
	char peer[64];			   /* "address:port"; a bridge port's "interface (mode)" */
	struct sockaddr_storage peer_addr; /* for the hub's source-IP list (srcacl.h) */
	char user[PROTO_NAME_MAX + 1];
	X509 *cert; /* a certificate user's, judged again on reload (certauth.h); else NULL */
	STACK_OF(X509) * chain;		/* the intermediates it sent with it */
	char log_name[PKTLOG_NAME_MAX]; /* "SID-USER-7" for the packet log; set by hub_attach */
	uint16_t log_name_len;
	uint32_t caps;
	uint32_t keepalive_s, timeout_s; /* from the snapshot the login used */
	struct cong_params cong;	 /* likewise; applies to the frames it sends */

	struct sw_port port;	    /* MAC table ownership, under hub->lock */
	struct fw_session fw;	    /* policy and firewall state, under hub->lock */
	uint64_t established_ms;    /* when it joined its hub */
	uint32_t auto_disconnect_s; /* policy AutoDisconnect; 0 = never */
	uint32_t max_logins;	    /* policy MultiLogins; 0 = unbounded */
	struct queue queue;	    /* frames switched to this session */
	struct cong_src csrc;	    /* its pacing as a source; its thread writes it */
	struct storm storm;	    /* its flooded frames; under hub->lock */
	bool rx_hold; /* a destination it fed is past its hold mark (queue.h); its thread only */
	struct list_node hub_link;     /* in hub->sessions, under hub->lock */
	struct list_node all_link;     /* in srv->all, under srv->lock */
	struct list_node pending_link; /* in srv->pending while is_pending, under srv->lock */
	bool is_pending;
	uint8_t src_key[16];	  /* its source address, IPv6 by /64 (pending handshake bound) */
	atomic_bool loop_blocked; /* the loop guard blocks it (loopguard.h) */
	uint64_t loop_quarantine_until; /* a new cascade port: probes only until then */
	bool probed;	   /* gets the loop guard's probes (loopguard.h); under hub->lock */
	short park_events; /* polled for while parked: 0 (POLLIN) or from tls_accept.h */

	uint64_t started_ms; /* when accepted: bounds the whole handshake */
	atomic_bool stop;    /* set by sess_stop, read by the thread */
	atomic_ushort stop_reason;

	/* counters, written by the session thread only (sess_count), read by the admin console */
	_Atomic uint64_t rx_frames, tx_frames, rx_frame_bytes, tx_frame_bytes;
	_Atomic uint64_t drops_nomem; /* received frames lost to a failed allocation */
	_Atomic uint64_t rx_holds;    /* its reads paused for a destination's hold mark */
	_Atomic uint64_t tx_blocked;  /* TLS writes to it that met a full socket buffer */
	/* a stock SoftEther client (se_handshake.h, se_dataphase.h) */
	bool softether;			/* speaks SoftEther's protocol, not ours */
	bool anonymous;			/* logged in with SoftEther's anonymous method */
	_Atomic uint64_t se_gso_frames; /* super-frames segmented in software for it */
	_Atomic uint64_t se_segments;	/* the frames they became */
	_Atomic uint64_t se_drops;	/* frames it cannot take: over 1600 bytes, bad offload */
};

/* One writer: a relaxed load and store, no locked read-modify-write per frame. */
static inline void sess_count(_Atomic uint64_t *c, uint64_t n)
{
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + n,
			      memory_order_relaxed);
}

static inline uint64_t sess_counter(_Atomic uint64_t *c)
{
	return atomic_load_explicit(c, memory_order_relaxed);
}

static inline struct session *sess_from_port(struct sw_port *p)
{
	return container_of(p, struct session, port);
}

/* Asks a session to close with reason; safe from any thread holding srv->lock. */
void sess_stop(struct session *s, uint16_t reason);
/*
 * Queue, drop and throttle counters of a session (for the admin console and
 * the statistics log); safe from any thread while s is in its hub.
 */
struct sess_cong_stats {
	struct queue_stats q; /* as a destination: high-water marks, drops full/throttled/quota */
	uint32_t qframes;
	size_t qbytes;
	uint64_t drops_throttled; /* as a source: its frames dropped early */
	uint64_t drops_storm;	  /* as a source: its flooded frames refused */
	bool paced;		  /* its reads are paced now */
	uint64_t pace_allowance;  /* bytes per CONG_PACE_WINDOW_MS while paced */
	uint64_t paced_periods;
};
void sess_get_cong_stats(struct session *s, struct sess_cong_stats *out);
/* One log line with those counters. */
void sess_log_cong(const struct session *s, const struct sess_cong_stats *cs);

#endif
