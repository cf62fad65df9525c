/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The admin console's commands: one line in, one answer out (admin_out.h),
 * independent of the transport (admin.c serves them on a Unix socket and on
 * loopback TCP).  Reading commands work on the current configuration
 * snapshot and on copies of the hubs' state taken under their locks;
 * changing commands edit SoftHUB.cfg's tree (comments and unknown items
 * kept), build a snapshot from it to validate, save the file atomically and
 * swap the snapshot in (hub_server_reconfigure), one change at a time.
 */
#ifndef VPN_ADMIN_CMD_H
#define VPN_ADMIN_CMD_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "admin_auth.h"
#include "admin_out.h"
#include "hub.h"

struct admin_core {
	struct hub_server *srv;
	pthread_mutex_t edit_lock; /* one configuration change at a time */
	struct admin_limiter limiter;
	uint64_t started_ms;
	pthread_mutex_t rate_lock; /* the last status sample, for throughput */
	uint64_t rate_ms, rate_frames;
	char socket_path[108]; /* for "listener list" */
	uint16_t tcp_port;
};

/* One console client. */
struct admin_session {
	struct admin_core *core;
	struct admin_identity id;
	char hub[PROTO_NAME_MAX + 1]; /* the selected hub, "" if none */
	char peer[80];		      /* "unix uid 0" or "127.0.0.1:4711" */
	bool quit;
};

void admin_core_init(struct admin_core *core, struct hub_server *srv);
void admin_core_destroy(struct admin_core *core);
/* A client starting with role (the Unix socket: server; TCP: nobody until login). */
void admin_session_init(struct admin_session *as, struct admin_core *core, enum admin_role role,
			const char *peer);

/*
 * Runs one console line.  0 with the answer in out, or -1 with a message in
 * err (and nothing changed).  An empty line answers nothing.
 */
int admin_exec(struct admin_session *as, const char *line, size_t len, struct admin_out *out,
	       char *err, size_t errlen);

#endif
