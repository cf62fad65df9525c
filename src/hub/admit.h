/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The last step of every login, whatever the wire protocol (ours in
 * handshake.c, SoftEther's in se_handshake.c): the user's resolved policy
 * applied to the session (firewall, MAC bound, timers, congestion, storm
 * limiter), then admission to its hub (account state, session limits, a
 * reload racing the login).
 */
#ifndef VPN_ADMIT_H
#define VPN_ADMIT_H

#include "config.h"
#include "policy.h"

struct session;

/* Applies user's policy to s; *pol receives the resolved policy. */
void sess_apply_policy(struct session *s, const struct hub_config *cfg, const struct conf_hub *hub,
		       const struct conf_user *user, struct policy *pol);

/*
 * Attaches s to its hub as an established session; 0, or the PROTO_R_*
 * reason it may not join (nothing to undo then).
 */
int sess_admit(struct session *s, const struct hub_config *cfg, const struct conf_hub *hub,
	       const struct conf_user *user);

/* Undoes sess_admit when the welcome could not be sent. */
void sess_unadmit(struct session *s);

#endif
