/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Counters and timestamps the hub keeps between runs (logins per hub and per
 * user, last login time), in STATE_DIR/vpnhub.state, never in SoftHUB.cfg:
 * unlike SoftEther, the daemon does not rewrite its configuration.  The file
 * uses the same SoftEther text format.  Thread-safe.
 */
#ifndef VPN_STATE_H
#define VPN_STATE_H

#include <stddef.h>
#include <sys/types.h>

struct state;

/* Opens (and reads, if present) the state file; NULL with a message. */
struct state *state_open(const char *state_dir, char *err, size_t errlen);
/* Counts a login of user to hub now. */
void state_login(struct state *st, const char *hub, const char *user);
/* Writes the file atomically if anything changed since the last save; 0 or -1. */
int state_save(struct state *st, char *err, size_t errlen);
void state_free(struct state *st);
/* Hands the state file (if any) to the service user before a privilege drop. */
void state_chown(struct state *st, uid_t uid, gid_t gid);

#endif
