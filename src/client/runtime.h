/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a running profile has besides its tunnel: its status record, its
 * control socket and its network setup, opened together once the virtual
 * interface exists and closed together (network setup undone) at the end.
 */
#ifndef VPN_RUNTIME_H
#define VPN_RUNTIME_H

#include <pthread.h>
#include <stdbool.h>

#include "control.h"
#include "netsetup.h"
#include "status.h"
#include "tunnel.h"

struct runtime {
	char name[64];
	char sock[108];
	struct status status;
	struct control ctl;
	struct netsetup ns;
	bool ctl_open, ns_open;
	pthread_t stopper; /* netsetup_stop() while the tunnel still runs */
	int stop_done_fd;  /* eventfd: the stopper has finished */
	bool stopper_started;
};

/*
 * Undoes what a killed run of this profile left, binds its control socket
 * under rundir, checks and prepares the network setup, and starts the
 * control thread; call as root.  0, or -1 with a message.  When rundir
 * cannot be made and the profile has no network setup, goes on without
 * a control socket (a warning).
 */
int runtime_open(struct runtime *rt, const struct profile *p, const struct vif *vif,
		 const char *rundir, char *err, size_t errlen);
/* Points the tunnel's status and login callback at rt. */
void runtime_attach(struct runtime *rt, struct tunnel *t);
/* Undoes the network setup, then stops the control thread and removes the socket. */
void runtime_close(struct runtime *rt);

#endif
