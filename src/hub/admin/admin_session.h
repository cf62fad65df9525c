/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A console client (struct admin_session), the state its commands share
 * (struct admin_core), and what a command handler gets (struct admin_call)
 * with the helpers every handler uses.  admin_cmd.c dispatches to the
 * handlers of admin_view.c and admin_edit.c; all three build on this file.
 */
#ifndef VPN_ADMIN_SESSION_H
#define VPN_ADMIN_SESSION_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "admin_auth.h"
#include "cmdline.h"
#include "proto.h"

struct admin_out;
struct hub_server;

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
/* Selects the hub a server administrator starts with: DEFAULT if it exists, else the first. */
void admin_select_default_hub(struct admin_session *as);
void admin_session_init(struct admin_session *as, struct admin_core *core, enum admin_role role,
			const char *peer);

/* What a handler gets: the client, its parsed line, where to answer. */
struct admin_call {
	struct admin_session *as;
	const struct admin_cmdline *cl;
	int arg0; /* index in cl->pos of the first argument after the command words */
	struct admin_out *out;
	char *err;
	size_t errlen;
};

typedef int (*admin_handler)(struct admin_call *c);

/* The argument i after the command words, or NULL. */
const char *admin_arg(const struct admin_call *c, int i);
/* -1 with a formatted message in c->err. */
int admin_fail(struct admin_call *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The selected hub's name, or -1 with a message when none is selected. */
int admin_need_hub(struct admin_call *c, const char **name);
/* Parses "123" into 0..max; -1 with a message naming what. */
int admin_parse_uint(struct admin_call *c, const char *what, const char *text, uint32_t max,
		     uint32_t *out);

#endif
