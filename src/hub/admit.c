// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Policy application and hub admission at the end of a login (admit.h).
 */
#include "admit.h"

#include <string.h>

#include "hub.h"
#include "pending.h"
#include "session.h"

/*
 * How many MAC addresses the session may own: policy MaxMac (at least 3, as
 * in SoftEther), 3 under NoBridge, else the server's per-session bound, so
 * no one session can fill the hub's table.
 */
static uint32_t session_max_macs(const struct hub_config *cfg, const struct policy *pol)
{
	if (pol->v[POL_MAX_MAC])
		return pol->v[POL_MAX_MAC] < 3 ? 3 : pol->v[POL_MAX_MAC];
	if (pol->v[POL_NO_BRIDGE])
		return 3;
	return cfg->session_max_macs;
}

/* Whether the user or its group has a Policy folder (else the defaults apply). */
static bool has_own_policy(const struct conf_hub *hub, const struct conf_user *user)
{
	const struct conf_group *g = user->group[0] ? config_find_group(hub, user->group) : NULL;

	return user->has_policy || (g && g->has_policy);
}

void sess_apply_policy(struct session *s, const struct hub_config *cfg, const struct conf_hub *hub,
		       const struct conf_user *user, struct policy *pol)
{
	config_user_policy(hub, user, pol);
	fw_session_init(&s->fw, pol, user->name, user->group,
			s->peer[0] == '[' && strncmp(s->peer, "[::ffff:", 8) != 0);
	s->port.max_macs = session_max_macs(cfg, pol);
	s->port.exclusive_ms = pol->v[POL_CHECK_MAC] ? SW_EXCLUSIVE_MS : 0;
	s->keepalive_s = cfg->keepalive_s;
	s->timeout_s = cfg->timeout_s;
	if (has_own_policy(hub, user)) {
		/* SoftEther: 0 means 30 s, and the value is clamped to 5..60 s */
		s->timeout_s = pol->v[POL_TIMEOUT] ? pol->v[POL_TIMEOUT] : 30;
		if (s->keepalive_s * 2 > s->timeout_s)
			s->keepalive_s = s->timeout_s / 2;
	}
	s->auto_disconnect_s = pol->v[POL_AUTO_DISCONNECT];
	s->max_logins = pol->v[POL_MULTI_LOGINS];
	/* congestion parameters and the storm limiter: the snapshot's, the hub's */
	s->cong = cfg->cong;
	if (hub->opt.flooding_quota) /* 0: SoftEther's default */
		s->cong.flood_quota = hub->opt.flooding_quota;
	storm_init(&s->storm, hub->opt.storm_threshold, hub->opt.storm_strict,
		   pol->v[POL_NO_BROADCAST_LIMITER] != 0);
}

int sess_admit(struct session *s, const struct hub_config *cfg, const struct conf_hub *hub,
	       const struct conf_user *user)
{
	uint32_t max = cfg->hub_max_sessions;
	int reason;

	if (hub->opt.max_session && hub->opt.max_session < max)
		max = hub->opt.max_session;
	reason = hub_user_admissible(hub, user);
	if (!reason)
		reason = sess_promote(s, cfg);
	if (!reason)
		reason = hub_attach(s->hub, s, max, s->max_logins);
	/* a reload between our snapshot and the attach must not be missed */
	if (!reason && (reason = hub_recheck(s->srv, cfg, s)) != 0)
		hub_detach(s->hub, s);
	if (reason)
		return reason;
	s->established_ms = hub_now_ms();
	s->state = SESS_ESTABLISHED;
	return 0;
}

void sess_unadmit(struct session *s)
{
	hub_detach(s->hub, s);
	s->state = SESS_HANDSHAKE;
}
