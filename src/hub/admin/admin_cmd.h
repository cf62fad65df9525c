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

#include <stddef.h>

#include "admin_out.h"
#include "admin_session.h"

/*
 * Runs one console line.  0 with the answer in out, or -1 with a message in
 * err (and nothing changed).  An empty line answers nothing.
 */
int admin_exec(struct admin_session *as, const char *line, size_t len, struct admin_out *out,
	       char *err, size_t errlen);

#endif
