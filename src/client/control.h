/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The per-profile control socket (RUNDIR/NAME.sock, mode 0600, default
 * RUNDIR /run/vpnclient): a thread that answers "vpnclient status", "list"
 * and "disconnect", and takes the DHCP client's lease events.  Only root or
 * the daemon's own user may talk to it (SO_PEERCRED), one request at a time.
 */
#ifndef VPN_CONTROL_H
#define VPN_CONTROL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "ctlproto.h"
#include "status.h"

#define CONTROL_RUNDIR "/run/vpnclient"

struct control {
	int fd;	     /* listening socket */
	int stop_fd; /* eventfd: ends the thread */
	pthread_t thread;
	bool running;
	char path[108];
	struct status *status;
	/* a lease event (control thread); 0, or -1 with a message for the hook */
	int (*on_lease)(void *arg, const struct ctl_lease *l, char *err, size_t errlen);
	void *arg;
};

/*
 * A profile's name: the file name without its directory and ".conf"
 * ("/etc/vpnclient/office.conf" -> "office"); letters, digits, '.', '_',
 * '-' and '@', 1-63 bytes, not starting with '.'.  0, or -1 with a message.
 */
int control_profile_name(const char *path, char *name, size_t len, char *err, size_t errlen);
/* "RUNDIR/NAME.sock" into out; -1 with a message if it does not fit a socket address. */
int control_path(const char *rundir, const char *name, char *out, size_t len, char *err,
		 size_t errlen);
/*
 * Binds path (refusing when a live daemon answers there, replacing a stale
 * socket), mode 0600; call as root, before dropping privileges.  0 or -1.
 */
int control_listen(struct control *c, const char *path, char *err, size_t errlen);
/* Starts the thread; 0 or -1. */
int control_start(struct control *c);
/* Stops the thread (if started), closes and removes the socket. */
void control_close(struct control *c);
/* Client side: sends req to the socket at path, reply into reply; 0 or -1 with a message. */
int control_ask(const char *path, const char *req, size_t reqlen, char *reply, size_t cap,
		int timeout_s, char *err, size_t errlen);

#endif
