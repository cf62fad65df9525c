/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The admin console server: a Unix socket (root/Vpnhub/AdminSocket, default
 * /run/vpnhub/admin.sock, mode 0660, group vpnhub when that group exists)
 * whose clients are the server administrator, and optionally a loopback TCP
 * port (AdminPort) for telnet whose clients must "login" first.  One thread
 * per client, at most ADMIN_CLIENTS_MAX; lines are bounded; a client that
 * does not read its answers within ADMIN_WRITE_TIMEOUT_MS, or says nothing
 * for ADMIN_IDLE_MS, is disconnected.
 *
 * Wire protocol, per command line sent: a status line "ok" or
 * "error: MESSAGE", the answer's lines (a line starting with "." gets another
 * "." in front), then a line holding only ".".  The greeting on connecting
 * is such an answer too.  Telnet option negotiation (IAC ...) is ignored.
 */
#ifndef VPN_ADMIN_H
#define VPN_ADMIN_H

#include <stddef.h>

struct hub_server;

#define ADMIN_CLIENTS_MAX 128
#define ADMIN_WRITE_TIMEOUT_MS 10000
#define ADMIN_IDLE_MS (30 * 60 * 1000)
#define ADMIN_LOGIN_TRIES 3 /* failed logins before a TCP client is disconnected */

struct admin;

/*
 * Binds the console sockets (before the privilege drop).  A socket that
 * cannot be bound is reported and left out: the console is a convenience,
 * the hub runs without it.  NULL only when out of memory.
 */
struct admin *admin_open(struct hub_server *srv, char *err, size_t errlen);
/* Starts the accept thread (after the privilege drop); 0 or -1. */
int admin_start(struct admin *a);
/*
 * Around a SIGHUP reload: console changes (which read, edit and save the
 * file, then swap the snapshot) and the reload happen one after the other.
 */
void admin_config_lock(struct admin *a);
void admin_config_unlock(struct admin *a);
/* Stops accepting, disconnects every client, waits for their threads, frees. */
void admin_close(struct admin *a);

#endif
