/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The client's data phase with a stock SoftEther VPN Server (profile
 * "protocol = softether"): frames between the offload-free TAP device and
 * SoftEther's batches, keep-alives in SoftEther's interval, the server's
 * silence for its timeout ends the session.  Runs where tunnel.c runs its
 * own protocol's data loop, with the same stop and status handling.
 */
#ifndef VPN_SE_DATA_H
#define VPN_SE_DATA_H

#include <stddef.h>

#include "drops.h"
#include "hubconn.h"
#include "status.h"
#include "stream.h"
#include "vif.h"

/* What the loop needs of the tunnel that runs it (tunnel.c). */
struct se_port {
	struct vif *vif;
	struct status *status; /* NULL: not reported */
	uint64_t rx_frames, tx_frames;
	uint16_t timeout_s;		 /* the server's timeout (Welcome) */
	int sig_fd;			 /* readable: a signal for the tunnel */
	bool (*signalled)(void *tunnel); /* it was a stop signal (consumes it) */
	void *tunnel;
	/* starts the teardown that needs the link: an fd readable when done, or -1 */
	int (*on_stop)(void *arg);
	void *arg;
};

enum hubconn_status se_data_loop(struct se_port *t, struct stream *st, struct drops *dr, char *err,
				 size_t errlen);

#endif
