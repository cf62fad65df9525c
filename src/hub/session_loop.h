/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The session thread.  It performs the TLS and login handshake (handshake.h),
 * then runs the data loop: read frames from TLS and switch them (forward.h);
 * drain its own send queue into batched TLS records; keep-alives and the
 * dead-peer timer.  It sleeps in poll(2) on its socket and its queue's eventfd
 * when there is nothing to do.
 */
#ifndef VPN_SESSION_LOOP_H
#define VPN_SESSION_LOOP_H

#include <netinet/in.h>
#include <stdint.h>

#include "session.h"

/* Takes ownership of fd and starts the session thread; -1 if the server is full. */
int sess_spawn(struct hub_server *srv, int fd, const struct sockaddr_storage *peer);

/* Cuts every handshake older than SESS_HANDSHAKE_TIMEOUT_MS (slow or stuck peers). */
void sess_reap_handshakes(struct hub_server *srv, uint64_t now_ms);

#define SESS_HANDSHAKE_TIMEOUT_MS 10000

#endif
