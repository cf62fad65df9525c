/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TCP listeners: bound at start-up (before any privilege drop), served by one
 * accept thread that hands each connection to a new session thread.
 */
#ifndef VPN_LISTENER_H
#define VPN_LISTENER_H

#include <stddef.h>

struct hub_server;
struct listener;

/* Binds every configured address; NULL with a message in err. */
struct listener *listener_open(struct hub_server *srv, char *err, size_t errlen);
int listener_start(struct listener *l);
/* Stops accepting and closes the sockets. */
void listener_close(struct listener *l);

#endif
