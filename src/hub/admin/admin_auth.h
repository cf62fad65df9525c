/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Who may do what on the admin console.  The server administrator manages
 * everything; a hub administrator (the hub's password) manages only that
 * hub.  On the Unix socket, whoever can connect (mode 0660, root and the
 * vpnhub group) is the server administrator; on TCP, "login" with a
 * password decides.  Passwords are checked against SoftEther's stored
 * hashes (softether-notes 2.5) in constant time; failures are rate-limited
 * server-wide.
 */
#ifndef VPN_ADMIN_AUTH_H
#define VPN_ADMIN_AUTH_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

enum admin_role {
	ADMIN_NOBODY, /* only help, login and quit */
	ADMIN_HUB,    /* the hub named in admin_identity.hub */
	ADMIN_SERVER,
};

/* What a command needs. */
enum admin_need {
	NEED_NOTHING,
	NEED_HUB,    /* administrator of the selected hub (or server) */
	NEED_SERVER, /* server administrator */
};

struct admin_identity {
	enum admin_role role;
	char hub[PROTO_NAME_MAX + 1];
};

/* Whether id may run a command needing need on hub (NULL: none selected); else why. */
bool admin_may(const struct admin_identity *id, enum admin_need need, const char *hub, char *why,
	       size_t whylen);

/*
 * Checks password against the server's HashedPassword (hub NULL) or the
 * hub's HashedPassword / SecurePassword.  Empty passwords and missing hashes
 * never match.  On success fills id.
 */
bool admin_password_ok(const struct hub_config *c, const char *hub, const char *password,
		       struct admin_identity *id);

/* A hub administrator's SecurePassword: SHA-0(password || "ADMINISTRATOR"). */
void admin_secure_hash(const char *password, uint8_t out[SHA0_LEN]);

/* Failed logins: at most ADMIN_FAIL_BURST per ADMIN_FAIL_WINDOW_MS, server-wide. */
#define ADMIN_FAIL_BURST 5
#define ADMIN_FAIL_WINDOW_MS 10000

struct admin_limiter {
	pthread_mutex_t lock;
	uint64_t window_start_ms;
	uint32_t fails;
};

void admin_limiter_init(struct admin_limiter *l);
/* Whether a login attempt may be checked now. */
bool admin_limiter_allow(struct admin_limiter *l, uint64_t now_ms);
void admin_limiter_fail(struct admin_limiter *l, uint64_t now_ms);

#endif
