/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The client's connection to its hub: connect, verify, log in, then move
 * frames between the virtual interface and TLS until the link fails, and
 * reconnect with capped exponential back-off and jitter.
 */
#ifndef VPN_TUNNEL_H
#define VPN_TUNNEL_H

#include <openssl/ssl.h>
#include <stdbool.h>
#include <sys/socket.h>

#include "profile.h"
#include "status.h"
#include "vif.h"

/* vpnclient exit codes (vpnclient(8)) */
enum client_exit {
	EXIT_OK = 0,	  /* stopped by SIGINT/SIGTERM */
	EXIT_RUNTIME = 1, /* device or system failure */
	EXIT_USAGE = 2,	  /* bad command line or profile */
	EXIT_REFUSED = 3, /* hub refused us, or failed verification: retrying cannot help */
	EXIT_NETWORK = 4, /* connection lost and reconnect = no */
};

struct tunnel {
	const struct profile *p;
	struct vif *vif;
	SSL_CTX *ctx;
	int sig_fd;    /* signalfd for SIGINT, SIGTERM and SIGHUP */
	bool stopping; /* SIGINT or SIGTERM seen */
	uint32_t session_id;
	uint16_t keepalive_s, timeout_s;
	char session_name[64]; /* protocol = softether: the server's name for the session */
	const char *cc;	       /* the profile's congestion_control once probed; "" = the kernel's */
	uint64_t rx_frames, tx_frames;
	struct status *status; /* "vpnclient status" (status.h); NULL: not reported */
	/* after each login, in this thread: the hub's address and the session */
	void (*on_login)(void *arg, const struct sockaddr *hub, uint32_t session_id);
	/*
	 * A stop signal while connected: starts the teardown that needs the link
	 * and returns an fd readable when it is done (frames flow until then, at
	 * most 20 s), or -1 to close at once.
	 */
	int (*on_stop)(void *arg);
	void *arg;
};

/* Runs until a signal or a permanent failure; returns an enum client_exit. */
int tunnel_run(struct tunnel *t);

#endif
