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
#include "stream.h"
#include "tunnel.h"

enum hubconn_status se_data_loop(struct tunnel *t, struct stream *st, struct drops *dr, char *err,
				 size_t errlen);

#endif
